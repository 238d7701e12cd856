package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Padding;
import dev.wengert.core.PaddingMode;
import dev.wengert.core.Tensor;

/**
 * {@code y = pad(x)} on the last two dims with a {@link PaddingMode}: each output pixel is a copy
 * of one source pixel (or zero). Rule: {@code dx = pad_backward(g)}, which adds each output
 * gradient onto the pixel it was copied from (replicated edges and corners, and reflected pixels,
 * accumulate).
 */
final class Pad extends Op {
  final int top;
  final int bottom;
  final int left;
  final int right;
  final PaddingMode mode;

  Pad(int top, int bottom, int left, int right, PaddingMode mode) {
    this.top = top;
    this.bottom = bottom;
    this.left = left;
    this.right = right;
    this.mode = mode;
  }

  @Override
  public String name() {
    return "pad";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return Padding.pad(in[0], top, bottom, left, right, mode);
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    return new Var[] {new PadBackward(ctx.inputShape(0), this).apply(g)};
  }
}
