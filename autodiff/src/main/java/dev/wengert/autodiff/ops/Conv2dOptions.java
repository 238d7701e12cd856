package dev.wengert.autodiff.ops;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.wengert.core.Conv2dGeometry;
import dev.wengert.core.ConvGeometry;
import dev.wengert.core.PaddingMode;

/**
 * Everything about a 2-D convolution besides its operands, as PyTorch's {@code Conv2d} arguments:
 * stride, padding ({@code (ph, pw)}, "same" or "valid"), padding mode, dilation and groups.
 * Immutable; each {@code with…} returns a copy. Defaults: stride 1, padding 0, zero padding,
 * dilation 1, one group.
 */
public final class Conv2dOptions {

  private enum PaddingKind {
    EXPLICIT,
    SAME,
    VALID
  }

  private final int strideH;
  private final int strideW;
  private final PaddingKind paddingKind;
  private final int padH;
  private final int padW;
  private final PaddingMode paddingMode;
  private final int dilationH;
  private final int dilationW;
  private final int groups;

  private Conv2dOptions(
      int strideH, int strideW, PaddingKind paddingKind, int padH, int padW, PaddingMode paddingMode,
      int dilationH, int dilationW, int groups) {
    this.strideH = strideH;
    this.strideW = strideW;
    this.paddingKind = paddingKind;
    this.padH = padH;
    this.padW = padW;
    this.paddingMode = paddingMode;
    this.dilationH = dilationH;
    this.dilationW = dilationW;
    this.groups = groups;
  }

  /** Stride 1, padding 0, zero padding, dilation 1, one group. */
  public static Conv2dOptions defaults() {
    return new Conv2dOptions(1, 1, PaddingKind.EXPLICIT, 0, 0, PaddingMode.ZERO, 1, 1, 1);
  }

  public Conv2dOptions stride(int s) {
    return stride(s, s);
  }

  public Conv2dOptions stride(int sh, int sw) {
    checkArgument(sh >= 1 && sw >= 1, "conv2d: stride must be >= 1, got (%s, %s)", sh, sw);
    return new Conv2dOptions(sh, sw, paddingKind, padH, padW, paddingMode, dilationH, dilationW, groups);
  }

  public Conv2dOptions padding(int p) {
    return padding(p, p);
  }

  /** {@code ph} rows above and below, {@code pw} columns left and right. */
  public Conv2dOptions padding(int ph, int pw) {
    checkArgument(ph >= 0 && pw >= 0, "conv2d: padding must be >= 0, got (%s, %s)", ph, pw);
    return new Conv2dOptions(strideH, strideW, PaddingKind.EXPLICIT, ph, pw, paddingMode, dilationH, dilationW, groups);
  }

  /**
   * Padding that keeps the size at stride 1: {@code d(k-1)} in total per axis, the extra pixel after
   * (bottom/right) when it is odd, as PyTorch's {@code padding="same"}.
   */
  public Conv2dOptions paddingSame() {
    return new Conv2dOptions(strideH, strideW, PaddingKind.SAME, 0, 0, paddingMode, dilationH, dilationW, groups);
  }

  /** No padding, as PyTorch's {@code padding="valid"}. */
  public Conv2dOptions paddingValid() {
    return new Conv2dOptions(strideH, strideW, PaddingKind.VALID, 0, 0, paddingMode, dilationH, dilationW, groups);
  }

  /** How the padded border is filled: zeros, the nearest edge pixel, a reflection or a wrap-around. */
  public Conv2dOptions paddingMode(PaddingMode mode) {
    checkNotNull(mode, "paddingMode");
    return new Conv2dOptions(strideH, strideW, paddingKind, padH, padW, mode, dilationH, dilationW, groups);
  }

  public Conv2dOptions dilation(int d) {
    return dilation(d, d);
  }

  public Conv2dOptions dilation(int dh, int dw) {
    checkArgument(dh >= 1 && dw >= 1, "conv2d: dilation must be >= 1, got (%s, %s)", dh, dw);
    return new Conv2dOptions(strideH, strideW, paddingKind, padH, padW, paddingMode, dh, dw, groups);
  }

  public Conv2dOptions groups(int g) {
    checkArgument(g >= 1, "conv2d: groups must be >= 1, got %s", g);
    return new Conv2dOptions(strideH, strideW, paddingKind, padH, padW, paddingMode, dilationH, dilationW, g);
  }

  @Override
  public String toString() {
    String padding = switch (paddingKind) {
      case SAME -> "same";
      case VALID -> "valid";
      default -> "(" + padH + "," + padW + ")";
    };
    return "stride (" + strideH + "," + strideW + ") padding " + padding + " " + paddingMode + " dilation ("
        + dilationH + "," + dilationW + ") groups " + groups;
  }

  public PaddingMode paddingMode() {
    return paddingMode;
  }

  public int groups() {
    return groups;
  }

  /** {top, bottom, left, right} padding for a {@code kh × kw} kernel. */
  public int[] paddingFor(int kh, int kw) {
    switch (paddingKind) {
      case SAME:
        if (strideH != 1 || strideW != 1) {
          throw new IllegalArgumentException(
              "conv2d: padding=\"same\" needs stride 1, got (" + strideH + ", " + strideW + ")");
        }
        int[] vertical = ConvGeometry.samePadding(kh, dilationH);
        int[] horizontal = ConvGeometry.samePadding(kw, dilationW);
        return new int[] {vertical[0], vertical[1], horizontal[0], horizontal[1]};
      case VALID:
        return new int[4];
      default:
        return new int[] {padH, padH, padW, padW};
    }
  }

  /** The geometry of the convolution that follows explicit padding of {@code pads} (or includes it, for zeros). */
  Conv2dGeometry geometry(int[] pads, boolean includePadding) {
    return includePadding
        ? new Conv2dGeometry(strideH, strideW, pads[0], pads[1], pads[2], pads[3], dilationH, dilationW, groups)
        : new Conv2dGeometry(strideH, strideW, 0, 0, 0, 0, dilationH, dilationW, groups);
  }

  /** The geometry with symmetric padding, for transposed convolutions. */
  Conv2dGeometry symmetricGeometry() {
    checkArgument(paddingKind == PaddingKind.EXPLICIT, "conv_transpose2d: padding must be explicit numbers");
    return Conv2dGeometry.of(strideH, strideW, padH, padW, dilationH, dilationW, groups);
  }

  /** {stride height, stride width}. */
  public int[] strideValues() {
    return new int[] {strideH, strideW};
  }

  /** {dilation height, dilation width}. */
  public int[] dilationValues() {
    return new int[] {dilationH, dilationW};
  }

  int strideH() {
    return strideH;
  }

  int strideW() {
    return strideW;
  }

  int dilationH() {
    return dilationH;
  }

  int dilationW() {
    return dilationW;
  }

  int padH() {
    return padH;
  }

  int padW() {
    return padW;
  }
}
