package dev.wengert.optim;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.wengert.autodiff.Autodiff;
import dev.wengert.autodiff.Var;
import dev.wengert.core.DType;
import dev.wengert.core.Shapes;
import dev.wengert.core.Tensor;
import dev.wengert.core.TensorScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Updates parameters from their gradients. An optimizer sees only parameters ({@link Var}s) and
 * their {@link Var#grad()}, never the layers that own them; it holds them in {@link ParamGroup}s,
 * each with its own hyperparameters.
 *
 * <p>{@link #step()} updates every parameter's value in place; a parameter without a gradient is
 * skipped (its state does not advance), as in PyTorch. Gradients are only read, never written: they
 * may share storage with other gradients.
 *
 * <p>{@link #stateDict()} holds everything {@link #step()} depends on besides the parameter values —
 * the per-parameter state under {@code state.<i>.<name>} (i counts parameters across groups in order;
 * step counters are float64 0-d tensors) and every group's hyperparameters under {@code
 * group.<g>.<name>} (float64 0-d tensors) — so that {@link #loadStateDict} into a fresh optimizer over
 * the same parameter values resumes training bit for bit.
 */
public abstract class Optimizer {

  /** The per-parameter state name of a step counter. */
  protected static final String STEP = "step";

  /** Validates one group's hyperparameters; throws IllegalArgumentException naming {@code where}. */
  @FunctionalInterface
  protected interface GroupCheck {
    void check(String where, Map<String, Double> hyperparameters);
  }

  private final List<ParamGroup> groups;
  private final List<Var> params;
  private final List<Map<String, Tensor>> state;
  private final GroupCheck check;

  /**
   * @param groups the group specs, in order; each is copied with {@code defaults} filled in
   * @param defaults every hyperparameter this optimizer has, in order, with its default value
   * @param check validates one group's hyperparameters (at construction and on every change)
   */
  protected Optimizer(List<ParamGroup> groups, Map<String, Double> defaults, GroupCheck check) {
    checkNotNull(groups, "groups");
    this.check = checkNotNull(check, "check");
    String name = getClass().getSimpleName();
    checkArgument(!groups.isEmpty(), "%s: no parameter groups", name);
    List<ParamGroup> attached = new ArrayList<>();
    List<Var> all = new ArrayList<>();
    Map<Var, Integer> groupOf = new IdentityHashMap<>();
    for (int g = 0; g < groups.size(); g++) {
      ParamGroup spec = checkNotNull(groups.get(g), "%s: group %s is null", name, g);
      Map<String, Double> values = new LinkedHashMap<>(defaults);
      for (Map.Entry<String, Double> e : spec.hyperparameters().entrySet()) {
        checkArgument(
            defaults.containsKey(e.getKey()),
            "%s group %s: unknown hyperparameter '%s'; %s has %s", name, g, e.getKey(), name, defaults.keySet());
        values.put(e.getKey(), e.getValue());
      }
      check.check(describe(g), values);
      for (Var p : spec.params()) {
        checkArgument(
            p.isLeaf(),
            "%s group %s: parameter %s (shape %s) is not a leaf; optimize the leaves it was computed from",
            name, g, all.size(), Shapes.lazy(p.shape()));
        Integer previous = groupOf.put(p, g);
        checkArgument(
            previous == null,
            "%s: a parameter of shape %s appears twice (in groups %s and %s)",
            name, Shapes.lazy(p.shape()), previous, g);
        all.add(p);
      }
      attached.add(spec.attach(this, g, values));
    }
    checkArgument(!all.isEmpty(), "%s: no parameters to optimize", name);
    this.groups = Collections.unmodifiableList(attached);
    this.params = Collections.unmodifiableList(all);
    this.state = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      state.add(new LinkedHashMap<>());
    }
  }

  /** The groups, in order; adjust hyperparameters through them. */
  public final List<ParamGroup> groups() {
    return groups;
  }

  /** Every parameter, group after group; the index in this list is the {@code i} of {@code state.<i>.…}. */
  public final List<Var> params() {
    return params;
  }

  /** Updates every parameter that has a gradient, in place and without recording on the tape. */
  @SuppressWarnings("try") // the scope is only closed
  public final void step() {
    try (Autodiff.Scope ignored = Autodiff.noGrad()) {
      int i = 0;
      for (ParamGroup group : groups) {
        for (Var p : group.params()) {
          Var grad = p.grad();
          if (grad != null) {
            Tensor g = grad.value();
            if (g.dtype() != p.dtype()) {
              throw new IllegalArgumentException(
                  getClass().getSimpleName() + ": parameter " + i + " (shape " + Shapes.format(p.shape()) + ") is "
                      + p.dtype() + " but its gradient is " + g.dtype());
            }
            update(group, p.value(), g, state.get(i));
            keep(state.get(i));
          }
          i++;
        }
      }
    }
  }

  /** State outlives the {@link TensorScope} of the step that created it. */
  private static void keep(Map<String, Tensor> parameterState) {
    for (Tensor t : parameterState.values()) {
      TensorScope.keep(t);
    }
  }

  /**
   * Updates one parameter in place from its gradient (which must not be written), creating its state
   * entries on first use, in {@link #stateNames()} order.
   */
  protected abstract void update(ParamGroup group, Tensor param, Tensor grad, Map<String, Tensor> state);

  /** Every per-parameter state entry this optimizer can keep, in order. */
  protected abstract List<String> stateNames();

  /** State entries a parameter's state may lack (made on demand); the others come all together or not at all. */
  protected Set<String> optionalStateNames() {
    return Set.of();
  }

  /** Whether every parameter has state from construction on (so a state dict must hold all of them). */
  protected boolean eagerState() {
    return false;
  }

  /** The state of parameter {@code i}, for subclasses that create it eagerly. */
  protected final Map<String, Tensor> state(int i) {
    return state.get(i);
  }

  /** A new step counter at 0. */
  protected static Tensor newCounter() {
    return Tensor.scalar(DType.FLOAT64, 0);
  }

  /** Adds one to a step counter; returns the new count. */
  protected static double increment(Tensor counter) {
    double next = counter.item() + 1;
    counter.fill(next);
    return next;
  }

  /** Clears every parameter's gradient (sets it to null, as PyTorch's {@code zero_grad(set_to_none=True)}). */
  public final void zeroGrad() {
    for (Var p : params) {
      p.zeroGrad();
    }
  }

  /**
   * A copy of the optimizer's state: {@code state.<i>.<name>} for every parameter that has state, then
   * {@code group.<g>.<name>} for every hyperparameter, in order.
   */
  public final Map<String, Tensor> stateDict() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (int i = 0; i < state.size(); i++) {
      Map<String, Tensor> s = state.get(i);
      for (String name : stateNames()) {
        Tensor t = s.get(name);
        if (t != null) {
          out.put("state." + i + "." + name, t.copy());
        }
      }
    }
    for (ParamGroup group : groups) {
      for (Map.Entry<String, Double> e : group.hyperparameters().entrySet()) {
        out.put("group." + group.index() + "." + e.getKey(), Tensor.scalar(DType.FLOAT64, e.getValue()));
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * Replaces the state and every group's hyperparameters by those in {@code stateDict} (as made by
   * {@link #stateDict()}, for the same parameters in the same groups). Checks everything first and
   * changes nothing when something does not fit: missing or unexpected keys, a wrong shape, or an
   * invalid hyperparameter give one IllegalArgumentException listing every problem. State tensors are
   * copied (converted to the parameter's dtype, as PyTorch does).
   */
  public final void loadStateDict(Map<String, Tensor> stateDict) {
    checkNotNull(stateDict, "stateDict");
    String name = getClass().getSimpleName();
    List<String> unexpected = new ArrayList<>();
    List<String> wrongShape = new ArrayList<>();
    List<Map<String, Tensor>> newState = new ArrayList<>();
    for (int i = 0; i < params.size(); i++) {
      newState.add(new LinkedHashMap<>());
    }
    List<Map<String, Double>> newGroups = new ArrayList<>();
    for (int g = 0; g < groups.size(); g++) {
      newGroups.add(new LinkedHashMap<>());
    }
    List<String> names = stateNames();
    for (Map.Entry<String, Tensor> e : stateDict.entrySet()) {
      String key = checkNotNull(e.getKey(), "%s.loadStateDict: null key", name);
      Tensor t = checkNotNull(e.getValue(), "%s.loadStateDict: %s is null", name, key);
      String[] parts = key.split("\\.", -1);
      int index = parts.length == 3 ? parseIndex(parts[1]) : -1;
      if (parts.length == 3 && parts[0].equals("state") && index >= 0 && index < params.size()
          && names.contains(parts[2])) {
        int[] expected = parts[2].equals(STEP) ? new int[0] : params.get(index).shape();
        if (!Arrays.equals(t.shape(), expected)) {
          wrongShape.add(key + ": " + Shapes.format(t.shape()) + ", expected " + Shapes.format(expected));
        } else {
          newState.get(index).put(parts[2], t);
        }
      } else if (parts.length == 3 && parts[0].equals("group") && index >= 0 && index < groups.size()
          && groups.get(index).has(parts[2])) {
        if (t.rank() != 0) {
          wrongShape.add(key + ": " + Shapes.format(t.shape()) + ", expected []");
        } else {
          newGroups.get(index).put(parts[2], t.item());
        }
      } else {
        unexpected.add(key);
      }
    }
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < params.size(); i++) {
      Map<String, Tensor> s = newState.get(i);
      if (!s.isEmpty() || eagerState()) {
        for (String stateName : names) {
          if (!s.containsKey(stateName) && !optionalStateNames().contains(stateName)) {
            missing.add("state." + i + "." + stateName);
          }
        }
      }
    }
    for (ParamGroup group : groups) {
      for (String hyper : group.hyperparameters().keySet()) {
        if (!newGroups.get(group.index()).containsKey(hyper)) {
          missing.add("group." + group.index() + "." + hyper);
        }
      }
    }
    List<String> problems = new ArrayList<>();
    addProblems(problems, "missing keys", missing);
    addProblems(problems, "unexpected keys", unexpected);
    addProblems(problems, "wrong shapes", wrongShape);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          name + ".loadStateDict: the state dict does not fit this optimizer (" + params.size() + " parameters in "
              + groups.size() + " groups): " + String.join("; ", problems));
    }
    for (int g = 0; g < groups.size(); g++) {
      check.check(describe(g) + " in the state dict", newGroups.get(g));
    }
    for (int i = 0; i < params.size(); i++) {
      Map<String, Tensor> target = state.get(i);
      target.clear();
      Map<String, Tensor> source = newState.get(i);
      for (String stateName : names) {
        Tensor t = source.get(stateName);
        if (t != null) {
          target.put(stateName, stateName.equals(STEP)
              ? Tensor.scalar(DType.FLOAT64, t.item())
              : Tensor.zerosLike(params.get(i).value()).copyFrom(t));
        }
      }
      keep(target);
    }
    for (int g = 0; g < groups.size(); g++) {
      for (Map.Entry<String, Double> e : newGroups.get(g).entrySet()) {
        groups.get(g).put(e.getKey(), e.getValue());
      }
    }
  }

  private static void addProblems(List<String> problems, String label, List<String> keys) {
    if (!keys.isEmpty()) {
      problems.add(label + " " + keys);
    }
  }

  /** A non-negative decimal index without a sign or leading zeros, or -1. */
  private static int parseIndex(String text) {
    if (text.isEmpty() || text.length() > 9 || (text.length() > 1 && text.charAt(0) == '0')) {
      return -1;
    }
    for (int k = 0; k < text.length(); k++) {
      if (text.charAt(k) < '0' || text.charAt(k) > '9') {
        return -1;
      }
    }
    return Integer.parseInt(text);
  }

  /** Checks a change a user or scheduler makes to one of this optimizer's groups. */
  final void checkChange(ParamGroup group, String hyperparameter, double value) {
    checkArgument(
        group.has(hyperparameter),
        "%s: unknown hyperparameter '%s'; %s has %s",
        describe(group.index()), hyperparameter, getClass().getSimpleName(), group.hyperparameters().keySet());
    Map<String, Double> changed = new LinkedHashMap<>(group.hyperparameters());
    changed.put(hyperparameter, value);
    check.check(describe(group.index()), changed);
  }

  final String describe(int groupIndex) {
    return getClass().getSimpleName() + " group " + groupIndex;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + groups;
  }
}
