package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;

/**
 * {@code y = a^b} elementwise with broadcasting. Rule: {@code da = sumTo(g · b · a^(b-1)), db =
 * sumTo(g · y · log(a))}, where {@code db} is taken as 0 at {@code a = 0, b >= 0} (the limit, as
 * PyTorch does).
 */
final class Pow extends Op {
  static final Pow INSTANCE = new Pow();

  @Override
  public String name() {
    return "pow";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return in[0].pow(in[1]);
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    Var a = ctx.input(0);
    Var b = ctx.input(1);
    Var da = null;
    Var db = null;
    if (ctx.needsGrad(0)) {
      da = Ops.sumTo(Ops.mul(g, Ops.mul(b, Ops.pow(a, Ops.addScalar(b, -1)))), ctx.inputShape(0));
    }
    if (ctx.needsGrad(1)) {
      Var y = ctx.output();
      Tensor limit = a.value().eq(Tensor.zerosLike(a.value())).expand(y.shape()).mul(
          b.value().ge(Tensor.zerosLike(b.value())).expand(y.shape()));
      Var full = Ops.mul(g, Ops.mul(y, Ops.log(a)));
      Var masked = Ops.where(limit, Var.constant(Tensor.zeros(y.dtype(), y.shape())), full);
      db = Ops.sumTo(masked, ctx.inputShape(1));
    }
    return new Var[] {da, db};
  }
}
