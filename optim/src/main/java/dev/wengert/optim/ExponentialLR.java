package dev.wengert.optim;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Multiplies every group's learning rate by {@code gamma} every epoch, as PyTorch's {@code
 * ExponentialLR}: {@code lr_e = lr_(e−1)·gamma} for e ≥ 1.
 */
public final class ExponentialLR extends LrScheduler {

  private final double gamma;

  public ExponentialLR(Optimizer optimizer, double gamma) {
    super(optimizer);
    checkArgument(
        gamma > 0 && Double.isFinite(gamma), "ExponentialLR: gamma must be finite and > 0, got %s", gamma);
    this.gamma = gamma;
    start();
  }

  @Override
  protected double[] computeLrs() {
    double[] lrs = currentLrs();
    if (lastEpoch() != 0) {
      for (int i = 0; i < lrs.length; i++) {
        lrs[i] *= gamma;
      }
    }
    return lrs;
  }
}
