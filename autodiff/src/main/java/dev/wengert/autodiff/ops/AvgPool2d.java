package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.PoolGeometry;
import dev.wengert.core.Pooling;
import dev.wengert.core.Tensor;

/**
 * {@code y = mean over each window of x} (divided by the window size, with or without the padded
 * positions; adaptive windows when {@code geo} is null). It is linear; rule: {@code dx =
 * avg_pool2d_backward(g)}, each gradient spread evenly over its window.
 */
final class AvgPool2d extends Op {
  final PoolGeometry geo;
  final boolean countIncludePad;
  final int outH;
  final int outW;

  AvgPool2d(PoolGeometry geo, boolean countIncludePad) {
    this.geo = geo;
    this.countIncludePad = countIncludePad;
    this.outH = 0;
    this.outW = 0;
  }

  AvgPool2d(int outH, int outW) {
    this.geo = null;
    this.countIncludePad = false;
    this.outH = outH;
    this.outW = outW;
  }

  @Override
  public String name() {
    return geo != null ? "avg_pool2d" : "adaptive_avg_pool2d";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return geo != null ? Pooling.avgPool2d(in[0], geo, countIncludePad) : Pooling.adaptiveAvgPool2d(in[0], outH, outW);
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    return new Var[] {new AvgPool2dBackward(this, ctx.inputShape(0)).apply(g)};
  }
}
