package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;

/** {@code y = reshape(x, shape)} (one size may be -1). Rule: {@code dx = reshape(g, shape(x))}. */
final class Reshape extends Op {
  private final int[] target;

  Reshape(int[] target) {
    this.target = target.clone();
  }

  @Override
  public String name() {
    return "reshape";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return in[0].reshape(target);
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    return new Var[] {Ops.reshape(g, ctx.inputShape(0))};
  }
}
