package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;

/**
 * {@code y = sum(x, dims)} (all dims when none are given), optionally keeping them with size 1.
 * Rule: {@code dx = expand(g, shape(x))}, with the reduced dims restored as size 1 first.
 */
final class Sum extends Op {
  private final int[] dims;
  private final boolean keepDim;

  Sum(int[] dims, boolean keepDim) {
    this.dims = dims.clone();
    this.keepDim = keepDim;
  }

  @Override
  public String name() {
    return "sum";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return in[0].sum(dims, keepDim);
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    int[] inputShape = ctx.inputShape(0);
    return new Var[] {Ops.expand(Ops.reshape(g, Reduced.keptShape(inputShape, dims)), inputShape)};
  }
}
