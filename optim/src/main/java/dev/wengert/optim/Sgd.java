package dev.wengert.optim;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.wengert.core.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight
 * decay: PyTorch 1.13's {@code torch.optim.SGD} (single-tensor path), operation for operation. For each
 * parameter p with gradient g (negated when maximizing):
 *
 * <pre>
 * g ← g + weight_decay·p                                  if weight_decay ≠ 0
 * b ← g (first step), else b ← momentum·b + (1 − dampening)·g   if momentum ≠ 0
 * g ← g + momentum·b (nesterov), else g ← b                if momentum ≠ 0
 * p ← p − lr·g
 * </pre>
 *
 * <p>Hyperparameters per group: {@code lr, momentum, dampening, weight_decay}. State per parameter:
 * {@code momentum_buffer}, from the first step that uses momentum.
 */
public final class Sgd extends Optimizer {

  public static final String MOMENTUM = "momentum";
  public static final String DAMPENING = "dampening";
  static final String MOMENTUM_BUFFER = "momentum_buffer";

  /** The defaults for every group, and the options that hold for the whole optimizer. */
  public static final class Options {
    private final double lr;
    private double momentum;
    private double dampening;
    private double weightDecay;
    private boolean nesterov;
    private boolean maximize;

    private Options(double lr) {
      this.lr = lr;
    }

    /** Momentum factor (default 0: none). */
    public Options momentum(double momentum) {
      this.momentum = momentum;
      return this;
    }

    /** Dampening of the momentum's gradient term (default 0). */
    public Options dampening(double dampening) {
      this.dampening = dampening;
      return this;
    }

    /** L2 penalty added to the gradient (default 0). */
    public Options weightDecay(double weightDecay) {
      this.weightDecay = weightDecay;
      return this;
    }

    /** Nesterov momentum (needs momentum > 0 and dampening 0; default false). */
    public Options nesterov(boolean nesterov) {
      this.nesterov = nesterov;
      return this;
    }

    /** Ascend instead of descend (default false). */
    public Options maximize(boolean maximize) {
      this.maximize = maximize;
      return this;
    }

    private Map<String, Double> defaults() {
      Map<String, Double> d = new LinkedHashMap<>();
      d.put(ParamGroup.LR, lr);
      d.put(MOMENTUM, momentum);
      d.put(DAMPENING, dampening);
      d.put(ParamGroup.WEIGHT_DECAY, weightDecay);
      return d;
    }
  }

  private final boolean nesterov;
  private final boolean maximize;

  /** Options with learning rate {@code lr} (PyTorch's SGD has no default lr either). */
  public static Options options(double lr) {
    return new Options(lr);
  }

  public Sgd(ParamGroup group, Options options) {
    this(List.of(group), options);
  }

  public Sgd(List<ParamGroup> groups, Options options) {
    super(groups, checkNotNull(options, "options").defaults(), check(options.nesterov));
    this.nesterov = options.nesterov;
    this.maximize = options.maximize;
  }

  private static GroupCheck check(boolean nesterov) {
    return (where, h) -> {
      Checks.nonNegative(where, h, ParamGroup.LR);
      Checks.nonNegative(where, h, MOMENTUM);
      Checks.finite(where, h, DAMPENING);
      Checks.nonNegative(where, h, ParamGroup.WEIGHT_DECAY);
      checkArgument(
          !nesterov || (h.get(MOMENTUM) > 0 && h.get(DAMPENING) == 0),
          "%s: nesterov needs momentum > 0 and dampening 0, got momentum %s and dampening %s",
          where, h.get(MOMENTUM), h.get(DAMPENING));
    };
  }

  @Override
  protected void update(ParamGroup group, Tensor param, Tensor grad, Map<String, Tensor> state) {
    double lr = group.lr();
    double momentum = group.get(MOMENTUM);
    double dampening = group.get(DAMPENING);
    double weightDecay = group.weightDecay();
    Tensor d = maximize ? grad.neg() : grad;
    if (weightDecay != 0) {
      d = d == grad ? Pointwise.plusScaled(grad, weightDecay, param) : Pointwise.addScaled(d, weightDecay, param);
    }
    if (momentum != 0) {
      Tensor buf = state.get(MOMENTUM_BUFFER);
      if (buf == null) {
        buf = d.copy();
        state.put(MOMENTUM_BUFFER, buf);
      } else {
        Pointwise.addScaled(Pointwise.mul(buf, momentum), 1 - dampening, d);
      }
      if (nesterov) {
        d = d == grad ? Pointwise.plusScaled(grad, momentum, buf) : Pointwise.addScaled(d, momentum, buf);
      } else {
        d = buf;
      }
    }
    Pointwise.addScaled(param, -lr, d);
  }

  @Override
  protected List<String> stateNames() {
    return List.of(MOMENTUM_BUFFER);
  }
}
