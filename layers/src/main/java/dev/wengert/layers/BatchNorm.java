package dev.wengert.layers;

import static com.google.common.base.Preconditions.checkArgument;

import dev.wengert.autodiff.Var;
import dev.wengert.autodiff.ops.Ops;
import dev.wengert.core.DType;
import dev.wengert.core.Shapes;
import dev.wengert.core.Tensor;

/**
 * Batch normalisation over the channel dim 1 of {@code [N, C]}, {@code [N, C, L]} (BatchNorm1d) or
 * {@code [N, C, H, W]} (BatchNorm2d): {@code y = (x − μ)/√(σ² + ε)·γ + β}. In training μ and σ² are
 * the batch's (σ² biased) and the running statistics move by {@code momentum} toward them (the
 * running variance with the unbiased σ²); in evaluation the running statistics are used. Both run
 * as one fused op, {@link Ops#batchNorm}, whose gradients are exact to any order.
 */
public final class BatchNorm extends Module {
  private final int channels;
  private final int rank;
  private final double eps;
  private final double momentum;
  private final Var weight;
  private final Var bias;
  private final Tensor runningMean;
  private final Tensor runningVar;
  private final Tensor batchesTracked;

  private BatchNorm(int channels, int rank, double eps, double momentum, boolean affine, DType dtype) {
    checkArgument(channels >= 1, "BatchNorm: channels must be >= 1, got %s", channels);
    checkArgument(eps > 0, "BatchNorm: eps must be > 0, got %s", eps);
    checkArgument(momentum >= 0 && momentum <= 1, "BatchNorm: momentum must be in [0, 1], got %s", momentum);
    this.channels = channels;
    this.rank = rank;
    this.eps = eps;
    this.momentum = momentum;
    this.weight = affine ? registerParameter("weight", Tensor.ones(dtype, channels)) : null;
    this.bias = affine ? registerParameter("bias", Tensor.zeros(dtype, channels)) : null;
    this.runningMean = registerBuffer("running_mean", Tensor.zeros(dtype, channels));
    this.runningVar = registerBuffer("running_var", Tensor.ones(dtype, channels));
    this.batchesTracked = registerBuffer("num_batches_tracked", Tensor.zeros(DType.FLOAT64));
  }

  /** PyTorch's {@code BatchNorm2d(channels)}: eps 1e-5, momentum 0.1, affine, float32. */
  public static BatchNorm batchNorm2d(int channels) {
    return new BatchNorm(channels, 4, 1e-5, 0.1, true, DType.FLOAT32);
  }

  /** PyTorch's {@code BatchNorm1d(channels)} for {@code [N, C]} inputs. */
  public static BatchNorm batchNorm1d(int channels) {
    return new BatchNorm(channels, 2, 1e-5, 0.1, true, DType.FLOAT32);
  }

  /** Any of the above with explicit options. */
  public static BatchNorm of(int channels, int inputRank, double eps, double momentum, boolean affine, DType dtype) {
    checkArgument(inputRank >= 2 && inputRank <= 4, "BatchNorm: input rank must be 2, 3 or 4, got %s", inputRank);
    return new BatchNorm(channels, inputRank, eps, momentum, affine, dtype);
  }

  @Override
  public Var forward(Var x) {
    return forward(x, null);
  }

  /**
   * {@code pool.forward(forward(x))} for a max pooling {@code pool} (null: no pooling), as one op
   * that never stores the normalised map (see {@link Ops#batchNormMaxPool2d}): the same values and
   * gradients, one 4-byte-per-element map less written and read.
   */
  Var forward(Var x, Pool2d pool) {
    if (x.rank() != rank || x.size(1) != channels) {
      throw new IllegalArgumentException(
          this + ": expects input of rank " + rank + " with " + channels + " channels in dim 1, got " + Shapes.format(x.shape()));
    }
    boolean training = isTraining();
    if (training) {
      int count = x.value().numel() / channels;
      checkArgument(count > 1, "%s: training needs more than one value per channel, got input %s", this, Shapes.lazy(x.shape()));
    }
    Var y = pool == null
        ? Ops.batchNorm(x, weight, bias, runningMean, runningVar, training, momentum, eps)
        : Ops.batchNormMaxPool2d(x, weight, bias, runningMean, runningVar, training, momentum, eps, pool.geometry());
    if (training) {
      batchesTracked.addInPlace(1.0);
    }
    return y;
  }

  @Override
  public int[] outputShape(int[] inputShape) {
    return inputShape.clone();
  }

  @Override
  public String toString() {
    return (rank == 4 ? "BatchNorm2d(" : "BatchNorm1d(") + channels + ", eps=" + eps + ", momentum=" + momentum + ")";
  }
}
