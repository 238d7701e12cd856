package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;

/** {@code y = min(max(x, lo), hi)}. Rule: {@code dx = g · [lo <= x <= hi]} (as PyTorch, the bounds pass it). */
final class Clamp extends Op {
  private final double lo;
  private final double hi;

  Clamp(double lo, double hi) {
    this.lo = lo;
    this.hi = hi;
  }

  @Override
  public String name() {
    return "clamp";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return in[0].clamp(lo, hi);
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    Tensor inside = ctx.input(0).value().map(x -> x >= lo && x <= hi ? 1 : 0);
    return new Var[] {Ops.mul(g, Var.constant(inside))};
  }
}
