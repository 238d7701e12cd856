package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;

/** {@code y = erf(x)}. Rule: {@code dx = g · 2/√π · exp(-x²)}. */
final class Erf extends Op {
  static final Erf INSTANCE = new Erf();
  private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

  @Override
  public String name() {
    return "erf";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return in[0].map(org.apache.commons.math3.special.Erf::erf);
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    Var x = ctx.input(0);
    return new Var[] {Ops.mul(g, Ops.mulScalar(Ops.exp(Ops.neg(Ops.mul(x, x))), TWO_OVER_SQRT_PI))};
  }
}
