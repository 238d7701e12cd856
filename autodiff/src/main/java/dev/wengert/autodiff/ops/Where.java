package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;

/**
 * {@code y = condition ? a : b} elementwise with broadcasting, for a constant condition. Rule:
 * {@code da = sumTo(where(c, g, 0)), db = sumTo(where(c, 0, g))}.
 */
final class Where extends Op {
  private final Tensor condition;

  Where(Tensor condition) {
    this.condition = condition;
  }

  @Override
  public String name() {
    return "where";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return Tensor.where(condition, in[0], in[1]);
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    Var zero = Var.constant(Tensor.zeros(g.dtype(), g.shape()));
    return new Var[] {
      ctx.needsGrad(0) ? Ops.sumTo(Ops.where(condition, g, zero), ctx.inputShape(0)) : null,
      ctx.needsGrad(1) ? Ops.sumTo(Ops.where(condition, zero, g), ctx.inputShape(1)) : null
    };
  }
}
