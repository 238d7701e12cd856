package dev.wengert.optim;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Multiplies every group's learning rate by {@code gamma} every {@code stepSize} epochs, as PyTorch's
 * {@code StepLR}: {@code lr_e = lr_(e−1)·gamma} when e is a positive multiple of stepSize, else
 * unchanged.
 */
public final class StepLR extends LrScheduler {

  private final int stepSize;
  private final double gamma;

  public StepLR(Optimizer optimizer, int stepSize, double gamma) {
    super(optimizer);
    checkArgument(stepSize > 0, "StepLR: stepSize must be > 0, got %s", stepSize);
    checkArgument(gamma > 0 && Double.isFinite(gamma), "StepLR: gamma must be finite and > 0, got %s", gamma);
    this.stepSize = stepSize;
    this.gamma = gamma;
    start();
  }

  @Override
  protected double[] computeLrs() {
    double[] lrs = currentLrs();
    int epoch = lastEpoch();
    if (epoch != 0 && epoch % stepSize == 0) {
      for (int i = 0; i < lrs.length; i++) {
        lrs[i] *= gamma;
      }
    }
    return lrs;
  }
}
