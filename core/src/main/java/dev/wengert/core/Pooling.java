package dev.wengert.core;

import static com.google.common.base.Preconditions.checkArgument;

import dev.wengert.core.kernels.Kernels;
import java.util.Arrays;

/**
 * 2-D pooling on tensors of shape {@code [..., H, W]} (usually NCHW), plane by plane, in parallel
 * over planes (so results do not depend on the thread count), and the adjoints that backward
 * passes need.
 *
 * <p>Max pooling keeps, for every output, the position of the chosen input (its "argmax") within
 * its plane: the first maximal element in row-major window order, NaN counting as maximal (as
 * PyTorch). Padding never wins. Average pooling divides by the window size, counting padded
 * positions or not ({@code countIncludePad}). Adaptive pooling uses windows {@code [floor(i·H/oh),
 * ceil((i+1)·H/oh))}.
 */
public final class Pooling {

  private Pooling() {}

  /** Values of a max pool and, per output element, the flat in-plane index of the chosen input. */
  public record MaxResult(Tensor values, int[] argmax) {}

  /** Max pooling with the window of {@code geo}. */
  public static MaxResult maxPool2d(Tensor x, PoolGeometry geo) {
    int[] shape = checkPlanes("max_pool2d", x);
    return maxPool(x.contiguous(), shape, maxWindows(shape, geo));
  }

  /** The checked windows of a max pooling of {@code geo} over planes of {@code shape}. */
  private static Windows maxWindows(int[] shape, PoolGeometry geo) {
    int h = shape[shape.length - 2];
    int w = shape[shape.length - 1];
    Windows windows = Windows.sliding(h, w, geo.outputHeight("max_pool2d", h), geo.outputWidth("max_pool2d", w), geo);
    windows.checkEachSamplesTheInput("max_pool2d", geo);
    return windows;
  }

  /**
   * {@code max_pool2d(batch_norm(x, mean, invstd, weight, bias), geo)} without storing the
   * normalised map: each plane is normalised into a per-thread buffer (by the rows {@link
   * Normalization#batchNorm} computes) and pooled from there, so the values and argmax are those of
   * the two ops in sequence, bit for bit, and a training step writes and reads one map fewer.
   */
  public static MaxResult maxPool2dOfBatchNorm(
      Tensor input, double[] mean, double[] invstd, Tensor weight, Tensor bias, PoolGeometry geo) {
    Normalization.Affine affine = Normalization.affine("batch_norm", input, mean, invstd, weight, bias);
    int[] shape = checkPlanes("max_pool2d", input);
    Windows win = maxWindows(shape, geo);
    int h = win.h;
    int w = win.w;
    int oh = win.oh;
    int ow = win.ow;
    Tensor x = input.contiguous();
    int channels = shape[1];
    int planes = planes(shape);
    int planeIn = h * w;
    int planeOut = oh * ow;
    Tensor out = Tensor.uninitialized(x.dtype, outShape(shape, oh, ow));
    int[] argmax = new int[planes * planeOut];
    float[] xf = x.storage.floats();
    double[] xd = x.storage.doubles();
    float[] yf = out.storage.floats();
    double[] yd = out.storage.doubles();
    // Slack after the plane keeps the 2x2 kernel's whole-vector loads inside the buffer.
    int bufferSize = planeIn + 64;
    Parallel.forRange(planes, grain(planeIn), (from, to) -> {
      float[] fb = xf != null ? new float[bufferSize] : null;
      double[] db = xf == null ? new double[bufferSize] : null;
      for (int plane = from; plane < to; plane++) {
        int ch = plane % channels;
        int in = x.offset + plane * planeIn;
        if (xf != null) {
          Normalization.normalizeRow(xf, in, planeIn, mean, invstd, affine.weight(), affine.bias(), ch, fb, 0);
          if (win.isPlainTwoByTwo()) {
            Kernels.get().maxPool2x2(1, fb, 0, h, w, oh, ow, yf, plane * planeOut, argmax, plane * planeOut);
          } else {
            maxPlane(fb, 0, yf, argmax, plane * planeOut, win);
          }
        } else {
          Normalization.normalizeRow(xd, in, planeIn, mean, invstd, affine.weight(), affine.bias(), ch, db, 0);
          maxPlane(db, 0, yd, argmax, plane * planeOut, win);
        }
      }
    });
    return new MaxResult(out, argmax);
  }

