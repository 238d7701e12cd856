package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Normalization;
import dev.wengert.core.Tensor;

/**
 * {@code y = w·invstd·(g − s₀/M − x̂·s₁/M)} per channel of {@code g, x: [N, C, *]}, one pass: a
 * training-mode batch norm's input gradient, with {@code x̂ = (x − μ)·invstd} from x's batch
 * statistics, {@code M} values per channel, {@code w: [C]} optional (1) and {@code s = [s₀; s₁]: [2,
 * C]} (that is {@code batch_norm_grad_sums(g, x) = [Σg; Σg·x̂]}, but any values here). Rule, for
 * {@code h}, with {@code a = w·invstd}, composed of registered ops (second order is rare):
 * {@code dg = a·h}, {@code dw = Σh·invstd·(g − s₀/M − x̂·s₁/M)}, {@code ds₀ = −Σa·h/M}, {@code
 * ds₁ = −Σa·h·x̂/M}, {@code dx = a·invstd/M·(x̂·(2s₁·Σh·x̂/M − Σh·g + s₀·Σh/M) − s₁·(h − Σh/M))}
 * (μ and invstd depend on x too: {@code ∂invstd/∂xⱼ = −invstd²·x̂ⱼ/M}).
 */
final class BatchNormBackward extends Op {
  private final ChannelStats stats;
  private final boolean hasWeight;

  /** Inputs {@code g, x}, the weight if {@code hasWeight}, and the sums; {@code stats} are x's batch statistics. */
  BatchNormBackward(ChannelStats stats, boolean hasWeight) {
    this.stats = stats;
    this.hasWeight = hasWeight;
  }

  @Override
  public String name() {
    return "batch_norm_backward";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return Normalization.batchNormBackward(in[0], in[1], stats.mean, stats.invstd, hasWeight ? in[2] : null, in[in.length - 1]);
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var h) {
    int sumsIndex = hasWeight ? 3 : 2;
    Var g = ctx.input(0);
    Var x = ctx.input(1);
    Var sums = ctx.input(sumsIndex);
    int rank = x.rank();
    int[] dims = ChannelStats.reducedDims(rank);
    double perCount = 1.0 / ChannelStats.count(x.shape());
    Var xhat = stats.normalized(x);
    Var invstd = stats.invstd(x);
    Var w = hasWeight ? ChannelStats.perChannel(ctx.input(2), rank) : null;
    Var a = w == null ? invstd : Ops.mul(w, invstd);
    Var s0 = ChannelStats.perChannel(Ops.select(sums, 0, 0), rank);
    Var s1 = ChannelStats.perChannel(Ops.select(sums, 0, 1), rank);
    Var sumH = Ops.sum(h, dims, true);
    Var sumHxhat = Ops.sum(Ops.mul(h, xhat), dims, true);
    Var[] grads = new Var[ctx.inputCount()];
    if (ctx.needsGrad(0)) {
      grads[0] = Ops.mul(h, a);
    }
    if (ctx.needsGrad(1)) {
      Var sumHg = Ops.sum(Ops.mul(h, g), dims, true);
      Var alongXhat = Ops.sub(Ops.add(Ops.mulScalar(Ops.mul(s1, sumHxhat), 2 * perCount), Ops.mulScalar(Ops.mul(s0, sumH), perCount)), sumHg);
      Var centeredH = Ops.sub(h, Ops.mulScalar(sumH, perCount));
      Var bracket = Ops.sub(Ops.mul(xhat, alongXhat), Ops.mul(s1, centeredH));
      grads[1] = Ops.mul(Ops.mulScalar(Ops.mul(a, invstd), perCount), bracket);
    }
    if (hasWeight && ctx.needsGrad(2)) {
      Var centeredG = Ops.sub(Ops.sub(g, Ops.mulScalar(s0, perCount)), Ops.mul(xhat, Ops.mulScalar(s1, perCount)));
      grads[2] = Ops.sum(Ops.mul(h, Ops.mul(invstd, centeredG)), dims, false);
    }
    if (ctx.needsGrad(sumsIndex)) {
      int channels = x.size(1);
      Var scale = Ops.mulScalar(Ops.reshape(a, channels), -perCount);
      grads[sumsIndex] = Ops.stack(0, Ops.mul(scale, Ops.reshape(sumH, channels)), Ops.mul(scale, Ops.reshape(sumHxhat, channels)));
    }
    return grads;
  }
}
