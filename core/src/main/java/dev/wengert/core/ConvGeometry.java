package dev.wengert.core;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * Output sizes of sliding-window ops (convolution, pooling) along one spatial axis, written once
 * for the whole project. With input size {@code n}, kernel {@code k}, padding {@code p} on each
 * side (or {@code pb} before and {@code pa} after), stride {@code s} and dilation {@code d}:
 *
 * <pre>
 *   out = floor((n + pb + pa - d(k-1) - 1) / s) + 1
 *       = floor((n - k' + 2p) / s) + 1        where k' = d(k-1) + 1 is the effective kernel
 * </pre>
 *
 * <p>Pooling's {@code ceilMode} uses {@code ceil} instead of {@code floor} and then drops the last
 * window if it would start beyond the input and the left padding, i.e. if {@code (out-1)*s >= n +
 * pb} (PyTorch's {@code pooling_output_shape}). A non-positive result is an error whose message
 * shows the formula with the numbers filled in.
 */
public final class ConvGeometry {

  private ConvGeometry() {}

  /**
   * {@code floor((n + 2p - d(k-1) - 1)/s) + 1}; an error if the (dilated) kernel does not fit the
   * padded input.
   */
  public static int outputSize(int n, int kernel, int padding, int stride, int dilation) {
    return outputSize("outputSize", null, n, kernel, padding, padding, stride, dilation, false);
  }

  /**
   * As {@link #outputSize(int, int, int, int, int)}, with the op (e.g. {@code conv2d}) and the axis
   * (e.g. {@code height}) named in error messages.
   */
  public static int outputSize(
      String op, String axis, int n, int kernel, int padding, int stride, int dilation) {
    return outputSize(op, axis, n, kernel, padding, padding, stride, dilation, false);
  }

  /**
   * {@code floor((n + padBefore + padAfter - d(k-1) - 1)/s) + 1}, for asymmetric padding such as
   * "same" padding with an even kernel.
   */
  public static int outputSize(
      String op, String axis, int n, int kernel, int padBefore, int padAfter, int stride, int dilation) {
    return outputSize(op, axis, n, kernel, padBefore, padAfter, stride, dilation, false);
  }

  /**
   * The general form: with {@code ceilMode} (pooling only) the division rounds up, and a last window
   * that would start past the input and the left padding is dropped, as in PyTorch.
   *
   * @param op names the op in error messages, e.g. {@code max_pool2d}
   * @param axis names the axis in error messages, e.g. {@code height}; null for a generic "size"
   */
  public static int outputSize(
      String op,
      String axis,
      int n,
      int kernel,
      int padBefore,
      int padAfter,
      int stride,
      int dilation,
      boolean ceilMode) {
    checkNotNull(op, "op");
    String at = axis == null ? "" : " (" + axis + ")";
    checkArgument(n >= 0, "%s: input size%s must be >= 0, got %s", op, at, n);
    checkArgument(kernel >= 1, "%s: kernel size%s must be >= 1, got %s", op, at, kernel);
    checkArgument(stride >= 1, "%s: stride%s must be >= 1, got %s", op, at, stride);
    checkArgument(dilation >= 1, "%s: dilation%s must be >= 1, got %s", op, at, dilation);
    checkArgument(padBefore >= 0, "%s: padding%s must be >= 0, got %s", op, at, padBefore);
    checkArgument(padAfter >= 0, "%s: padding%s must be >= 0, got %s", op, at, padAfter);

    long effectiveKernel = (long) dilation * (kernel - 1) + 1;
    long span = (long) n + padBefore + padAfter - effectiveKernel;
    long steps = ceilMode ? -Math.floorDiv(-span, (long) stride) : Math.floorDiv(span, (long) stride);
    long out = steps + 1;
    if (ceilMode && out > 0 && (out - 1) * stride >= (long) n + padBefore) {
      out--;
    }
    if (out <= 0) {
      throw new IllegalArgumentException(
          failureMessage(op, axis, n, kernel, padBefore, padAfter, stride, dilation, ceilMode, out));
    }
    checkArgument(out <= Integer.MAX_VALUE, "%s: output size%s %s is too large", op, at, out);
    return (int) out;
  }

  /**
   * Padding {before, after} that keeps the size unchanged at stride 1 (PyTorch's {@code
   * padding="same"}): the total {@code d(k-1)} is split with the extra pixel after (bottom/right)
   * when it is odd, e.g. {1, 2} for {@code k = 4}.
   */
  public static int[] samePadding(int kernel, int dilation) {
    checkArgument(kernel >= 1, "samePadding: kernel size must be >= 1, got %s", kernel);
    checkArgument(dilation >= 1, "samePadding: dilation must be >= 1, got %s", dilation);
    long total = (long) dilation * (kernel - 1);
    checkArgument(total <= Integer.MAX_VALUE, "samePadding: padding %s is too large", total);
    int before = (int) (total / 2);
    return new int[] {before, (int) total - before};
  }

  /**
   * E.g. {@code conv2d: output height = floor((3 - 5 + 2*0)/1) + 1 = -1 <= 0: a kernel of height
   * 5 does not fit an input of height 3 with padding 0}.
   */
  private static String failureMessage(
      String op,
      String axis,
      int n,
      int kernel,
      int padBefore,
      int padAfter,
      int stride,
      int dilation,
      boolean ceilMode,
      long out) {
    String name = axis == null ? "size" : axis;
    String kernelTerm = dilation == 1 ? Integer.toString(kernel) : "(" + dilation + "*(" + kernel + "-1)+1)";
    String padTerm = padBefore == padAfter ? "2*" + padBefore : padBefore + " + " + padAfter;
    String padWords =
        padBefore == padAfter ? "padding " + padBefore : "padding " + padBefore + " before and " + padAfter + " after";
    String kernelWords = "a kernel of " + name + " " + kernel;
    if (dilation != 1) {
      kernelWords += " with dilation " + dilation + " (effective " + ((long) dilation * (kernel - 1) + 1) + ")";
    }
    return op + ": output " + name + " = " + (ceilMode ? "ceil" : "floor") + "((" + n + " - " + kernelTerm
        + " + " + padTerm + ")/" + stride + ") + 1 = " + out + " <= 0: " + kernelWords
        + " does not fit an input of " + name + " " + n + " with " + padWords;
  }
}
