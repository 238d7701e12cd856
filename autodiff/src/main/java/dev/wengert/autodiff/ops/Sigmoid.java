package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;

/** {@code y = 1 / (1 + exp(-x))}. Rule: {@code dx = g · y · (1 - y)}. */
final class Sigmoid extends Op {
  static final Sigmoid INSTANCE = new Sigmoid();

  @Override
  public String name() {
    return "sigmoid";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return in[0].sigmoid();
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    return new Var[] {Ops.mul(g, Ops.mul(ctx.output(), Ops.addScalar(Ops.neg(ctx.output()), 1)))};
  }
}