  /** Adaptive max pooling to {@code outH × outW}. */
  public static MaxResult adaptiveMaxPool2d(Tensor x, int outH, int outW) {
    int[] shape = checkPlanes("adaptive_max_pool2d", x);
    checkArgument(outH >= 1 && outW >= 1, "adaptive_max_pool2d: output size must be >= 1, got %sx%s", outH, outW);
    return maxPool(x.contiguous(), shape, Windows.adaptive(shape[shape.length - 2], shape[shape.length - 1], outH, outW));
  }

  private static MaxResult maxPool(Tensor x, int[] shape, Windows win) {
    int planes = planes(shape);
    int planeIn = win.h * win.w;
    int planeOut = win.oh * win.ow;
    Tensor out = Tensor.uninitialized(x.dtype, outShape(shape, win.oh, win.ow));
    int[] argmax = new int[planes * planeOut];
    float[] xf = x.storage.floats();
    double[] xd = x.storage.doubles();
    float[] yf = out.storage.floats();
    double[] yd = out.storage.doubles();
    int base = x.offset;
    Parallel.forRange(planes, grain(planeIn), (from, to) -> {
      if (xf != null && win.isPlainTwoByTwo()) {
        Kernels.get().maxPool2x2(
            to - from, xf, base + from * planeIn, win.h, win.w, win.oh, win.ow, yf, from * planeOut, argmax, from * planeOut);
        return;
      }
      for (int plane = from; plane < to; plane++) {
        if (xf != null) {
          maxPlane(xf, base + plane * planeIn, yf, argmax, plane * planeOut, win);
        } else {
          maxPlane(xd, base + plane * planeIn, yd, argmax, plane * planeOut, win);
        }
      }
    });
    return new MaxResult(out, argmax);
  }

  /** Max pooling of one float32 plane; NaN wins (tested as {@code v != v}, which the JIT keeps cheap). */
  private static void maxPlane(float[] x, int in0, float[] y, int[] argmax, int out0, Windows win) {
    int o = out0;
    for (int i = 0; i < win.oh; i++) {
      for (int j = 0; j < win.ow; j++, o++) {
        int best = -1;
        float bestValue = 0;
        for (int r = win.rowStart(i); r < win.rowEnd(i); r += win.dilationH) {
          int row = in0 + r * win.w;
          for (int c = win.colStart(j); c < win.colEnd(j); c += win.dilationW) {
            float v = x[row + c];
            if (best < 0 || v > bestValue || (v != v && bestValue == bestValue)) {
              best = r * win.w + c;
              bestValue = v;
            }
          }
        }
        argmax[o] = best;
        y[o] = bestValue;
      }
    }
  }

  /** Max pooling of one float64 plane. */
  private static void maxPlane(double[] x, int in0, double[] y, int[] argmax, int out0, Windows win) {
    int o = out0;
    for (int i = 0; i < win.oh; i++) {
      for (int j = 0; j < win.ow; j++, o++) {
        int best = -1;
        double bestValue = 0;
        for (int r = win.rowStart(i); r < win.rowEnd(i); r += win.dilationH) {
          int row = in0 + r * win.w;
          for (int c = win.colStart(j); c < win.colEnd(j); c += win.dilationW) {
            double v = x[row + c];
            if (best < 0 || v > bestValue || (v != v && bestValue == bestValue)) {
              best = r * win.w + c;
              bestValue = v;
            }
          }
        }
        argmax[o] = best;
        y[o] = bestValue;
      }
    }
  }

