package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;

/**
 * {@code y = -w[t] · x[p, t]} per position {@code p} with class {@code t} (0 where ignored),
 * reduced; the mean divides by {@code Σ w[t]}. It is linear; rule: {@code dx = -q · g} with {@code
 * q} the weighted one-hot target.
 */
final class NllLoss extends Op {
  private final ClassTargets targets;
  private final Reduction reduction;

  NllLoss(ClassTargets targets, Reduction reduction) {
    this.targets = targets;
    this.reduction = reduction;
  }

  @Override
  public String name() {
    return "nll_loss";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return targets.reduce(in[0].mul(targets.distribution()).sum(new int[] {1}, false).neg(), reduction);
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    return new Var[] {Ops.mul(Var.constant(targets.distribution().neg()), targets.spread(g, reduction))};
  }
}
