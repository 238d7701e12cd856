package dev.wengert.core.kernels;

/**
 * The hot loops of Wengert behind one interface, with two implementations chosen once at startup
 * (as Lucene's {@code VectorizationProvider} does): one on the JDK's Vector API, sized from {@code
 * FloatVector.SPECIES_PREFERRED}, and a scalar one used when the {@code jdk.incubator.vector}
 * module is absent or {@code -Dwengert.kernels=scalar} is set. {@code -Dwengert.vector.bits=128|256|512}
 * forces a vector width, so tests can run every width on any machine.
 *
 * <p>Arrays are addressed as in BLAS: an offset into a flat array plus a leading dimension (row
 * stride) for matrices. Implementations never allocate inside their loops and give bit-identical
 * results for any thread count.
 */
public interface Kernels {

  /** The implementation chosen for this JVM. */
  static Kernels get() {
    return KernelsProvider.INSTANCE;
  }

  /** A short description, e.g. {@code vector (512-bit, 16 float lanes)} or {@code scalar}. */
  String description();

  /**
   * {@code C = alpha * op(A) * op(B) + beta * C} in float32, where {@code op(X)} is {@code X} or its
   * transpose. {@code op(A)} is {@code m x k}, {@code op(B)} is {@code k x n}, {@code C} is {@code m
   * x n}; all are row-major with the given leading dimensions (so {@code A} is stored {@code k x m}
   * when {@code transA}). With {@code beta == 0}, {@code C} is not read (NaNs in it do not
   * propagate). Uses {@link dev.wengert.core.Parallel} threads with a fixed partition.
   */
  void sgemm(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      float alpha,
      float[] a,
      int aOffset,
      int lda,
      float[] b,
      int bOffset,
      int ldb,
      float beta,
      float[] c,
      int cOffset,
      int ldc);

  /** {@link #sgemm} in float64. */
  void dgemm(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      double alpha,
      double[] a,
      int aOffset,
      int lda,
      double[] b,
      int bOffset,
      int ldb,
      double beta,
      double[] c,
      int cOffset,
      int ldc);

  /**
   * {@code C = op(A)·op(B) + beta·C} in float32 ({@code beta} 0 or 1; with 0, {@code C} is not
   * read), with the operands given by the starts of their stored rows: stored row {@code r} of
   * {@code A} ({@code m x k}, or {@code k x m} when {@code transA}) is the run from {@code
   * a[aRows[r]]}, and likewise for {@code B} ({@code k x n}, or {@code n x k} when {@code transB}).
   * A convolution's unrolled input is such a matrix: each kernel tap reads a shifted run of the
   * padded image, so the product needs no unrolled copy. Threads and results as {@link #sgemm} of
   * the same matrices.
   */
  void sgemmRuns(
      boolean transA, boolean transB, int m, int n, int k,
      float[] a, int[] aRows, float[] b, int[] bRows, float beta, float[] c, int cOffset, int ldc);

  /** {@link #sgemmRuns} in float64. */
  void dgemmRuns(
      boolean transA, boolean transB, int m, int n, int k,
      double[] a, int[] aRows, double[] b, int[] bRows, double beta, double[] c, int cOffset, int ldc);

  /**
   * The float32 coefficients of one Adam/AdamW step, each rounded as PyTorch 1.13 rounds a Python
   * number entering a float32 kernel; {@code oneMinusBeta2} and {@code negStepSize} are float32
   * values that enter float64 arithmetic (PyTorch's {@code addcmul_} and {@code addcdiv_}).
   */
  record AdamStep(
      float beta1, float oneMinusBeta1, float beta2, double oneMinusBeta2, float biasCorrection2Sqrt, float eps,
      double negStepSize, boolean maximize, boolean decoupled, float decoupledScale, boolean l2, float weightDecay) {}

  /**
   * One Adam step on {@code n} float32 elements, in place: for each {@code i}, with {@code g} the
   * gradient (negated when maximizing) and {@code p} the parameter (first scaled by {@code
   * decoupledScale} when {@code decoupled}, as AdamW does; else with {@code l2}, {@code g =
   * fma(weightDecay, p, g)}):
   *
   * <pre>
   * m = fma(1 − β1, g, m·β1)                        (float32)
   * v = float32(v·β2 + ((1 − β2)·g)·g)                (v·β2 in float32, the rest in float64)
   * v̂ = max(v̂, v) with amsgrad (maxExpAvgSq not null), else v
   * p = p + float32(negStepSize·m / (sqrt(v̂) / sqrt(1 − β2^t) + eps))   (the quotient in float64)
   * </pre>
   *
   * PyTorch 1.13's single-tensor Adam, rounding for rounding; every implementation gives the same bits.
   */
  void adam(
      int n, AdamStep step, float[] param, int paramOffset, float[] grad, int gradOffset, float[] expAvg,
      int expAvgOffset, float[] expAvgSq, int expAvgSqOffset, float[] maxExpAvgSq, int maxExpAvgSqOffset);

  /** {@code y[i] += alpha * x[i]} for {@code i < n}. */
  void axpy(int n, float alpha, float[] x, int xOffset, float[] y, int yOffset);

  /** {@code out[i] = x[i] + y[i]} for {@code i < n}. */
  void add(int n, float[] x, int xOffset, float[] y, int yOffset, float[] out, int outOffset);

  /**
   * {@code out[2i] = x[i]} and {@code out[2i + 1] = y[i]} for {@code i < n}: two stride-2 phases of
   * a row put back together.
   */
  void interleave(int n, float[] x, int xOffset, float[] y, int yOffset, float[] out, int outOffset);

