package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;

/**
 * {@code y = a @ b} for operands of rank >= 2 with broadcast batch dims. Rule: {@code da =
 * sumTo(g @ bᵀ, shape(a)), db = sumTo(aᵀ @ g, shape(b))}, transposing the last two dims.
 */
final class MatMul extends Op {
  static final MatMul INSTANCE = new MatMul();

  @Override
  public String name() {
    return "matmul";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return in[0].matmul(in[1]);
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    Var da = null;
    Var db = null;
    if (ctx.needsGrad(0)) {
      da = Ops.sumTo(Ops.matmul(g, Ops.transpose(ctx.input(1), -1, -2)), ctx.inputShape(0));
    }
    if (ctx.needsGrad(1)) {
      db = Ops.sumTo(Ops.matmul(Ops.transpose(ctx.input(0), -1, -2), g), ctx.inputShape(1));
    }
    return new Var[] {da, db};
  }
}
