package dev.wengert.core.kernels;

import dev.wengert.core.Parallel;
import java.util.Arrays;

/**
 * The plain-Java kernels: used when the Vector API is unavailable or {@code
 * -Dwengert.kernels=scalar} is set, and by {@link VectorKernels} for products too small to pack.
 *
 * <p>GEMM is blocked for the caches ({@value #KC} deep, {@value #NC} wide blocks of {@code op(B)},
 * copied row-major when {@code B} is transposed) and walks each row of {@code C} as {@code c[i, :]
 * += alpha*a[i, p] * b[p, :]}. It favours clarity over speed (a few GFLOPS). Threads split the
 * rows of {@code C}; every element is accumulated in the same order whatever the thread count.
 */
final class ScalarKernels implements Kernels {

  /** Depth of one block of {@code op(B)}. */
  static final int KC = 256;
  /** Width of one block of {@code op(B)}; {@code KC x NC} floats stay in L2. */
  static final int NC = 1024;
  /** Minimum multiply-adds per thread before a GEMM is split across threads. */
  private static final long MIN_FMAS_PER_THREAD = 1L << 20;
  /** Minimum elements per thread before an elementwise loop is split across threads. */
  static final int ELEMENTWISE_GRAIN = 1 << 16;

  ScalarKernels() {}

  @Override
  public String description() {
    return "scalar";
  }

  // ---------------------------------------------------------------------------------- GEMM

  @Override
  public void sgemm(
      boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    checkGemm(m, n, k);
    if (m == 0 || n == 0) {
      return;
    }
    if (k == 0 || alpha == 0f) {
      scale(m, n, beta, c, cOff, ldc);
      return;
    }
    Parallel.forRange(
        m,
        rowGrain(n, k),
        (i0, i1) ->
            sgemmRows(transA, transB, i0, i1, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c,
                cOff, ldc));
  }

  /** Rows {@code [i0, i1)} of {@link #sgemm} on the calling thread ({@code k > 0}). */
  static void sgemmRows(
      boolean transA, boolean transB, int i0, int i1, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    for (int jc = 0; jc < n; jc += NC) {
      int cols = Math.min(NC, n - jc);
      for (int pc = 0; pc < k; pc += KC) {
        int depth = Math.min(KC, k - pc);
        // View of op(B)[pc:pc+depth, jc:jc+cols] with contiguous rows.
        float[] bb = b;
        int bBase = bOff + pc * ldb + jc;
        int bStride = ldb;
        if (transB) {
          bb = ScratchBuffers.get().floats(ScratchBuffers.Buffer.B, depth * cols);
          for (int j = 0; j < cols; j++) {
            int src = bOff + (jc + j) * ldb + pc;
            for (int p = 0; p < depth; p++) {
              bb[p * cols + j] = b[src + p];
            }
          }
          bBase = 0;
          bStride = cols;
        }
        for (int i = i0; i < i1; i++) {
          int ci = cOff + i * ldc + jc;
          if (pc == 0) {
            scaleRow(cols, beta, c, ci);
          }
          for (int p = 0; p < depth; p++) {
            float aip =
                alpha * (transA ? a[aOff + (pc + p) * lda + i] : a[aOff + i * lda + pc + p]);
            axpyRow(cols, aip, bb, bBase + p * bStride, c, ci);
          }
        }
      }
    }
  }

  @Override
  public void dgemm(
      boolean transA, boolean transB, int m, int n, int k, double alpha,
      double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
      double beta, double[] c, int cOff, int ldc) {
    checkGemm(m, n, k);
    if (m == 0 || n == 0) {
      return;
    }
    if (k == 0 || alpha == 0d) {
      scale(m, n, beta, c, cOff, ldc);
      return;
    }
    Parallel.forRange(
        m,
        rowGrain(n, k),
        (i0, i1) ->
            dgemmRows(transA, transB, i0, i1, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c,
                cOff, ldc));
  }

