package dev.wengert.autodiff;

import dev.wengert.core.Tensor;

/**
 * Records op applications: computes the forward value and, when the output needs a gradient,
 * appends a {@link Node} linked from the output. Per-thread state lives in one object, so a
 * recording costs one thread-local read and a few small allocations.
 */
final class Recorder {

  /** Per-thread grad mode, open tape. */
  static final class ThreadState {
    boolean gradEnabled = true;
    Tape tape;
  }

  /** Recording order across all threads; reverse order is a valid order for the backward sweep. */
  private static final java.util.concurrent.atomic.AtomicLong SEQUENCE = new java.util.concurrent.atomic.AtomicLong();

  static final ThreadLocal<ThreadState> STATE = ThreadLocal.withInitial(ThreadState::new);

  static volatile boolean anomalyMode;

  private Recorder() {}

  static Var record(Op op, Var[] inputs) {
    ThreadState state = STATE.get();
    boolean track = false;
    Tensor[] values = new Tensor[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      Var in = inputs[i];
      if (in == null) {
        throw new NullPointerException(op.name() + ": input " + i + " is null");
      }
      values[i] = in.value();
      track |= in.requiresGrad();
    }
    track &= state.gradEnabled;
    Tensor out = op.forward(values);
    boolean anomaly = anomalyMode;
    if (anomaly) {
      Anomaly.checkForward(op.name(), out);
    }
    if (!track) {
      return Var.constant(out);
    }
    Node node = new Node(op, inputs, SEQUENCE.getAndIncrement(), anomaly ? new Throwable("recorded here") : null);
    Var output = new Var(out, node);
    node.output = output;
    node.outputVersion = out.version();
    if (state.tape != null) {
      state.tape.add(node);
    }
    return output;
  }
}
