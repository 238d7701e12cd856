package dev.wengert.core;

import static com.google.common.base.Preconditions.checkArgument;

import dev.wengert.core.kernels.Kernels;
import java.util.Arrays;

/**
 * Batch normalisation over the channel dim 1 of {@code x: [N, C, *]}, viewed as {@code [N, C, L]}
 * with {@code M = N·L} values per channel, and the passes its backward needs. Per-channel sums are
 * accumulated in float64, each channel by one thread in a fixed order (rows {@code n} in turn, a
 * fixed number of partial sums within a row), channels spread over threads; the elementwise passes
 * are spread over {@code (n, c)} rows, each element computed on its own. So the results are the
 * same bits for any thread count. Statistics are float64 arrays of length {@code C}; {@code
 * invstd} is {@code 1/√(σ² + ε)}.
 */
public final class Normalization {

  private Normalization() {}

  /**
   * Per-channel mean and sum of squared deviations {@code Σ(x − mean)²} of {@code count} values
   * each; the biased variance is {@code squaredDeviations / count}.
   */
  public record Moments(double[] mean, double[] squaredDeviations, long count) {

    /** {@code 1/√(squaredDeviations/count + eps)} per channel. */
    public double[] invstd(double eps) {
      double[] out = new double[mean.length];
      for (int c = 0; c < out.length; c++) {
        out[c] = 1 / Math.sqrt(squaredDeviations[c] / count + eps);
      }
      return out;
    }

    /** The unbiased variance {@code squaredDeviations/(count − 1)} per channel. */
    public double[] unbiasedVariance() {
      double[] out = new double[mean.length];
      for (int c = 0; c < out.length; c++) {
        out[c] = squaredDeviations[c] / (count - 1);
      }
      return out;
    }
  }

  /** {@code [N, C, L]} of an input of shape {@code [N, C, *]}. */
  private record Layout(int n, int c, int l) {
    long count() {
      return (long) n * l;
    }

    int rows() {
      return n * c;
    }

    /** Channels per thread chunk: enough that a chunk reads about {@link Tensor#PARALLEL_GRAIN} values. */
    int channelGrain() {
      return (int) Math.max(1, Tensor.PARALLEL_GRAIN / Math.max(1, count()));
    }

    /** Rows per thread chunk of an elementwise pass. */
    int rowGrain() {
      return Math.max(1, Tensor.PARALLEL_GRAIN / Math.max(1, l));
    }
  }

  private static Layout layout(String op, Tensor x) {
    checkArgument(x.shape.length >= 2, "%s: input must be [N, C, *] with at least 2 dims, got %s", op, Shapes.lazy(x.shape));
    int l = 1;
    for (int d = 2; d < x.shape.length; d++) {
      l *= x.shape[d];
    }
    return new Layout(x.shape[0], x.shape[1], l);
  }

  /** Mean and squared deviations per channel (two passes: the sum, then the squares about the mean). */
  public static Moments channelMoments(Tensor input) {
    Layout s = layout("batch_norm", input);
    Tensor x = input.contiguous();
    double[] mean = new double[s.c];
    double[] squares = new double[s.c];
    float[] xf = x.storage.floats();
    double[] xd = x.storage.doubles();
    int base = x.offset;
    long count = s.count();
    Parallel.forRange(s.c, s.channelGrain(), (from, to) -> {
      for (int ch = from; ch < to; ch++) {
        double sum = 0;
        for (int i = 0; i < s.n; i++) {
          int start = base + (i * s.c + ch) * s.l;
          sum += xf != null ? sum(xf, start, s.l) : sum(xd, start, s.l);
        }
        double m = sum / count;
        double q = 0;
        for (int i = 0; i < s.n; i++) {
          int start = base + (i * s.c + ch) * s.l;
          q += xf != null ? squaredDeviations(xf, start, s.l, m) : squaredDeviations(xd, start, s.l, m);
        }
        mean[ch] = m;
        squares[ch] = q;
      }
    });
    return new Moments(mean, squares, count);
  }

  /**
   * {@code y = (x − mean)·invstd·w + b} per channel, in one pass; {@code weight} and {@code bias}
   * are {@code [C]} or null (1 and 0). Float32 is computed in float32 with the per-channel factors
   * rounded once.
   */
  public static Tensor batchNorm(Tensor input, double[] mean, double[] invstd, Tensor weight, Tensor bias) {
    Layout s = layout("batch_norm", input);
    checkStats("batch_norm", s, mean, invstd);
    double[] w = perChannel("batch_norm", "weight", weight, input, s);
    double[] b = perChannel("batch_norm", "bias", bias, input, s);
    Tensor x = input.contiguous();
    Tensor out = Tensor.uninitialized(x.dtype, x.shape);
    float[] xf = x.storage.floats();
    double[] xd = x.storage.doubles();
    float[] yf = out.storage.floats();
    double[] yd = out.storage.doubles();
    int base = x.offset;
    Parallel.forRange(s.rows(), s.rowGrain(), (from, to) -> {
      for (int row = from; row < to; row++) {
        int ch = row % s.c;
        if (yf != null) {
          normalizeRow(xf, base + row * s.l, s.l, mean, invstd, w, b, ch, yf, row * s.l);
        } else {
          normalizeRow(xd, base + row * s.l, s.l, mean, invstd, w, b, ch, yd, row * s.l);
        }
      }
    });
    return out;
  }