  /** {@link #sgemmRows} in float64. */
  static void dgemmRows(
      boolean transA, boolean transB, int i0, int i1, int n, int k, double alpha,
      double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
      double beta, double[] c, int cOff, int ldc) {
    for (int jc = 0; jc < n; jc += NC) {
      int cols = Math.min(NC, n - jc);
      for (int pc = 0; pc < k; pc += KC) {
        int depth = Math.min(KC, k - pc);
        double[] bb = b;
        int bBase = bOff + pc * ldb + jc;
        int bStride = ldb;
        if (transB) {
          bb = ScratchBuffers.get().doubles(ScratchBuffers.Buffer.B, depth * cols);
          for (int j = 0; j < cols; j++) {
            int src = bOff + (jc + j) * ldb + pc;
            for (int p = 0; p < depth; p++) {
              bb[p * cols + j] = b[src + p];
            }
          }
          bBase = 0;
          bStride = cols;
        }
        for (int i = i0; i < i1; i++) {
          int ci = cOff + i * ldc + jc;
          if (pc == 0) {
            scaleRow(cols, beta, c, ci);
          }
          for (int p = 0; p < depth; p++) {
            double aip =
                alpha * (transA ? a[aOff + (pc + p) * lda + i] : a[aOff + i * lda + pc + p]);
            axpyRow(cols, aip, bb, bBase + p * bStride, c, ci);
          }
        }
      }
    }
  }

  @Override
  public void sgemmRuns(
      boolean transA, boolean transB, int m, int n, int k,
      float[] a, int[] aRows, float[] b, int[] bRows, float beta, float[] c, int cOff, int ldc) {
    checkGemm(m, n, k);
    Parallel.forRange(
        m, rowGrain(n, k), (i0, i1) -> sgemmRuns(transA, transB, i0, i1, n, k, a, aRows, b, bRows, beta, c, cOff, ldc));
  }

  /**
   * Rows {@code [i0, i1)} of {@link #sgemmRuns} on the calling thread: the same operations in the
   * same order as {@link #sgemmRows} with {@code alpha = 1}.
   */
  static void sgemmRuns(
      boolean transA, boolean transB, int i0, int i1, int n, int k,
      float[] a, int[] aRows, float[] b, int[] bRows, float beta, float[] c, int cOff, int ldc) {
    for (int i = i0; i < i1; i++) {
      int ci = cOff + i * ldc;
      scaleRow(n, beta, c, ci);
      for (int p = 0; p < k; p++) {
        float aip = transA ? a[aRows[p] + i] : a[aRows[i] + p];
        if (transB) {
          for (int j = 0; j < n; j++) {
            c[ci + j] += aip * b[bRows[j] + p];
          }
        } else {
          axpyRow(n, aip, b, bRows[p], c, ci);
        }
      }
    }
  }

  @Override
  public void dgemmRuns(
      boolean transA, boolean transB, int m, int n, int k,
      double[] a, int[] aRows, double[] b, int[] bRows, double beta, double[] c, int cOff, int ldc) {
    checkGemm(m, n, k);
    Parallel.forRange(
        m, rowGrain(n, k), (i0, i1) -> dgemmRuns(transA, transB, i0, i1, n, k, a, aRows, b, bRows, beta, c, cOff, ldc));
  }

  /** {@link #sgemmRuns(boolean, boolean, int, int, int, int, float[], int[], float[], int[], float, float[], int, int)} in float64. */
  static void dgemmRuns(
      boolean transA, boolean transB, int i0, int i1, int n, int k,
      double[] a, int[] aRows, double[] b, int[] bRows, double beta, double[] c, int cOff, int ldc) {
    for (int i = i0; i < i1; i++) {
      int ci = cOff + i * ldc;
      scaleRow(n, beta, c, ci);
      for (int p = 0; p < k; p++) {
        double aip = transA ? a[aRows[p] + i] : a[aRows[i] + p];
        if (transB) {
          for (int j = 0; j < n; j++) {
            c[ci + j] += aip * b[bRows[j] + p];
          }
        } else {
          axpyRow(n, aip, b, bRows[p], c, ci);
        }
      }
    }
  }

  /** {@code y[yi + j] += a * x[xi + j]} for {@code j < n}. */
  private static void axpyRow(int n, float a, float[] x, int xi, float[] y, int yi) {
    for (int j = 0; j < n; j++) {
      y[yi + j] += a * x[xi + j];
    }
  }

  private static void axpyRow(int n, double a, double[] x, int xi, double[] y, int yi) {
    for (int j = 0; j < n; j++) {
      y[yi + j] += a * x[xi + j];
    }
  }