  /**
   * The adjoint of max pooling: a tensor of {@code inputShape} where each element of {@code g}
   * (shaped like the pooled output) is added at its argmax; overlapping windows accumulate.
   */
  public static Tensor scatterToArgmax(Tensor g, int[] argmax, int[] inputShape) {
    int[] gs = g.shape();
    int planeOut = gs[gs.length - 2] * gs[gs.length - 1];
    int planeIn = inputShape[inputShape.length - 2] * inputShape[inputShape.length - 1];
    checkArgument(argmax.length == g.numel(), "scatter_to_argmax: %s indices for gradient %s", argmax.length, Shapes.lazy(gs));
    Tensor gc = g.contiguous();
    // Each plane is cleared by the thread that scatters into it, just before (it is then in cache).
    Tensor out = Tensor.uninitialized(g.dtype, inputShape);
    int planes = planes(inputShape);
    Parallel.forRange(planes, grain(planeIn), (from, to) -> {
      for (int plane = from; plane < to; plane++) {
        int inBase = plane * planeIn;
        clear(out, inBase, planeIn);
        if (out.storage.floats() != null) {
          scatterPlane(gc.storage.floats(), gc.offset + plane * planeOut, argmax, plane * planeOut, planeOut,
              out.storage.floats(), inBase);
          continue;
        }
        for (int o = plane * planeOut; o < (plane + 1) * planeOut; o++) {
          out.storage.doubles()[inBase + argmax[o]] += gc.storage.doubles()[gc.offset + o];
        }
      }
    });
    return out;
  }

  /** Zeros {@code count} elements of contiguous {@code t}'s storage from {@code from}. */
  private static void clear(Tensor t, int from, int count) {
    if (t.dtype == DType.FLOAT32) {
      Arrays.fill(t.storage.floats(), from, from + count, 0f);
    } else {
      Arrays.fill(t.storage.doubles(), from, from + count, 0.0);
    }
  }

  /**
   * One float32 plane of {@link #scatterToArgmax}: {@code out[outOff + argmax[aOff + o]] += g[gOff +
   * o]} for {@code o < count}, in that order (overlapping windows accumulate).
   */
  static void scatterPlane(float[] g, int gOff, int[] argmax, int aOff, int count, float[] out, int outOff) {
    for (int o = 0; o < count; o++) {
      out[outOff + argmax[aOff + o]] += g[gOff + o];
    }
  }

  /** The adjoint of {@link #scatterToArgmax}: each output element reads the input at its argmax. */
  public static Tensor gatherAtArgmax(Tensor x, int[] argmax, int[] outputShape) {
    int[] xs = x.shape();
    int planeIn = xs[xs.length - 2] * xs[xs.length - 1];
    int planeOut = outputShape[outputShape.length - 2] * outputShape[outputShape.length - 1];
    Tensor xc = x.contiguous();
    Tensor out = Tensor.uninitialized(x.dtype, outputShape);
    for (int o = 0; o < argmax.length; o++) {
      int at = xc.offset + (o / planeOut) * planeIn + argmax[o];
      if (out.storage.floats() != null) {
        out.storage.floats()[o] = xc.storage.floats()[at];
      } else {
        out.storage.doubles()[o] = xc.storage.doubles()[at];
      }
    }
    return out;
  }

  /**
   * Average pooling with the window of {@code geo} (dilation must be 1): each window's sum, in the
   * input's dtype and row-major window order, divided by its element count; PyTorch's operations
   * in PyTorch's order, so float32 results are its bits.
   */
  public static Tensor avgPool2d(Tensor x, PoolGeometry geo, boolean countIncludePad) {
    int[] shape = checkPlanes("avg_pool2d", x);
    checkArgument(geo.dilationH() == 1 && geo.dilationW() == 1, "avg_pool2d: dilation is not supported");
    int h = shape[shape.length - 2];
    int w = shape[shape.length - 1];
    Windows win = Windows.sliding(h, w, geo.outputHeight("avg_pool2d", h), geo.outputWidth("avg_pool2d", w), geo);
    return average(x.contiguous(), shape, win, countIncludePad);
  }

