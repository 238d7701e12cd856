package dev.wengert.autodiff.ops;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.wengert.autodiff.Var;
import dev.wengert.core.Shapes;
import dev.wengert.core.Tensor;
import java.util.Arrays;

/**
 * Loss functions with PyTorch's semantics and options. Classification losses are ops with
 * explicit rules ({@link CrossEntropy}, {@link NllLoss}); the elementwise ones are compositions of
 * registered ops, so their gradients (of any order) follow from those.
 */
public final class Losses {

  private Losses() {}

  /** Options of the class-index losses: reduction, class weights, ignored index, label smoothing. */
  public record ClassOptions(Reduction reduction, Tensor weight, Integer ignoreIndex, double labelSmoothing) {
    public ClassOptions {
      checkNotNull(reduction, "reduction");
      checkArgument(reduction != Reduction.BATCH_MEAN, "batch mean is only defined for kl_div");
    }

    /** Mean reduction, no weights, nothing ignored, no smoothing. */
    public static ClassOptions defaults() {
      return new ClassOptions(Reduction.MEAN, null, null, 0);
    }

    public ClassOptions withReduction(Reduction r) {
      return new ClassOptions(r, weight, ignoreIndex, labelSmoothing);
    }

    public ClassOptions withWeight(Tensor w) {
      return new ClassOptions(reduction, w, ignoreIndex, labelSmoothing);
    }

    public ClassOptions withIgnoreIndex(Integer index) {
      return new ClassOptions(reduction, weight, index, labelSmoothing);
    }

    public ClassOptions withLabelSmoothing(double epsilon) {
      return new ClassOptions(reduction, weight, ignoreIndex, epsilon);
    }
  }

  /**
   * Cross entropy of logits {@code [N, C]} (or {@code [N, C, d…]}) with class indices {@code [N]}
   * (or {@code [N, d…]}), computed through a stable log-sum-exp.
   */
  public static Var crossEntropy(Var logits, Tensor target, ClassOptions options) {
    ClassTargets targets =
        new ClassTargets("cross_entropy", logits.shape(), logits.dtype(), target, options.weight(), options.ignoreIndex(), options.labelSmoothing());
    return new CrossEntropy(targets, options.reduction()).apply(logits);
  }

  /** Cross entropy with the defaults: mean over the batch, no weights, no smoothing. */
  public static Var crossEntropy(Var logits, Tensor target) {
    return crossEntropy(logits, target, ClassOptions.defaults());
  }

  /** Negative log-likelihood of log-probabilities {@code [N, C, d…]} at class indices {@code [N, d…]} (no smoothing). */
  public static Var nllLoss(Var logProbs, Tensor target, ClassOptions options) {
    checkArgument(options.labelSmoothing() == 0, "nll_loss: label smoothing is a cross_entropy option");
    ClassTargets targets =
        new ClassTargets("nll_loss", logProbs.shape(), logProbs.dtype(), target, options.weight(), options.ignoreIndex(), 0);
    return new NllLoss(targets, options.reduction()).apply(logProbs);
  }

  /** {@code (x - y)²}, reduced. */
  public static Var mseLoss(Var input, Var target, Reduction reduction) {
    Var diff = Ops.sub(input, sameShape("mse_loss", input, target));
    return reduce("mse_loss", Ops.mul(diff, diff), reduction);
  }

  /** {@code |x - y|}, reduced (the gradient at 0 is 0). */
  public static Var l1Loss(Var input, Var target, Reduction reduction) {
    return reduce("l1_loss", Ops.abs(Ops.sub(input, sameShape("l1_loss", input, target))), reduction);
  }

  /** {@code 0.5·d²} where {@code |d| < δ}, else {@code δ·(|d| - 0.5·δ)}, with {@code d = x - y}; reduced. */
  public static Var huberLoss(Var input, Var target, double delta, Reduction reduction) {
    checkArgument(delta > 0, "huber_loss: delta must be > 0, got %s", delta);
    Var d = Ops.sub(input, sameShape("huber_loss", input, target));
    Tensor small = d.value().abs().lt(delta);
    Var quadratic = Ops.mulScalar(Ops.mul(d, d), 0.5);
    Var linear = Ops.mulScalar(Ops.addScalar(Ops.abs(d), -0.5 * delta), delta);
    return reduce("huber_loss", Ops.where(small, quadratic, linear), reduction);
  }

