package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;

/** {@code y = c · x} for a constant {@code c}. Rule: {@code dx = c · g}. */
final class MulScalar extends Op {
  private final double c;

  MulScalar(double c) {
    this.c = c;
  }

  @Override
  public String name() {
    return "mul_scalar";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return in[0].mul(c);
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    return new Var[] {Ops.mulScalar(g, c)};
  }
}
