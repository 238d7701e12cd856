package dev.wengert.autodiff;

import static com.google.common.base.Preconditions.checkArgument;

import dev.wengert.core.Tensor;
import java.util.ArrayList;
import java.util.List;

/** Gradient computation and the modes that control recording. */
public final class Autodiff {

  private Autodiff() {}

  /** A scope that restores the previous mode when closed. */
  @FunctionalInterface
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  /** Stops recording on this thread until the returned scope is closed (inference, optimizer steps). */
  public static Scope noGrad() {
    return setGradEnabled(false);
  }

  /** Turns recording back on inside a {@link #noGrad()} scope until the returned scope is closed. */
  public static Scope enableGrad() {
    return setGradEnabled(true);
  }

  private static Scope setGradEnabled(boolean enabled) {
    Recorder.ThreadState state = Recorder.STATE.get();
    boolean previous = state.gradEnabled;
    state.gradEnabled = enabled;
    return () -> state.gradEnabled = previous;
  }

  /** Whether ops are recorded on this thread. */
  public static boolean isGradEnabled() {
    return Recorder.STATE.get().gradEnabled;
  }

  /**
   * Turns anomaly mode on (off by default): a NaN or Inf produced by any op's forward or backward
   * throws, naming the op and the line where it was recorded. Slow; for debugging.
   */
  public static Scope detectAnomaly() {
    boolean previous = Recorder.anomalyMode;
    Recorder.anomalyMode = true;
    return () -> Recorder.anomalyMode = previous;
  }

  /** d(output)/d(inputs) for a scalar output, without touching any {@link Var#grad()}. */
  public static List<Var> grad(Var output, List<Var> inputs, boolean createGraph) {
    checkArgument(output.value().numel() == 1, "grad: output is not a scalar; pass seed gradients");
    Var seed = Var.constant(Tensor.ones(output.dtype(), output.shape()));
    return grad(List.of(output), List.of(seed), inputs, createGraph, createGraph, false);
  }

  /**
   * The gradients of {@code inputs} given seed gradients for {@code outputs} (sum over outputs of
   * seed · d(output)/d(input)), without touching any {@link Var#grad()}. With {@code createGraph}
   * the returned gradients are recorded and can be differentiated again. An input the outputs do
   * not depend on is an error, or gets zeros with {@code allowUnused}.
   */
  public static List<Var> grad(
      List<Var> outputs,
      List<Var> seeds,
      List<Var> inputs,
      boolean retainGraph,
      boolean createGraph,
      boolean allowUnused) {
    checkArgument(!outputs.isEmpty(), "grad: no outputs");
    checkArgument(
        outputs.size() == seeds.size(), "grad: %s outputs but %s seed gradients", outputs.size(), seeds.size());
    for (int i = 0; i < inputs.size(); i++) {
      checkArgument(inputs.get(i).requiresGrad(), "grad: input %s does not require grad", i);
    }
    Var[] grads = Backward.run(outputs, seeds, inputs, retainGraph || createGraph, createGraph, allowUnused);
    List<Var> result = new ArrayList<>(grads.length);
    for (int i = 0; i < grads.length; i++) {
      result.add(grads[i] != null ? grads[i] : Var.constant(Tensor.zerosLike(inputs.get(i).value())));
    }
    return result;
  }
}
