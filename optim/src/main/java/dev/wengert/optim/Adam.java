package dev.wengert.optim;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.wengert.core.DType;
import dev.wengert.core.Tensor;
import dev.wengert.core.kernels.Kernels;
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
 * <p>Each step is one pass over a parameter's elements, rounding as PyTorch's ops do (see {@code
 * FusedUpdate}).
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
    double step = startStep(param, state, amsgrad);
    adamUpdate(group, param, grad, state, step, maximize, amsgrad, false);
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

  /**
   * The update shared by Adam and AdamW, in one pass: the weight decay enters the gradient (Adam) or,
   * when {@code decoupled}, shrinks the parameter first (AdamW).
   */
  static void adamUpdate(
      ParamGroup group, Tensor param, Tensor grad, Map<String, Tensor> state, double step, boolean maximize,
      boolean amsgrad, boolean decoupled) {
    Tensor expAvg = state.get(EXP_AVG);
    Tensor expAvgSq = state.get(EXP_AVG_SQ);
    Tensor maxExpAvgSq = amsgrad ? state.get(MAX_EXP_AVG_SQ) : null;
    FusedUpdate.run(
        param, grad, (p, g) -> pass(group, p, g, expAvg, expAvgSq, maxExpAvgSq, step, maximize, decoupled),
        expAvg, expAvgSq, maxExpAvgSq);
  }

  /** The update of one contiguous parameter; {@code maxExpAvgSq} is null without amsgrad. */
  private static void pass(
      ParamGroup group, Tensor p, Tensor g, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq, double step,
      boolean maximize, boolean decoupled) {
    double lr = group.lr();
    double beta1 = group.get(BETA1);
    double beta2 = group.get(BETA2);
    boolean l2 = !decoupled && group.weightDecay() != 0;
    double paramScale = 1 - lr * group.weightDecay(); // AdamW's decay
    double stepSize = lr / (1 - Math.pow(beta1, step));
    double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
    boolean amsgrad = maxExpAvgSq != null;
    int n = p.numel();
    int po = p.offset();
    int go = g.offset();
    int mo = expAvg.offset();
    int vo = expAvgSq.offset();
    int xo = amsgrad ? maxExpAvgSq.offset() : 0;
    if (p.dtype() == DType.FLOAT32) {
      float[] pv = p.floatData();
      float[] gv = g.floatData();
      float[] mv = expAvg.floatData();
      float[] vv = expAvgSq.floatData();
      float[] xv = amsgrad ? maxExpAvgSq.floatData() : null;
      Kernels.AdamStep coefficients = new Kernels.AdamStep(
          (float) beta1,
          (float) (1 - beta1),
          (float) beta2,
          (float) (1 - beta2), // enters a float64 addcmul
          (float) biasCorrection2Sqrt,
          (float) group.get(EPS),
          (float) -stepSize, // enters a float64 addcdiv
          maximize,
          decoupled,
          (float) paramScale,
          l2,
          (float) group.weightDecay());
      FusedUpdate.forRange(n, (from, to) -> Kernels.get().adam(
          to - from, coefficients, pv, po + from, gv, go + from, mv, mo + from, vv, vo + from, xv, xo + from));
    } else {
      double[] pv = p.doubleData();
      double[] gv = g.doubleData();
      double[] mv = expAvg.doubleData();
      double[] vv = expAvgSq.doubleData();
      double[] xv = amsgrad ? maxExpAvgSq.doubleData() : null;
      double weightDecay = group.weightDecay();
      double oneMinusB1 = 1 - beta1;
      double oneMinusB2 = 1 - beta2;
      double eps = group.get(EPS);
      double negStepSize = -stepSize;
      FusedUpdate.forRange(n, (from, to) -> {
        for (int i = from; i < to; i++) {
          double gi = maximize ? -gv[go + i] : gv[go + i];
          double pi = pv[po + i];
          if (decoupled) {
            pi *= paramScale;
          } else if (l2) {
            gi = gi + weightDecay * pi;
          }
          double m = mv[mo + i] * beta1 + oneMinusB1 * gi;
          double v = vv[vo + i] * beta2 + oneMinusB2 * gi * gi;
          mv[mo + i] = m;
          vv[vo + i] = v;
          double second = v;
          if (amsgrad) {
            second = Math.max(xv[xo + i], v);
            xv[xo + i] = second;
          }
          double denom = Math.sqrt(second) / biasCorrection2Sqrt + eps;
          pv[po + i] = pi + negStepSize * m / denom;
        }
      });
    }
  }

  @Override
  protected List<String> stateNames() {
    return names(amsgrad);
  }

  static List<String> names(boolean amsgrad) {
    return amsgrad ? List.of(STEP, EXP_AVG, EXP_AVG_SQ, MAX_EXP_AVG_SQ) : List.of(STEP, EXP_AVG, EXP_AVG_SQ);
  }
}
