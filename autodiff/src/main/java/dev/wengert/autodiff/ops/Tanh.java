package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;

/** {@code y = tanh(x)}. Rule: {@code dx = g · (1 - y²)}. */
final class Tanh extends Op {
  static final Tanh INSTANCE = new Tanh();

  @Override
  public String name() {
    return "tanh";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return in[0].tanh();
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    return new Var[] {Ops.mul(g, Ops.addScalar(Ops.neg(Ops.mul(ctx.output(), ctx.output())), 1))};
  }
}
