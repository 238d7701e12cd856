package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Normalization;
import dev.wengert.core.Tensor;

/**
 * {@code y = (x − μ)·invstd·w + b} per channel of {@code x: [N, C, *]}, {@code invstd = 1/√(σ² +
 * ε)}, {@code w} and {@code b} optional (PyTorch's {@code F.batch_norm}). In training μ and σ² are
 * the batch's mean and biased variance over the {@code M = N·L} values of each channel, and the
 * running statistics, when given, move in place: {@code r ← (1 − momentum)·r + momentum·s}, with
 * the unbiased variance {@code σ²·M/(M − 1)}; in evaluation the running statistics are μ and σ².
 * Rule, with {@code x̂ = (x − μ)·invstd} and {@code s = batch_norm_grad_sums(g, x) = [Σg, Σg·x̂]}
 * (one pass): {@code dw = Σg·x̂}, {@code db = Σg}, and in training {@code dx = w·invstd/M·(M·g −
 * Σg − x̂·Σg·x̂) = batch_norm_backward(g, x, w, s)} (one more pass), in evaluation {@code dx = g·w·invstd}.
 */
final class BatchNorm extends Op {
  private final boolean hasWeight;
  private final boolean hasBias;
  private final Tensor runningMean;
  private final Tensor runningVar;
  private final boolean training;
  private final double momentum;
  private final double eps;
  private ChannelStats stats;

  /** Inputs {@code x}, then the weight if {@code hasWeight}, then the bias if {@code hasBias}. */
  BatchNorm(boolean hasWeight, boolean hasBias, Tensor runningMean, Tensor runningVar, boolean training, double momentum, double eps) {
    this.hasWeight = hasWeight;
    this.hasBias = hasBias;
    this.runningMean = runningMean;
    this.runningVar = runningVar;
    this.training = training;
    this.momentum = momentum;
    this.eps = eps;
  }

  @Override
  public String name() {
    return "batch_norm";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    prepareStats(in[0]);
    return Normalization.batchNorm(in[0], stats.mean, stats.invstd, weight(in), bias(in));
  }

  /**
   * The statistics this op normalises {@code x} with: the batch's in training (the running
   * statistics move towards them), else the running ones; kept for the rule.
   */
  ChannelStats prepareStats(Tensor x) {
    if (training) {
      Normalization.Moments moments = Normalization.channelMoments(x);
      stats = ChannelStats.ofBatch(moments, eps);
      updateRunning(runningMean, moments.mean());
      updateRunning(runningVar, moments.unbiasedVariance());
    } else {
      stats = ChannelStats.fixed(runningMean, runningVar, eps);
    }
    return stats;
  }

  Tensor weight(Tensor... in) {
    return hasWeight ? in[1] : null;
  }

  Tensor bias(Tensor... in) {
    return hasBias ? in[in.length - 1] : null;
  }

  /** {@code running ← momentum·batch + (1 − momentum)·running}, in float64, rounded once. */
  private void updateRunning(Tensor running, double[] batch) {
    if (running == null) {
      return;
    }
    double[] values = running.toDoubleArray();
    for (int c = 0; c < values.length; c++) {
      values[c] = momentum * batch[c] + (1 - momentum) * values[c];
    }
    running.copyFrom(Tensor.of(values, values.length));
  }

  /** Also the rule of {@link BatchNormMaxPool2d}, with {@code g} the gradient of the normalised map. */
  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    int biasIndex = hasWeight ? 2 : 1;
    boolean needsX = ctx.needsGrad(0);
    boolean needsWeight = hasWeight && ctx.needsGrad(1);
    boolean needsBias = hasBias && ctx.needsGrad(biasIndex);
    Var[] grads = new Var[ctx.inputCount()];
    Var x = ctx.input(0);
    Var sums = needsWeight || needsBias || (needsX && training) ? new BatchNormGradSums(stats).apply(g, x) : null;
    if (needsX) {
      Var w = hasWeight ? ctx.input(1) : null;
      if (training) {
        BatchNormBackward dx = new BatchNormBackward(stats, w != null);
        grads[0] = w == null ? dx.apply(g, x, sums) : dx.apply(g, x, w, sums);
      } else {
        Var invstd = ChannelStats.constant(stats.invstd, x);
        grads[0] = Ops.mul(g, w == null ? invstd : Ops.mul(invstd, ChannelStats.perChannel(w, x.rank())));
      }
    }
    return withAffineGradients(ctx, grads, sums);
  }

  /** {@code grads} with the weight's and the bias's gradients, rows 1 and 0 of the sums, where needed. */
  Var[] withAffineGradients(BackwardContext ctx, Var[] grads, Var sums) {
    int biasIndex = hasWeight ? 2 : 1;
    if (hasWeight && ctx.needsGrad(1)) {
      grads[1] = Ops.select(sums, 0, 1);
    }
    if (hasBias && ctx.needsGrad(biasIndex)) {
      grads[biasIndex] = Ops.select(sums, 0, 0);
    }
    return grads;
  }

  boolean training() {
    return training;
  }

  ChannelStats stats() {
    return stats;
  }
}
