package dev.wengert.core.kernels;

import dev.wengert.core.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The kernels on the JDK's Vector API ({@code jdk.incubator.vector}). Loaded reflectively by
 * {@link KernelsProvider} so nothing else links against the incubator module.
 *
 * <p>The vector width is {@code -Dwengert.vector.bits} (128, 256 or 512) when set, otherwise the
 * platform's preferred width. The species are {@code static final} so the JIT folds them into
 * constants. GEMM is {@link VectorSgemm} / {@link VectorDgemm} (packed, blocked, threaded);
 * products too small to repay packing go to {@link ScalarKernels}' simple loops.
 */
final class VectorKernels implements Kernels {

  /** The float species: {@code -Dwengert.vector.bits} or the platform's preferred width. */
  static final VectorSpecies<Float> FLOATS = floatSpecies();

  /** The double species of the same width. */
  static final VectorSpecies<Double> DOUBLES =
      VectorSpecies.of(double.class, FLOATS.vectorShape());

  private static final int FL = FLOATS.length();

  /**
   * Products with fewer multiply-adds than this skip packing and threads (measured: at 16^3 the
   * packed kernels are already several times faster, skinny shapes included).
   */
  private static final long SMALL_GEMM = 512;

  /** Public for {@link KernelsProvider}, which loads this class by name. */
  public VectorKernels() {}

  private static VectorSpecies<Float> floatSpecies() {
    String bits = System.getProperty(KernelsProvider.VECTOR_BITS_PROPERTY);
    if (bits == null || bits.isEmpty()) {
      return FloatVector.SPECIES_PREFERRED;
    }
    return switch (bits.trim()) {
      case "128" -> FloatVector.SPECIES_128;
      case "256" -> FloatVector.SPECIES_256;
      case "512" -> FloatVector.SPECIES_512;
      default -> throw new IllegalStateException(
          "-D" + KernelsProvider.VECTOR_BITS_PROPERTY + " must be 128, 256 or 512, got '" + bits
              + "'");
    };
  }

  @Override
  public String description() {
    return "vector (" + FLOATS.vectorBitSize() + "-bit, " + FL + " float lanes)";
  }

  // ---------------------------------------------------------------------------------- GEMM

  @Override
  public void sgemm(
      boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    ScalarKernels.checkGemm(m, n, k);
    if (m == 0 || n == 0) {
      return;
    }
    if (k == 0 || alpha == 0f) {
      ScalarKernels.scale(m, n, beta, c, cOff, ldc);
    } else if ((long) m * n * k < SMALL_GEMM) {
      ScalarKernels.sgemmRows(
          transA, transB, 0, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    } else {
      new VectorSgemm(
              transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc)
          .run();
    }
  }

  @Override
  public void dgemm(
      boolean transA, boolean transB, int m, int n, int k, double alpha,
      double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
      double beta, double[] c, int cOff, int ldc) {
    ScalarKernels.checkGemm(m, n, k);
    if (m == 0 || n == 0) {
      return;
    }
    if (k == 0 || alpha == 0d) {
      ScalarKernels.scale(m, n, beta, c, cOff, ldc);
    } else if ((long) m * n * k < SMALL_GEMM) {
      ScalarKernels.dgemmRows(
          transA, transB, 0, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    } else {
      new VectorDgemm(
              transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc)
          .run();
    }
  }

  // --------------------------------------------------------------------------- elementwise
  // Each loop handles whole vectors and finishes with a scalar tail doing the same arithmetic.

  @Override
  public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
    Parallel.forRange(
        n,
        ScalarKernels.ELEMENTWISE_GRAIN,
        (from, to) -> {
          FloatVector alphaV = FloatVector.broadcast(FLOATS, alpha);
          int i = from;
          for (int end = from + FLOATS.loopBound(to - from); i < end; i += FL) {
            FloatVector yv = FloatVector.fromArray(FLOATS, y, yOff + i);
            FloatVector.fromArray(FLOATS, x, xOff + i).fma(alphaV, yv).intoArray(y, yOff + i);
          }
          for (; i < to; i++) {
            y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
          }
        });
  }

  @Override
  public void add(int n, float[] x, int xOff, float[] y, int yOff, float[] out, int outOff) {
    Parallel.forRange(
        n,
        ScalarKernels.ELEMENTWISE_GRAIN,
        (from, to) -> {
          int i = from;
          for (int end = from + FLOATS.loopBound(to - from); i < end; i += FL) {
            FloatVector.fromArray(FLOATS, x, xOff + i)
                .add(FloatVector.fromArray(FLOATS, y, yOff + i))
                .intoArray(out, outOff + i);
          }
          for (; i < to; i++) {
            out[outOff + i] = x[xOff + i] + y[yOff + i];
          }
        });
  }

  @Override
  public void mul(int n, float[] x, int xOff, float[] y, int yOff, float[] out, int outOff) {
    Parallel.forRange(
        n,
        ScalarKernels.ELEMENTWISE_GRAIN,
        (from, to) -> {
          int i = from;
          for (int end = from + FLOATS.loopBound(to - from); i < end; i += FL) {
            FloatVector.fromArray(FLOATS, x, xOff + i)
                .mul(FloatVector.fromArray(FLOATS, y, yOff + i))
                .intoArray(out, outOff + i);
          }
          for (; i < to; i++) {
            out[outOff + i] = x[xOff + i] * y[yOff + i];
          }
        });
  }

  @Override
  public void relu(int n, float[] x, int xOff, float[] out, int outOff) {
    Parallel.forRange(
        n,
        ScalarKernels.ELEMENTWISE_GRAIN,
        (from, to) -> {
          FloatVector zero = FloatVector.zero(FLOATS);
          int i = from;
          for (int end = from + FLOATS.loopBound(to - from); i < end; i += FL) {
            // Lanewise MAX follows Math.max: NaN stays NaN.
            FloatVector.fromArray(FLOATS, x, xOff + i)
                .lanewise(VectorOperators.MAX, zero)
                .intoArray(out, outOff + i);
          }
          for (; i < to; i++) {
            out[outOff + i] = Math.max(x[xOff + i], 0f);
          }
        });
  }

  @Override
  public double sum(int n, float[] x, int offset) {
    // The order is fixed across implementations, so the scalar routine is shared.
    return ScalarKernels.sumFixedOrder(n, x, offset);
  }
}
