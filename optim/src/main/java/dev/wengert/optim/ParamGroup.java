package dev.wengert.optim;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.wengert.autodiff.Var;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parameters that share hyperparameters, like one of PyTorch's {@code param_groups}.
 *
 * <p>{@link #of} builds a group spec that may override some of the optimizer's defaults ({@link
 * #lr(double)}, {@link #weightDecay(double)}, {@link #set}). An optimizer copies the spec and fills in
 * the rest; from then on its own copy, in {@link Optimizer#groups()}, is the group that users and
 * schedulers adjust, and that optimizer validates every change.
 */
public final class ParamGroup {

  /** The learning rate, which every optimizer has. */
  public static final String LR = "lr";

  /** The weight decay, which every optimizer has. */
  public static final String WEIGHT_DECAY = "weight_decay";

  private final List<Var> params;
  private final Map<String, Double> hyperparameters;
  private final Optimizer owner;
  private final int index;

  /** PyTorch's {@code group['initial_lr']}: the lr the first scheduler attached to this group started from. */
  double initialLr = Double.NaN;

  private ParamGroup(List<Var> params, Map<String, Double> hyperparameters, Optimizer owner, int index) {
    this.params = params;
    this.hyperparameters = hyperparameters;
    this.owner = owner;
    this.index = index;
  }

  /** A group of {@code params} that takes every hyperparameter from the optimizer's defaults. */
  public static ParamGroup of(List<Var> params) {
    checkNotNull(params, "params");
    for (int i = 0; i < params.size(); i++) {
      checkNotNull(params.get(i), "ParamGroup: parameter %s is null", i);
    }
    return new ParamGroup(List.copyOf(params), new LinkedHashMap<>(), null, -1);
  }

  /** A group of {@code params} that takes every hyperparameter from the optimizer's defaults. */
  public static ParamGroup of(Var... params) {
    return of(Arrays.asList(checkNotNull(params, "params")));
  }

  /** The copy an optimizer owns: {@code defaults} overridden by this spec's values, in the defaults' order. */
  ParamGroup attach(Optimizer owner, int index, Map<String, Double> values) {
    return new ParamGroup(params, new LinkedHashMap<>(values), owner, index);
  }

  /** The parameters, in order. */
  public List<Var> params() {
    return params;
  }

  /** The learning rate. */
  public double lr() {
    return get(LR);
  }

  /** Sets the learning rate; returns this group. */
  public ParamGroup lr(double lr) {
    return set(LR, lr);
  }

  /** The weight decay. */
  public double weightDecay() {
    return get(WEIGHT_DECAY);
  }

  /** Sets the weight decay; returns this group. */
  public ParamGroup weightDecay(double weightDecay) {
    return set(WEIGHT_DECAY, weightDecay);
  }

  /** Whether this group holds the hyperparameter {@code name} (a spec holds only its overrides). */
  public boolean has(String name) {
    return hyperparameters.containsKey(name);
  }

  /** The hyperparameter {@code name}, e.g. {@code "momentum"} or {@code "beta1"}. */
  public double get(String name) {
    Double value = hyperparameters.get(name);
    checkArgument(
        value != null, "%s: no hyperparameter '%s'; it has %s", describe(), name, hyperparameters.keySet());
    return value;
  }

  /**
   * Sets the hyperparameter {@code name}; returns this group. On a spec this records an override
   * (checked when an optimizer takes the spec); on an optimizer's group the optimizer checks the name
   * and the value first.
   */
  public ParamGroup set(String name, double value) {
    checkNotNull(name, "name");
    if (owner != null) {
      owner.checkChange(this, name, value);
    }
    hyperparameters.put(name, value);
    return this;
  }

  /** Every hyperparameter by name, in the optimizer's order (a read-only view). */
  public Map<String, Double> hyperparameters() {
    return Collections.unmodifiableMap(hyperparameters);
  }

  /** Sets a value computed by a scheduler, which validated its own inputs. */
  void put(String name, double value) {
    hyperparameters.put(name, value);
  }

  int index() {
    return index;
  }

  private String describe() {
    return owner == null ? "ParamGroup" : owner.describe(index);
  }

  @Override
  public String toString() {
    return describe() + " (" + params.size() + " parameters) " + hyperparameters;
  }
}
