package dev.wengert.autodiff;

import dev.wengert.autodiff.ops.Ops;
import dev.wengert.core.Shapes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The reverse sweep. The nodes reachable from the outputs are put in reverse recording order (a
 * reverse topological order of the Wengert list); each node's rule then runs once, with the total
 * gradient of its output, and adds its input gradients to theirs.
 */
final class Backward {

  private static final AtomicInteger PASSES = new AtomicInteger();

  private Backward() {}

  /**
   * Runs one backward pass. With {@code capture} non-null, returns the gradients of those vars
   * (null where a var was not reached) and leaves every {@link Var#grad()} untouched; otherwise
   * accumulates into the grads of leaves and of vars that retain theirs.
   */
  static Var[] run(
      List<Var> outputs,
      List<Var> seeds,
      List<Var> capture,
      boolean retainGraph,
      boolean createGraph,
      boolean unusedAllowed) {
    for (int i = 0; i < outputs.size(); i++) {
      Var out = outputs.get(i);
      Var seed = seeds.get(i);
      if (!out.requiresGrad()) {
        throw new IllegalArgumentException(
            "backward: output " + i + " (shape " + Shapes.format(out.shape())
                + ") does not require grad: no input it depends on requires a gradient");
      }
      if (!Arrays.equals(seed.shape(), out.shape())) {
        throw new IllegalArgumentException(
            "backward: seed gradient of shape " + Shapes.format(seed.shape()) + " does not match output "
                + i + " of shape " + Shapes.format(out.shape()));
      }
      if (seed.dtype() != out.dtype()) {
        throw new IllegalArgumentException(
            "backward: seed gradient is " + seed.dtype() + " but output " + i + " is " + out.dtype());
      }
    }
    List<Node> order = reverseOrder(outputs);
    List<Var> leaves = new ArrayList<>();
    Var[] captured = capture == null ? null : new Var[capture.size()];
    Recorder.ThreadState state = Recorder.STATE.get();
    boolean previousMode = state.gradEnabled;
    state.gradEnabled = createGraph;
    try {
      for (int i = 0; i < outputs.size(); i++) {
        Var out = outputs.get(i);
        addPending(out, createGraph ? seeds.get(i) : seeds.get(i).detach(), leaves);
      }
      for (Node node : order) {
        Var out = node.output;
        Var g = out.pending;
        out.pending = null;
        if (g == null) {
          continue;
        }
        g = out.applyHooks(g);
        if (capture == null) {
          if (out.retainsGrad()) {
            out.accumulateGrad(createGraph ? g : g.detach());
          }
        } else {
          store(capture, captured, out, g);
        }
        propagate(node, g, leaves);
        if (!retainGraph) {
          node.release();
        }
      }
      for (Var leaf : leaves) {
        Var g = leaf.pending;
        leaf.pending = null;
        g = leaf.applyHooks(g);
        if (capture == null) {
          leaf.accumulateGrad(createGraph ? g : g.detach());
        } else {
          store(capture, captured, leaf, g);
        }
      }
    } finally {
      state.gradEnabled = previousMode;
      for (Node node : order) {
        node.output.pending = null;
      }
      for (Var leaf : leaves) {
        leaf.pending = null;
      }
    }
    if (captured != null && !unusedAllowed) {
      for (int i = 0; i < captured.length; i++) {
        if (captured[i] == null) {
          throw new IllegalArgumentException(
              "grad: input " + i + " (shape " + Shapes.format(capture.get(i).shape())
                  + ") is not on the graph of the outputs; pass allowUnused to get zeros");
        }
      }
    }
    return captured;
  }

  private static void store(List<Var> capture, Var[] captured, Var v, Var g) {
    for (int i = 0; i < captured.length; i++) {
      if (capture.get(i) == v) {
        captured[i] = g;
      }
    }
  }

  private static void propagate(Node node, Var g, List<Var> leaves) {
    Var[] grads;
    try {
      grads = node.op.backward(new BackwardContext(node), g);
    } catch (ArithmeticException e) {
      throw Recorder.anomalyMode ? Anomaly.inBackward(node, e) : e;
    }
    Var[] inputs = node.inputs;
    if (grads.length != inputs.length) {
      throw new IllegalStateException(
          node.opName + ": backward returned " + grads.length + " gradients for " + inputs.length + " inputs");
    }
    for (int i = 0; i < inputs.length; i++) {
      Var gi = grads[i];
      Var in = inputs[i];
      if (gi == null || !in.requiresGrad()) {
        continue;
      }
      if (!Arrays.equals(gi.shape(), in.shape())) {
        throw new IllegalStateException(
            node.opName + ": backward returned a gradient of shape " + Shapes.format(gi.shape()) + " for input "
                + i + " of shape " + Shapes.format(in.shape()));
      }
      if (Recorder.anomalyMode) {
        Anomaly.checkBackward(node, i, gi);
      }
      addPending(in, gi, leaves);
    }
  }

  private static void addPending(Var v, Var g, List<Var> leaves) {
    if (v.pending == null) {
      v.pending = g;
      if (v.creator == null) {
        leaves.add(v);
      }
    } else {
      v.pending = Ops.add(v.pending, g);
    }
  }

  /** Nodes reachable from the outputs, latest recorded first. */
  private static List<Node> reverseOrder(List<Var> outputs) {
    int pass = PASSES.incrementAndGet();
    List<Node> nodes = new ArrayList<>();
    ArrayDeque<Node> stack = new ArrayDeque<>();
    for (Var out : outputs) {
      visit(out.creator, pass, nodes, stack);
    }
    while (!stack.isEmpty()) {
      Node node = stack.pop();
      for (Var in : node.inputs) {
        visit(in.creator, pass, nodes, stack);
      }
    }
    nodes.sort((a, b) -> Long.compare(b.sequence, a.sequence));
    return nodes;
  }

  private static void visit(Node node, int pass, List<Node> nodes, ArrayDeque<Node> stack) {
    if (node == null || node.visitedBy == pass) {
      return;
    }
    if (node.released()) {
      throw new IllegalStateException(
          "backward: trying to backward through the graph a second time (" + node.opName
              + "'s saved values were freed after the first backward); pass retainGraph = true to the first one");
    }
    node.visitedBy = pass;
    nodes.add(node);
    stack.push(node);
  }
}
