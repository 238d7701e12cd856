package dev.wengert.core;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * The window of a 2-D pooling op: kernel, stride, zero padding, dilation and ceil mode. Output
 * sizes come from {@link ConvGeometry}; as in PyTorch, the padding may be at most half the
 * (dilated) kernel, so every window overlaps the input.
 */
public record PoolGeometry(
    int kernelH, int kernelW, int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, boolean ceilMode) {

  public PoolGeometry {
    checkArgument(kernelH >= 1 && kernelW >= 1, "pool2d: kernel must be >= 1, got (%s, %s)", kernelH, kernelW);
    checkArgument(strideH >= 1 && strideW >= 1, "pool2d: stride must be >= 1, got (%s, %s)", strideH, strideW);
    checkArgument(dilationH >= 1 && dilationW >= 1, "pool2d: dilation must be >= 1, got (%s, %s)", dilationH, dilationW);
    checkArgument(padH >= 0 && padW >= 0, "pool2d: padding must be >= 0, got (%s, %s)", padH, padW);
    long effectiveH = (long) dilationH * (kernelH - 1) + 1;
    long effectiveW = (long) dilationW * (kernelW - 1) + 1;
    checkArgument(
        2L * padH <= effectiveH && 2L * padW <= effectiveW,
        "pool2d: padding (%s, %s) must be at most half of the kernel (%s, %s)", padH, padW, effectiveH, effectiveW);
  }

  /** A square window of {@code kernel} with stride {@code kernel}, as PyTorch's default {@code MaxPool2d(k)}. */
  public static PoolGeometry of(int kernel) {
    return new PoolGeometry(kernel, kernel, kernel, kernel, 0, 0, 1, 1, false);
  }

  /** Output height for an input of height {@code h} (the seed's formula, with ceil mode); {@code op} names errors. */
  public int outputHeight(String op, int h) {
    return ConvGeometry.outputSize(op, "height", h, kernelH, padH, padH, strideH, dilationH, ceilMode);
  }

  /** Output width for an input of width {@code w}. */
  public int outputWidth(String op, int w) {
    return ConvGeometry.outputSize(op, "width", w, kernelW, padW, padW, strideW, dilationW, ceilMode);
  }
}
