package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;

/**
 * {@code y = zeros(shape)} with {@code x} written into {@code [start:end:step]} along {@code dim}
 * (the adjoint of {@link Slice}). Rule: {@code dx = slice(g)}.
 */
final class SliceBackward extends Op {
  private final int[] shape;
  private final Slice slice;

  SliceBackward(int[] shape, Slice slice) {
    this.shape = shape.clone();
    this.slice = slice;
  }

  @Override
  public String name() {
    return "slice_backward";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    Tensor out = Tensor.zeros(in[0].dtype(), shape);
    out.slice(slice.dim, slice.start, slice.end, slice.step).copyFrom(in[0]);
    return out;
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    return new Var[] {new Slice(slice.dim, slice.start, slice.end, slice.step).apply(g)};
  }
}
