package dev.wengert.optim;

import dev.wengert.core.DType;
import dev.wengert.core.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reference for {@link FusedUpdateTest}: the optimizers' updates as they were before {@link
 * FusedUpdate}, several in-place tensor ops per parameter, copied verbatim together with the {@code
 * Pointwise} ops they used. Each takes its hyperparameters from the fused optimizer it is compared with.
 */
final class MultiPassOptimizers {

  private MultiPassOptimizers() {}

  /**
   * PyTorch's in-place pointwise tensor ops as its optimizers use them ({@code addcmul} is {@code t +
   * (value·a)·b}, {@code addcdiv} is {@code t + (value·a)/b}), every scalar rounded to the tensor's
   * dtype first.
   */
  static final class Pointwise {

    private Pointwise() {}

    /** {@code value} as a kernel on {@code t} sees it. */
    static double scalar(Tensor t, double value) {
      return t.dtype() == DType.FLOAT32 ? (float) value : value;
    }

    /** {@code t *= c}; returns t. */
    static Tensor mul(Tensor t, double c) {
      return t.mulInPlace(scalar(t, c));
    }

    /** {@code t += c}; returns t. */
    static Tensor add(Tensor t, double c) {
      return t.addInPlace(scalar(t, c));
    }

    /** {@code t /= c}; returns t. */
    static Tensor div(Tensor t, double c) {
      double divisor = scalar(t, c);
      return t.mapInPlace(x -> x / divisor);
    }

    /** {@code t += alpha·x}, PyTorch's {@code t.add_(x, alpha=alpha)}; returns t. */
    static Tensor addScaled(Tensor t, double alpha, Tensor x) {
      return t.addScaledInPlace(scalar(t, alpha), x);
    }

    /** {@code x + alpha·y} in a new tensor, PyTorch's {@code x.add(y, alpha=alpha)}. */
    static Tensor plusScaled(Tensor x, double alpha, Tensor y) {
      return addScaled(x.copy(), alpha, y);
    }

    /** {@code t += (value·a)·a}, PyTorch's {@code t.addcmul_(a, a, value=value)}; returns t. */
    static Tensor addcmulSquare(Tensor t, double value, Tensor a) {
      double v = scalar(t, value);
      return t.zipInPlace("addcmul", a, (x, y) -> x + v * y * y);
    }

    /** {@code t += (value·a)/b}, PyTorch's {@code t.addcdiv_(a, b, value=value)}, with one temporary; returns t. */
    static Tensor addcdiv(Tensor t, double value, Tensor a, Tensor b) {
      double v = scalar(t, value);
      return t.addInPlace(a.zipWith("addcdiv", b, (x, y) -> v * x / y));
    }
  }

  private static Optimizer.GroupCheck anything() {
    return (where, hyperparameters) -> {};
  }

  static final class MultiPassSgd extends Optimizer {
    private final boolean nesterov;
    private final boolean maximize;

    MultiPassSgd(List<ParamGroup> groups, Map<String, Double> hyperparameters, boolean nesterov, boolean maximize) {
      super(groups, hyperparameters, anything());
      this.nesterov = nesterov;
      this.maximize = maximize;
    }

