package dev.wengert.core.kernels;

import static jdk.incubator.vector.VectorOperators.D2F;
import static jdk.incubator.vector.VectorOperators.F2D;

import dev.wengert.core.Parallel;
import dev.wengert.core.kernels.ScalarKernels.Term;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
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

  private static final int DL = DOUBLES.length();

  /**
   * Whether the fixed-order float64 sums run in vectors: they keep eight running sums, one or two
   * vectors of doubles with 512- or 256-bit vectors; narrower vectors use the scalar loop. Each
   * block of eight floats widens to one or two vectors of doubles ({@link #widen}), and lane {@code
   * j} of the sums receives exactly the terms of the elements {@code i ≡ j (mod 8)}, in order, as in
   * {@link ScalarKernels#fixedOrder}.
   */
  private static final boolean WIDENS = DL == 8 || DL == 4;

  /** Shortest run whose fixed-order sum uses the vectors (each step loads whole vectors of floats). */
  private static final int SUM_MIN = FL + 4;


  /** Ints in as many lanes as {@link #FLOATS}, for the positions max pooling keeps. */
  private static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, FLOATS.vectorShape());

  /**
   * Splitting two vectors side by side into their even and odd lanes: each is rearranged by one of
   * these (lane {@code i} takes lane {@code 2i mod FL}, or {@code 2i+1 mod FL}) and the second
   * supplies the upper half ({@code indexInRange(-FL/2, FL/2)}: lanes {@code i >= FL/2}). (JDK 17
   * compiles the one-vector rearrange to a single permute, but not the two-vector form.)
   */
  private static final VectorShuffle<Float> EVEN_LANES = VectorShuffle.fromOp(FLOATS, i -> 2 * i % FL);
  private static final VectorShuffle<Float> ODD_LANES = VectorShuffle.fromOp(FLOATS, i -> (2 * i + 1) % FL);
  private static final VectorMask<Float> UPPER_HALF = FLOATS.indexInRange(-FL / 2, FL / 2);
  /** Swaps the lower and upper halves of a vector's lanes. */
  private static final VectorShuffle<Float> UPPER_TO_LOWER = VectorShuffle.fromOp(FLOATS, i -> (i + FL / 2) % FL);
  /** Lane {@code i} takes lane {@code i/2} of the lower half, or of the upper half. */
  private static final VectorShuffle<Float> ZIP_LOWER = VectorShuffle.fromOp(FLOATS, i -> i / 2);
  private static final VectorShuffle<Float> ZIP_UPPER = VectorShuffle.fromOp(FLOATS, i -> FL / 2 + i / 2);
  private static final VectorMask<Float> ODD_LANES_MASK =
      VectorMask.fromLong(FLOATS, 0xAAAAAAAAAAAAAAAAL & (FL == 64 ? -1L : (1L << FL) - 1));

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
      VectorSgemm.of(
              transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc)
          .run();
    }
  }

  @Override
  public void sgemmRuns(
      boolean transA, boolean transB, int m, int n, int k,
      float[] a, int[] aRows, float[] b, int[] bRows, float beta, float[] c, int cOff, int ldc) {
    ScalarKernels.checkGemm(m, n, k);
    if ((long) m * n * k < SMALL_GEMM || k == 0) {
      ScalarKernels.sgemmRuns(transA, transB, 0, m, n, k, a, aRows, b, bRows, beta, c, cOff, ldc);
    } else {
      VectorSgemm.ofRuns(transA, transB, m, n, k, a, aRows, b, bRows, beta, c, cOff, ldc).run();
    }
  }

  @Override
  public void dgemmRuns(
      boolean transA, boolean transB, int m, int n, int k,
      double[] a, int[] aRows, double[] b, int[] bRows, double beta, double[] c, int cOff, int ldc) {
    ScalarKernels.checkGemm(m, n, k);
    if ((long) m * n * k < SMALL_GEMM || k == 0) {
      ScalarKernels.dgemmRuns(transA, transB, 0, m, n, k, a, aRows, b, bRows, beta, c, cOff, ldc);
    } else {
      VectorDgemm.ofRuns(transA, transB, m, n, k, a, aRows, b, bRows, beta, c, cOff, ldc).run();
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
      VectorDgemm.of(
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
  public void addRuns(int runs, int len, float[] src, int srcOff, float[] dst, int[] starts) {
    int vectors = FLOATS.loopBound(len);
    for (int r = 0, d = srcOff; r < runs; r++, d += len) {
      int s = starts[r];
      int i = 0;
      for (; i < vectors; i += FL) {
        FloatVector.fromArray(FLOATS, dst, s + i).add(FloatVector.fromArray(FLOATS, src, d + i)).intoArray(dst, s + i);
      }
      for (; i < len; i++) {
        dst[s + i] += src[d + i];
      }
    }
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
  public void reluBackward(int n, float[] g, int gOff, float[] y, int yOff, float[] out, int outOff) {
    Parallel.forRange(
        n,
        ScalarKernels.ELEMENTWISE_GRAIN,
        (from, to) -> {
          FloatVector zero = FloatVector.zero(FLOATS);
          int i = from;
          for (int end = from + FLOATS.loopBound(to - from); i < end; i += FL) {
            VectorMask<Float> positive = FloatVector.fromArray(FLOATS, y, yOff + i).compare(VectorOperators.GT, 0f);
            zero.blend(FloatVector.fromArray(FLOATS, g, gOff + i), positive).intoArray(out, outOff + i);
          }
          for (; i < to; i++) {
            out[outOff + i] = y[yOff + i] > 0f ? g[gOff + i] : 0f;
          }
        });
  }

  /**
   * {@inheritDoc}
   *
   * <p>Vectors of {@code FL} outputs of one row: the two input rows are read as two vectors each
   * and split into even and odd columns, the pairs are reduced left then right, then top against
   * bottom, which picks the same element as the scalar left-to-right scan (the rule is
   * associative over candidates kept in order). A row's last, partial vector goes through a
   * buffer; a vector whose reads would pass the end of {@code x} goes to the scalar loop.
   */
  @Override
  public void maxPool2x2(
      int planes, float[] x, int xOff, int h, int w, int outH, int outW,
      float[] y, int yOff, int[] argmax, int aOff) {
    float[] lastValues = new float[FL];
    int[] lastPositions = new int[FL];
    IntVector evenColumns = IntVector.zero(INTS).addIndex(2);
    for (int p = 0; p < planes; p++) {
      int plane = xOff + p * h * w;
      for (int i = 0; i < outH; i++) {
        int top = 2 * i * w;
        int o = p * outH * outW + i * outW;
        for (int j = 0; j < outW; j += FL) {
          int at = top + 2 * j;
          if (plane + at + w + 2 * FL > x.length) {
            ScalarKernels.maxPool2x2Row(x, plane, w, i, j, outW, y, yOff + o, argmax, aOff + o);
            break;
          }
          FloatVector t0 = FloatVector.fromArray(FLOATS, x, plane + at);
          FloatVector t1 = FloatVector.fromArray(FLOATS, x, plane + at + FL);
          FloatVector b0 = FloatVector.fromArray(FLOATS, x, plane + at + w);
          FloatVector b1 = FloatVector.fromArray(FLOATS, x, plane + at + w + FL);
          if (Float.isNaN(t0.add(t1).add(b0).add(b1).reduceLanes(VectorOperators.ADD))) {
            // A NaN (or infinities of both signs) among these windows: the scalar rule for the rest
            // of the row, so that the vector rule needs no NaN case.
            ScalarKernels.maxPool2x2Row(x, plane, w, i, j, outW, y, yOff + o, argmax, aOff + o);
            break;
          }
          FloatVector topLeft = t0.rearrange(EVEN_LANES).blend(t1.rearrange(EVEN_LANES), UPPER_HALF);
          FloatVector topRight = t0.rearrange(ODD_LANES).blend(t1.rearrange(ODD_LANES), UPPER_HALF);
          FloatVector bottomLeft = b0.rearrange(EVEN_LANES).blend(b1.rearrange(EVEN_LANES), UPPER_HALF);
          FloatVector bottomRight = b0.rearrange(ODD_LANES).blend(b1.rearrange(ODD_LANES), UPPER_HALF);
          IntVector topLeftAt = evenColumns.add(at);
          VectorMask<Float> right = replaces(topRight, topLeft);
          FloatVector topBest = topLeft.blend(topRight, right);
          IntVector topBestAt = topLeftAt.blend(topLeftAt.add(1), right.cast(INTS));
          right = replaces(bottomRight, bottomLeft);
          FloatVector bottomBest = bottomLeft.blend(bottomRight, right);
          IntVector bottomLeftAt = topLeftAt.add(w);
          IntVector bottomBestAt = bottomLeftAt.blend(bottomLeftAt.add(1), right.cast(INTS));
          VectorMask<Float> bottom = replaces(bottomBest, topBest);
          FloatVector best = topBest.blend(bottomBest, bottom);
          IntVector bestAt = topBestAt.blend(bottomBestAt, bottom.cast(INTS));
          int count = Math.min(FL, outW - j);
          if (count == FL) {
            best.intoArray(y, yOff + o + j);
            bestAt.intoArray(argmax, aOff + o + j);
          } else {
            best.intoArray(lastValues, 0);
            bestAt.intoArray(lastPositions, 0);
            System.arraycopy(lastValues, 0, y, yOff + o + j, count);
            System.arraycopy(lastPositions, 0, argmax, aOff + o + j, count);
          }
        }
      }
    }
  }

  @Override
  public void avgPool2x2(int planes, float[] x, int xOff, int h, int w, int outH, int outW, float[] y, int yOff) {
    float[] last = new float[FL];
    FloatVector zero = FloatVector.zero(FLOATS);
    for (int p = 0; p < planes; p++) {
      int plane = xOff + p * h * w;
      for (int i = 0; i < outH; i++) {
        int top = 2 * i * w;
        int o = yOff + p * outH * outW + i * outW;
        for (int j = 0; j < outW; j += FL) {
          int at = plane + top + 2 * j;
          if (at + w + 2 * FL > x.length) {
            ScalarKernels.avgPool2x2Row(x, plane, w, i, j, outW, y, o);
            break;
          }
          FloatVector t0 = FloatVector.fromArray(FLOATS, x, at);
          FloatVector t1 = FloatVector.fromArray(FLOATS, x, at + FL);
          FloatVector b0 = FloatVector.fromArray(FLOATS, x, at + w);
          FloatVector b1 = FloatVector.fromArray(FLOATS, x, at + w + FL);
          // x/4 and x·0.25 are both the correctly rounded quarter: the same bits.
          FloatVector mean = zero
              .add(t0.rearrange(EVEN_LANES).blend(t1.rearrange(EVEN_LANES), UPPER_HALF))
              .add(t0.rearrange(ODD_LANES).blend(t1.rearrange(ODD_LANES), UPPER_HALF))
              .add(b0.rearrange(EVEN_LANES).blend(b1.rearrange(EVEN_LANES), UPPER_HALF))
              .add(b0.rearrange(ODD_LANES).blend(b1.rearrange(ODD_LANES), UPPER_HALF))
              .mul(0.25f);
          int count = Math.min(FL, outW - j);
          if (count == FL) {
            mean.intoArray(y, o + j);
          } else {
            mean.intoArray(last, 0);
            System.arraycopy(last, 0, y, o + j, count);
          }
        }
      }
    }
  }

  @Override
  public void adam(
      int n, AdamStep s, float[] param, int po, float[] grad, int go, float[] expAvg, int mo, float[] expAvgSq,
      int vo, float[] maxExpAvgSq, int xo) {
    FloatVector beta1 = FloatVector.broadcast(FLOATS, s.beta1());
    FloatVector oneMinusBeta1 = FloatVector.broadcast(FLOATS, s.oneMinusBeta1());
    FloatVector beta2 = FloatVector.broadcast(FLOATS, s.beta2());
    FloatVector correction = FloatVector.broadcast(FLOATS, s.biasCorrection2Sqrt());
    FloatVector eps = FloatVector.broadcast(FLOATS, s.eps());
    FloatVector scale = FloatVector.broadcast(FLOATS, s.decoupledScale());
    FloatVector decay = FloatVector.broadcast(FLOATS, s.weightDecay());
    DoubleVector oneMinusBeta2 = DoubleVector.broadcast(DOUBLES, s.oneMinusBeta2());
    DoubleVector negStep = DoubleVector.broadcast(DOUBLES, s.negStepSize());
    int i = 0;
    // The float64 steps take each half of a vector to the lower lanes (a one-vector permute) and
    // widen only those (convertShape part 0: JDK 17 runs other parts through uncompiled code); the
    // two narrowed halves are joined by a permute and a blend. Conversions are written out in place:
    // vectors passed to a helper method were boxed in JDK 17 (see sum).
    for (int end = n - FL; i <= end; i += FL) {
      FloatVector g = FloatVector.fromArray(FLOATS, grad, go + i);
      if (s.maximize()) {
        g = g.neg();
      }
      FloatVector p = FloatVector.fromArray(FLOATS, param, po + i);
      if (s.decoupled()) {
        p = p.mul(scale);
      } else if (s.l2()) {
        g = decay.fma(p, g);
      }
      FloatVector m = oneMinusBeta1.fma(g, FloatVector.fromArray(FLOATS, expAvg, mo + i).mul(beta1));
      m.intoArray(expAvg, mo + i);
      FloatVector decayedV = FloatVector.fromArray(FLOATS, expAvgSq, vo + i).mul(beta2);
      FloatVector gUpper = g.rearrange(UPPER_TO_LOWER);
      DoubleVector gLow = (DoubleVector) g.convertShape(F2D, DOUBLES, 0);
      DoubleVector gHigh = (DoubleVector) gUpper.convertShape(F2D, DOUBLES, 0);
      DoubleVector dvLow = (DoubleVector) decayedV.convertShape(F2D, DOUBLES, 0);
      DoubleVector dvHigh = (DoubleVector) decayedV.rearrange(UPPER_TO_LOWER).convertShape(F2D, DOUBLES, 0);
      FloatVector vLow = (FloatVector) dvLow.add(oneMinusBeta2.mul(gLow).mul(gLow)).convertShape(D2F, FLOATS, 0);
      FloatVector vHigh = (FloatVector) dvHigh.add(oneMinusBeta2.mul(gHigh).mul(gHigh)).convertShape(D2F, FLOATS, 0);
      FloatVector v = vLow.blend(vHigh.rearrange(UPPER_TO_LOWER), UPPER_HALF); // the shuffle is its own inverse
      v.intoArray(expAvgSq, vo + i);
      FloatVector second = v;
      if (maxExpAvgSq != null) {
        second = FloatVector.fromArray(FLOATS, maxExpAvgSq, xo + i).max(v);
        second.intoArray(maxExpAvgSq, xo + i);
      }
      FloatVector denom = second.sqrt().div(correction).add(eps);
      DoubleVector mLow = (DoubleVector) m.convertShape(F2D, DOUBLES, 0);
      DoubleVector mHigh = (DoubleVector) m.rearrange(UPPER_TO_LOWER).convertShape(F2D, DOUBLES, 0);
      DoubleVector denomLow = (DoubleVector) denom.convertShape(F2D, DOUBLES, 0);
      DoubleVector denomHigh = (DoubleVector) denom.rearrange(UPPER_TO_LOWER).convertShape(F2D, DOUBLES, 0);
      FloatVector updateLow = (FloatVector) negStep.mul(mLow).div(denomLow).convertShape(D2F, FLOATS, 0);
      FloatVector updateHigh = (FloatVector) negStep.mul(mHigh).div(denomHigh).convertShape(D2F, FLOATS, 0);
      p.add(updateLow.blend(updateHigh.rearrange(UPPER_TO_LOWER), UPPER_HALF)).intoArray(param, po + i);
    }
    ScalarKernels.adam(i, n, s, param, po, grad, go, expAvg, mo, expAvgSq, vo, maxExpAvgSq, xo);
  }

  @Override
  public void interleave(int n, float[] x, int xOff, float[] y, int yOff, float[] out, int outOff) {
    int i = 0;
    // One-vector permutes (as in maxPool2x2): each pair of vectors gives two interleaved ones.
    for (int end = n - FL; i <= end; i += FL) {
      FloatVector a = FloatVector.fromArray(FLOATS, x, xOff + i);
      FloatVector b = FloatVector.fromArray(FLOATS, y, yOff + i);
      a.rearrange(ZIP_LOWER).blend(b.rearrange(ZIP_LOWER), ODD_LANES_MASK).intoArray(out, outOff + 2 * i);
      a.rearrange(ZIP_UPPER).blend(b.rearrange(ZIP_UPPER), ODD_LANES_MASK).intoArray(out, outOff + 2 * i + FL);
    }
    ScalarKernels.interleave(i, n, x, xOff, y, yOff, out, outOff);
  }

  @Override
  public void copyRows(int rows, int n, float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride) {
    int whole = n / FL * FL;
    for (int r = 0; r < rows; r++) {
      int s = srcOff + r * srcStride;
      int d = dstOff + r * dstStride;
      for (int i = 0; i < whole; i += FL) {
        FloatVector.fromArray(FLOATS, src, s + i).intoArray(dst, d + i);
      }
      for (int i = whole; i < n; i++) {
        dst[d + i] = src[s + i];
      }
    }
  }

  @Override
  public void deinterleave(
      int rows, int n, float[] x, int xOff, int xStride, float[] even, int evenOff, float[] odd, int oddOff,
      int dstStride) {
    for (int r = 0; r < rows; r++) {
      int xr = xOff + r * xStride;
      int er = evenOff + r * dstStride;
      int or = oddOff + r * dstStride;
      int i = 0;
      // As in maxPool2x2: each pair of vectors gives their even and their odd lanes.
      for (int end = n - FL; i <= end; i += FL) {
        FloatVector a = FloatVector.fromArray(FLOATS, x, xr + 2 * i);
        FloatVector b = FloatVector.fromArray(FLOATS, x, xr + 2 * i + FL);
        a.rearrange(EVEN_LANES).blend(b.rearrange(EVEN_LANES), UPPER_HALF).intoArray(even, er + i);
        a.rearrange(ODD_LANES).blend(b.rearrange(ODD_LANES), UPPER_HALF).intoArray(odd, or + i);
      }
      ScalarKernels.deinterleave(i, n, x, xr, even, er, odd, or);
    }
  }

  /**
   * Lanes where the later candidate {@code next} replaces {@code best}: greater (a tie keeps the
   * first). Windows with a NaN never get here: the NaN rule needs mask logic ({@code or}, {@code
   * andNot}), which JDK 17 runs on boxed masks (measured: 6.9 MB of garbage per 64x32x28x28 pool).
   */
  private static VectorMask<Float> replaces(FloatVector next, FloatVector best) {
    return next.compare(VectorOperators.GT, best);
  }

  // exp and addRows stay scalar (the interface's loops).

  @Override
  public double sum(int n, float[] x, int offset) {
    if (!WIDENS || n < SUM_MIN) {
      return ScalarKernels.sumFixedOrder(n, x, offset);
    }
    DoubleVector low = DoubleVector.zero(DOUBLES);
    DoubleVector high = low;
    int i = 0;
    for (int end = n - FL - 4; i <= end; i += 8) {
      low = low.add(widen(x, offset + i));
      if (DL == 4) {
        high = high.add(widen(x, offset + i + 4));
      }
    }
    double[] lanes = new double[8]; // lane(j), or a helper taking the vectors, compiles badly in JDK 17
    low.intoArray(lanes, 0);
    if (DL == 4) {
      high.intoArray(lanes, 4);
    }
    return ScalarKernels.fixedOrder(Term.VALUE, n, null, 0, x, offset, 0, i,
        lanes[0], lanes[1], lanes[2], lanes[3], lanes[4], lanes[5], lanes[6], lanes[7]);
  }

  @Override
  public double squaredDeviations(int n, float[] x, int offset, double mean) {
    if (!WIDENS || n < SUM_MIN) {
      return ScalarKernels.fixedOrder(Term.SQUARED_DEVIATION, n, null, 0, x, offset, mean);
    }
    DoubleVector m = DoubleVector.broadcast(DOUBLES, mean);
    DoubleVector low = DoubleVector.zero(DOUBLES);
    DoubleVector high = low;
    int i = 0;
    for (int end = n - FL - 4; i <= end; i += 8) {
      DoubleVector d = widen(x, offset + i).sub(m);
      low = low.add(d.mul(d));
      if (DL == 4) {
        DoubleVector e = widen(x, offset + i + 4).sub(m);
        high = high.add(e.mul(e));
      }
    }
    double[] lanes = new double[8]; // lane(j), or a helper taking the vectors, compiles badly in JDK 17
    low.intoArray(lanes, 0);
    if (DL == 4) {
      high.intoArray(lanes, 4);
    }
    return ScalarKernels.fixedOrder(Term.SQUARED_DEVIATION, n, null, 0, x, offset, mean, i,
        lanes[0], lanes[1], lanes[2], lanes[3], lanes[4], lanes[5], lanes[6], lanes[7]);
  }

  @Override
  public double dotAboutMean(int n, float[] g, int gOffset, float[] x, int xOffset, double mean) {
    if (!WIDENS || n < SUM_MIN) {
      return ScalarKernels.fixedOrder(Term.PRODUCT_ABOUT_MEAN, n, g, gOffset, x, xOffset, mean);
    }
    DoubleVector m = DoubleVector.broadcast(DOUBLES, mean);
    DoubleVector low = DoubleVector.zero(DOUBLES);
    DoubleVector high = low;
    int i = 0;
    for (int end = n - FL - 4; i <= end; i += 8) {
      low = low.add(widen(g, gOffset + i).mul(widen(x, xOffset + i).sub(m)));
      if (DL == 4) {
        high = high.add(widen(g, gOffset + i + 4).mul(widen(x, xOffset + i + 4).sub(m)));
      }
    }
    double[] lanes = new double[8]; // lane(j), or a helper taking the vectors, compiles badly in JDK 17
    low.intoArray(lanes, 0);
    if (DL == 4) {
      high.intoArray(lanes, 4);
    }
    return ScalarKernels.fixedOrder(Term.PRODUCT_ABOUT_MEAN, n, g, gOffset, x, xOffset, mean, i,
        lanes[0], lanes[1], lanes[2], lanes[3], lanes[4], lanes[5], lanes[6], lanes[7]);
  }

  /**
   * The {@code DL} floats at {@code a[at]}, widened to doubles: the lower part of a whole vector
   * of floats ({@code convertShape} part 0; part 1 goes through a slice that JDK 17 may leave
   * uncompiled, so the upper half is read by a second load instead).
   */
  private static DoubleVector widen(float[] a, int at) {
    return (DoubleVector) FloatVector.fromArray(FLOATS, a, at).convertShape(F2D, DOUBLES, 0);
  }
}
