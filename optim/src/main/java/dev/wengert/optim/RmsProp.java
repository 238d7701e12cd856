package dev.wengert.optim;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.wengert.core.DType;
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
 * <p>Each step is one pass over a parameter's elements, rounding as PyTorch's ops do (see {@code
 * FusedUpdate}).
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
    if (state.isEmpty()) {
      state.put(STEP, newCounter());
      state.put(SQUARE_AVG, Tensor.zerosLike(param));
      if (centered) {
        state.put(GRAD_AVG, Tensor.zerosLike(param));
      }
    }
    increment(state.get(STEP));
    Tensor squareAvg = state.get(SQUARE_AVG);
    Tensor gradAvg = state.get(GRAD_AVG); // null unless centered
    Tensor buf =
        group.get(MOMENTUM) > 0 ? state.computeIfAbsent(MOMENTUM_BUFFER, name -> Tensor.zerosLike(param)) : null;
    FusedUpdate.run(param, grad, (p, g) -> pass(group, p, g, squareAvg, gradAvg, buf), squareAvg, gradAvg, buf);
  }

  /**
   * The update of one contiguous parameter; {@code gradAvg} is null unless centered, {@code buf} without
   * momentum.
   */
  private void pass(ParamGroup group, Tensor p, Tensor g, Tensor squareAvg, Tensor gradAvg, Tensor buf) {
    boolean decay = group.weightDecay() != 0;
    boolean useMomentum = buf != null;
    int n = p.numel();
    int po = p.offset();
    int go = g.offset();
    int vo = squareAvg.offset();
    int ao = centered ? gradAvg.offset() : 0;
    int bo = useMomentum ? buf.offset() : 0;
    if (p.dtype() == DType.FLOAT32) {
      float[] pv = p.floatData();
      float[] gv = g.floatData();
      float[] vv = squareAvg.floatData();
      float[] av = centered ? gradAvg.floatData() : null;
      float[] bv = useMomentum ? buf.floatData() : null;
      float weightDecay = (float) group.weightDecay();
      float alpha = (float) group.get(ALPHA);
      float oneMinusAlpha = (float) (1 - group.get(ALPHA));
      float eps = (float) group.get(EPS);
      float momentum = (float) group.get(MOMENTUM);
      float negLr = (float) -group.lr();
      FusedUpdate.forRange(n, (from, to) -> {
        for (int i = from; i < to; i++) {
          float gi = maximize ? -gv[go + i] : gv[go + i];
          if (decay) {
            gi = Math.fma(weightDecay, pv[po + i], gi);
          }
          float decayedV = vv[vo + i] * alpha;
          float v = (float) (decayedV + (double) oneMinusAlpha * gi * gi);
          vv[vo + i] = v;
          float avg;
          if (centered) {
            float a = Math.fma(oneMinusAlpha, gi, av[ao + i] * alpha);
            av[ao + i] = a;
            avg = (float) Math.sqrt((float) (v - (double) a * a));
          } else {
            avg = (float) Math.sqrt(v);
          }
          avg += eps;
          if (useMomentum) {
            float b = bv[bo + i] * momentum + gi / avg;
            bv[bo + i] = b;
            pv[po + i] = Math.fma(negLr, b, pv[po + i]);
          } else {
            pv[po + i] = pv[po + i] + (float) ((double) negLr * gi / avg);
          }
        }
      });
    } else {
      double[] pv = p.doubleData();
      double[] gv = g.doubleData();
      double[] vv = squareAvg.doubleData();
      double[] av = centered ? gradAvg.doubleData() : null;
      double[] bv = useMomentum ? buf.doubleData() : null;
      double weightDecay = group.weightDecay();
      double alpha = group.get(ALPHA);
      double oneMinusAlpha = 1 - alpha;
      double eps = group.get(EPS);
      double momentum = group.get(MOMENTUM);
      double negLr = -group.lr();
      FusedUpdate.forRange(n, (from, to) -> {
        for (int i = from; i < to; i++) {
          double gi = maximize ? -gv[go + i] : gv[go + i];
          if (decay) {
            gi = gi + weightDecay * pv[po + i];
          }
          double v = vv[vo + i] * alpha + oneMinusAlpha * gi * gi;
          vv[vo + i] = v;
          double avg;
          if (centered) {
            double a = av[ao + i] * alpha + oneMinusAlpha * gi;
            av[ao + i] = a;
            avg = Math.sqrt(v - a * a);
          } else {
            avg = Math.sqrt(v);
          }
          avg += eps;
          if (useMomentum) {
            double b = bv[bo + i] * momentum + gi / avg;
            bv[bo + i] = b;
            pv[po + i] = pv[po + i] + negLr * b;
          } else {
            pv[po + i] = pv[po + i] + negLr * gi / avg;
          }
        }
      });
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
