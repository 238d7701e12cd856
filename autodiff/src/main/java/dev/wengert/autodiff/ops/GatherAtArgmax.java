package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Pooling;
import dev.wengert.core.Tensor;

/**
 * {@code y[o] = x[argmax[o]]} within each plane: reads each pooled position's winner (the adjoint
 * of {@link ScatterToArgmax}). It is linear; rule: {@code dx = scatter_to_argmax(g)}.
 */
final class GatherAtArgmax extends Op {
  private final int[] argmax;
  private final int[] outputShape;

  GatherAtArgmax(int[] argmax, int[] outputShape) {
    this.argmax = argmax;
    this.outputShape = outputShape.clone();
  }

  @Override
  public String name() {
    return "gather_at_argmax";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return Pooling.gatherAtArgmax(in[0], argmax, outputShape);
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    return new Var[] {new ScatterToArgmax(argmax, ctx.inputShape(0)).apply(g)};
  }
}