  static void checkGemm(int m, int n, int k) {
    if (m < 0 || n < 0 || k < 0) {
      throw new IllegalArgumentException(
          "gemm dimensions must be >= 0, got m=" + m + " n=" + n + " k=" + k);
    }
  }

  private static int rowGrain(int n, int k) {
    return (int) Math.max(1, MIN_FMAS_PER_THREAD / Math.max(1, (long) n * k));
  }

  /** {@code C = beta * C} ({@code C = 0} without reading it when {@code beta == 0}). */
  static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
    for (int i = 0; i < m; i++) {
      scaleRow(n, beta, c, cOff + i * ldc);
    }
  }

  static void scale(int m, int n, double beta, double[] c, int cOff, int ldc) {
    for (int i = 0; i < m; i++) {
      scaleRow(n, beta, c, cOff + i * ldc);
    }
  }

  private static void scaleRow(int n, float beta, float[] c, int off) {
    if (beta == 0f) {
      Arrays.fill(c, off, off + n, 0f);
    } else if (beta != 1f) {
      for (int j = 0; j < n; j++) {
        c[off + j] *= beta;
      }
    }
  }

  private static void scaleRow(int n, double beta, double[] c, int off) {
    if (beta == 0d) {
      Arrays.fill(c, off, off + n, 0d);
    } else if (beta != 1d) {
      for (int j = 0; j < n; j++) {
        c[off + j] *= beta;
      }
    }
  }

  // --------------------------------------------------------------------------- elementwise

  @Override
  public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
    Parallel.forRange(
        n,
        ELEMENTWISE_GRAIN,
        (from, to) -> {
          for (int i = from; i < to; i++) {
            y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
          }
        });
  }

  @Override
  public void adam(
      int n, AdamStep step, float[] param, int paramOff, float[] grad, int gradOff, float[] expAvg, int expAvgOff,
      float[] expAvgSq, int expAvgSqOff, float[] maxExpAvgSq, int maxOff) {
    adam(0, n, step, param, paramOff, grad, gradOff, expAvg, expAvgOff, expAvgSq, expAvgSqOff, maxExpAvgSq, maxOff);
  }

  /** Elements {@code [from, n)} of {@link Kernels#adam}. */
  static void adam(
      int from, int n, AdamStep s, float[] param, int po, float[] grad, int go, float[] expAvg, int mo,
      float[] expAvgSq, int vo, float[] maxExpAvgSq, int xo) {
    for (int i = from; i < n; i++) {
      float g = s.maximize() ? -grad[go + i] : grad[go + i];
      float p = param[po + i];
      if (s.decoupled()) {
        p *= s.decoupledScale();
      } else if (s.l2()) {
        g = Math.fma(s.weightDecay(), p, g);
      }
      float m = Math.fma(s.oneMinusBeta1(), g, expAvg[mo + i] * s.beta1());
      float decayedV = expAvgSq[vo + i] * s.beta2();
      float v = (float) (decayedV + s.oneMinusBeta2() * g * g);
      expAvg[mo + i] = m;
      expAvgSq[vo + i] = v;
      float second = v;
      if (maxExpAvgSq != null) {
        second = Math.max(maxExpAvgSq[xo + i], v);
        maxExpAvgSq[xo + i] = second;
      }
      float denom = (float) Math.sqrt(second) / s.biasCorrection2Sqrt() + s.eps();
      param[po + i] = p + (float) (s.negStepSize() * m / denom);
    }
  }

  @Override
  public void interleave(int n, float[] x, int xOff, float[] y, int yOff, float[] out, int outOff) {
    interleave(0, n, x, xOff, y, yOff, out, outOff);
  }

  /** Pairs {@code [from, n)} of {@link #interleave(int, float[], int, float[], int, float[], int)}. */
  static void interleave(int from, int n, float[] x, int xOff, float[] y, int yOff, float[] out, int outOff) {
    for (int i = from; i < n; i++) {
      out[outOff + 2 * i] = x[xOff + i];
      out[outOff + 2 * i + 1] = y[yOff + i];
    }
  }

  @Override
  public void copyRows(int rows, int n, float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride) {
    for (int r = 0; r < rows; r++) {
      System.arraycopy(src, srcOff + r * srcStride, dst, dstOff + r * dstStride, n);
    }
  }

  @Override
  public void deinterleave(
      int rows, int n, float[] x, int xOff, int xStride, float[] even, int evenOff, float[] odd, int oddOff,
      int dstStride) {
    for (int r = 0; r < rows; r++) {
      deinterleave(0, n, x, xOff + r * xStride, even, evenOff + r * dstStride, odd, oddOff + r * dstStride);
    }
  }

  /** Pairs {@code [from, n)} of one row of {@link Kernels#deinterleave}. */
  static void deinterleave(int from, int n, float[] x, int xOff, float[] even, int evenOff, float[] odd, int oddOff) {
    for (int i = from; i < n; i++) {
      even[evenOff + i] = x[xOff + 2 * i];
      odd[oddOff + i] = x[xOff + 2 * i + 1];
    }
  }

  @Override
  public void add(int n, float[] x, int xOff, float[] y, int yOff, float[] out, int outOff) {
    Parallel.forRange(
        n,
        ELEMENTWISE_GRAIN,
        (from, to) -> {
          for (int i = from; i < to; i++) {
            out[outOff + i] = x[xOff + i] + y[yOff + i];
          }
        });
  }

  @Override
  public void mul(int n, float[] x, int xOff, float[] y, int yOff, float[] out, int outOff) {
    Parallel.forRange(
        n,
        ELEMENTWISE_GRAIN,
        (from, to) -> {
          for (int i = from; i < to; i++) {
            out[outOff + i] = x[xOff + i] * y[yOff + i];
          }
        });
  }

  @Override
  public void relu(int n, float[] x, int xOff, float[] out, int outOff) {
    Parallel.forRange(
        n,
        ELEMENTWISE_GRAIN,
        (from, to) -> {
          for (int i = from; i < to; i++) {
            out[outOff + i] = Math.max(x[xOff + i], 0f);
          }
        });
  }

  @Override
  public void reluBackward(int n, float[] g, int gOff, float[] y, int yOff, float[] out, int outOff) {
    Parallel.forRange(
        n,
        ELEMENTWISE_GRAIN,
        (from, to) -> {
          for (int i = from; i < to; i++) {
            out[outOff + i] = y[yOff + i] > 0f ? g[gOff + i] : 0f;
          }
        });
  }

  @Override
  public void maxPool2x2(
      int planes, float[] x, int xOff, int h, int w, int outH, int outW,
      float[] y, int yOff, int[] argmax, int aOff) {
    for (int p = 0; p < planes; p++) {
      for (int i = 0; i < outH; i++) {
        int o = p * outH * outW + i * outW;
        maxPool2x2Row(x, xOff + p * h * w, w, i, 0, outW, y, yOff + o, argmax, aOff + o);
      }
    }
  }

  /**
   * Outputs {@code [j0, j1)} of output row {@code i} of {@link #maxPool2x2} for the plane at {@code
   * plane}, into {@code y[yRow + j]} and {@code argmax[aRow + j]}: the four candidates in row-major
   * order, each replacing the best so far when greater, or when NaN and the best is not.
   */
  static void maxPool2x2Row(float[] x, int plane, int w, int i, int j0, int j1, float[] y, int yRow, int[] argmax, int aRow) {
    int top = 2 * i * w;
    for (int j = j0; j < j1; j++) {
      int at = top + 2 * j;
      int best = at;
      float bestValue = x[plane + at];
      float v = x[plane + at + 1];
      if (v > bestValue || (v != v && bestValue == bestValue)) {
        best = at + 1;
        bestValue = v;
      }
      v = x[plane + at + w];
      if (v > bestValue || (v != v && bestValue == bestValue)) {
        best = at + w;
        bestValue = v;
      }
      v = x[plane + at + w + 1];
      if (v > bestValue || (v != v && bestValue == bestValue)) {
        best = at + w + 1;
        bestValue = v;
      }
      argmax[aRow + j] = best;
      y[yRow + j] = bestValue;
    }
  }

  @Override
  public void avgPool2x2(int planes, float[] x, int xOff, int h, int w, int outH, int outW, float[] y, int yOff) {
    for (int p = 0; p < planes; p++) {
      for (int i = 0; i < outH; i++) {
        avgPool2x2Row(x, xOff + p * h * w, w, i, 0, outW, y, yOff + p * outH * outW + i * outW);
      }
    }
  }

  /** Outputs {@code [j0, j1)} of output row {@code i} of {@link #avgPool2x2} for the plane at {@code plane}. */
  static void avgPool2x2Row(float[] x, int plane, int w, int i, int j0, int j1, float[] y, int yRow) {
    int top = plane + 2 * i * w;
    for (int j = j0; j < j1; j++) {
      int at = top + 2 * j;
      float sum = 0f;
      sum += x[at];
      sum += x[at + 1];
      sum += x[at + w];
      sum += x[at + w + 1];
      y[yRow + j] = sum / 4f;
    }
  }

  @Override
  public void addRuns(int runs, int len, float[] src, int srcOff, float[] dst, int[] starts) {
    for (int r = 0, d = srcOff; r < runs; r++, d += len) {
      for (int i = 0, s = starts[r]; i < len; i++) {
        dst[s + i] += src[d + i];
      }
    }
  }

  @Override
  public double sum(int n, float[] x, int offset) {
    return sumFixedOrder(n, x, offset);
  }

  @Override
  public double squaredDeviations(int n, float[] x, int offset, double mean) {
    return fixedOrder(Term.SQUARED_DEVIATION, n, null, 0, x, offset, mean);
  }

  @Override
  public double dotAboutMean(int n, float[] g, int gOffset, float[] x, int xOffset, double mean) {
    return fixedOrder(Term.PRODUCT_ABOUT_MEAN, n, g, gOffset, x, xOffset, mean);
  }

  static double sumFixedOrder(int n, float[] x, int offset) {
    return fixedOrder(Term.VALUE, n, null, 0, x, offset, 0);
  }

  /** What a fixed-order sum adds for element {@code i}. */
  enum Term {
    /** {@code x[i]}. */
    VALUE,
    /** {@code (x[i] − mean)²}. */
    SQUARED_DEVIATION,
    /** {@code g[i]·(x[i] − mean)}. */
    PRODUCT_ABOUT_MEAN
  }

  /** The fixed-order sum of {@code term} over all {@code n} elements (see the overload below). */
  static double fixedOrder(Term term, int n, float[] g, int gOffset, float[] x, int xOffset, double mean) {
    return fixedOrder(term, n, g, gOffset, x, xOffset, mean, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  /**
   * The fixed-order float64 sum shared by all implementations: eight running sums, lane {@code j}
   * adding the terms of the elements {@code i ≡ j (mod 8)} of the whole blocks of eight in order,
   * combined pairwise, then the terms of the tail added in order. Eight independent chains keep
   * the adder busy, and a vector implementation keeps the same chains in its lanes. Continues from
   * element {@code from} (a multiple of 8) with running sums {@code s0 … s7}, so that a vector
   * implementation can hand over its lanes.
   */
  static double fixedOrder(
      Term term, int n, float[] g, int gOffset, float[] x, int xOffset, double mean, int from,
      double s0, double s1, double s2, double s3, double s4, double s5, double s6, double s7) {
    int blocks = n & ~7;
    int i = from;
    for (; i < blocks; i += 8) {
      s0 += term(term, g, gOffset + i, x, xOffset + i, mean);
      s1 += term(term, g, gOffset + i + 1, x, xOffset + i + 1, mean);
      s2 += term(term, g, gOffset + i + 2, x, xOffset + i + 2, mean);
      s3 += term(term, g, gOffset + i + 3, x, xOffset + i + 3, mean);
      s4 += term(term, g, gOffset + i + 4, x, xOffset + i + 4, mean);
      s5 += term(term, g, gOffset + i + 5, x, xOffset + i + 5, mean);
      s6 += term(term, g, gOffset + i + 6, x, xOffset + i + 6, mean);
      s7 += term(term, g, gOffset + i + 7, x, xOffset + i + 7, mean);
    }
    double total = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    for (; i < n; i++) {
      total += term(term, g, gOffset + i, x, xOffset + i, mean);
    }
    return total;
  }

  private static double term(Term term, float[] g, int gi, float[] x, int xi, double mean) {
    return switch (term) {
      case VALUE -> x[xi];
      case SQUARED_DEVIATION -> (x[xi] - mean) * (x[xi] - mean);
      case PRODUCT_ABOUT_MEAN -> g[gi] * (x[xi] - mean);
    };
  }
}
