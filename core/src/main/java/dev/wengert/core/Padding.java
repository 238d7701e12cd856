package dev.wengert.core;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Arrays;

/**
 * Pads the last two dims (H, W) of a tensor of rank >= 2, e.g. NCHW, in one of the {@link
 * PaddingMode}s, and scatters a gradient back through the padding.
 *
 * <p>Forward and backward share one index map, {@link #sourceIndex}: output pixel {@code (i, j)}
 * is a copy of input pixel {@code (sourceIndex(i), sourceIndex(j))}, or zero when either is -1. The
 * backward pass adds each output gradient onto that same source pixel, so it is the exact adjoint
 * of the forward pass. Planes (one per leading index) are split over {@link Parallel} threads; each
 * plane is handled by one thread, so results do not depend on the thread count.
 */
public final class Padding {

  private Padding() {}

  /**
   * {@code x} padded by {@code top}/{@code bottom} rows and {@code left}/{@code right} columns in
   * its last two dims, as a new contiguous tensor of the same dtype. REFLECT needs each pad smaller
   * than the size of its dim, CIRCULAR no larger (PyTorch's rules).
   */
  public static Tensor pad(Tensor x, int top, int bottom, int left, int right, PaddingMode mode) {
    checkNotNull(x, "x");
    checkNotNull(mode, "mode");
    int[] shape = x.shape();
    int[] outShape = paddedShape("pad", shape, top, bottom, left, right, mode);
    Tensor in = x.contiguous();
    Tensor out = Tensor.zeros(x.dtype(), outShape);
    Plan plan = new Plan(shape, outShape, top, left, mode);
    if (x.dtype() == DType.FLOAT32) {
      float[] src = in.floatData();
      float[] dst = out.floatData();
      int base = in.offset();
      plan.forEachPlanes((from, to) -> plan.forwardFloat(src, base, dst, from, to));
    } else {
      double[] src = in.doubleData();
      double[] dst = out.doubleData();
      int base = in.offset();
      plan.forEachPlanes((from, to) -> plan.forwardDouble(src, base, dst, from, to));
    }
    return out;
  }

  /**
   * The gradient of {@link #pad} with respect to its input: each element of {@code gradOut} is added
   * onto the input pixel it was copied from (replicated edges and corners, and mirrored or wrapped
   * pixels, accumulate several; zero padding drops the border). Returns a new contiguous tensor of
   * {@code inputShape}.
   */
  public static Tensor padBackward(
      Tensor gradOut, int[] inputShape, int top, int bottom, int left, int right, PaddingMode mode) {
    checkNotNull(gradOut, "gradOut");
    checkNotNull(inputShape, "inputShape");
    checkNotNull(mode, "mode");
    int[] shape = inputShape.clone();
    for (int s : shape) {
      checkArgument(s >= 0, "padBackward: negative size in input shape %s", Shapes.lazy(shape));
    }
    int[] outShape = paddedShape("padBackward", shape, top, bottom, left, right, mode);
    int[] gradShape = gradOut.shape();
    checkArgument(
        Arrays.equals(gradShape, outShape),
        "padBackward: gradient shape %s does not match the padded shape %s of input shape %s",
        Shapes.lazy(gradShape), Shapes.lazy(outShape), Shapes.lazy(shape));
    Tensor g = gradOut.contiguous();
    Tensor gradIn = Tensor.zeros(gradOut.dtype(), shape);
    Plan plan = new Plan(shape, outShape, top, left, mode);
    if (g.dtype() == DType.FLOAT32) {
      float[] src = g.floatData();
      float[] dst = gradIn.floatData();
      int base = g.offset();
      plan.forEachPlanes((from, to) -> plan.backwardFloat(src, base, dst, from, to));
    } else {
      double[] src = g.doubleData();
      double[] dst = gradIn.doubleData();
      int base = g.offset();
      plan.forEachPlanes((from, to) -> plan.backwardDouble(src, base, dst, from, to));
    }
    return gradIn;
  }

  /**
   * The input index that output index {@code i} copies along a dim of {@code size} padded by {@code
   * padBefore} at the start, or -1 for a zero. Assumes the pad limits of {@link #pad} hold.
   */
  public static int sourceIndex(int i, int size, int padBefore, PaddingMode mode) {
    int j = i - padBefore;
    if (j >= 0 && j < size) {
      return j;
    }
    switch (mode) {
      case ZERO:
        return -1;
      case REPLICATE:
        return j < 0 ? 0 : size - 1;
      case REFLECT:
        return j < 0 ? -j : 2 * (size - 1) - j;
      case CIRCULAR:
        return Math.floorMod(j, size);
      default:
        throw new AssertionError(mode);
    }
  }

  /** The output shape, after checking the rank, the pad signs and the per-mode limits. */
  private static int[] paddedShape(
      String op, int[] shape, int top, int bottom, int left, int right, PaddingMode mode) {
    checkArgument(
        shape.length >= 2,
        "%s: input must have rank >= 2 (..., height, width), got shape %s", op, Shapes.lazy(shape));
    checkArgument(top >= 0, "%s: top padding must be >= 0, got %s", op, top);
    checkArgument(bottom >= 0, "%s: bottom padding must be >= 0, got %s", op, bottom);
    checkArgument(left >= 0, "%s: left padding must be >= 0, got %s", op, left);
    checkArgument(right >= 0, "%s: right padding must be >= 0, got %s", op, right);
    int height = shape[shape.length - 2];
    int width = shape[shape.length - 1];
    checkLimit(op, mode, top, height, "height", shape);
    checkLimit(op, mode, bottom, height, "height", shape);
    checkLimit(op, mode, left, width, "width", shape);
    checkLimit(op, mode, right, width, "width", shape);
    long outHeight = (long) height + top + bottom;
    long outWidth = (long) width + left + right;
    checkArgument(
        outHeight <= Integer.MAX_VALUE && outWidth <= Integer.MAX_VALUE,
        "%s: padded size %sx%s is too large (shape %s)", op, outHeight, outWidth, Shapes.lazy(shape));
    int[] out = shape.clone();
    out[out.length - 2] = (int) outHeight;
    out[out.length - 1] = (int) outWidth;
    return out;
  }

