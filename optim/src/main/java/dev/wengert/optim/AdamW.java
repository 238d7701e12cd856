package dev.wengert.optim;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.wengert.core.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter): PyTorch 1.13's {@code
 * torch.optim.AdamW} (single-tensor path), operation for operation. The decay shrinks the parameter
 * instead of entering the gradient; otherwise the update is {@link Adam}'s. For each parameter p with
 * gradient g (negated when maximizing), at step t:
 *
 * <pre>
 * p ← p·(1 − lr·weight_decay)
 * m ← beta1·m + (1 − beta1)·g
 * v ← beta2·v + ((1 − beta2)·g)·g
 * v̂ ← max(v̂, v) (amsgrad), else v̂ = v
 * p ← p + (−lr/(1 − beta1^t)·m) / (sqrt(v̂)/sqrt(1 − beta2^t) + eps)
 * </pre>
 *
 * <p>Each step is one pass over a parameter's elements, rounding as PyTorch's ops do (see {@code
 * FusedUpdate}).
 *
 * <p>Hyperparameters per group and state per parameter as {@link Adam}'s; the default weight decay is
 * 1e-2.
 */
public final class AdamW extends Optimizer {

  private final boolean amsgrad;
  private final boolean maximize;

  /** Options with PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 1e-2. */
  public static Adam.Options options() {
    return new Adam.Options(1e-2);
  }

  public AdamW(ParamGroup group, Adam.Options options) {
    this(List.of(group), options);
  }

  public AdamW(List<ParamGroup> groups, Adam.Options options) {
    super(groups, checkNotNull(options, "options").defaults(), Adam::check);
    this.amsgrad = options.amsgrad();
    this.maximize = options.maximize();
  }

  @Override
  protected void update(ParamGroup group, Tensor param, Tensor grad, Map<String, Tensor> state) {
    double step = Adam.startStep(param, state, amsgrad);
    Adam.adamUpdate(group, param, grad, state, step, maximize, amsgrad, true);
  }

  @Override
  protected List<String> stateNames() {
    return Adam.names(amsgrad);
  }
}
