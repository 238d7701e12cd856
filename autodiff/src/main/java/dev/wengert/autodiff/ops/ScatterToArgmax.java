package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Pooling;
import dev.wengert.core.Tensor;

/**
 * {@code y = zeros(shape)} with each element of {@code x} added at its window's argmax (max
 * pooling's backward). It is linear; rule: {@code dx = gather_at_argmax(g)}.
 */
final class ScatterToArgmax extends Op {
  final int[] argmax;
  final int[] inputShape;

  ScatterToArgmax(int[] argmax, int[] inputShape) {
    this.argmax = argmax;
    this.inputShape = inputShape.clone();
  }

  @Override
  public String name() {
    return "scatter_to_argmax";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return Pooling.scatterToArgmax(in[0], argmax, inputShape);
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    return new Var[] {new GatherAtArgmax(argmax, ctx.inputShape(0)).apply(g)};
  }
}
