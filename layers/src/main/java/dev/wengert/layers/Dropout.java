package dev.wengert.layers;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.wengert.autodiff.Var;
import dev.wengert.autodiff.ops.Ops;
import dev.wengert.core.Rng;

/**
 * Inverted dropout: in training, each element is zeroed with probability {@code p} and the rest
 * scaled by {@code 1/(1-p)} (masks from its own seeded {@link Rng}); the identity in evaluation.
 */
public final class Dropout extends Module {
  private final double p;
  private final Rng rng;

  public Dropout(double p, Rng rng) {
    checkArgument(p >= 0 && p < 1, "Dropout: p must be in [0, 1), got %s", p);
    this.p = p;
    this.rng = checkNotNull(rng, "rng");
  }

  /** The generator the masks come from (its state is part of a training checkpoint). */
  public Rng rng() {
    return rng;
  }

  @Override
  public Var forward(Var x) {
    return Ops.dropout(x, p, isTraining(), rng);
  }

  @Override
  public int[] outputShape(int[] inputShape) {
    return inputShape.clone();
  }

  @Override
  public String toString() {
    return "Dropout(p=" + p + ")";
  }
}
