package dev.wengert.autodiff.ops;

/** How a loss combines its per-element values, as PyTorch's {@code reduction} argument. */
public enum Reduction {
  /** Per-element losses, unreduced. */
  NONE,
  /** The (weighted) mean. */
  MEAN,
  /** The sum. */
  SUM,
  /** The sum divided by the batch size (KL divergence's mathematically correct mean). */
  BATCH_MEAN
}
