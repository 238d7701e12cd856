package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;

/** {@code y = exp(x)}. Rule: {@code dx = g · y}. */
final class Exp extends Op {
  static final Exp INSTANCE = new Exp();

  @Override
  public String name() {
    return "exp";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return in[0].exp();
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    return new Var[] {Ops.mul(g, ctx.output())};
  }
}
