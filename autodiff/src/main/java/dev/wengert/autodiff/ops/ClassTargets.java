package dev.wengert.autodiff.ops;

import dev.wengert.core.DType;
import dev.wengert.core.Shapes;
import dev.wengert.core.Tensor;

/**
 * Class-index targets turned into the target distribution {@code q} a classification loss takes
 * the cross entropy with: for position {@code p} with class {@code t}, {@code q[p,c] = (1-ε)·w[t]·[c
 * = t] + ε/C·w[c]}, or 0 when {@code t} is the ignored index. Also the mean's denominator, {@code
 * Σ w[t]} over positions that are not ignored (PyTorch's normalisation). Scores are {@code [N, C,
 * d…]}, targets {@code [N, d…]}.
 */
final class ClassTargets {
  /** q, shaped like the scores. */
  final Tensor distribution;
  /** Σ_c q[p,c] per position, shaped {@code [N, 1, d…]}. */
  final Tensor mass;
  final double denominator;
  final int[] lossShape;

  ClassTargets(String op, int[] scoreShape, DType dtype, Tensor target, Tensor weight, Integer ignoreIndex, double smoothing) {
    if (scoreShape.length < 2) {
      throw new IllegalArgumentException(op + ": scores must be [N, C] or [N, C, d...], got " + Shapes.format(scoreShape));
    }
    int[] ts = target.shape();
    int n = scoreShape[0];
    int classes = scoreShape[1];
    boolean matches = ts.length == scoreShape.length - 1 && ts.length >= 1 && ts[0] == n;
    for (int d = 1; matches && d < ts.length; d++) {
      matches = ts[d] == scoreShape[d + 1];
    }
    if (!matches) {
      throw new IllegalArgumentException(
          op + ": target of shape " + Shapes.format(ts) + " does not match scores of shape " + Shapes.format(scoreShape)
              + " (expected " + Shapes.format(expectedTarget(scoreShape)) + ")");
    }
    if (weight != null && (weight.rank() != 1 || weight.size(0) != classes)) {
      throw new IllegalArgumentException(
          op + ": class weights of shape " + Shapes.format(weight.shape()) + " do not match " + classes + " classes");
    }
    if (!(smoothing >= 0 && smoothing <= 1)) {
      throw new IllegalArgumentException(op + ": label smoothing must be in [0, 1], got " + smoothing);
    }
    int spatial = Shapes.numel(scoreShape) / Math.max(1, n * classes);
    double[] t = target.toDoubleArray();
    double[] w = weight == null ? null : weight.toDoubleArray();
    double[] q = new double[Shapes.numel(scoreShape)];
    double[] m = new double[n * spatial];
    double denom = 0;
    for (int p = 0; p < t.length; p++) {
      double raw = t[p];
      int cls = (int) raw;
      if (ignoreIndex != null && raw == ignoreIndex) {
        continue;
      }
      if (cls != raw || cls < 0 || cls >= classes) {
        throw new IllegalArgumentException(
            op + ": target " + format(raw) + " at position " + Shapes.format(unravel(p, ts)) + " is not a class index in [0, "
                + classes + ")" + (ignoreIndex != null ? " nor the ignored index " + ignoreIndex : ""));
      }
      int sample = p / spatial;
      int s = p % spatial;
      double wt = w == null ? 1 : w[cls];
      denom += wt;
      double total = 0;
      for (int c = 0; c < classes; c++) {
        double v = (c == cls ? (1 - smoothing) * wt : 0) + smoothing / classes * (w == null ? 1 : w[c]);
        q[(sample * classes + c) * spatial + s] = v;
        total += v;
      }
      m[p] = total;
    }
    int[] massShape = scoreShape.clone();
    massShape[1] = 1;
    this.distribution = Tensor.of(q, scoreShape).to(dtype);
    this.mass = Tensor.of(m, massShape).to(dtype);
    this.denominator = denom;
    this.lossShape = ts;
  }

  private static int[] expectedTarget(int[] scoreShape) {
    int[] expected = new int[scoreShape.length - 1];
    expected[0] = scoreShape[0];
    System.arraycopy(scoreShape, 2, expected, 1, scoreShape.length - 2);
    return expected;
  }

  private static String format(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  private static int[] unravel(int flat, int[] shape) {
    int[] index = new int[shape.length];
    for (int d = shape.length - 1; d >= 0; d--) {
      index[d] = flat % shape[d];
      flat /= shape[d];
    }
    return index;
  }

  /** Per-position losses {@code -Σ_c q·s} for scores {@code s} (log-probabilities), reduced. */
  Tensor reduce(Tensor perPosition, Reduction reduction) {
    return switch (reduction) {
      case NONE -> perPosition;
      case SUM -> perPosition.sum();
      case MEAN -> perPosition.sum().div(denominator);
      default -> throw new IllegalArgumentException("reduction " + reduction + " is not defined for this loss");
    };
  }

  /** The upstream gradient shaped to broadcast over the scores, times the mean's 1/denominator. */
  dev.wengert.autodiff.Var spread(dev.wengert.autodiff.Var g, Reduction reduction) {
    if (reduction == Reduction.NONE) {
      int[] shape = mass.shape();
      return Ops.reshape(g, shape);
    }
    return reduction == Reduction.MEAN ? Ops.mulScalar(g, 1 / denominator) : g;
  }
}
