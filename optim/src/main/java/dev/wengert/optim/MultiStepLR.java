package dev.wengert.optim;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Arrays;

/**
 * Multiplies every group's learning rate by {@code gamma} at each milestone epoch, as PyTorch's {@code
 * MultiStepLR}: {@code lr_e = lr_(e−1)·gamma^k} where k is how many times e appears among the
 * milestones (a repeated milestone decays more than once).
 */
public final class MultiStepLR extends LrScheduler {

  private final int[] milestones;
  private final double gamma;

  public MultiStepLR(Optimizer optimizer, int[] milestones, double gamma) {
    super(optimizer);
    checkNotNull(milestones, "milestones");
    for (int m : milestones) {
      checkArgument(m >= 0, "MultiStepLR: milestones must be >= 0, got %s", Arrays.toString(milestones));
    }
    checkArgument(
        gamma > 0 && Double.isFinite(gamma), "MultiStepLR: gamma must be finite and > 0, got %s", gamma);
    this.milestones = milestones.clone();
    this.gamma = gamma;
    start();
  }

  @Override
  protected double[] computeLrs() {
    double[] lrs = currentLrs();
    int count = 0;
    for (int m : milestones) {
      if (m == lastEpoch()) {
        count++;
      }
    }
    if (count > 0) {
      double factor = Math.pow(gamma, count);
      for (int i = 0; i < lrs.length; i++) {
        lrs[i] *= factor;
      }
    }
    return lrs;
  }
}
