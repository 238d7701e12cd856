package dev.wengert.layers;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.wengert.autodiff.Var;
import dev.wengert.core.Shapes;
import dev.wengert.core.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A layer or model: parameters (trainable {@link Var}s) and buffers (state such as running
 * statistics) registered by name, and child modules. Keys follow PyTorch's {@code state_dict}:
 * a module's own parameters, then its buffers, then its children's under {@code child.} prefixes
 * ({@code 0.weight}, {@code 3.running_mean}), so checkpoints map one to one onto PyTorch models.
 */
public abstract class Module {

  private final Map<String, Var> parameters = new LinkedHashMap<>();
  private final Map<String, Tensor> buffers = new LinkedHashMap<>();
  private final Map<String, Module> children = new LinkedHashMap<>();
  private boolean training = true;

  /** Applies the module. */
  public abstract Var forward(Var input);

  /**
   * The output shape for an input of {@code inputShape}, computed from the layer's geometry without
   * running it (for {@link Summary}).
   */
  public abstract int[] outputShape(int[] inputShape);

  /** Multiply-accumulates of one forward pass for an input of {@code inputShape} (0 when negligible). */
  public long multiplyAccumulates(int[] inputShape) {
    return 0;
  }

  /** Registers a trainable parameter initialised to {@code value}; returns it. */
  protected final Var registerParameter(String name, Tensor value) {
    checkName(name);
    Var p = Var.parameter(value).named(name);
    parameters.put(name, p);
    return p;
  }

  /** Registers a buffer (saved in the state dict, not trained); returns it. */
  protected final Tensor registerBuffer(String name, Tensor value) {
    checkName(name);
    buffers.put(name, checkNotNull(value, "buffer"));
    return value;
  }

  /** Registers a child module under {@code name}; returns it. */
  protected final <M extends Module> M registerModule(String name, M module) {
    checkName(name);
    children.put(name, checkNotNull(module, "module"));
    return module;
  }

  private void checkName(String name) {
    checkArgument(
        name != null && !name.isEmpty() && !name.contains("."), "a parameter, buffer or module name must be non-empty without dots, got '%s'", name);
    checkArgument(
        !parameters.containsKey(name) && !buffers.containsKey(name) && !children.containsKey(name),
        "'%s' is already registered in %s", name, getClass().getSimpleName());
  }

  /** The buffer registered as {@code name} in this module. */
  protected final Tensor buffer(String name) {
    return buffers.get(name);
  }

  /** Every parameter in state-dict order, keyed by its dotted path. */
  public final Map<String, Var> namedParameters() {
    Map<String, Var> out = new LinkedHashMap<>();
    collect("", out, null);
    return out;
  }

  /** Every parameter in state-dict order. */
  public final List<Var> parameters() {
    return new ArrayList<>(namedParameters().values());
  }

  /** The state: every parameter's value and every buffer, in PyTorch's state-dict order and keys. */
  public final Map<String, Tensor> stateDict() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    Map<String, Var> params = new LinkedHashMap<>();
    collect("", params, out);
    return out;
  }

  private void collect(String prefix, Map<String, Var> params, Map<String, Tensor> state) {
    for (Map.Entry<String, Var> e : parameters.entrySet()) {
      params.put(prefix + e.getKey(), e.getValue());
      if (state != null) {
        state.put(prefix + e.getKey(), e.getValue().value());
      }
    }
    if (state != null) {
      for (Map.Entry<String, Tensor> e : buffers.entrySet()) {
        state.put(prefix + e.getKey(), e.getValue());
      }
    }
    for (Map.Entry<String, Module> e : children.entrySet()) {
      e.getValue().collect(prefix + e.getKey() + ".", params, state);
    }
  }

  /**
   * Copies {@code state} into this module's parameters and buffers (converting dtype). Strict
   * loading needs exactly this module's keys; missing keys, unexpected keys and shape mismatches
   * are all listed in one error, and nothing is changed then.
   */
  public final void loadStateDict(Map<String, Tensor> state, boolean strict) {
    Map<String, Tensor> own = stateDict();
    List<String> missing = new ArrayList<>();
    List<String> unexpected = new ArrayList<>();
    List<String> mismatched = new ArrayList<>();
    for (Map.Entry<String, Tensor> e : own.entrySet()) {
      Tensor given = state.get(e.getKey());
      if (given == null) {
        missing.add(e.getKey());
      } else if (!Arrays.equals(given.shape(), e.getValue().shape())) {
        mismatched.add(e.getKey() + ": checkpoint " + Shapes.format(given.shape()) + " vs model " + Shapes.format(e.getValue().shape()));
      }
    }
    for (String key : state.keySet()) {
      if (!own.containsKey(key)) {
        unexpected.add(key);
      }
    }
    if (!mismatched.isEmpty() || (strict && (!missing.isEmpty() || !unexpected.isEmpty()))) {
      StringBuilder sb = new StringBuilder("loadStateDict: the state does not fit ").append(getClass().getSimpleName());
      if (!missing.isEmpty()) {
        sb.append("; missing keys: ").append(missing);
      }
      if (!unexpected.isEmpty()) {
        sb.append("; unexpected keys: ").append(unexpected);
      }
      if (!mismatched.isEmpty()) {
        sb.append("; shape mismatches: ").append(mismatched);
      }
      throw new IllegalArgumentException(sb.toString());
    }
    for (Map.Entry<String, Tensor> e : own.entrySet()) {
      Tensor given = state.get(e.getKey());
      if (given != null) {
        e.getValue().copyFrom(given.to(e.getValue().dtype()));
      }
    }
  }

  /** The direct children, in registration order. */
  public final Map<String, Module> children() {
    return new LinkedHashMap<>(children);
  }

  /** Puts this module and its children in training mode (batch statistics, dropout on). */
  public final Module train() {
    return setTraining(true);
  }

  /** Puts this module and its children in evaluation mode (running statistics, dropout off). */
  public final Module eval() {
    return setTraining(false);
  }

  private Module setTraining(boolean mode) {
    apply(m -> m.training = mode);
    return this;
  }

  public final boolean isTraining() {
    return training;
  }

  /** Clears every parameter's gradient. */
  public final void zeroGrad() {
    for (Var p : parameters()) {
      p.zeroGrad();
    }
  }

  /** Calls {@code fn} on this module and every descendant, parents first (e.g. a custom initialisation). */
  public final Module apply(Consumer<Module> fn) {
    fn.accept(this);
    for (Module child : children.values()) {
      child.apply(fn);
    }
    return this;
  }

  /** The number of trainable elements. */
  public final long parameterCount() {
    long n = 0;
    for (Var p : parameters()) {
      n += p.value().numel();
    }
    return n;
  }

  /** One line describing the layer, e.g. {@code Conv2d(1, 32, kernel=3x3, padding=(1,1))}. */
  @Override
  public String toString() {
    return getClass().getSimpleName() + "()";
  }
}
