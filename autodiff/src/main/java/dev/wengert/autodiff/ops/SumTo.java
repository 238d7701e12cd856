package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Shapes;
import dev.wengert.core.Tensor;

/**
 * {@code y = sumTo(x, shape)}: sums {@code x} over the dims that broadcasting added or expanded, so
 * the result has {@code shape} (the adjoint of {@link Expand}). Rule: {@code dx = expand(g, shape(x))}.
 */
final class SumTo extends Op {
  private final int[] target;

  SumTo(int[] target) {
    this.target = target.clone();
  }

  @Override
  public String name() {
    return "sum_to";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    Tensor x = in[0];
    int[] shape = x.shape();
    if (!java.util.Arrays.equals(Shapes.broadcast("sum_to", target, shape), shape)) {
      throw new IllegalArgumentException(
          "sum_to: shape " + Shapes.format(shape) + " cannot be summed to " + Shapes.format(target));
    }
    int lead = shape.length - target.length;
    int[] dims = new int[shape.length];
    int n = 0;
    for (int d = 0; d < shape.length; d++) {
      if (d < lead || (target[d - lead] == 1 && shape[d] != 1)) {
        dims[n++] = d;
      }
    }
    if (n == 0) {
      return x.reshape(target);
    }
    return x.sum(java.util.Arrays.copyOf(dims, n), true).reshape(target);
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    return new Var[] {Ops.expand(g, ctx.inputShape(0))};
  }
}
