package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;

/**
 * {@code y = a / b} elementwise with broadcasting. Rule: {@code da = sumTo(g / b, shape(a)), db =
 * sumTo(-g * a / b², shape(b))}.
 */
final class Div extends Op {
  static final Div INSTANCE = new Div();

  @Override
  public String name() {
    return "div";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return in[0].div(in[1]);
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    Var b = ctx.input(1);
    Var da = ctx.needsGrad(0) ? Ops.sumTo(Ops.div(g, b), ctx.inputShape(0)) : null;
    Var db = null;
    if (ctx.needsGrad(1)) {
      Var a = ctx.input(0);
      db = Ops.sumTo(Ops.neg(Ops.div(Ops.mul(g, a), Ops.mul(b, b))), ctx.inputShape(1));
    }
    return new Var[] {da, db};
  }
}
