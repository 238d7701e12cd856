package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;

/**
 * {@code y = a * b} elementwise with broadcasting. Rule: {@code da = sumTo(g * b, shape(a)), db =
 * sumTo(g * a, shape(b))}.
 */
final class Mul extends Op {
  static final Mul INSTANCE = new Mul();

  @Override
  public String name() {
    return "mul";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return in[0].mul(in[1]);
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    return new Var[] {
      ctx.needsGrad(0) ? Ops.sumTo(Ops.mul(g, ctx.input(1)), ctx.inputShape(0)) : null,
      ctx.needsGrad(1) ? Ops.sumTo(Ops.mul(g, ctx.input(0)), ctx.inputShape(1)) : null
    };
  }
}
