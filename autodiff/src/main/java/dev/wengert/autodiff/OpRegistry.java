package dev.wengert.autodiff;

import static com.google.common.base.Preconditions.checkArgument;

import dev.wengert.autodiff.ops.BuiltinOps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every differentiable op by name: the built-in ones and those users register. Tests iterate over
 * it, so a registered op is gradient-checked to first and second order on its samples.
 */
public final class OpRegistry {

  private static final Map<String, OpSpec> SPECS = new TreeMap<>();

  static {
    for (OpSpec spec : BuiltinOps.specs()) {
      register(spec);
    }
  }

  private OpRegistry() {}

  /** Adds an op; its name must be new. */
  public static synchronized void register(OpSpec spec) {
    checkArgument(!SPECS.containsKey(spec.name()), "op '%s' is already registered", spec.name());
    SPECS.put(spec.name(), spec);
  }

  /** Every registered op, sorted by name. */
  public static synchronized List<OpSpec> all() {
    return new ArrayList<>(SPECS.values());
  }

  /** The op registered as {@code name}; an error listing the known names otherwise. */
  public static synchronized OpSpec get(String name) {
    OpSpec spec = SPECS.get(name);
    if (spec == null) {
      throw new IllegalArgumentException("no op named '" + name + "'; registered: " + SPECS.keySet());
    }
    return spec;
  }
}
