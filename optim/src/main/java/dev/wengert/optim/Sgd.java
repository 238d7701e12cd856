package dev.wengert.optim;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.wengert.core.DType;
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
 * <p>Each step is one pass over a parameter's elements, rounding as PyTorch's ops do (see {@code
 * FusedUpdate}).
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
    boolean useMomentum = group.get(MOMENTUM) != 0;
    boolean firstMomentumStep = useMomentum && !state.containsKey(MOMENTUM_BUFFER);
    if (firstMomentumStep) {
      state.put(MOMENTUM_BUFFER, Tensor.zerosLike(param)); // the pass copies the first step's g into it
    }
    Tensor buf = useMomentum ? state.get(MOMENTUM_BUFFER) : null;
    FusedUpdate.run(param, grad, (p, g) -> pass(group, p, g, buf, firstMomentumStep), buf);
  }

  /** The update of one contiguous parameter; {@code buf} is null without momentum. */
  private void pass(ParamGroup group, Tensor p, Tensor g, Tensor buf, boolean firstMomentumStep) {
    boolean decay = group.weightDecay() != 0;
    boolean useMomentum = buf != null;
    int n = p.numel();
    int po = p.offset();
    int go = g.offset();
    int bo = useMomentum ? buf.offset() : 0;
    if (p.dtype() == DType.FLOAT32) {
      float[] pv = p.floatData();
      float[] gv = g.floatData();
      float[] bv = useMomentum ? buf.floatData() : null;
      float weightDecay = (float) group.weightDecay();
      float momentum = (float) group.get(MOMENTUM);
      float undamped = (float) (1 - group.get(DAMPENING));
      float negLr = (float) -group.lr();
      FusedUpdate.forRange(n, (from, to) -> {
        for (int i = from; i < to; i++) {
          float d = maximize ? -gv[go + i] : gv[go + i];
          if (decay) {
            d = Math.fma(weightDecay, pv[po + i], d);
          }
          if (useMomentum) {
            float b = firstMomentumStep ? d : Math.fma(undamped, d, bv[bo + i] * momentum);
            bv[bo + i] = b;
            d = nesterov ? Math.fma(momentum, b, d) : b;
          }
          pv[po + i] = Math.fma(negLr, d, pv[po + i]);
        }
      });
    } else {
      double[] pv = p.doubleData();
      double[] gv = g.doubleData();
      double[] bv = useMomentum ? buf.doubleData() : null;
      double weightDecay = group.weightDecay();
      double momentum = group.get(MOMENTUM);
      double undamped = 1 - group.get(DAMPENING);
      double negLr = -group.lr();
      FusedUpdate.forRange(n, (from, to) -> {
        for (int i = from; i < to; i++) {
          double d = maximize ? -gv[go + i] : gv[go + i];
          if (decay) {
            d = d + weightDecay * pv[po + i];
          }
          if (useMomentum) {
            double b = firstMomentumStep ? d : bv[bo + i] * momentum + undamped * d;
            bv[bo + i] = b;
            d = nesterov ? d + momentum * b : b;
          }
          pv[po + i] = pv[po + i] + negLr * d;
        }
      });
    }
  }

  @Override
  protected List<String> stateNames() {
    return List.of(MOMENTUM_BUFFER);
  }
}
