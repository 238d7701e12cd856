package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;

/**
 * {@code y = x[start:end:step]} along {@code dim} (a view). Rule: {@code dx = sliceBackward(g)}:
 * zeros of x's shape with {@code g} written into the slice.
 */
final class Slice extends Op {
  final int dim;
  final int start;
  final int end;
  final int step;

  Slice(int dim, int start, int end, int step) {
    this.dim = dim;
    this.start = start;
    this.end = end;
    this.step = step;
  }

  @Override
  public String name() {
    return "slice";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return in[0].slice(dim, start, end, step);
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    return new Var[] {new SliceBackward(ctx.inputShape(0), this).apply(g)};
  }
}
