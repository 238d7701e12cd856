package dev.wengert.optim;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.wengert.autodiff.Var;
import dev.wengert.core.Tensor;
import java.util.List;

/**
 * Gradient clipping, as PyTorch's {@code clip_grad_norm_} and {@code clip_grad_value_}. Parameters
 * without a gradient are ignored. A clipped gradient is a new tensor set with {@link Var#setGrad}: the
 * old one is left as it was, since a gradient may share storage with other gradients.
 */
public final class Clipping {

  private Clipping() {}

  /** {@link #clipGradNorm(List, double, double)} with the Euclidean norm. */
  public static double clipGradNorm(List<Var> params, double maxNorm) {
    return clipGradNorm(params, maxNorm, 2);
  }

  /**
   * Scales all gradients together so that their total {@code normType}-norm (as if concatenated into
   * one vector) is at most about {@code maxNorm}: each is multiplied by {@code min(1, maxNorm /
   * (total + 1e-6))}. {@code normType} is any p > 0 or {@link Double#POSITIVE_INFINITY} (the largest
   * absolute value). Returns the total norm before clipping (0 when no parameter has a gradient).
   */
  public static double clipGradNorm(List<Var> params, double maxNorm, double normType) {
    checkNotNull(params, "params");
    checkArgument(maxNorm >= 0, "clipGradNorm: maxNorm must be >= 0, got %s", maxNorm);
    checkArgument(
        normType > 0, "clipGradNorm: normType must be > 0 or Double.POSITIVE_INFINITY, got %s", normType);
    boolean any = false;
    double total = 0;
    for (Var p : params) {
      Var grad = p.grad();
      if (grad == null) {
        continue;
      }
      any = true;
      double norm = norm(grad.value().toDoubleArray(), normType);
      total = normType == Double.POSITIVE_INFINITY ? Math.max(total, norm) : total + Math.pow(norm, normType);
    }
    if (!any) {
      return 0;
    }
    if (normType != Double.POSITIVE_INFINITY) {
      total = root(total, normType);
    }
    double coef = Math.min(maxNorm / (total + 1e-6), 1.0);
    if (coef != 1.0) {
      for (Var p : params) {
        Var grad = p.grad();
        if (grad != null) {
          p.setGrad(Var.constant(grad.value().mul(coef)));
        }
      }
    }
    return total;
  }

  /** Clamps every gradient element to {@code [-clipValue, clipValue]}. */
  public static void clipGradValue(List<Var> params, double clipValue) {
    checkNotNull(params, "params");
    checkArgument(clipValue >= 0, "clipGradValue: clipValue must be >= 0, got %s", clipValue);
    for (Var p : params) {
      Var grad = p.grad();
      if (grad != null) {
        Tensor clamped = grad.value().clamp(-clipValue, clipValue);
        p.setGrad(Var.constant(clamped));
      }
    }
  }

  private static double norm(double[] values, double p) {
    double acc = 0;
    if (p == Double.POSITIVE_INFINITY) {
      for (double v : values) {
        acc = Math.max(acc, Math.abs(v));
      }
      return acc;
    }
    for (double v : values) {
      double a = Math.abs(v);
      acc += p == 1 ? a : p == 2 ? a * a : Math.pow(a, p);
    }
    return root(acc, p);
  }

  private static double root(double sum, double p) {
    return p == 1 ? sum : p == 2 ? Math.sqrt(sum) : Math.pow(sum, 1 / p);
  }
}
