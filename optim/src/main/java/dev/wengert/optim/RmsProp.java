package dev.wengert.optim;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.wengert.core.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * RMSprop, optionally centered and with momentum: PyTorch 1.13's {@code torch.optim.RMSprop}
 * (single-tensor path), operation for operation. For each parameter p with gradient g (negated when
 * maximizing):
 *
 * <pre>
 * g ← g + weight_decay·p                          if weight_decay ≠ 0
 * v ← alpha·v + ((1 − alpha)·g)·g
 * a ← alpha·a + (1 − alpha)·g;  d ← sqrt(v − a·a) + eps   (centered)
 *                               d ← sqrt(v) + eps         (otherwise)
 * b ← momentum·b + g/d;  p ← p − lr·b             if momentum > 0
 * p ← p + (−lr·g)/d                               otherwise
 * </pre>
 *
 * <p>Hyperparameters per group: {@code lr, alpha, eps, weight_decay, momentum}. State per parameter:
 * {@code step}, {@code square_avg} (v), {@code momentum_buffer} (b; while momentum > 0) and, when
 * centered, {@code grad_avg} (a).
 */
public final class RmsProp extends Optimizer {

  public static final String ALPHA = "alpha";
  public static final String EPS = "eps";
  public static final String MOMENTUM = "momentum";
  static final String SQUARE_AVG = "square_avg";
  static final String MOMENTUM_BUFFER = "momentum_buffer";
  static final String GRAD_AVG = "grad_avg";

  /** The defaults for every group, and the options that hold for the whole optimizer. */
  public static final class Options {
    private double lr = 1e-2;
    private double alpha = 0.99;
    private double eps = 1e-8;
    private double weightDecay;
    private double momentum;
    private boolean centered;
    private boolean maximize;

    private Options() {}

    /** Learning rate (default 1e-2). */
    public Options lr(double lr) {
      this.lr = lr;
      return this;
    }

    /** Smoothing constant of the squared-gradient average (default 0.99). */
    public Options alpha(double alpha) {
      this.alpha = alpha;
      return this;
    }

    /** Added to the denominator for stability (default 1e-8). */
    public Options eps(double eps) {
      this.eps = eps;
      return this;
    }

    /** L2 penalty added to the gradient (default 0). */
    public Options weightDecay(double weightDecay) {
      this.weightDecay = weightDecay;
      return this;
    }

    /** Momentum factor (default 0: none). */
    public Options momentum(double momentum) {
      this.momentum = momentum;
      return this;
    }

    /** Normalize by the gradient's estimated variance instead of its second moment (default false). */
    public Options centered(boolean centered) {
      this.centered = centered;
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
      d.put(ALPHA, alpha);
      d.put(EPS, eps);
      d.put(ParamGroup.WEIGHT_DECAY, weightDecay);
      d.put(MOMENTUM, momentum);
      return d;
    }
  }

  private final boolean centered;
  private final boolean maximize;

  /** Options with PyTorch's defaults: lr 1e-2, alpha 0.99, eps 1e-8, no weight decay or momentum. */
  public static Options options() {
    return new Options();
  }

  public RmsProp(ParamGroup group, Options options) {
    this(List.of(group), options);
  }

  public RmsProp(List<ParamGroup> groups, Options options) {
    super(groups, checkNotNull(options, "options").defaults(), RmsProp::check);
    this.centered = options.centered;
    this.maximize = options.maximize;
  }

  private static void check(String where, Map<String, Double> h) {
    Checks.nonNegative(where, h, ParamGroup.LR);
    Checks.nonNegative(where, h, ALPHA);
    Checks.nonNegative(where, h, EPS);
    Checks.nonNegative(where, h, ParamGroup.WEIGHT_DECAY);
    Checks.nonNegative(where, h, MOMENTUM);
  }

  @Override
  protected void update(ParamGroup group, Tensor param, Tensor grad, Map<String, Tensor> state) {
    double lr = group.lr();
    double alpha = group.get(ALPHA);
    double eps = group.get(EPS);
    double weightDecay = group.weightDecay();
    double momentum = group.get(MOMENTUM);
    if (state.isEmpty()) {
      state.put(STEP, newCounter());
      state.put(SQUARE_AVG, Tensor.zerosLike(param));
      if (centered) {
        state.put(GRAD_AVG, Tensor.zerosLike(param));
      }
    }
    increment(state.get(STEP));
    Tensor g = maximize ? grad.neg() : grad;
    if (weightDecay != 0) {
      g = g == grad ? Pointwise.plusScaled(grad, weightDecay, param) : Pointwise.addScaled(g, weightDecay, param);
    }
    Tensor squareAvg = state.get(SQUARE_AVG);
    Pointwise.addcmulSquare(Pointwise.mul(squareAvg, alpha), 1 - alpha, g);
    Tensor avg;
    if (centered) {
      Tensor gradAvg = Pointwise.addScaled(Pointwise.mul(state.get(GRAD_AVG), alpha), 1 - alpha, g);
      avg = squareAvg.copy();
      Pointwise.addcmulSquare(avg, -1, gradAvg);
      avg.mapInPlace(Math::sqrt);
    } else {
      avg = squareAvg.sqrt();
    }
    Pointwise.add(avg, eps);
    if (momentum > 0) {
      Tensor buf = state.computeIfAbsent(MOMENTUM_BUFFER, name -> Tensor.zerosLike(param));
      Pointwise.addcdiv(Pointwise.mul(buf, momentum), 1, g, avg);
      Pointwise.addScaled(param, -lr, buf);
    } else {
      Pointwise.addcdiv(param, -lr, g, avg);
    }
  }

  @Override
  protected List<String> stateNames() {
    return centered
        ? List.of(STEP, SQUARE_AVG, MOMENTUM_BUFFER, GRAD_AVG)
        : List.of(STEP, SQUARE_AVG, MOMENTUM_BUFFER);
  }

  @Override
  protected Set<String> optionalStateNames() {
    return Set.of(MOMENTUM_BUFFER);
  }
}
