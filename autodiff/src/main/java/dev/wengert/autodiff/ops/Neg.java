package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;

/** {@code y = -x}. Rule: {@code dx = -g}. */
final class Neg extends Op {
  static final Neg INSTANCE = new Neg();

  @Override
  public String name() {
    return "neg";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return in[0].neg();
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    return new Var[] {Ops.neg(g)};
  }
}
