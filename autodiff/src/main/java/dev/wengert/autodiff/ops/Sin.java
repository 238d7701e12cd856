package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;

/** {@code y = sin(x)}. Rule: {@code dx = g · cos(x)}. */
final class Sin extends Op {
  static final Sin INSTANCE = new Sin();

  @Override
  public String name() {
    return "sin";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return in[0].sin();
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    return new Var[] {Ops.mul(g, Ops.cos(ctx.input(0)))};
  }
}