  private static void checkLimit(String op, PaddingMode mode, int pad, int size, String axis, int[] shape) {
    switch (mode) {
      case ZERO:
        return;
      case REPLICATE:
        checkArgument(
            pad == 0 || size > 0,
            "%s: replicate padding %s needs a non-empty input %s (shape %s)", op, pad, axis, Shapes.lazy(shape));
        return;
      case REFLECT:
        checkArgument(
            pad == 0 || pad < size,
            "%s: reflect padding %s must be < input %s %s (shape %s)", op, pad, axis, size, Shapes.lazy(shape));
        return;
      case CIRCULAR:
        checkArgument(
            pad == 0 || (pad <= size && size > 0),
            "%s: circular padding %s must be <= input %s %s (shape %s)", op, pad, axis, size, Shapes.lazy(shape));
        return;
      default:
        throw new AssertionError(mode);
    }
  }

  /**
   * The index maps of one pad call, computed once: {@code rowSource[i]} and {@code colSource[j]}
   * are the {@link #sourceIndex} of output row {@code i} and column {@code j}.
   */
  private static final class Plan {
    private final int planes;
    private final int inPlane;
    private final int outPlane;
    private final int inWidth;
    private final int[] rowSource;
    private final int[] colSource;

    Plan(int[] inShape, int[] outShape, int top, int left, PaddingMode mode) {
      int rank = inShape.length;
      int inHeight = inShape[rank - 2];
      this.inWidth = inShape[rank - 1];
      int planeCount = 1;
      for (int d = 0; d < rank - 2; d++) {
        planeCount *= inShape[d];
      }
      this.planes = planeCount;
      this.inPlane = inHeight * inWidth;
      this.outPlane = outShape[rank - 2] * outShape[rank - 1];
      this.rowSource = new int[outShape[rank - 2]];
      this.colSource = new int[outShape[rank - 1]];
      for (int i = 0; i < rowSource.length; i++) {
        rowSource[i] = sourceIndex(i, inHeight, top, mode);
      }
      for (int j = 0; j < colSource.length; j++) {
        colSource[j] = sourceIndex(j, inWidth, left, mode);
      }
    }

    /** Runs {@code body} over plane ranges, in parallel once the padded planes are large enough. */
    void forEachPlanes(Parallel.RangeBody body) {
      if (outPlane == 0) {
        return;
      }
      Parallel.forRange(planes, Math.max(1, Tensor.PARALLEL_GRAIN / outPlane), body);
    }

    void forwardFloat(float[] in, int inBase, float[] out, int fromPlane, int toPlane) {
      for (int p = fromPlane; p < toPlane; p++) {
        int inStart = inBase + p * inPlane;
        int o = p * outPlane;
        for (int sr : rowSource) {
          if (sr < 0) {
            o += colSource.length;
            continue;
          }
          int row = inStart + sr * inWidth;
          for (int sc : colSource) {
            if (sc >= 0) {
              out[o] = in[row + sc];
            }
            o++;
          }
        }
      }
    }

    void forwardDouble(double[] in, int inBase, double[] out, int fromPlane, int toPlane) {
      for (int p = fromPlane; p < toPlane; p++) {
        int inStart = inBase + p * inPlane;
        int o = p * outPlane;
        for (int sr : rowSource) {
          if (sr < 0) {
            o += colSource.length;
            continue;
          }
          int row = inStart + sr * inWidth;
          for (int sc : colSource) {
            if (sc >= 0) {
              out[o] = in[row + sc];
            }
            o++;
          }
        }
      }
    }

    /** Adds {@code gradOut} onto the source pixels, visiting outputs in row-major order. */
    void backwardFloat(float[] gradOut, int gradBase, float[] gradIn, int fromPlane, int toPlane) {
      for (int p = fromPlane; p < toPlane; p++) {
        int inStart = p * inPlane;
        int o = gradBase + p * outPlane;
        for (int sr : rowSource) {
          if (sr < 0) {
            o += colSource.length;
            continue;
          }
          int row = inStart + sr * inWidth;
          for (int sc : colSource) {
            if (sc >= 0) {
              gradIn[row + sc] += gradOut[o];
            }
            o++;
          }
        }
      }
    }

    void backwardDouble(double[] gradOut, int gradBase, double[] gradIn, int fromPlane, int toPlane) {
      for (int p = fromPlane; p < toPlane; p++) {
        int inStart = p * inPlane;
        int o = gradBase + p * outPlane;
        for (int sr : rowSource) {
          if (sr < 0) {
            o += colSource.length;
            continue;
          }
          int row = inStart + sr * inWidth;
          for (int sc : colSource) {
            if (sc >= 0) {
              gradIn[row + sc] += gradOut[o];
            }
            o++;
          }
        }
      }
    }
  }
}
