package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;

/**
 * {@code y = log(1 + exp(βx)) / β}, computed stably ({@code x} itself once {@code βx > threshold},
 * as PyTorch). Rule: {@code dx = g · sigmoid(βx)} (and {@code g} above the threshold).
 */
final class Softplus extends Op {
  private final double beta;
  private final double threshold;

  Softplus(double beta, double threshold) {
    this.beta = beta;
    this.threshold = threshold;
  }

  @Override
  public String name() {
    return "softplus";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return in[0].map(
        x -> {
          double bx = beta * x;
          return bx > threshold ? x : (Math.max(bx, 0) + Math.log1p(Math.exp(-Math.abs(bx)))) / beta;
        });
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    Var x = ctx.input(0);
    Tensor linear = x.value().mul(beta).gt(threshold);
    Var slope = Ops.sigmoid(Ops.mulScalar(x, beta));
    Var one = Var.constant(Tensor.ones(x.dtype(), x.shape()));
    return new Var[] {Ops.mul(g, Ops.where(linear, one, slope))};
  }
}
