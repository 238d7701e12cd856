package dev.wengert.optim;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.wengert.core.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam, with optional L2 weight decay and the AMSGrad variant: PyTorch 1.13's {@code
 * torch.optim.Adam} (single-tensor path), operation for operation. For each parameter p with gradient
 * g (negated when maximizing), at step t:
 *
 * <pre>
 * g ← g + weight_decay·p                          if weight_decay ≠ 0
 * m ← beta1·m + (1 − beta1)·g
 * v ← beta2·v + ((1 − beta2)·g)·g
 * v̂ ← max(v̂, v) (amsgrad), else v̂ = v
 * p ← p + (−lr/(1 − beta1^t)·m) / (sqrt(v̂)/sqrt(1 − beta2^t) + eps)
 * </pre>
 *
 * <p>Hyperparameters per group: {@code lr, beta1, beta2, eps, weight_decay}. State per parameter:
 * {@code step, exp_avg} (m), {@code exp_avg_sq} (v) and, with amsgrad, {@code max_exp_avg_sq} (v̂).
 */
public final class Adam extends Optimizer {

  public static final String BETA1 = "beta1";
  public static final String BETA2 = "beta2";
  public static final String EPS = "eps";
  static final String EXP_AVG = "exp_avg";
  static final String EXP_AVG_SQ = "exp_avg_sq";
  static final String MAX_EXP_AVG_SQ = "max_exp_avg_sq";

  /** The defaults for every group, and the options that hold for the whole optimizer (also used by {@link AdamW}). */
  public static final class Options {
    private double lr = 1e-3;
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double eps = 1e-8;
    private double weightDecay;
    private boolean amsgrad;
    private boolean maximize;

    Options(double weightDecay) {
      this.weightDecay = weightDecay;
    }

    /** Learning rate (default 1e-3). */
    public Options lr(double lr) {
      this.lr = lr;
      return this;
    }

    /** Decay rates of the gradient's running mean and of its square (defaults 0.9, 0.999). */
    public Options betas(double beta1, double beta2) {
      this.beta1 = beta1;
      this.beta2 = beta2;
      return this;
    }

    /** Added to the denominator for stability (default 1e-8). */
    public Options eps(double eps) {
      this.eps = eps;
      return this;
    }

    /** Weight decay (default 0 for Adam, 1e-2 for AdamW). */
    public Options weightDecay(double weightDecay) {
      this.weightDecay = weightDecay;
      return this;
    }

    /** Use the maximum of all second-moment estimates so far (AMSGrad; default false). */
    public Options amsgrad(boolean amsgrad) {
      this.amsgrad = amsgrad;
      return this;
    }

    /** Ascend instead of descend (default false). */
    public Options maximize(boolean maximize) {
      this.maximize = maximize;
      return this;
    }

    Map<String, Double> defaults() {
      Map<String, Double> d = new LinkedHashMap<>();
      d.put(ParamGroup.LR, lr);
      d.put(BETA1, beta1);
      d.put(BETA2, beta2);
      d.put(EPS, eps);
      d.put(ParamGroup.WEIGHT_DECAY, weightDecay);
      return d;
    }

    boolean amsgrad() {
      return amsgrad;
    }

    boolean maximize() {
      return maximize;
    }
  }

  private final boolean amsgrad;
  private final boolean maximize;

  /** Options with PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, no weight decay. */
  public static Options options() {
    return new Options(0);
  }

  public Adam(ParamGroup group, Options options) {
    this(List.of(group), options);
  }

  public Adam(List<ParamGroup> groups, Options options) {
    super(groups, checkNotNull(options, "options").defaults(), Adam::check);
    this.amsgrad = options.amsgrad();
    this.maximize = options.maximize();
  }

  static void check(String where, Map<String, Double> h) {
    Checks.nonNegative(where, h, ParamGroup.LR);
    Checks.nonNegative(where, h, EPS);
    Checks.unitInterval(where, h, BETA1);
    Checks.unitInterval(where, h, BETA2);
    Checks.nonNegative(where, h, ParamGroup.WEIGHT_DECAY);
  }

  @Override
  protected void update(ParamGroup group, Tensor param, Tensor grad, Map<String, Tensor> state) {
    Tensor g = maximize ? grad.neg() : grad;
    double step = startStep(param, state, amsgrad);
    double weightDecay = group.weightDecay();
    if (weightDecay != 0) {
      g = g == grad ? Pointwise.plusScaled(grad, weightDecay, param) : Pointwise.addScaled(g, weightDecay, param);
    }
    moments(group, param, g, state, step, amsgrad);
  }

  /** Creates the state on first use and advances the step counter; returns the new step. */
  static double startStep(Tensor param, Map<String, Tensor> state, boolean amsgrad) {
    if (state.isEmpty()) {
      state.put(STEP, newCounter());
      state.put(EXP_AVG, Tensor.zerosLike(param));
      state.put(EXP_AVG_SQ, Tensor.zerosLike(param));
      if (amsgrad) {
        state.put(MAX_EXP_AVG_SQ, Tensor.zerosLike(param));
      }
    }
    return increment(state.get(STEP));
  }

  /** The moment updates and the parameter step shared by Adam and AdamW. */
  static void moments(
      ParamGroup group, Tensor param, Tensor g, Map<String, Tensor> state, double step, boolean amsgrad) {
    double lr = group.lr();
    double beta1 = group.get(BETA1);
    double beta2 = group.get(BETA2);
    double eps = group.get(EPS);
    Tensor expAvg = state.get(EXP_AVG);
    Tensor expAvgSq = state.get(EXP_AVG_SQ);
    Pointwise.addScaled(Pointwise.mul(expAvg, beta1), 1 - beta1, g);
    Pointwise.addcmulSquare(Pointwise.mul(expAvgSq, beta2), 1 - beta2, g);
    double biasCorrection1 = 1 - Math.pow(beta1, step);
    double biasCorrection2 = 1 - Math.pow(beta2, step);
    double stepSize = lr / biasCorrection1;
    double biasCorrection2Sqrt = Math.sqrt(biasCorrection2);
    Tensor second = expAvgSq;
    if (amsgrad) {
      second = state.get(MAX_EXP_AVG_SQ).zipInPlace("maximum", expAvgSq, Math::max);
    }
    Tensor denom = Pointwise.add(Pointwise.div(second.sqrt(), biasCorrection2Sqrt), eps);
    Pointwise.addcdiv(param, -stepSize, expAvg, denom);
  }

  @Override
  protected List<String> stateNames() {
    return names(amsgrad);
  }

  static List<String> names(boolean amsgrad) {
    return amsgrad ? List.of(STEP, EXP_AVG, EXP_AVG_SQ, MAX_EXP_AVG_SQ) : List.of(STEP, EXP_AVG, EXP_AVG_SQ);
  }
}
