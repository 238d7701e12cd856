package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.Autodiff;
import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Normalization;
import dev.wengert.core.PoolGeometry;
import dev.wengert.core.Pooling;
import dev.wengert.core.Tensor;

/**
 * {@code y = max_pool2d(batch_norm(x, w, b), geo)}, the two ops in one: the normalised map is
 * never stored, since max pooling's rule needs only which input won each window. Values and
 * gradients are those of {@link BatchNorm} followed by {@link MaxPool2d}, bit for bit. Rule:
 * {@code ĝ = scatter_to_argmax(g)} is the gradient of the normalised map, and batch norm's rule
 * takes it from there; when nothing is recorded (no second order), in float32 training, the same
 * bits come from the pooled gradient without storing {@code ĝ} (see {@link
 * Normalization#batchNormBackwardOfMaxPool}).
 */
final class BatchNormMaxPool2d extends Op {
  private final BatchNorm batchNorm;
  private final PoolGeometry geo;
  private int[] argmax;

  BatchNormMaxPool2d(BatchNorm batchNorm, PoolGeometry geo) {
    this.batchNorm = batchNorm;
    this.geo = geo;
  }

  @Override
  public String name() {
    return "batch_norm_max_pool2d";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    ChannelStats stats = batchNorm.prepareStats(in[0]);
    Pooling.MaxResult result = Pooling.maxPool2dOfBatchNorm(
        in[0], stats.mean, stats.invstd, batchNorm.weight(in), batchNorm.bias(in), geo);
    argmax = result.argmax();
    return result.values();
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    if (!Autodiff.isGradEnabled() && batchNorm.training()) {
      // Not recording (no second order): the rule in two passes, without the scattered gradient map.
      Tensor[] in = new Tensor[ctx.inputCount()];
      for (int i = 0; i < in.length; i++) {
        in[i] = ctx.input(i).value();
      }
      ChannelStats stats = batchNorm.stats();
      Tensor[] fast = Normalization.batchNormBackwardOfMaxPool(
          g.value(), argmax, in[0], stats.mean, stats.invstd, batchNorm.weight(in));
      if (fast != null) {
        Var[] grads = new Var[ctx.inputCount()];
        grads[0] = ctx.needsGrad(0) ? Var.constant(fast[0]) : null;
        return batchNorm.withAffineGradients(ctx, grads, Var.constant(fast[1]));
      }
    }
    return batchNorm.backward(ctx, new ScatterToArgmax(argmax, ctx.inputShape(0)).apply(g));
  }
}
