package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;

/**
 * {@code y = expand(x, shape)}: broadcasts {@code x} to {@code shape} (a copy, so later in-place
 * writes cannot alias). Rule: {@code dx = sumTo(g, shape(x))}.
 */
final class Expand extends Op {
  private final int[] target;

  Expand(int[] target) {
    this.target = target.clone();
  }

  @Override
  public String name() {
    return "expand";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return in[0].expand(target).copy();
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    return new Var[] {Ops.sumTo(g, ctx.inputShape(0))};
  }
}
