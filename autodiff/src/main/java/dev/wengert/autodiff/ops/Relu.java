package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;

/** {@code y = max(x, 0)}. Rule: {@code dx = relu_backward(g, y) = g · [y > 0]} (0 at x = 0, as PyTorch). */
final class Relu extends Op {
  static final Relu INSTANCE = new Relu();

  @Override
  public String name() {
    return "relu";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return in[0].relu();
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    return new Var[] {ReluBackward.INSTANCE.apply(g, ctx.output())};
  }
}
