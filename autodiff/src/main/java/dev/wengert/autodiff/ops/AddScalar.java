package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;

/** {@code y = x + c} for a constant {@code c}. Rule: {@code dx = g}. */
final class AddScalar extends Op {
  private final double c;

  AddScalar(double c) {
    this.c = c;
  }

  @Override
  public String name() {
    return "add_scalar";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return in[0].add(c);
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    return new Var[] {g};
  }
}
