package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;

/**
 * {@code y = a - b} with broadcasting. Rule: {@code da = sumTo(g, shape(a)), db = -sumTo(g, shape(b))}.
 */
final class Sub extends Op {
  static final Sub INSTANCE = new Sub();

  @Override
  public String name() {
    return "sub";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return in[0].sub(in[1]);
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    return new Var[] {
      Ops.sumTo(g, ctx.inputShape(0)), ctx.needsGrad(1) ? Ops.neg(Ops.sumTo(g, ctx.inputShape(1))) : null
    };
  }
}
