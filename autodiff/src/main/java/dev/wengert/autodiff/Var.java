package dev.wengert.autodiff;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import dev.wengert.autodiff.ops.Ops;
import dev.wengert.core.DType;
import dev.wengert.core.Shapes;
import dev.wengert.core.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A value on the tape: a {@link Tensor}, whether it requires a gradient, its accumulated gradient
 * ({@link #grad()}), and the tape entry that produced it (none for a leaf). Operations on vars
 * record themselves; {@link #backward()} replays the tape in reverse.
 *
 * <p>The value's version counter (shared with every view of its storage) tells the Jacobian rules
 * whether a value they need was modified in place after it was recorded.
 */
public final class Var {

  private final Tensor value;
  private boolean requiresGrad;
  private Var grad;
  final Node creator;
  private boolean retainsGrad;
  private List<UnaryOperator<Var>> hooks;
  private String name;

  /** Gradient being accumulated during one backward pass (scratch, cleared after use). */
  Var pending;

  private Var(Tensor value, boolean requiresGrad) {
    this.value = checkNotNull(value, "value");
    this.requiresGrad = requiresGrad;
    this.creator = null;
  }

  Var(Tensor value, Node creator) {
    this.value = value;
    this.requiresGrad = true;
    this.creator = creator;
  }

  /** A leaf that does not require a gradient (input data, labels). */
  public static Var constant(Tensor value) {
    return new Var(value, false);
  }

  /** A leaf that requires a gradient (a trainable parameter, or an input to differentiate by). */
  public static Var parameter(Tensor value) {
    return new Var(value, true);
  }

  /** A float64 leaf requiring a gradient, for quick experiments and tests. */
  public static Var of(double[] values, int... shape) {
    return parameter(Tensor.of(values, shape));
  }

  public Tensor value() {
    return value;
  }

  public int[] shape() {
    return value.shape();
  }

  public int size(int dim) {
    return value.size(dim);
  }

  public int rank() {
    return value.rank();
  }

  public DType dtype() {
    return value.dtype();
  }

  /** The only element of a one-element var. */
  public double item() {
    return value.item();
  }

  public boolean requiresGrad() {
    return requiresGrad;
  }

  /** Turns gradient tracking on or off for a leaf (an intermediate's is decided by its inputs). */
  public Var requiresGrad(boolean requires) {
    checkState(isLeaf(), "requiresGrad can only be changed on a leaf; use detach() for an intermediate (produced by %s)", creatorName());
    this.requiresGrad = requires;
    return this;
  }

  /** Whether this var was not produced by a recorded op. */
  public boolean isLeaf() {
    return creator == null;
  }

  /** The accumulated gradient, or null before any backward reached this var. */
  public Var grad() {
    return grad;
  }

  /** Clears the accumulated gradient. */
  public void zeroGrad() {
    grad = null;
  }

  /** Replaces the accumulated gradient (optimizers and gradient clipping use this). */
  public void setGrad(Var newGrad) {
    checkArgument(
        newGrad == null || java.util.Arrays.equals(newGrad.shape(), shape()),
        "setGrad: gradient shape %s does not match var shape %s",
        newGrad == null ? "" : Shapes.lazy(newGrad.shape()), Shapes.lazy(shape()));
    grad = newGrad;
  }

  /** Keeps this intermediate's gradient in {@link #grad()} after backward (leaves always keep it). */
  public Var retainGrad() {
    retainsGrad = true;
    return this;
  }

  boolean retainsGrad() {
    return retainsGrad || creator == null;
  }

  /** The same value, cut from the tape: a leaf that does not require a gradient. */
  public Var detach() {
    return new Var(value, false);
  }

  /** A name shown in {@link Tape#toDot()} and messages. */
  public Var named(String varName) {
    this.name = varName;
    return this;
  }

  public String name() {
    return name;
  }

  /**
   * Registers a hook that sees this var's total incoming gradient during backward and may return
   * a replacement (or the same var to only inspect it). Returns a handle that removes it.
   */
  public HookHandle registerHook(UnaryOperator<Var> hook) {
    checkNotNull(hook, "hook");
    checkState(requiresGrad, "registerHook: this var does not require a gradient");
    if (hooks == null) {
      hooks = new ArrayList<>(2);
    }
    hooks.add(hook);
    return () -> hooks.remove(hook);
  }

  /** A handle that removes a registered hook. */
  @FunctionalInterface
  public interface HookHandle {
    void remove();
  }

  Var applyHooks(Var gradient) {
    if (hooks == null) {
      return gradient;
    }
    Var g = gradient;
    for (UnaryOperator<Var> hook : List.copyOf(hooks)) {
      Var replaced = hook.apply(g);
      if (replaced != null) {
        checkArgument(
            java.util.Arrays.equals(replaced.shape(), g.shape()),
            "a gradient hook returned shape %s for a var of shape %s",
            Shapes.lazy(replaced.shape()), Shapes.lazy(g.shape()));
        g = replaced;
      }
    }
    return g;
  }

  void accumulateGrad(Var g) {
    grad = grad == null ? g : Ops.add(grad, g);
  }

  String creatorName() {
    return creator == null ? "a leaf" : creator.opName;
  }

  /** Backpropagates from this scalar: accumulates d(this)/d(leaf) into every leaf's {@link #grad()}. */
  public void backward() {
    checkArgument(
        value.numel() == 1,
        "backward: output of shape %s is not a scalar; pass a seed gradient of the same shape",
        Shapes.lazy(shape()));
    backward(constant(Tensor.ones(value.dtype(), value.shape())), false, false);
  }

  /** Backpropagates {@code seed} (the gradient of some scalar with respect to this var). */
  public void backward(Var seed) {
    backward(seed, false, false);
  }

  /**
   * Backpropagates {@code seed}. {@code retainGraph} keeps the graph for another backward;
   * {@code createGraph} records the backward pass, so the gradients are differentiable again.
   */
  public void backward(Var seed, boolean retainGraph, boolean createGraph) {
    Backward.run(List.of(this), List.of(seed), null, retainGraph || createGraph, createGraph, false);
  }

  // ---------------------------------------------------------------- fluent operations

  public Var add(Var other) {
    return Ops.add(this, other);
  }

  public Var sub(Var other) {
    return Ops.sub(this, other);
  }

  public Var mul(Var other) {
    return Ops.mul(this, other);
  }

  public Var div(Var other) {
    return Ops.div(this, other);
  }

  public Var add(double c) {
    return Ops.addScalar(this, c);
  }

  public Var mul(double c) {
    return Ops.mulScalar(this, c);
  }

  public Var pow(double exponent) {
    return Ops.pow(this, exponent);
  }

  public Var pow(Var exponent) {
    return Ops.pow(this, exponent);
  }

  public Var neg() {
    return Ops.neg(this);
  }

  public Var exp() {
    return Ops.exp(this);
  }

  public Var log() {
    return Ops.log(this);
  }

  public Var sqrt() {
    return Ops.sqrt(this);
  }

  public Var abs() {
    return Ops.abs(this);
  }

  public Var relu() {
    return Ops.relu(this);
  }

  public Var sigmoid() {
    return Ops.sigmoid(this);
  }

  public Var sin() {
    return Ops.sin(this);
  }

  public Var cos() {
    return Ops.cos(this);
  }

  public Var tanh() {
    return Ops.tanh(this);
  }

  public Var sum() {
    return Ops.sum(this, new int[0], false);
  }

  public Var sum(int[] dims, boolean keepDim) {
    return Ops.sum(this, dims, keepDim);
  }

  public Var mean() {
    return Ops.mean(this, new int[0], false);
  }

  public Var mean(int[] dims, boolean keepDim) {
    return Ops.mean(this, dims, keepDim);
  }

  public Var matmul(Var other) {
    return Ops.matmul(this, other);
  }

  public Var reshape(int... shape) {
    return Ops.reshape(this, shape);
  }

  public Var permute(int... order) {
    return Ops.permute(this, order);
  }

  public Var transpose(int d0, int d1) {
    return Ops.transpose(this, d0, d1);
  }

  public Var expand(int... shape) {
    return Ops.expand(this, shape);
  }

  @Override
  public String toString() {
    String head = name != null ? name + " = " : "";
    String tail = creator != null ? ", op=" + creator.opName : requiresGrad ? ", requiresGrad" : "";
    return head + "Var(" + value + tail + ")";
  }
}
