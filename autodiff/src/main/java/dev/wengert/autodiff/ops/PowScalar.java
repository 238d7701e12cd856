package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;

/** {@code y = x^c} for a constant exponent {@code c}. Rule: {@code dx = g · c · x^(c-1)} (0 when c = 0). */
final class PowScalar extends Op {
  private final double exponent;

  PowScalar(double exponent) {
    this.exponent = exponent;
  }

  @Override
  public String name() {
    return "pow_scalar";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return in[0].pow(exponent);
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    if (exponent == 0) {
      return new Var[] {Ops.mulScalar(g, 0)};
    }
    Var x = ctx.input(0);
    Var power = exponent == 2 ? x : Ops.pow(x, exponent - 1);
    return new Var[] {Ops.mul(g, Ops.mulScalar(power, exponent))};
  }
}
