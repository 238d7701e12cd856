package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;

/**
 * {@code y = x · Φ(x)} with the exact normal CDF {@code Φ(x) = (1 + erf(x/√2))/2}. Rule: {@code dx
 * = g · (Φ(x) + x · φ(x))}, {@code φ(x) = exp(-x²/2)/√(2π)}.
 */
final class Gelu extends Op {
  static final Gelu INSTANCE = new Gelu();
  private static final double INV_SQRT_2 = 1 / Math.sqrt(2);
  private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

  @Override
  public String name() {
    return "gelu";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return in[0].map(x -> 0.5 * x * (1 + org.apache.commons.math3.special.Erf.erf(x * INV_SQRT_2)));
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    Var x = ctx.input(0);
    Var cdf = Ops.mulScalar(Ops.addScalar(Ops.erf(Ops.mulScalar(x, INV_SQRT_2)), 1), 0.5);
    Var pdf = Ops.mulScalar(Ops.exp(Ops.mulScalar(Ops.mul(x, x), -0.5)), INV_SQRT_2PI);
    return new Var[] {Ops.mul(g, Ops.add(cdf, Ops.mul(x, pdf)))};
  }
}