  /**
   * The adjoint of {@link #avgPool2d}: each gradient divided by the same divisor and added to every
   * element of its window (overlapping windows accumulate).
   */
  public static Tensor avgPool2dAdjoint(Tensor g, int[] inputShape, PoolGeometry geo, boolean countIncludePad) {
    int h = inputShape[inputShape.length - 2];
    int w = inputShape[inputShape.length - 1];
    Windows win = Windows.sliding(h, w, geo.outputHeight("avg_pool2d", h), geo.outputWidth("avg_pool2d", w), geo);
    return spread(g.contiguous(), inputShape, win, countIncludePad);
  }

  /**
   * Adaptive average pooling to {@code outH × outW}: each window's sum divided by its rows, then by
   * its columns (PyTorch's two roundings).
   */
  public static Tensor adaptiveAvgPool2d(Tensor x, int outH, int outW) {
    int[] shape = checkPlanes("adaptive_avg_pool2d", x);
    checkArgument(outH >= 1 && outW >= 1, "adaptive_avg_pool2d: output size must be >= 1, got %sx%s", outH, outW);
    Windows win = Windows.adaptive(shape[shape.length - 2], shape[shape.length - 1], outH, outW);
    return average(x.contiguous(), shape, win, false);
  }

  /** The adjoint of {@link #adaptiveAvgPool2d}: each gradient divided by its window's rows, then columns, and spread. */
  public static Tensor adaptiveAvgPool2dAdjoint(Tensor g, int[] inputShape) {
    int[] gs = g.shape();
    Windows win =
        Windows.adaptive(inputShape[inputShape.length - 2], inputShape[inputShape.length - 1], gs[gs.length - 2], gs[gs.length - 1]);
    return spread(g.contiguous(), inputShape, win, false);
  }

  private static Tensor average(Tensor x, int[] shape, Windows win, boolean countIncludePad) {
    int planes = planes(shape);
    int planeIn = win.h * win.w;
    int planeOut = win.oh * win.ow;
    Tensor out = Tensor.uninitialized(x.dtype, outShape(shape, win.oh, win.ow));
    float[] xf = x.storage.floats();
    double[] xd = x.storage.doubles();
    float[] yf = out.storage.floats();
    double[] yd = out.storage.doubles();
    int base = x.offset;
    Parallel.forRange(planes, grain(planeIn), (from, to) -> {
      if (xf != null && win.isPlainTwoByTwo()) {
        Kernels.get().avgPool2x2(to - from, xf, base + from * planeIn, win.h, win.w, win.oh, win.ow, yf, from * planeOut);
        return;
      }
      for (int plane = from; plane < to; plane++) {
        int in0 = base + plane * planeIn;
        for (int i = 0, o = plane * planeOut; i < win.oh; i++) {
          for (int j = 0; j < win.ow; j++, o++) {
            if (xf != null) {
              float sum = 0;
              for (int r = win.rowStart(i); r < win.rowEnd(i); r++) {
                for (int c = win.colStart(j); c < win.colEnd(j); c++) {
                  sum += xf[in0 + r * win.w + c];
                }
              }
              yf[o] = win.divide(sum, i, j, countIncludePad);
            } else {
              double sum = 0;
              for (int r = win.rowStart(i); r < win.rowEnd(i); r++) {
                for (int c = win.colStart(j); c < win.colEnd(j); c++) {
                  sum += xd[in0 + r * win.w + c];
                }
              }
              yd[o] = win.divide(sum, i, j, countIncludePad);
            }
          }
        }
      }
    });
    return out;
  }