  /**
   * {@code y[at + i] = (x[in + i] − mean)·scale + shift} for {@code i < n}, with channel {@code ch}'s
   * {@code scale = invstd·w} and {@code shift = b} ({@code w}, {@code b} null for 1 and 0); float32
   * rounds the mean, scale and shift once. Shared by every pass that normalises, so they agree bit
   * for bit.
   */
  static void normalizeRow(
      float[] x, int in, int n, double[] mean, double[] invstd, double[] w, double[] b, int ch, float[] y, int at) {
    float m = (float) mean[ch];
    float sc = (float) (invstd[ch] * (w == null ? 1 : w[ch]));
    float sh = (float) (b == null ? 0 : b[ch]);
    for (int i = 0; i < n; i++) {
      y[at + i] = (x[in + i] - m) * sc + sh;
    }
  }

  static void normalizeRow(
      double[] x, int in, int n, double[] mean, double[] invstd, double[] w, double[] b, int ch, double[] y, int at) {
    double m = mean[ch];
    double sc = invstd[ch] * (w == null ? 1 : w[ch]);
    double sh = b == null ? 0 : b[ch];
    for (int i = 0; i < n; i++) {
      y[at + i] = (x[in + i] - m) * sc + sh;
    }
  }

  /** The checked per-channel operands of a batch norm of {@code input}: weight and bias as float64, null for none. */
  record Affine(double[] weight, double[] bias) {}

  static Affine affine(String op, Tensor input, double[] mean, double[] invstd, Tensor weight, Tensor bias) {
    Layout s = layout(op, input);
    checkStats(op, s, mean, invstd);
    return new Affine(perChannel(op, "weight", weight, input, s), perChannel(op, "bias", bias, input, s));
  }

  /**
   * The sums a batch norm's backward needs, in one pass over {@code g} and {@code x}: row 0 of the
   * {@code [2, C]} result is {@code Σg}, row 1 is {@code Σg·x̂} with {@code x̂ = (x − mean)·invstd}
   * (the gradients of the bias and the weight).
   */
  public static Tensor batchNormGradSums(Tensor gradOutput, Tensor input, double[] mean, double[] invstd) {
    Layout s = layout("batch_norm_grad_sums", input);
    checkStats("batch_norm_grad_sums", s, mean, invstd);
    checkSameShape("batch_norm_grad_sums", gradOutput, input);
    Tensor g = gradOutput.contiguous();
    Tensor x = input.contiguous();
    Tensor out = Tensor.zeros(x.dtype, 2, s.c);
    float[] gf = g.storage.floats();
    double[] gd = g.storage.doubles();
    float[] xf = x.storage.floats();
    double[] xd = x.storage.doubles();
    int gBase = g.offset;
    int xBase = x.offset;
    double[] pair = new double[2 * s.c];
    Parallel.forRange(s.c, s.channelGrain(), (from, to) -> {
      for (int ch = from; ch < to; ch++) {
        double sumG = 0;
        double sumGx = 0;
        double m = mean[ch];
        for (int i = 0; i < s.n; i++) {
          int row = (i * s.c + ch) * s.l;
          if (gf != null) {
            sumG += sum(gf, gBase + row, s.l);
            sumGx += dotAboutMean(gf, gBase + row, xf, xBase + row, s.l, m);
          } else {
            sumG += sum(gd, gBase + row, s.l);
            sumGx += dotAboutMean(gd, gBase + row, xd, xBase + row, s.l, m);
          }
        }
        pair[ch] = sumG;
        pair[s.c + ch] = sumGx * invstd[ch];
      }
    });
    store(out, pair);
    return out;
  }

