package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Padding;
import dev.wengert.core.Tensor;

/**
 * {@code y = pad_backward(x)}: the adjoint of {@link Pad}, adding each element of {@code x} (shaped
 * like the padded output) onto the source pixel it was copied from. It is linear; rule: {@code dx
 * = pad(g)}.
 */
final class PadBackward extends Op {
  private final int[] inputShape;
  private final Pad pad;

  PadBackward(int[] inputShape, Pad pad) {
    this.inputShape = inputShape.clone();
    this.pad = pad;
  }

  @Override
  public String name() {
    return "pad_backward";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return Padding.padBackward(in[0], inputShape, pad.top, pad.bottom, pad.left, pad.right, pad.mode);
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    return new Var[] {new Pad(pad.top, pad.bottom, pad.left, pad.right, pad.mode).apply(g)};
  }
}
