package dev.wengert.optim;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.wengert.core.DType;
import dev.wengert.core.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adagrad: PyTorch 1.13's {@code torch.optim.Adagrad} (single-tensor path, dense gradients),
 * operation for operation. For each parameter p with gradient g (negated when maximizing), at step t:
 *
 * <pre>
 * g ← g + weight_decay·p                          if weight_decay ≠ 0
 * s ← s + (1·g)·g                                 (s starts at initial_accumulator_value)
 * p ← p + (−lr/(1 + (t − 1)·lr_decay)·g) / (sqrt(s) + eps)
 * </pre>
 *
 * <p>Each step is one pass over a parameter's elements, rounding as PyTorch's ops do (see {@code
 * FusedUpdate}).
 *
 * <p>Hyperparameters per group: {@code lr, lr_decay, weight_decay, eps}. The initial accumulator value
 * holds for the whole optimizer, as in PyTorch, which fills every parameter's sum from the constructor
 * argument. State per parameter, from construction on: {@code step} and {@code sum} (s).
 */
public final class Adagrad extends Optimizer {

  public static final String LR_DECAY = "lr_decay";
  public static final String EPS = "eps";
  static final String SUM = "sum";

  /** The defaults for every group, and the options that hold for the whole optimizer. */
  public static final class Options {
    private double lr = 1e-2;
    private double lrDecay;
    private double weightDecay;
    private double eps = 1e-10;
    private double initialAccumulatorValue;
    private boolean maximize;

    private Options() {}

    /** Learning rate (default 1e-2). */
    public Options lr(double lr) {
      this.lr = lr;
      return this;
    }

    /** Learning-rate decay per step (default 0). */
    public Options lrDecay(double lrDecay) {
      this.lrDecay = lrDecay;
      return this;
    }

    /** L2 penalty added to the gradient (default 0). */
    public Options weightDecay(double weightDecay) {
      this.weightDecay = weightDecay;
      return this;
    }

    /** Added to the denominator for stability (default 1e-10). */
    public Options eps(double eps) {
      this.eps = eps;
      return this;
    }

    /** Starting value of every squared-gradient sum (default 0). */
    public Options initialAccumulatorValue(double initialAccumulatorValue) {
      this.initialAccumulatorValue = initialAccumulatorValue;
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
      d.put(LR_DECAY, lrDecay);
      d.put(ParamGroup.WEIGHT_DECAY, weightDecay);
      d.put(EPS, eps);
      return d;
    }
  }

  private final boolean maximize;

  /** Options with PyTorch's defaults: lr 1e-2, eps 1e-10, no decay, accumulators starting at 0. */
  public static Options options() {
    return new Options();
  }

  public Adagrad(ParamGroup group, Options options) {
    this(List.of(group), options);
  }

  public Adagrad(List<ParamGroup> groups, Options options) {
    super(groups, checkNotNull(options, "options").defaults(), Adagrad::check);
    checkArgument(
        options.initialAccumulatorValue >= 0,
        "Adagrad: initial_accumulator_value must be >= 0, got %s", options.initialAccumulatorValue);
    this.maximize = options.maximize;
    for (int i = 0; i < params().size(); i++) {
      Tensor p = params().get(i).value();
      state(i).put(STEP, newCounter());
      state(i).put(SUM, Tensor.full(p.dtype(), options.initialAccumulatorValue, p.shape()));
    }
  }

  private static void check(String where, Map<String, Double> h) {
    Checks.nonNegative(where, h, ParamGroup.LR);
    Checks.nonNegative(where, h, LR_DECAY);
    Checks.nonNegative(where, h, ParamGroup.WEIGHT_DECAY);
    Checks.nonNegative(where, h, EPS);
  }

  @Override
  protected void update(ParamGroup group, Tensor param, Tensor grad, Map<String, Tensor> state) {
    double step = increment(state.get(STEP));
    Tensor sum = state.get(SUM);
    FusedUpdate.run(param, grad, (p, g) -> pass(group, p, g, sum, step), sum);
  }

  /** The update of one contiguous parameter at step {@code step}. */
  private void pass(ParamGroup group, Tensor p, Tensor g, Tensor sum, double step) {
    boolean decay = group.weightDecay() != 0;
    double clr = group.lr() / (1 + (step - 1) * group.get(LR_DECAY));
    int n = p.numel();
    int po = p.offset();
    int go = g.offset();
    int so = sum.offset();
    if (p.dtype() == DType.FLOAT32) {
      float[] pv = p.floatData();
      float[] gv = g.floatData();
      float[] sv = sum.floatData();
      float weightDecay = (float) group.weightDecay();
      float eps = (float) group.get(EPS);
      double negClr = (float) -clr; // enters a float64 addcdiv
      FusedUpdate.forRange(n, (from, to) -> {
        for (int i = from; i < to; i++) {
          float gi = maximize ? -gv[go + i] : gv[go + i];
          if (decay) {
            gi = Math.fma(weightDecay, pv[po + i], gi);
          }
          float s = (float) (sv[so + i] + (double) gi * gi);
          sv[so + i] = s;
          float std = (float) Math.sqrt(s) + eps;
          pv[po + i] = pv[po + i] + (float) (negClr * gi / std);
        }
      });
    } else {
      double[] pv = p.doubleData();
      double[] gv = g.doubleData();
      double[] sv = sum.doubleData();
      double weightDecay = group.weightDecay();
      double eps = group.get(EPS);
      double negClr = -clr;
      FusedUpdate.forRange(n, (from, to) -> {
        for (int i = from; i < to; i++) {
          double gi = maximize ? -gv[go + i] : gv[go + i];
          if (decay) {
            gi = gi + weightDecay * pv[po + i];
          }
          double s = sv[so + i] + gi * gi;
          sv[so + i] = s;
          double std = Math.sqrt(s) + eps;
          pv[po + i] = pv[po + i] + negClr * gi / std;
        }
      });
    }
  }

  @Override
  protected List<String> stateNames() {
    return List.of(STEP, SUM);
  }

  @Override
  protected boolean eagerState() {
    return true;
  }
}
