package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;

/** {@code y = |x|}. Rule: {@code dx = g · sign(x)} (0 at x = 0, as PyTorch). */
final class Abs extends Op {
  static final Abs INSTANCE = new Abs();

  @Override
  public String name() {
    return "abs";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return in[0].abs();
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    return new Var[] {Ops.mul(g, Var.constant(ctx.input(0).value().sign()))};
  }
}
