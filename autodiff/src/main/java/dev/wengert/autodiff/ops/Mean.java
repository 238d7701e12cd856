package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;

/**
 * {@code y = mean(x, dims)} over {@code n} reduced elements. Rule: {@code dx = expand(g, shape(x)) / n}.
 */
final class Mean extends Op {
  private final int[] dims;
  private final boolean keepDim;

  Mean(int[] dims, boolean keepDim) {
    this.dims = dims.clone();
    this.keepDim = keepDim;
  }

  @Override
  public String name() {
    return "mean";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return in[0].mean(dims, keepDim);
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    int[] inputShape = ctx.inputShape(0);
    int[] kept = Reduced.keptShape(inputShape, dims);
    int n = dev.wengert.core.Shapes.numel(inputShape) / Math.max(1, dev.wengert.core.Shapes.numel(kept));
    return new Var[] {Ops.mulScalar(Ops.expand(Ops.reshape(g, kept), inputShape), 1.0 / n)};
  }
}
