package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;

/**
 * {@code y = x · m} for a constant mask {@code m} (dropout's scaled keep-mask). Rule: {@code dx =
 * g · m}.
 */
final class MaskMul extends Op {
  private final Tensor mask;

  MaskMul(Tensor mask) {
    this.mask = mask;
  }

  @Override
  public String name() {
    return "mask_mul";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return in[0].mul(mask);
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    return new Var[] {Ops.sumTo(Ops.mul(g, Var.constant(mask)), ctx.inputShape(0))};
  }
}