  private static Tensor spread(Tensor g, int[] inputShape, Windows win, boolean countIncludePad) {
    int planes = planes(inputShape);
    int planeIn = win.h * win.w;
    int planeOut = win.oh * win.ow;
    Tensor out = Tensor.uninitialized(g.dtype, inputShape); // cleared plane by plane, as in scatterToArgmax
    float[] gf = g.storage.floats();
    double[] gd = g.storage.doubles();
    float[] xf = out.storage.floats();
    double[] xd = out.storage.doubles();
    int base = g.offset;
    Parallel.forRange(planes, grain(planeIn), (from, to) -> {
      for (int plane = from; plane < to; plane++) {
        int in0 = plane * planeIn;
        clear(out, in0, planeIn);
        if (gf != null && win.isPlainTwoByTwo()) {
          spreadTwoByTwo(gf, base + plane * planeOut, xf, in0, win);
          continue;
        }
        for (int i = 0, o = base + plane * planeOut; i < win.oh; i++) {
          for (int j = 0; j < win.ow; j++, o++) {
            if (gf != null) {
              float share = win.divide(gf[o], i, j, countIncludePad);
              for (int r = win.rowStart(i); r < win.rowEnd(i); r++) {
                for (int c = win.colStart(j); c < win.colEnd(j); c++) {
                  xf[in0 + r * win.w + c] += share;
                }
              }
            } else {
              double share = win.divide(gd[o], i, j, countIncludePad);
              for (int r = win.rowStart(i); r < win.rowEnd(i); r++) {
                for (int c = win.colStart(j); c < win.colEnd(j); c++) {
                  xd[in0 + r * win.w + c] += share;
                }
              }
            }
          }
        }
      }
    });
    return out;
  }

  /** {@link #spread} of one float32 plane over disjoint 2×2 windows: each input gets {@code 0 + g/4}. */
  private static void spreadTwoByTwo(float[] g, int o, float[] dx, int in0, Windows win) {
    for (int i = 0; i < win.oh; i++) {
      int top = in0 + 2 * i * win.w;
      for (int j = 0; j < win.ow; j++, o++) {
        float share = 0f + g[o] / 4f;
        int at = top + 2 * j;
        dx[at] = share;
        dx[at + 1] = share;
        dx[at + win.w] = share;
        dx[at + win.w + 1] = share;
      }
    }
  }

  private static int[] checkPlanes(String op, Tensor x) {
    int[] shape = x.shape();
    checkArgument(shape.length >= 2, "%s: input must have rank >= 2 ([..., H, W]), got shape %s", op, Shapes.lazy(shape));
    return shape;
  }

  private static int planes(int[] shape) {
    int planes = 1;
    for (int d = 0; d < shape.length - 2; d++) {
      planes *= shape[d];
    }
    return planes;
  }

  private static int[] outShape(int[] shape, int oh, int ow) {
    int[] out = shape.clone();
    out[out.length - 2] = oh;
    out[out.length - 1] = ow;
    return out;
  }

  private static int grain(int planeSize) {
    return Math.max(1, Tensor.PARALLEL_GRAIN / Math.max(1, planeSize));
  }

  /**
   * The input rows and columns each output element pools over, clipped to the input, and the
   * divisor average pooling uses.
   */
  private static final class Windows {
    final int h;
    final int w;
    final int oh;
    final int ow;
    final int dilationH;
    final int dilationW;
    private final int[] rowStart;
    private final int[] rowEnd;
    private final int[] colStart;
    private final int[] colEnd;
    /** Whether every window is a whole 2×2 block at stride 2 (no padding, dilation or clipping). */
    private boolean plainTwoByTwo;
    /** Whether the windows are adaptive pooling's (see {@link #divide}). */
    private boolean adaptive;
    /** Window sizes clipped to the padded input (not the input), for countIncludePad. */
    private final int[] paddedRows;
    private final int[] paddedCols;

    private Windows(int h, int w, int oh, int ow, int dilationH, int dilationW) {
      this.h = h;
      this.w = w;
      this.oh = oh;
      this.ow = ow;
      this.dilationH = dilationH;
      this.dilationW = dilationW;
      rowStart = new int[oh];
      rowEnd = new int[oh];
      colStart = new int[ow];
      colEnd = new int[ow];
      paddedRows = new int[oh];
      paddedCols = new int[ow];
    }

    static Windows sliding(int h, int w, int oh, int ow, PoolGeometry geo) {
      Windows win = new Windows(h, w, oh, ow, geo.dilationH(), geo.dilationW());
      win.plainTwoByTwo = geo.kernelH() == 2 && geo.kernelW() == 2 && geo.strideH() == 2 && geo.strideW() == 2
          && geo.padH() == 0 && geo.padW() == 0 && geo.dilationH() == 1 && geo.dilationW() == 1
          && 2 * oh <= h && 2 * ow <= w;
      axis(h, oh, geo.kernelH(), geo.strideH(), geo.padH(), geo.dilationH(), win.rowStart, win.rowEnd, win.paddedRows);
      axis(w, ow, geo.kernelW(), geo.strideW(), geo.padW(), geo.dilationW(), win.colStart, win.colEnd, win.paddedCols);
      return win;
    }