  /**
   * {@code dst[starts[r] + i] += src[srcOffset + r·len + i]} for {@code i < len}, run after run for
   * {@code r < runs}, on the calling thread: the rows of a column matrix added back onto an image.
   * Runs may overlap; each element receives its runs in run order.
   */
  void addRuns(int runs, int len, float[] src, int srcOffset, float[] dst, int[] starts);

  /**
   * {@code dst[dstOffset + r·dstStride + i] = src[srcOffset + r·srcStride + i]} for {@code r <
   * rows}, {@code i < n}: short rows copied in one call (a {@code System.arraycopy} per row of 16
   * floats cost 6% of a 64x16x32x32 -> 32 stride-2 forward).
   */
  void copyRows(int rows, int n, float[] src, int srcOffset, int srcStride, float[] dst, int dstOffset, int dstStride);

  /**
   * {@code even[evenOffset + r·dstStride + i] = x[xOffset + r·xStride + 2i]} and {@code odd[oddOffset
   * + r·dstStride + i] = x[xOffset + r·xStride + 2i + 1]} for {@code r < rows}, {@code i < n}: rows
   * split into their two stride-2 phases ({@link #interleave}'s inverse), in one call because the
   * rows of a small image are short (measured: a call per row of 16 pairs cost 12% of a 64x16x32x32
   * -> 32 stride-2 forward).
   */
  void deinterleave(
      int rows, int n, float[] x, int xOffset, int xStride, float[] even, int evenOffset, float[] odd, int oddOffset,
      int dstStride);

  /** {@code out[i] = x[i] * y[i]} for {@code i < n}. */
  void mul(int n, float[] x, int xOffset, float[] y, int yOffset, float[] out, int outOffset);

  /** {@code out[i] = max(x[i], 0)} for {@code i < n} (NaN stays NaN). */
  void relu(int n, float[] x, int xOffset, float[] out, int outOffset);

  /**
   * {@code out[i] = y[i] > 0 ? g[i] : 0} for {@code i < n}: ReLU's backward from its output {@code
   * y}. A NaN in {@code g} passes where {@code y > 0}; a NaN {@code y} gives 0 (as PyTorch's
   * threshold_backward).
   */
  void reluBackward(int n, float[] g, int gOffset, float[] y, int yOffset, float[] out, int outOffset);

  /**
   * 2×2, stride-2 max pooling without padding of {@code planes} consecutive {@code h × w} planes
   * into {@code outH × outW} planes ({@code 2·outH <= h}, {@code 2·outW <= w}), on the calling
   * thread. {@code argmax} receives each output's in-plane input index {@code r·w + c}: the first
   * maximum in row-major window order, a NaN counting as the maximum (the first NaN wins).
   */
  void maxPool2x2(
      int planes, float[] x, int xOffset, int h, int w, int outH, int outW,
      float[] y, int yOffset, int[] argmax, int argmaxOffset);

  /**
   * 2×2, stride-2 average pooling without padding of {@code planes} consecutive {@code h × w}
   * planes into {@code outH × outW} planes ({@code 2·outH <= h}, {@code 2·outW <= w}), on the
   * calling thread: {@code y = ((((0 + x[r][c]) + x[r][c+1]) + x[r+1][c]) + x[r+1][c+1]) / 4} in
   * float32, PyTorch's order, so the values are PyTorch's bit for bit.
   */
  void avgPool2x2(int planes, float[] x, int xOffset, int h, int w, int outH, int outW, float[] y, int yOffset);

  /**
   * Sum of {@code x[offset .. offset+n)}, accumulated in float64 in a fixed order that depends only
   * on {@code n} (never on threads or vector width), so it is reproducible everywhere.
   */
  double sum(int n, float[] x, int offset);

  /**
   * {@code Σ (x[offset+i] − mean)²} for {@code i < n}, in float64 in {@link #sum}'s fixed order (a
   * batch norm's variance about its mean).
   */
  double squaredDeviations(int n, float[] x, int offset, double mean);

  /**
   * {@code Σ g[gOffset+i]·(x[xOffset+i] − mean)} for {@code i < n}, in float64 in {@link #sum}'s
   * fixed order (a batch norm's weight gradient).
   */
  double dotAboutMean(int n, float[] g, int gOffset, float[] x, int xOffset, double mean);

  /**
   * {@code out[i] = (float) Math.exp(x[i])} for {@code i < n}: exactly those bits, whatever the
   * implementation (a faster exponential must prove that it rounds to the same float, or use that
   * expression), on the calling thread. {@code out} may be {@code x} itself.
   */
  default void exp(int n, float[] x, int xOffset, float[] out, int outOffset) {
    for (int i = 0; i < n; i++) {
      out[outOffset + i] = (float) Math.exp(x[xOffset + i]);
    }
  }

  /**
   * Column sums of a row-major block: {@code acc[accOffset + j] += x[offset + r·stride + j]} for
   * {@code j < n}, adding rows {@code r = 0, 1, …, rows-1} one after another in float64. Each
   * column is one chain of additions in row order, so every implementation gives the same bits;
   * on the calling thread.
   */
  default void addRows(int rows, int n, float[] x, int offset, int stride, double[] acc, int accOffset) {
    for (int r = 0; r < rows; r++) {
      int row = offset + r * stride;
      for (int j = 0; j < n; j++) {
        acc[accOffset + j] += x[row + j];
      }
    }
  }
}
