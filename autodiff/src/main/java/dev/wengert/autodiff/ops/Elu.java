package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;

/**
 * {@code y = x > 0 ? x : α(exp(x) - 1)}. Rule: {@code dx = g · (x > 0 ? 1 : exp(x))}, with {@code
 * exp(x)} written as an op so the rule is differentiable again.
 */
final class Elu extends Op {
  private final double alpha;

  Elu(double alpha) {
    this.alpha = alpha;
  }

  @Override
  public String name() {
    return "elu";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return in[0].map(x -> x > 0 ? x : alpha * Math.expm1(x));
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    Var x = ctx.input(0);
    Tensor positive = x.value().gt(0);
    Var negativeSlope = Ops.mulScalar(Ops.exp(x), alpha);
    Var one = Var.constant(Tensor.ones(x.dtype(), x.shape()));
    return new Var[] {Ops.mul(g, Ops.where(positive, one, negativeSlope))};
  }
}
