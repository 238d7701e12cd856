package dev.wengert.optim;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Scales every group's learning rate linearly from {@code startFactor}·base to {@code endFactor}·base
 * over {@code totalIters} epochs (a warm-up when startFactor &lt; endFactor), then holds it, as
 * PyTorch's {@code LinearLR} in its recursive form:
 *
 * <pre>
 * lr_0 = lr·startFactor
 * lr_e = lr_(e−1)·(1 + (endFactor − startFactor) / (totalIters·startFactor + (e − 1)·(endFactor − startFactor)))   for 1 ≤ e ≤ totalIters
 * </pre>
 */
public final class LinearLR extends LrScheduler {

  private final double startFactor;
  private final double endFactor;
  private final int totalIters;

  public LinearLR(Optimizer optimizer, double startFactor, double endFactor, int totalIters) {
    super(optimizer);
    checkArgument(
        startFactor > 0 && startFactor <= 1, "LinearLR: startFactor must be in (0, 1], got %s", startFactor);
    checkArgument(endFactor >= 0 && endFactor <= 1, "LinearLR: endFactor must be in [0, 1], got %s", endFactor);
    checkArgument(totalIters > 0, "LinearLR: totalIters must be > 0, got %s", totalIters);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    start();
  }

  @Override
  protected double[] computeLrs() {
    double[] lrs = currentLrs();
    int e = lastEpoch();
    if (e == 0) {
      for (int i = 0; i < lrs.length; i++) {
        lrs[i] *= startFactor;
      }
    } else if (e <= totalIters) {
      double factor = 1. + (endFactor - startFactor) / (totalIters * startFactor + (e - 1) * (endFactor - startFactor));
      for (int i = 0; i < lrs.length; i++) {
        lrs[i] *= factor;
      }
    }
    return lrs;
  }
}
