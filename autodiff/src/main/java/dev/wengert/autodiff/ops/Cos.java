package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;

/** {@code y = cos(x)}. Rule: {@code dx = -g · sin(x)}. */
final class Cos extends Op {
  static final Cos INSTANCE = new Cos();

  @Override
  public String name() {
    return "cos";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return in[0].cos();
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    return new Var[] {Ops.neg(Ops.mul(g, Ops.sin(ctx.input(0))))};
  }
}
