package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.PoolGeometry;
import dev.wengert.core.Pooling;
import dev.wengert.core.Tensor;

/**
 * {@code y = max over each window of x} (a fixed sliding window, or adaptive windows when {@code
 * geo} is null). Rule: {@code dx = scatter_to_argmax(g)}: the derivative is 1 for the chosen input
 * (the first maximum in row-major window order) and 0 for the others, so each gradient goes to
 * the input that won its window; overlapping windows accumulate.
 */
final class MaxPool2d extends Op {
  private final PoolGeometry geo;
  private final int outH;
  private final int outW;
  private int[] argmax;

  MaxPool2d(PoolGeometry geo) {
    this.geo = geo;
    this.outH = 0;
    this.outW = 0;
  }

  MaxPool2d(int outH, int outW) {
    this.geo = null;
    this.outH = outH;
    this.outW = outW;
  }

  @Override
  public String name() {
    return geo != null ? "max_pool2d" : "adaptive_max_pool2d";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    Pooling.MaxResult result = geo != null ? Pooling.maxPool2d(in[0], geo) : Pooling.adaptiveMaxPool2d(in[0], outH, outW);
    argmax = result.argmax();
    return result.values();
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    return new Var[] {new ScatterToArgmax(argmax, ctx.inputShape(0)).apply(g)};
  }
}
