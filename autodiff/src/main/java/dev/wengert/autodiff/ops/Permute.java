package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Shapes;
import dev.wengert.core.Tensor;

/**
 * {@code y = permute(x, order)}: output dim {@code i} is input dim {@code order[i]}. Rule: {@code dx
 * = permute(g, inverse(order))}.
 */
final class Permute extends Op {
  private final int[] order;

  Permute(int[] order) {
    this.order = order.clone();
  }

  @Override
  public String name() {
    return "permute";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return in[0].permute(order);
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    int[] shape = ctx.inputShape(0);
    int[] inverse = new int[order.length];
    for (int i = 0; i < order.length; i++) {
      inverse[Shapes.normalizeDim("permute", order[i], shape)] = i;
    }
    return new Var[] {Ops.permute(g, inverse)};
  }
}