    /** Window bounds along one axis; a start is moved forward by whole dilation steps into the input. */
    private static void axis(int n, int out, int k, int s, int p, int d, int[] start, int[] end, int[] padded) {
      for (int i = 0; i < out; i++) {
        int first = i * s - p;
        int last = first + d * (k - 1) + 1;
        padded[i] = Math.min(last, n + p) - first;
        int clipped = first;
        while (clipped < 0) {
          clipped += d;
        }
        start[i] = clipped;
        end[i] = Math.min(last, n);
      }
    }

    /**
     * A dilated window can step over the whole input and sample only padding (e.g. kernel 2,
     * dilation 2, padding 1 on an input of size 1 samples positions -1 and 1); it has no maximum.
     */
    void checkEachSamplesTheInput(String op, PoolGeometry geo) {
      for (int i = 0; i < oh; i++) {
        checkArgument(
            rowStart[i] < rowEnd[i],
            "%s: output row %s samples only padding (input height %s, kernel %s, dilation %s, padding %s)",
            op, i, h, geo.kernelH(), geo.dilationH(), geo.padH());
      }
      for (int j = 0; j < ow; j++) {
        checkArgument(
            colStart[j] < colEnd[j],
            "%s: output column %s samples only padding (input width %s, kernel %s, dilation %s, padding %s)",
            op, j, w, geo.kernelW(), geo.dilationW(), geo.padW());
      }
    }

    static Windows adaptive(int h, int w, int oh, int ow) {
      Windows win = new Windows(h, w, oh, ow, 1, 1);
      win.adaptive = true;
      for (int i = 0; i < oh; i++) {
        win.rowStart[i] = (int) Math.floorDiv((long) i * h, oh);
        win.rowEnd[i] = (int) -Math.floorDiv(-(long) (i + 1) * h, oh);
        win.paddedRows[i] = win.rowEnd[i] - win.rowStart[i];
      }
      for (int j = 0; j < ow; j++) {
        win.colStart[j] = (int) Math.floorDiv((long) j * w, ow);
        win.colEnd[j] = (int) -Math.floorDiv(-(long) (j + 1) * w, ow);
        win.paddedCols[j] = win.colEnd[j] - win.colStart[j];
      }
      return win;
    }

    boolean isPlainTwoByTwo() {
      return plainTwoByTwo;
    }

    int rowStart(int i) {
      return rowStart[i];
    }

    int rowEnd(int i) {
      return rowEnd[i];
    }

    int colStart(int j) {
      return colStart[j];
    }

    int colEnd(int j) {
      return colEnd[j];
    }

    /**
     * {@code v} divided as PyTorch divides the sum of window {@code (i, j)}, in float32: an adaptive
     * window's by its rows and then by its columns (two roundings), a sliding window's by its {@link
     * #divisor}.
     */
    float divide(float v, int i, int j, boolean countIncludePad) {
      return adaptive ? v / rows(i) / cols(j) : v / (float) divisor(i, j, countIncludePad);
    }

    /** {@link #divide(float, int, int, boolean)} in float64. */
    double divide(double v, int i, int j, boolean countIncludePad) {
      return adaptive ? v / rows(i) / cols(j) : v / divisor(i, j, countIncludePad);
    }

    private int rows(int i) {
      return rowEnd[i] - rowStart[i];
    }

    private int cols(int j) {
      return colEnd[j] - colStart[j];
    }

    double divisor(int i, int j, boolean countIncludePad) {
      return countIncludePad
          ? (double) paddedRows[i] * paddedCols[j]
          : (double) Math.max(0, rowEnd[i] - rowStart[i]) * Math.max(0, colEnd[j] - colStart[j]);
    }
  }
}
