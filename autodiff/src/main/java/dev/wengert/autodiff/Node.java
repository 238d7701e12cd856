package dev.wengert.autodiff;

/**
 * One entry of the tape (a Wengert list): an op applied to its inputs, its output, and the
 * versions the inputs and output had when they were recorded, so the rule can refuse values that
 * were modified in place since.
 */
final class Node {
  private static final Var[] RELEASED = new Var[0];

  final String opName;
  /** Position in recording order; reverse order is a valid backward order. */
  final long sequence;

  Op op;
  Var[] inputs;
  int[] inputVersions;
  Var output;
  int outputVersion;
  /** Where the op was recorded, captured only in anomaly mode. */
  final Throwable recordedAt;
  /** Marks nodes already visited by the backward pass with this id. */
  int visitedBy;

  Node(Op op, Var[] inputs, long sequence, Throwable recordedAt) {
    this.op = op;
    this.opName = op.name();
    this.inputs = inputs;
    this.sequence = sequence;
    this.recordedAt = recordedAt;
    this.inputVersions = new int[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      inputVersions[i] = inputs[i].value().version();
    }
  }

  boolean released() {
    return inputs == RELEASED;
  }

  /** Drops the op (with what it saved) and the inputs, so their memory can be reclaimed. */
  void release() {
    op = null;
    inputs = RELEASED;
  }
}
