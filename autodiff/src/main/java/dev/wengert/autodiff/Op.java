package dev.wengert.autodiff;

import dev.wengert.core.Tensor;

/**
 * A differentiable operation: its forward computation and its Jacobian rule (vector-Jacobian
 * product) side by side. One instance is created per application, so an op may keep what its rule
 * needs (an argmax, a dropout mask) in its own fields; the tape drops the instance when the graph
 * is released.
 *
 * <p>The rule is written with {@link Var} operations, so when the backward pass is recorded
 * ({@code createGraph}) it is itself differentiable and second derivatives come for free.
 */
public abstract class Op {

  /** The name this op is registered under, e.g. {@code conv2d}. */
  public abstract String name();

  /** Computes the output value from the input values. */
  protected abstract Tensor forward(Tensor... inputs);

  /**
   * The vector-Jacobian product: the gradient of each input given {@code gradOutput}, the gradient
   * of the output. An entry may be null where {@link BackwardContext#needsGrad(int)} is false.
   */
  protected abstract Var[] backward(BackwardContext ctx, Var gradOutput);

  /**
   * Applies this op: computes the output and, when grad mode is on and an input requires grad,
   * records the application on the tape.
   */
  public final Var apply(Var... inputs) {
    return Recorder.record(this, inputs);
  }
}
