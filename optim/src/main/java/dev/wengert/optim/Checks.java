package dev.wengert.optim;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Map;

/** Hyperparameter checks shared by the optimizers; messages name the group and the value. */
final class Checks {

  private Checks() {}

  /** {@code name >= 0} (NaN fails). */
  static void nonNegative(String where, Map<String, Double> values, String name) {
    double v = values.get(name);
    checkArgument(v >= 0, "%s: %s must be >= 0, got %s", where, name, v);
  }

  /** {@code 0 <= name < 1}, as PyTorch requires of Adam's betas. */
  static void unitInterval(String where, Map<String, Double> values, String name) {
    double v = values.get(name);
    checkArgument(v >= 0 && v < 1, "%s: %s must be in [0, 1), got %s", where, name, v);
  }

  /** A finite value. */
  static void finite(String where, Map<String, Double> values, String name) {
    double v = values.get(name);
    checkArgument(Double.isFinite(v), "%s: %s must be finite, got %s", where, name, v);
  }
}
