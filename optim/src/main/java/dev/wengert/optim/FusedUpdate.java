package dev.wengert.optim;

import static com.google.common.base.Preconditions.checkState;

import dev.wengert.core.Parallel;
import dev.wengert.core.Shapes;
import dev.wengert.core.Tensor;
import java.util.Arrays;

/**
 * What the optimizers' updates share: each is one pass over a parameter's elements on the raw arrays
 * of contiguous tensors, split across {@link Parallel} threads (every element is updated on its own,
 * so the bits do not depend on the thread count).
 *
 * <p>Per element, a pass does exactly what PyTorch 1.13's single-tensor optimizers do with in-place
 * tensor ops, in the same order and with the same roundings:
 *
 * <ul>
 *   <li>A Python number reaches a float32 kernel as a float32 value, so every hyperparameter is
 *       rounded to the tensor's dtype first. Without that, a factor such as AdamW's {@code 1 − lr·wd},
 *       applied every step, would drift float32 results away from PyTorch's.
 *   <li>{@code t.add_(x, alpha=a)} is the fused multiply-add {@code fma(a, x, t)} in float32, as
 *       Wengert's float32 axpy kernel computes it, and {@code t + a·x} in float64.
 *   <li>{@code t.addcmul_(a, a, value=v)} is {@code t + (v·a)·a}, computed in float64 and rounded
 *       once to the dtype; {@code t.addcdiv_(a, b, value=v)} is {@code t + (v·a)/b} with {@code
 *       (v·a)/b} computed in float64 and rounded to the dtype before the addition.
 *   <li>A single +, −, ·, / or sqrt of float32 operands is written in float32: that equals computing
 *       it in float64 and rounding, since float64 has more than 2·24 + 2 significant bits.
 * </ul>
 */
final class FusedUpdate {

  /** Elements per thread below which a parameter's update stays on the calling thread. */
  static final int GRAIN = 1 << 15;

  /** One pass over a contiguous parameter and gradient of the same shape. */
  @FunctionalInterface
  interface Pass {
    void run(Tensor param, Tensor grad);
  }

  private FusedUpdate() {}

  /**
   * Runs {@code pass} on contiguous operands, then marks the parameter and the state written. The
   * gradient is passed as is when contiguous, else as a contiguous copy (a Linear weight's gradient
   * is a transposed view); a strided parameter is updated through a contiguous copy written back.
   * The state tensors (null ones are skipped) are the optimizer's own, contiguous by construction.
   */
  static void run(Tensor param, Tensor grad, Pass pass, Tensor... state) {
    for (Tensor s : state) {
      checkState(
          s == null || (s.isContiguous() && s.dtype() == param.dtype() && Arrays.equals(s.shape(), param.shape())),
          "optimizer state of shape %s is not a contiguous %s tensor of the parameter's shape %s",
          s == null ? "" : Shapes.lazy(s.shape()), param.dtype(), Shapes.lazy(param.shape()));
    }
    Tensor g = grad.contiguous();
    if (param.isContiguous()) {
      pass.run(param, g);
      param.markModified();
    } else {
      Tensor p = param.copy();
      pass.run(p, g);
      param.copyFrom(p);
    }
    for (Tensor s : state) {
      if (s != null) {
        s.markModified();
      }
    }
  }

  /** Runs {@code body} over the element indices {@code [0, n)}, in parallel for large parameters. */
  static void forRange(int n, Parallel.RangeBody body) {
    Parallel.forRange(n, GRAIN, body);
  }
}
