package dev.wengert.core.kernels;

import dev.wengert.core.Parallel;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
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

  /** Lanes of {@link #DOUBLES}: 2, 4 or 8. */
  private static final int DL = DOUBLES.length();

  /** Floats in {@link #DL} lanes (half the width), loaded to be widened to one double vector. */
  private static final VectorSpecies<Float> HALF_FLOATS =
      VectorSpecies.of(float.class, VectorShape.forBitSize(FLOATS.vectorBitSize() / 2));

  /** Ints in as many lanes as {@link #FLOATS}, for the positions max pooling keeps. */
  private static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, FLOATS.vectorShape());

  /**
   * Splitting two vectors side by side into their even and odd lanes: each is rearranged by one of
   * these (lane {@code i} takes lane {@code 2i mod FL}, or {@code 2i+1 mod FL}) and the second
   * supplies the upper half ({@code indexInRange(-FL/2, FL/2)}: lanes {@code i >= FL/2}). (JDK 17 compiles the one-vector rearrange to a single permute, but
   * not the two-vector form.)
   */
  private static final VectorShuffle<Float> EVEN_LANES = VectorShuffle.fromOp(FLOATS, i -> 2 * i % FL);
  private static final VectorShuffle<Float> ODD_LANES = VectorShuffle.fromOp(FLOATS, i -> (2 * i + 1) % FL);
  private static final VectorMask<Float> UPPER_HALF = FLOATS.indexInRange(-FL / 2, FL / 2);

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

  /** Lanes where the later candidate {@code next} replaces {@code best}: greater, or NaN over a number. */
  private static VectorMask<Float> replaces(FloatVector next, FloatVector best) {
    VectorMask<Float> nextIsNan = next.compare(VectorOperators.NE, next);
    VectorMask<Float> bestIsNan = best.compare(VectorOperators.NE, best);
    return next.compare(VectorOperators.GT, best).or(nextIsNan.andNot(bestIsNan));
  }

  /** Below this many elements the scalar loop is as fast (no lanes to extract and combine). */
  private static final int SHORT_SUM = 128;

  /**
   * {@inheritDoc}
   *
   * <p>The eight running sums of {@link ScalarKernels#sumFixedOrder}, held in float64 lanes: each
   * block of eight floats is widened to one vector of eight doubles, or two of four (running sums
   * 0-3 and 4-7), so every running sum sees the same additions in the same order as in the scalar
   * loop. The sums are then combined and the tail added exactly as there. (Each running sum is a
   * chain of dependent additions, so this is bound by their latency: ~10 floats/ns in cache.)
   */
  @Override
  public double sum(int n, float[] x, int offset) {
    if (n < SHORT_SUM || DL == 2) {
      return ScalarKernels.sumFixedOrder(n, x, offset); // (two lanes do not repay the widening)
    }
    int blocks = n & ~7;
    DoubleVector low = DoubleVector.zero(DOUBLES);
    DoubleVector high = low;
    for (int i = 0; i < blocks; i += 8) {
      low = low.add(widen(x, offset + i));
      if (DL == 4) {
        high = high.add(widen(x, offset + i + 4));
      }
    }
    double total =
        ((runningSum(low, high, 0) + runningSum(low, high, 1)) + (runningSum(low, high, 2) + runningSum(low, high, 3)))
            + ((runningSum(low, high, 4) + runningSum(low, high, 5)) + (runningSum(low, high, 6) + runningSum(low, high, 7)));
    for (int i = blocks; i < n; i++) {
      total += x[offset + i];
    }
    return total;
  }

  /** {@code DL} floats from {@code x[o]} widened to float64 (exact). */
  private static DoubleVector widen(float[] x, int o) {
    return (DoubleVector) FloatVector.fromArray(HALF_FLOATS, x, o).convertShape(VectorOperators.F2D, DOUBLES, 0);
  }

  /** Running sum {@code j} of {@link #sum}: lane j of the one accumulator, or of the low or high one. */
  private static double runningSum(DoubleVector low, DoubleVector high, int j) {
    return j < DL ? low.lane(j) : high.lane(j - DL);
  }

  // ------------------------------------------------------------------- exponential
  // exp(x) = 2^k · e^r with k = round(x / ln 2) and r = x - k·ln 2 in [-0.35, 0.35], e^r by its
  // Taylor polynomial of degree 13, all in float64: within a few float64 ulps of the exact value
  // (the tests measure it), as Math.exp is within one. Both then round to the same float unless a
  // float rounding boundary lies between them, that is unless the 29 low mantissa bits float32
  // drops are within ROUNDING_MARGIN ulps of exactly one half; such lanes (1 in 4096), and inputs
  // whose result is not a normal float (or NaN), take Math.exp itself.

  private static final double LOG2_E = 0x1.71547652b82fep0;
  /** ln 2 = LN2_HI + LN2_LO; LN2_HI has 32 significant bits, so k·LN2_HI is exact for |k| < 2^21. */
  private static final double LN2_HI = 0x1.62e42feep-1;
  private static final double LN2_LO = 0x1.a39ef35793c76p-33;
  /** 1.5·2^52: adding it rounds to an integer, which then sits in the low bits of the sum. */
  private static final double ROUNDING_MAGIC = 0x1.8p52;
  /** 1/k! for k = 13 down to 2: the polynomial's coefficients above 1 + r, highest first. */
  private static final double[] INVERSE_FACTORIALS = inverseFactorials(13);
  /** The mantissa bits float32 drops from float64, half their range, and the margin around it. */
  private static final long DROPPED_BITS = (1L << 29) - 1;
  private static final long HALF_DROPPED = 1L << 28;
  static final long ROUNDING_MARGIN = 1L << 16;
  /** Inputs whose exponential is a normal float: e^-87 > 2^-126 and e^88 < the largest float. */
  private static final double EXP_LOW = -87;
  private static final double EXP_HIGH = 88;

  private static double[] inverseFactorials(int degree) {
    double[] c = new double[degree - 1];
    double factorial = 1;
    for (int k = 2; k <= degree; k++) {
      factorial *= k;
      c[degree - k] = 1 / factorial;
    }
    return c;
  }

  @Override
  public void exp(int n, float[] x, int xOff, float[] out, int outOff) {
    if (DL == 2) {
      ScalarKernels.expFloats(n, x, xOff, out, outOff); // two lanes do not repay the set-up
      return;
    }
    int bound = n - n % DL;
    int i = 0;
    for (; i < bound; i += DL) {
      DoubleVector v = widen(x, xOff + i);
      DoubleVector y = expApproximation(v);
      LongVector dropped = ((LongVector) y.viewAsIntegralLanes()).and(DROPPED_BITS);
      VectorMask<Long> nearHalf = dropped.compare(VectorOperators.GT, HALF_DROPPED - ROUNDING_MARGIN)
          .and(dropped.compare(VectorOperators.LT, HALF_DROPPED + ROUNDING_MARGIN));
      VectorMask<Double> normal = v.compare(VectorOperators.GE, EXP_LOW).and(v.compare(VectorOperators.LE, EXP_HIGH));
      if (nearHalf.anyTrue() || !normal.allTrue()) {
        ScalarKernels.expFloats(DL, x, xOff + i, out, outOff + i);
      } else {
        ((FloatVector) y.convertShape(VectorOperators.D2F, HALF_FLOATS, 0)).intoArray(out, outOff + i);
      }
    }
    ScalarKernels.expFloats(n - i, x, xOff + i, out, outOff + i);
  }

  /** e^v in float64 for {@code v} in [{@link #EXP_LOW}, {@link #EXP_HIGH}] (anything outside: garbage). */
  private static DoubleVector expApproximation(DoubleVector v) {
    DoubleVector shifted = v.fma(LOG2_E, ROUNDING_MAGIC);
    DoubleVector k = shifted.sub(ROUNDING_MAGIC);
    DoubleVector r = k.fma(DoubleVector.broadcast(DOUBLES, -LN2_HI), v);
    r = k.fma(DoubleVector.broadcast(DOUBLES, -LN2_LO), r);
    DoubleVector p = DoubleVector.broadcast(DOUBLES, INVERSE_FACTORIALS[0]);
    for (int j = 1; j < INVERSE_FACTORIALS.length; j++) {
      p = p.fma(r, DoubleVector.broadcast(DOUBLES, INVERSE_FACTORIALS[j]));
    }
    DoubleVector one = DoubleVector.broadcast(DOUBLES, 1.0);
    p = p.fma(r, one).fma(r, one);
    // 2^k: k sits in the low mantissa bits of `shifted`; shifted into the exponent field, biased.
    LongVector twoToK = ((LongVector) shifted.viewAsIntegralLanes()).lanewise(VectorOperators.LSHL, 52).add(1023L << 52);
    return p.mul((DoubleVector) twoToK.viewAsFloatingLanes());
  }

  /** {@link #expApproximation} of each {@code x[i]}, for the tests that bound its error. */
  static double[] expApproximations(float[] x) {
    double[] y = new double[x.length];
    double[] lanes = new double[DL];
    for (int i = 0; i + DL <= x.length; i += DL) {
      expApproximation(widen(x, i)).intoArray(lanes, 0);
      System.arraycopy(lanes, 0, y, i, DL);
    }
    return y;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Each column's chain is one lane: {@code DL} columns at a time are widened and added, row
   * after row, as in the scalar loop.
   */
  @Override
  public void addRows(int rows, int n, float[] x, int offset, int stride, double[] acc, int accOffset) {
    if (DL == 2) {
      ScalarKernels.addRowsScalar(rows, n, x, offset, stride, acc, accOffset);
      return;
    }
    int bound = n - n % DL;
    for (int r = 0; r < rows; r++) {
      int row = offset + r * stride;
      int j = 0;
      for (; j < bound; j += DL) {
        DoubleVector.fromArray(DOUBLES, acc, accOffset + j).add(widen(x, row + j)).intoArray(acc, accOffset + j);
      }
      for (; j < n; j++) {
        acc[accOffset + j] += x[row + j];
      }
    }
  }
}
