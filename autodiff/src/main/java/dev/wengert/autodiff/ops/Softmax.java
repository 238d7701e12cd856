package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;

/**
 * {@code y = exp(x - max) / sum(exp(x - max))} along {@code dim} (stable for any magnitude). Rule:
 * {@code dx = y · (g - sum(g · y, dim))}.
 */
final class Softmax extends Op {
  private final int dim;

  Softmax(int dim) {
    this.dim = dim;
  }

  @Override
  public String name() {
    return "softmax";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    Tensor shifted = in[0].sub(in[0].max(new int[] {dim}, true));
    Tensor e = shifted.exp();
    return e.div(e.sum(new int[] {dim}, true));
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    Var y = ctx.output();
    Var dot = Ops.sum(Ops.mul(g, y), new int[] {dim}, true);
    return new Var[] {Ops.mul(y, Ops.sub(g, dot))};
  }
}
