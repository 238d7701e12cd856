package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Pooling;
import dev.wengert.core.Tensor;

/**
 * {@code y = the adjoint of average pooling}: each element of {@code x} spread evenly over its
 * window of an input-shaped tensor. It is linear; rule: {@code dx = avg_pool2d(g)} with the same
 * windows.
 */
final class AvgPool2dBackward extends Op {
  private final AvgPool2d pool;
  private final int[] inputShape;

  AvgPool2dBackward(AvgPool2d pool, int[] inputShape) {
    this.pool = pool;
    this.inputShape = inputShape.clone();
  }

  @Override
  public String name() {
    return "avg_pool2d_backward";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return pool.geo != null
        ? Pooling.avgPool2dAdjoint(in[0], inputShape, pool.geo, pool.countIncludePad)
        : Pooling.adaptiveAvgPool2dAdjoint(in[0], inputShape);
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    return new Var[] {pool.apply(g)};
  }
}
