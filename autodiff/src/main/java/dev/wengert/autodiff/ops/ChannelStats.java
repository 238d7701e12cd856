package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.Var;
import dev.wengert.core.DType;
import dev.wengert.core.Normalization;
import dev.wengert.core.Tensor;

/**
 * The per-channel statistics a batch norm normalises {@code x: [N, C, *]} with: the mean and
 * {@code invstd = 1/√(σ² + ε)} in float64, either the batch's own ({@link #fromBatch}: functions
 * of {@code x}, as in training) or fixed (the running statistics, as in evaluation). The batch-norm
 * rules rebuild {@code x̂} and {@code invstd} from it as differentiable vars of {@code x}.
 */
final class ChannelStats {
  final double[] mean;
  final double[] invstd;
  final boolean fromBatch;
  final double eps;

  private ChannelStats(double[] mean, double[] invstd, boolean fromBatch, double eps) {
    this.mean = mean;
    this.invstd = invstd;
    this.fromBatch = fromBatch;
    this.eps = eps;
  }

  /** The batch statistics of {@code moments}. */
  static ChannelStats ofBatch(Normalization.Moments moments, double eps) {
    return new ChannelStats(moments.mean(), moments.invstd(eps), true, eps);
  }

  /** The batch statistics of {@code x}. */
  static ChannelStats ofBatch(Tensor x, double eps) {
    return ofBatch(Normalization.channelMoments(x), eps);
  }

  /** Fixed statistics: {@code runningMean} and {@code 1/√(runningVar + eps)}. */
  static ChannelStats fixed(Tensor runningMean, Tensor runningVar, double eps) {
    double[] var = runningVar.toDoubleArray();
    double[] invstd = new double[var.length];
    for (int c = 0; c < var.length; c++) {
      invstd[c] = 1 / Math.sqrt(var[c] + eps);
    }
    return new ChannelStats(runningMean.toDoubleArray(), invstd, false, eps);
  }

  int channels() {
    return mean.length;
  }

  /** {@code x̂ = (x − mean)·invstd}, differentiable in {@code x} (through the statistics too when they are the batch's). */
  Var normalized(Var x) {
    if (fromBatch) {
      return new BatchNorm(false, false, null, null, true, 0, eps).apply(x);
    }
    return Ops.mul(Ops.sub(x, constant(mean, x)), constant(invstd, x));
  }

  /** {@code invstd} as a {@code [1, C, 1, …]} var, differentiable in {@code x} when the statistics are the batch's. */
  Var invstd(Var x) {
    if (!fromBatch) {
      return constant(invstd, x);
    }
    int[] dims = reducedDims(x.rank());
    Var centered = Ops.sub(x, Ops.mean(x, dims, true));
    return Ops.pow(Ops.addScalar(Ops.mean(Ops.mul(centered, centered), dims, true), eps), -0.5);
  }

  /** {@code values} as a constant {@code [1, C, 1, …]} of {@code like}'s dtype and rank. */
  static Var constant(double[] values, Var like) {
    Tensor t = Tensor.of(values, values.length);
    return Var.constant((like.dtype() == DType.FLOAT64 ? t : t.to(like.dtype())).reshape(shape(values.length, like.rank())));
  }

  /** A {@code [C]} var reshaped to {@code [1, C, 1, …]} of rank {@code rank}, to broadcast over an input. */
  static Var perChannel(Var v, int rank) {
    return Ops.reshape(v, shape(v.size(0), rank));
  }

  /** {@code [1, C, 1, …]} of rank {@code rank}. */
  static int[] shape(int channels, int rank) {
    int[] shape = new int[rank];
    java.util.Arrays.fill(shape, 1);
    shape[1] = channels;
    return shape;
  }

  /** Every dim but the channel dim 1: {@code 0, 2, 3, …}. */
  static int[] reducedDims(int rank) {
    int[] dims = new int[rank - 1];
    for (int d = 2; d < rank; d++) {
      dims[d - 1] = d;
    }
    return dims;
  }

  /** Values per channel of an input of shape {@code shape}: {@code N} times the trailing sizes. */
  static long count(int[] shape) {
    long m = shape[0];
    for (int d = 2; d < shape.length; d++) {
      m *= shape[d];
    }
    return m;
  }
}
