package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;

/**
 * {@code y = g · [r > 0]} for a ReLU output {@code r} (ReLU's backward as one pass). It is linear
 * in {@code g} and flat in {@code r}; rule: {@code dg = relu_backward(gg, r)}, {@code dr = 0}.
 */
final class ReluBackward extends Op {
  static final ReluBackward INSTANCE = new ReluBackward();

  @Override
  public String name() {
    return "relu_backward";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return in[0].maskWherePositive(in[1]);
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    return new Var[] {ctx.needsGrad(0) ? INSTANCE.apply(g, ctx.input(1)) : null, null};
  }
}