  /**
   * The input gradient of a training-mode batch norm, in one pass: {@code dx = w·invstd·(g − s₀/M
   * − x̂·s₁/M)} with {@code x̂ = (x − mean)·invstd} and {@code s = [s₀; s₁]} of shape {@code [2,
   * C]} (from {@link #batchNormGradSums}: {@code Σg} and {@code Σg·x̂}); {@code weight} is {@code
   * [C]} or null (1).
   */
  public static Tensor batchNormBackward(
      Tensor gradOutput, Tensor input, double[] mean, double[] invstd, Tensor weight, Tensor sums) {
    Layout s = layout("batch_norm_backward", input);
    checkStats("batch_norm_backward", s, mean, invstd);
    checkSameShape("batch_norm_backward", gradOutput, input);
    checkArgument(
        sums.shape.length == 2 && sums.shape[0] == 2 && sums.shape[1] == s.c,
        "batch_norm_backward: sums must be [2, %s] for input %s, got %s", s.c, Shapes.lazy(input.shape), Shapes.lazy(sums.shape));
    double[] w = perChannel("batch_norm_backward", "weight", weight, input, s);
    double[] sv = sums.toDoubleArray();
    Tensor g = gradOutput.contiguous();
    Tensor x = input.contiguous();
    Tensor out = Tensor.uninitialized(x.dtype, x.shape);
    float[] gf = g.storage.floats();
    double[] gd = g.storage.doubles();
    float[] xf = x.storage.floats();
    double[] xd = x.storage.doubles();
    float[] df = out.storage.floats();
    double[] dd = out.storage.doubles();
    int gBase = g.offset;
    int xBase = x.offset;
    double count = s.count();
    Parallel.forRange(s.rows(), s.rowGrain(), (from, to) -> {
      for (int row = from; row < to; row++) {
        int ch = row % s.c;
        int at = row * s.l;
        if (df != null) {
          backwardRow(gf, gBase + at, xf, xBase + at, s.l, mean, invstd, w, sv, s.c, count, ch, df, at);
        } else {
          double scale = invstd[ch] * (w == null ? 1 : w[ch]);
          double gradMean = sv[ch] / count;
          double projection = sv[s.c + ch] * invstd[ch] / count;
          double m = mean[ch];
          for (int i = 0; i < s.l; i++) {
            dd[at + i] = (gd[gBase + at + i] - gradMean - (xd[xBase + at + i] - m) * projection) * scale;
          }
        }
      }
    });
    return out;
  }

  /**
   * The float32 training-mode rule of {@code batch_norm} followed by a max pooling, from the pooled
   * gradient {@code gPooled} and the pooling's {@code argmax}: returns the input gradient and the
   * {@code [2, C]} sums, the same bits as {@link #batchNormGradSums} and {@link #batchNormBackward}
   * of {@link Pooling#scatterToArgmax}'s gradient map, without that map: each plane of it is
   * scattered into a small per-thread buffer (twice: for the sums, then for the gradient) and the
   * same kernels run on that buffer. Returns null for float64.
   */
  public static Tensor[] batchNormBackwardOfMaxPool(
      Tensor gPooled, int[] argmax, Tensor input, double[] mean, double[] invstd, Tensor weight) {
    Layout s = layout("batch_norm_backward", input);
    double[] w = affine("batch_norm_backward", input, mean, invstd, weight, null).weight();
    if (input.dtype != DType.FLOAT32) {
      return null;
    }
    Tensor x = input.contiguous();
    Tensor g = gPooled.contiguous();
    int planeOut = g.shape[g.shape.length - 2] * g.shape[g.shape.length - 1];
    float[] xf = x.storage.floats();
    float[] gf = g.storage.floats();
    double[] pair = new double[2 * s.c];
    Parallel.forRange(s.c, s.channelGrain(), (from, to) -> {
      float[] plane = new float[s.l];
      for (int ch = from; ch < to; ch++) {
        double sumG = 0;
        double sumGx = 0;
        for (int n = 0; n < s.n; n++) {
          int row = n * s.c + ch;
          scatterPlane(gf, g.offset + row * planeOut, argmax, row * planeOut, planeOut, plane);
          sumG += sum(plane, 0, s.l);
          sumGx += dotAboutMean(plane, 0, xf, x.offset + row * s.l, s.l, mean[ch]);
        }
        pair[ch] = sumG;
        pair[s.c + ch] = sumGx * invstd[ch];
      }
    });
    Tensor sums = Tensor.zeros(x.dtype, 2, s.c);
    store(sums, pair);
    double[] sv = sums.toDoubleArray();
    Tensor out = Tensor.uninitialized(x.dtype, x.shape);
    float[] df = out.storage.floats();
    double count = s.count();
    Parallel.forRange(s.rows(), s.rowGrain(), (from, to) -> {
      float[] plane = new float[s.l];
      for (int row = from; row < to; row++) {
        scatterPlane(gf, g.offset + row * planeOut, argmax, row * planeOut, planeOut, plane);
        backwardRow(plane, 0, xf, x.offset + row * s.l, s.l, mean, invstd, w, sv, s.c, count, row % s.c, df, row * s.l);
      }
    });
    return new Tensor[] {out, sums};
  }

