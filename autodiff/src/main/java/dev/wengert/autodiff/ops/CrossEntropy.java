package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;

/**
 * {@code y = -Σ_c q[p,c] · log_softmax(x)[p,c]} per position {@code p}, reduced, where {@code q}
 * is the (smoothed, weighted) target distribution of {@link ClassTargets}; computed through a
 * stable log-sum-exp. Rule: {@code dx = (softmax(x) · Σ_c q - q) · g}, scaled by {@code 1/Σ w[t]}
 * for the mean: softmax minus the one-hot target in the plain case.
 */
final class CrossEntropy extends Op {
  private final ClassTargets targets;
  private final Reduction reduction;

  CrossEntropy(ClassTargets targets, Reduction reduction) {
    this.targets = targets;
    this.reduction = reduction;
  }

  @Override
  public String name() {
    return "cross_entropy";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    Tensor x = in[0];
    Tensor shifted = x.sub(x.max(new int[] {1}, true));
    Tensor logProbs = shifted.sub(shifted.exp().sum(new int[] {1}, true).log());
    Tensor perPosition = logProbs.mul(targets.distribution).sum(new int[] {1}, false).neg();
    return targets.reduce(perPosition, reduction);
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    Var probs = Ops.softmax(ctx.input(0), 1);
    Var residual = Ops.sub(Ops.mul(probs, Var.constant(targets.mass)), Var.constant(targets.distribution));
    return new Var[] {Ops.mul(residual, targets.spread(g, reduction))};
  }
}
