package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;

/**
 * {@code y = x - max - log(sum(exp(x - max)))} along {@code dim} (stable for any magnitude). Rule:
 * {@code dx = g - exp(y) · sum(g, dim)}.
 */
final class LogSoftmax extends Op {
  private final int dim;

  LogSoftmax(int dim) {
    this.dim = dim;
  }

  @Override
  public String name() {
    return "log_softmax";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    Tensor shifted = in[0].sub(in[0].max(new int[] {dim}, true));
    return shifted.sub(shifted.exp().sum(new int[] {dim}, true).log());
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    Var y = ctx.output();
    return new Var[] {Ops.sub(g, Ops.mul(Ops.exp(y), Ops.sum(g, new int[] {dim}, true)))};
  }
}
