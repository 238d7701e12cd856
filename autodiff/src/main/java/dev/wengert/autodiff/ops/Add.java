package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;

/**
 * {@code y = a + b} with broadcasting. Rule: {@code da = sumTo(g, shape(a)), db = sumTo(g, shape(b))}.
 */
final class Add extends Op {
  static final Add INSTANCE = new Add();

  @Override
  public String name() {
    return "add";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return in[0].add(in[1]);
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    return new Var[] {Ops.sumTo(g, ctx.inputShape(0)), Ops.sumTo(g, ctx.inputShape(1))};
  }
}
