package dev.wengert.core;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * The parameters of a 2-D convolution besides its operands: stride, zero padding on each side
 * (asymmetric when "same" padding meets an even kernel), dilation and groups.
 */
public record Conv2dGeometry(
    int strideH,
    int strideW,
    int padTop,
    int padBottom,
    int padLeft,
    int padRight,
    int dilationH,
    int dilationW,
    int groups) {

  public Conv2dGeometry {
    checkArgument(strideH >= 1 && strideW >= 1, "conv2d: stride must be >= 1, got (%s, %s)", strideH, strideW);
    checkArgument(
        padTop >= 0 && padBottom >= 0 && padLeft >= 0 && padRight >= 0,
        "conv2d: padding must be >= 0, got top %s bottom %s left %s right %s", padTop, padBottom, padLeft, padRight);
    checkArgument(
        dilationH >= 1 && dilationW >= 1, "conv2d: dilation must be >= 1, got (%s, %s)", dilationH, dilationW);
    checkArgument(groups >= 1, "conv2d: groups must be >= 1, got %s", groups);
  }

  /** Symmetric padding {@code (padH, padW)}, as PyTorch's {@code padding=(ph, pw)}. */
  public static Conv2dGeometry of(int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int groups) {
    return new Conv2dGeometry(strideH, strideW, padH, padH, padW, padW, dilationH, dilationW, groups);
  }

  /** Stride 1, no padding, no dilation, one group. */
  public static Conv2dGeometry unit() {
    return of(1, 1, 0, 0, 1, 1, 1);
  }

  /** Output height for an input of height {@code h} and a kernel of height {@code kh} (the seed's formula). */
  public int outputHeight(String op, int h, int kh) {
    return ConvGeometry.outputSize(op, "height", h, kh, padTop, padBottom, strideH, dilationH);
  }

  /** Output width for an input of width {@code w} and a kernel of width {@code kw}. */
  public int outputWidth(String op, int w, int kw) {
    return ConvGeometry.outputSize(op, "width", w, kw, padLeft, padRight, strideW, dilationW);
  }
}
