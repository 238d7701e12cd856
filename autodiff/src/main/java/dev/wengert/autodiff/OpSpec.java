package dev.wengert.autodiff;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.wengert.core.Rng;
import java.util.List;
import java.util.function.Function;

/**
 * A registry entry: an op's name, arity, one-line summary (its formula and Jacobian rule), and a
 * generator of sample applications that the registry-driven tests gradient-check.
 *
 * @param name the registered name, e.g. {@code conv2d}
 * @param arity the number of Var inputs, or {@link #VARIADIC}
 * @param summary the formula and its rule in one line, as {@code ./wengert ops} prints it
 * @param samples sample applications on random float64 inputs of varied shapes
 */
public record OpSpec(String name, int arity, String summary, Function<Rng, List<Sample>> samples) {

  /** The arity of an op that takes any number of inputs. */
  public static final int VARIADIC = -1;

  public OpSpec {
    checkArgument(name != null && name.matches("[a-z][a-z0-9_]*"), "op name must be snake_case, got '%s'", name);
    checkArgument(arity >= 1 || arity == VARIADIC, "%s: arity must be >= 1 or VARIADIC, got %s", name, arity);
    checkNotNull(summary, "summary");
    checkNotNull(samples, "samples");
  }

  /**
   * One application of an op to be checked: {@code fn} applied to {@code inputs} (float64; those
   * that require grad are differentiated).
   */
  public record Sample(String description, Function<List<Var>, Var> fn, List<Var> inputs) {
    public Sample {
      checkNotNull(description, "description");
      checkNotNull(fn, "fn");
      inputs = List.copyOf(inputs);
    }
  }
}
