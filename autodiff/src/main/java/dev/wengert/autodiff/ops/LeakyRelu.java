package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;

/** {@code y = x > 0 ? x : slope · x}. Rule: {@code dx = g · (x > 0 ? 1 : slope)}. */
final class LeakyRelu extends Op {
  private final double slope;

  LeakyRelu(double slope) {
    this.slope = slope;
  }

  @Override
  public String name() {
    return "leaky_relu";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return in[0].map(x -> x > 0 ? x : slope * x);
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    Tensor derivative = ctx.input(0).value().map(x -> x > 0 ? 1 : slope);
    return new Var[] {Ops.mul(g, Var.constant(derivative))};
  }
}
