package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;

/** {@code y = sqrt(x)}. Rule: {@code dx = g / (2y)}. */
final class Sqrt extends Op {
  static final Sqrt INSTANCE = new Sqrt();

  @Override
  public String name() {
    return "sqrt";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return in[0].sqrt();
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    return new Var[] {Ops.div(g, Ops.mulScalar(ctx.output(), 2))};
  }
}
