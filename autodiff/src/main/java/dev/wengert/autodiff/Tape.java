package dev.wengert.autodiff;

import static com.google.common.base.Preconditions.checkState;

import dev.wengert.core.Shapes;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Wengert list made visible: while a tape is open on a thread, every op recorded there is also
 * listed on it, in order. Closing the tape releases what its entries saved, so a training step
 * wrapped in {@code try (Tape tape = Tape.open()) { … }} leaves nothing behind even if backward
 * never ran. Without an open tape, the graph is still recorded (each output links to its entry)
 * and is freed by backward or by the garbage collector.
 */
public final class Tape implements AutoCloseable {

  private final List<Node> entries = new ArrayList<>();
  private final Tape enclosing;
  private final Thread owner;
  private boolean closed;

  private Tape(Tape enclosing) {
    this.enclosing = enclosing;
    this.owner = Thread.currentThread();
  }

  /** Opens a tape on this thread; ops recorded until it closes are listed on it. */
  public static Tape open() {
    Recorder.ThreadState state = Recorder.STATE.get();
    Tape tape = new Tape(state.tape);
    state.tape = tape;
    return tape;
  }

  /** The innermost tape open on this thread, or null. */
  public static Tape current() {
    return Recorder.STATE.get().tape;
  }

  void add(Node node) {
    entries.add(node);
  }

  /** The number of entries whose graph has not been released by backward or close. */
  public int size() {
    entries.removeIf(Node::released);
    return entries.size();
  }

  /** The names of the ops on the tape, in recording order. */
  public List<String> opNames() {
    size();
    List<String> names = new ArrayList<>(entries.size());
    for (Node n : entries) {
      names.add(n.opName);
    }
    return names;
  }

  /**
   * The recorded graph in Graphviz DOT: one box per op, one ellipse per leaf, edges labelled with
   * shapes; leaves that require grad are filled.
   */
  public String toDot() {
    size();
    StringBuilder sb = new StringBuilder("digraph tape {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n");
    Map<Object, String> ids = new IdentityHashMap<>();
    for (Node node : entries) {
      String id = ids.computeIfAbsent(node, k -> "n" + ids.size());
      sb.append("  ").append(id).append(" [shape=box, label=\"").append(node.opName).append("\\n")
          .append(Shapes.format(node.output.shape())).append("\"];\n");
      for (Var in : node.inputs) {
        String from;
        if (in.creator != null) {
          from = ids.computeIfAbsent(in.creator, k -> "n" + ids.size());
        } else {
          boolean fresh = !ids.containsKey(in);
          from = ids.computeIfAbsent(in, k -> "v" + ids.size());
          if (fresh) {
            String label = (in.name() != null ? in.name() + "\\n" : "") + Shapes.format(in.shape());
            sb.append("  ").append(from).append(" [shape=ellipse, label=\"").append(label).append('"')
                .append(in.requiresGrad() ? ", style=filled, fillcolor=lightblue" : "").append("];\n");
          }
        }
        sb.append("  ").append(from).append(" -> ").append(id).append(";\n");
      }
    }
    return sb.append("}\n").toString();
  }

  /** Releases every entry's saved values and makes the enclosing tape current again. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    checkState(Thread.currentThread() == owner, "a tape must be closed on the thread that opened it");
    Recorder.ThreadState state = Recorder.STATE.get();
    checkState(state.tape == this, "tapes must be closed in the reverse order they were opened");
    for (Node node : entries) {
      node.release();
    }
    entries.clear();
    state.tape = enclosing;
    closed = true;
  }
}
