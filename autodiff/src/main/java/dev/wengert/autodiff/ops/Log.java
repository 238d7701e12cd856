package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;

/** {@code y = log(x)}. Rule: {@code dx = g / x}. */
final class Log extends Op {
  static final Log INSTANCE = new Log();

  @Override
  public String name() {
    return "log";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return in[0].log();
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    return new Var[] {Ops.div(g, ctx.input(0))};
  }
}
