package dev.wengert.optim;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Cosine annealing from each group's base learning rate down to {@code etaMin} over {@code tMax}
 * epochs and back up over the next tMax, and so on, as PyTorch's {@code CosineAnnealingLR}. It uses
 * PyTorch's recursive form (not the closed form {@code etaMin + (base − etaMin)·(1 + cos(π·e/tMax))/2}),
 * so the sequences match PyTorch's to rounding:
 *
 * <pre>
 * lr_e = lr_(e−1) + (base − etaMin)·(1 − cos(π/tMax))/2                 if (e − 1 − tMax) mod 2·tMax = 0
 * lr_e = (1 + cos(π·e/tMax)) / (1 + cos(π·(e − 1)/tMax))·(lr_(e−1) − etaMin) + etaMin   otherwise
 * </pre>
 */
public final class CosineAnnealingLR extends LrScheduler {

  private final int tMax;
  private final double etaMin;

  public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin) {
    super(optimizer);
    checkArgument(tMax > 0, "CosineAnnealingLR: tMax must be > 0, got %s", tMax);
    checkArgument(
        etaMin >= 0 && Double.isFinite(etaMin), "CosineAnnealingLR: etaMin must be finite and >= 0, got %s", etaMin);
    this.tMax = tMax;
    this.etaMin = etaMin;
    start();
  }

  @Override
  protected double[] computeLrs() {
    double[] lrs = currentLrs();
    int e = lastEpoch();
    if (e == 0) {
      return lrs;
    }
    for (int i = 0; i < lrs.length; i++) {
      if (Math.floorMod(e - 1 - tMax, 2 * tMax) == 0) {
        lrs[i] = lrs[i] + (baseLr(i) - etaMin) * (1 - Math.cos(Math.PI / tMax)) / 2;
      } else {
        lrs[i] = (1 + Math.cos(Math.PI * e / tMax)) / (1 + Math.cos(Math.PI * (e - 1) / tMax)) * (lrs[i] - etaMin)
            + etaMin;
      }
    }
    return lrs;
  }
}