    @Override
    protected void update(ParamGroup group, Tensor param, Tensor grad, Map<String, Tensor> state) {
      double lr = group.lr();
      double momentum = group.get(Sgd.MOMENTUM);
      double dampening = group.get(Sgd.DAMPENING);
      double weightDecay = group.weightDecay();
      Tensor d = maximize ? grad.neg() : grad;
      if (weightDecay != 0) {
        d = d == grad ? Pointwise.plusScaled(grad, weightDecay, param) : Pointwise.addScaled(d, weightDecay, param);
      }
      if (momentum != 0) {
        Tensor buf = state.get(Sgd.MOMENTUM_BUFFER);
        if (buf == null) {
          buf = d.copy();
          state.put(Sgd.MOMENTUM_BUFFER, buf);
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
      return List.of(Sgd.MOMENTUM_BUFFER);
    }
  }

  /** Adam, or AdamW when {@code decoupled}. */
  static final class MultiPassAdam extends Optimizer {
    private final boolean amsgrad;
    private final boolean maximize;
    private final boolean decoupled;

    MultiPassAdam(
        List<ParamGroup> groups, Map<String, Double> hyperparameters, boolean amsgrad, boolean maximize,
        boolean decoupled) {
      super(groups, hyperparameters, anything());
      this.amsgrad = amsgrad;
      this.maximize = maximize;
      this.decoupled = decoupled;
    }

    @Override
    protected void update(ParamGroup group, Tensor param, Tensor grad, Map<String, Tensor> state) {
      if (decoupled) {
        updateAdamW(group, param, grad, state);
      } else {
        updateAdam(group, param, grad, state);
      }
    }

    private void updateAdam(ParamGroup group, Tensor param, Tensor grad, Map<String, Tensor> state) {
      Tensor g = maximize ? grad.neg() : grad;
      double step = startStep(param, state, amsgrad);
      double weightDecay = group.weightDecay();
      if (weightDecay != 0) {
        g = g == grad ? Pointwise.plusScaled(grad, weightDecay, param) : Pointwise.addScaled(g, weightDecay, param);
      }
      moments(group, param, g, state, step, amsgrad);
    }

    private void updateAdamW(ParamGroup group, Tensor param, Tensor grad, Map<String, Tensor> state) {
      Tensor g = maximize ? grad.neg() : grad;
      double step = startStep(param, state, amsgrad);
      Pointwise.mul(param, 1 - group.lr() * group.weightDecay());
      moments(group, param, g, state, step, amsgrad);
    }

    static double startStep(Tensor param, Map<String, Tensor> state, boolean amsgrad) {
      if (state.isEmpty()) {
        state.put(STEP, newCounter());
        state.put(Adam.EXP_AVG, Tensor.zerosLike(param));
        state.put(Adam.EXP_AVG_SQ, Tensor.zerosLike(param));
        if (amsgrad) {
          state.put(Adam.MAX_EXP_AVG_SQ, Tensor.zerosLike(param));
        }
      }
      return increment(state.get(STEP));
    }

    static void moments(
        ParamGroup group, Tensor param, Tensor g, Map<String, Tensor> state, double step, boolean amsgrad) {
      double lr = group.lr();
      double beta1 = group.get(Adam.BETA1);
      double beta2 = group.get(Adam.BETA2);
      double eps = group.get(Adam.EPS);
      Tensor expAvg = state.get(Adam.EXP_AVG);
      Tensor expAvgSq = state.get(Adam.EXP_AVG_SQ);
      Pointwise.addScaled(Pointwise.mul(expAvg, beta1), 1 - beta1, g);
      Pointwise.addcmulSquare(Pointwise.mul(expAvgSq, beta2), 1 - beta2, g);
      double biasCorrection1 = 1 - Math.pow(beta1, step);
      double biasCorrection2 = 1 - Math.pow(beta2, step);
      double stepSize = lr / biasCorrection1;
      double biasCorrection2Sqrt = Math.sqrt(biasCorrection2);
      Tensor second = expAvgSq;
      if (amsgrad) {
        second = state.get(Adam.MAX_EXP_AVG_SQ).zipInPlace("maximum", expAvgSq, Math::max);
      }
      Tensor denom = Pointwise.add(Pointwise.div(second.sqrt(), biasCorrection2Sqrt), eps);
      Pointwise.addcdiv(param, -stepSize, expAvg, denom);
    }

    @Override
    protected List<String> stateNames() {
      return Adam.names(amsgrad);
    }
  }

  static final class MultiPassRmsProp extends Optimizer {
    private final boolean centered;
    private final boolean maximize;

    MultiPassRmsProp(List<ParamGroup> groups, Map<String, Double> hyperparameters, boolean centered, boolean maximize) {
      super(groups, hyperparameters, anything());
      this.centered = centered;
      this.maximize = maximize;
    }

    @Override
    protected void update(ParamGroup group, Tensor param, Tensor grad, Map<String, Tensor> state) {
      double lr = group.lr();
      double alpha = group.get(RmsProp.ALPHA);
      double eps = group.get(RmsProp.EPS);
      double weightDecay = group.weightDecay();
      double momentum = group.get(RmsProp.MOMENTUM);
      if (state.isEmpty()) {
        state.put(STEP, newCounter());
        state.put(RmsProp.SQUARE_AVG, Tensor.zerosLike(param));
        if (centered) {
          state.put(RmsProp.GRAD_AVG, Tensor.zerosLike(param));
        }
      }
      increment(state.get(STEP));
      Tensor g = maximize ? grad.neg() : grad;
      if (weightDecay != 0) {
        g = g == grad ? Pointwise.plusScaled(grad, weightDecay, param) : Pointwise.addScaled(g, weightDecay, param);
      }
      Tensor squareAvg = state.get(RmsProp.SQUARE_AVG);
      Pointwise.addcmulSquare(Pointwise.mul(squareAvg, alpha), 1 - alpha, g);
      Tensor avg;
      if (centered) {
        Tensor gradAvg = Pointwise.addScaled(Pointwise.mul(state.get(RmsProp.GRAD_AVG), alpha), 1 - alpha, g);
        avg = squareAvg.copy();
        Pointwise.addcmulSquare(avg, -1, gradAvg);
        avg.mapInPlace(Math::sqrt);
      } else {
        avg = squareAvg.sqrt();
      }
      Pointwise.add(avg, eps);
      if (momentum > 0) {
        Tensor buf = state.computeIfAbsent(RmsProp.MOMENTUM_BUFFER, name -> Tensor.zerosLike(param));
        Pointwise.addcdiv(Pointwise.mul(buf, momentum), 1, g, avg);
        Pointwise.addScaled(param, -lr, buf);
      } else {
        Pointwise.addcdiv(param, -lr, g, avg);
      }
    }

    @Override
    protected List<String> stateNames() {
      return centered
          ? List.of(STEP, RmsProp.SQUARE_AVG, RmsProp.MOMENTUM_BUFFER, RmsProp.GRAD_AVG)
          : List.of(STEP, RmsProp.SQUARE_AVG, RmsProp.MOMENTUM_BUFFER);
    }

    @Override
    protected Set<String> optionalStateNames() {
      return Set.of(RmsProp.MOMENTUM_BUFFER);
    }
  }

  static final class MultiPassAdagrad extends Optimizer {
    private final boolean maximize;

    MultiPassAdagrad(
        List<ParamGroup> groups, Map<String, Double> hyperparameters, double initialAccumulatorValue, boolean maximize) {
      super(groups, hyperparameters, anything());
      this.maximize = maximize;
      for (int i = 0; i < params().size(); i++) {
        Tensor p = params().get(i).value();
        state(i).put(STEP, newCounter());
        state(i).put(Adagrad.SUM, Tensor.full(p.dtype(), initialAccumulatorValue, p.shape()));
      }
    }

    @Override
    protected void update(ParamGroup group, Tensor param, Tensor grad, Map<String, Tensor> state) {
      double step = increment(state.get(STEP));
      Tensor g = maximize ? grad.neg() : grad;
      double weightDecay = group.weightDecay();
      if (weightDecay != 0) {
        g = g == grad ? Pointwise.plusScaled(grad, weightDecay, param) : Pointwise.addScaled(g, weightDecay, param);
      }
      double clr = group.lr() / (1 + (step - 1) * group.get(Adagrad.LR_DECAY));
      Tensor sum = state.get(Adagrad.SUM);
      Pointwise.addcmulSquare(sum, 1, g);
      Tensor std = Pointwise.add(sum.sqrt(), group.get(Adagrad.EPS));
      Pointwise.addcdiv(param, -clr, g, std);
    }

    @Override
    protected List<String> stateNames() {
      return List.of(STEP, Adagrad.SUM);
    }

    @Override
    protected boolean eagerState() {
      return true;
    }
  }
}