  /** {@code 0.5·d²/β} where {@code |d| < β}, else {@code |d| - 0.5·β}; reduced ({@code β = 0} is the L1 loss). */
  public static Var smoothL1Loss(Var input, Var target, double beta, Reduction reduction) {
    checkArgument(beta >= 0, "smooth_l1_loss: beta must be >= 0, got %s", beta);
    if (beta == 0) {
      return l1Loss(input, target, reduction);
    }
    Var d = Ops.sub(input, sameShape("smooth_l1_loss", input, target));
    Tensor small = d.value().abs().lt(beta);
    Var quadratic = Ops.mulScalar(Ops.mul(d, d), 0.5 / beta);
    Var linear = Ops.addScalar(Ops.abs(d), -0.5 * beta);
    return reduce("smooth_l1_loss", Ops.where(small, quadratic, linear), reduction);
  }

  /**
   * {@code -w·[p·y·log σ(x) + (1-y)·log(1-σ(x))]} with {@code p} the positive-class weight,
   * computed stably as {@code w·[(1-y)·x + (1 + (p-1)·y)·softplus(-x)]}; reduced. {@code weight}
   * and {@code posWeight} may be null, and broadcast against the input.
   */
  public static Var binaryCrossEntropyWithLogits(Var logits, Var target, Tensor weight, Tensor posWeight, Reduction reduction) {
    Var y = sameShape("binary_cross_entropy_with_logits", logits, target);
    Var softplusNeg = Ops.softplus(Ops.neg(logits), 1, 20);
    Var logWeight = posWeight == null
        ? null
        : Ops.addScalar(Ops.mul(y, Var.constant(posWeight.sub(1.0))), 1);
    Var loss = Ops.add(Ops.mul(Ops.addScalar(Ops.neg(y), 1), logits), logWeight == null ? softplusNeg : Ops.mul(logWeight, softplusNeg));
    if (weight != null) {
      loss = Ops.mul(loss, Var.constant(weight));
    }
    return reduce("binary_cross_entropy_with_logits", loss, reduction);
  }

  /**
   * {@code t·(log t - x)} for log-probabilities {@code x} and probabilities {@code t} (0 where
   * {@code t = 0}), or {@code exp(t)·(t - x)} when {@code logTarget}; reduced ({@link
   * Reduction#BATCH_MEAN} divides the sum by the batch size, the true KL divergence per sample).
   */
  public static Var klDiv(Var input, Var target, boolean logTarget, Reduction reduction) {
    Var t = sameShape("kl_div", input, target);
    Var pointwise;
    if (logTarget) {
      pointwise = Ops.mul(Ops.exp(t), Ops.sub(t, input));
    } else {
      Tensor positive = t.value().gt(0);
      Var safeT = Ops.where(positive, t, Var.constant(Tensor.ones(t.dtype(), t.shape())));
      Var xlogx = Ops.where(positive, Ops.mul(t, Ops.log(safeT)), Var.constant(Tensor.zerosLike(t.value())));
      pointwise = Ops.sub(xlogx, Ops.mul(t, input));
    }
    if (reduction == Reduction.BATCH_MEAN) {
      return Ops.mulScalar(Ops.sum(pointwise, new int[0], false), 1.0 / input.size(0));
    }
    return reduce("kl_div", pointwise, reduction);
  }

  private static Var sameShape(String op, Var input, Var target) {
    if (!Arrays.equals(input.shape(), target.shape())) {
      throw new IllegalArgumentException(
          op + ": input of shape " + Shapes.format(input.shape()) + " and target of shape " + Shapes.format(target.shape())
              + " differ");
    }
    return target;
  }

  private static Var reduce(String op, Var pointwise, Reduction reduction) {
    return switch (reduction) {
      case NONE -> pointwise;
      case SUM -> Ops.sum(pointwise, new int[0], false);
      case MEAN -> Ops.mean(pointwise, new int[0], false);
      case BATCH_MEAN -> throw new IllegalArgumentException(op + ": batch mean is only defined for kl_div");
    };
  }
}
