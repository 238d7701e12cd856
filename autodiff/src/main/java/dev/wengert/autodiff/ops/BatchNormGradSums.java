package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Normalization;
import dev.wengert.core.Tensor;

/**
 * {@code y = [Σg; Σg·x̂]}, shape {@code [2, C]}: per channel of {@code g, x: [N, C, *]} the sums a
 * batch norm's backward needs (its bias and weight gradients), in one pass, {@code x̂ = (x −
 * μ)·invstd}. Rule, for {@code h = [h₀; h₁]}: {@code dg = h₀ + h₁·x̂}; {@code dx = h₁·∂(Σg·x̂)/∂x},
 * which is {@code batch_norm_backward(g, x, h₁, y)} for batch statistics (x̂ depends on x through
 * μ and σ²) and {@code h₁·g·invstd} for fixed ones.
 */
final class BatchNormGradSums extends Op {
  private final ChannelStats stats;

  BatchNormGradSums(ChannelStats stats) {
    this.stats = stats;
  }

  @Override
  public String name() {
    return "batch_norm_grad_sums";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return Normalization.batchNormGradSums(in[0], in[1], stats.mean, stats.invstd);
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var h) {
    Var x = ctx.input(1);
    int rank = x.rank();
    Var h1 = Ops.select(h, 0, 1);
    Var[] grads = new Var[2];
    if (ctx.needsGrad(0)) {
      grads[0] = Ops.add(ChannelStats.perChannel(Ops.select(h, 0, 0), rank), Ops.mul(ChannelStats.perChannel(h1, rank), stats.normalized(x)));
    }
    if (ctx.needsGrad(1)) {
      Var g = ctx.input(0);
      grads[1] = stats.fromBatch
          ? new BatchNormBackward(stats, true).apply(g, x, h1, ctx.output())
          : Ops.mul(g, Ops.mul(ChannelStats.perChannel(h1, rank), ChannelStats.constant(stats.invstd, x)));
    }
    return grads;
  }
}
