package dev.wengert.autodiff;

import dev.wengert.core.Shapes;

/**
 * What an op's Jacobian rule sees of its recorded application: the inputs and the output as
 * {@link Var}s (checked to be unmodified since they were recorded) and which inputs need a
 * gradient.
 */
public final class BackwardContext {

  private final Node node;

  BackwardContext(Node node) {
    this.node = node;
  }

  /** Input {@code i}; an error if its value was modified in place after it was recorded. */
  public Var input(int i) {
    Var v = node.inputs[i];
    checkVersion(v, node.inputVersions[i], "input " + i);
    return v;
  }

  /** The op's output; an error if it was modified in place after it was recorded. */
  public Var output() {
    checkVersion(node.output, node.outputVersion, "its output");
    return node.output;
  }

  /** The shape of input {@code i} (always available: shapes cannot change in place). */
  public int[] inputShape(int i) {
    return node.inputs[i].value().shape();
  }

  /** Whether input {@code i} needs a gradient (a rule may skip computing the others). */
  public boolean needsGrad(int i) {
    return node.inputs[i].requiresGrad();
  }

  /** The number of inputs. */
  public int inputCount() {
    return node.inputs.length;
  }

  private void checkVersion(Var v, int recorded, String which) {
    int now = v.value().version();
    if (now != recorded) {
      throw new IllegalStateException(
          "one of the variables needed for gradient computation has been modified by an in-place operation: "
              + which + " of " + node.opName + " (shape " + Shapes.format(v.value().shape()) + ") is at version "
              + now + "; expected version " + recorded + " instead");
    }
  }
}