  /**
   * {@code dx = (g − Σg/M − (x − mean)·Σg·x̂·invstd/M)·invstd·w} over one float32 row of channel
   * {@code ch}, with the sums {@code sv} ({@code [2, C]}, as stored) and the factors rounded once.
   */
  private static void backwardRow(
      float[] g, int gOff, float[] x, int xOff, int n, double[] mean, double[] invstd, double[] w, double[] sv,
      int channels, double count, int ch, float[] dx, int at) {
    float m = (float) mean[ch];
    float sc = (float) (invstd[ch] * (w == null ? 1 : w[ch]));
    float gm = (float) (sv[ch] / count);
    float pr = (float) (sv[channels + ch] * invstd[ch] / count);
    for (int i = 0; i < n; i++) {
      dx[at + i] = (g[gOff + i] - gm - (x[xOff + i] - m) * pr) * sc;
    }
  }

  /** One plane of max pooling's scattered gradient, as {@link Pooling#scatterToArgmax} makes it. */
  private static void scatterPlane(float[] g, int gOff, int[] argmax, int aOff, int count, float[] plane) {
    Arrays.fill(plane, 0f);
    Pooling.scatterPlane(g, gOff, argmax, aOff, count, plane, 0);
  }

  // ---------------------------------------------------------------- helpers

  private static void checkStats(String op, Layout s, double[] mean, double[] invstd) {
    checkArgument(
        mean.length == s.c && invstd.length == s.c,
        "%s: %s channels but statistics for %s and %s", op, s.c, mean.length, invstd.length);
  }

  private static void checkSameShape(String op, Tensor g, Tensor x) {
    checkArgument(
        Arrays.equals(g.shape, x.shape) && g.dtype == x.dtype,
        "%s: gradient %s (%s) and input %s (%s) must have the same shape and dtype",
        op, Shapes.lazy(g.shape), g.dtype, Shapes.lazy(x.shape), x.dtype);
  }

  /** A {@code [C]} tensor's values, or null for null. */
  private static double[] perChannel(String op, String what, Tensor t, Tensor input, Layout s) {
    if (t == null) {
      return null;
    }
    checkArgument(
        t.shape.length == 1 && t.shape[0] == s.c,
        "%s: %s must be [%s] for input %s, got %s", op, what, s.c, Shapes.lazy(input.shape), Shapes.lazy(t.shape));
    return t.toDoubleArray();
  }

  private static void store(Tensor out, double[] values) {
    if (out.storage.floats() != null) {
      for (int i = 0; i < values.length; i++) {
        out.storage.floats()[i] = (float) values[i];
      }
    } else {
      System.arraycopy(values, 0, out.storage.doubles(), 0, values.length);
    }
  }

  /** {@code Σx} over a run, in float64 in an order fixed by {@code n}. */
  private static double sum(float[] x, int start, int n) {
    if (n >= 16) {
      return Kernels.get().sum(n, x, start);
    }
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += x[start + i];
    }
    return s;
  }

  private static double sum(double[] x, int start, int n) {
    double s0 = 0;
    double s1 = 0;
    int i = 0;
    for (; i + 1 < n; i += 2) {
      s0 += x[start + i];
      s1 += x[start + i + 1];
    }
    if (i < n) {
      s0 += x[start + i];
    }
    return s0 + s1;
  }

  /** {@code Σ(x − m)²} over a run, in core's fixed order ({@link Kernels#squaredDeviations}). */
  private static double squaredDeviations(float[] x, int start, int n, double m) {
    return Kernels.get().squaredDeviations(n, x, start, m);
  }

  /** {@code Σ(x − m)²} over a run, with four partial sums (a fixed order that breaks the add chain). */
  private static double squaredDeviations(double[] x, int start, int n, double m) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      double a = x[start + i] - m;
      double b = x[start + i + 1] - m;
      double c = x[start + i + 2] - m;
      double d = x[start + i + 3] - m;
      s0 += a * a;
      s1 += b * b;
      s2 += c * c;
      s3 += d * d;
    }
    for (; i < n; i++) {
      double a = x[start + i] - m;
      s0 += a * a;
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** {@code Σg·(x − m)} over a run, in core's fixed order ({@link Kernels#dotAboutMean}). */
  private static double dotAboutMean(float[] g, int gStart, float[] x, int xStart, int n, double m) {
    return Kernels.get().dotAboutMean(n, g, gStart, x, xStart, m);
  }

  /** {@code Σg·(x − m)} over a run, with four partial sums. */
  private static double dotAboutMean(double[] g, int gStart, double[] x, int xStart, int n, double m) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      s0 += g[gStart + i] * (x[xStart + i] - m);
      s1 += g[gStart + i + 1] * (x[xStart + i + 1] - m);
      s2 += g[gStart + i + 2] * (x[xStart + i + 2] - m);
      s3 += g[gStart + i + 3] * (x[xStart + i + 3] - m);
    }
    for (; i < n; i++) {
      s0 += g[gStart + i] * (x[xStart + i] - m);
    }
    return (s0 + s1) + (s2 + s3);
  }
}
