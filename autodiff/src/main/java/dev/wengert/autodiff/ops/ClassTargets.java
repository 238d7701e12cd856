package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.Var;
import dev.wengert.core.DType;
import dev.wengert.core.Shapes;
import dev.wengert.core.Tensor;

/**
 * Class-index targets and the target distribution {@code q} a classification loss takes the cross
 * entropy with: for position {@code p} with class {@code t}, {@code q[p,c] = (1-ε)·w[t]·[c = t] +
 * ε/C·w[c]}, or 0 when {@code t} is the ignored index. Also the mean's denominator, {@code Σ w[t]}
 * over positions that are not ignored (PyTorch's normalisation). Scores are {@code [N, C, d…]},
 * targets {@code [N, d…]}; positions are numbered row-major over {@code [N, d…]}.
 *
 * <p>{@code q} is kept as one class per position and two numbers per class, not as a dense tensor
 * shaped like the scores: fused losses evaluate it where they need it ({@link #q}), and only the
 * composed rules ask for the dense form ({@link #distribution()}).
 */
final class ClassTargets {
  /** {@link #classOf} of an ignored position. */
  static final int IGNORED = -1;

  final DType dtype;
  final int[] scoreShape;
  final int classes;
  /** Positions per sample (the product of the dims {@code d…}): also the stride between classes. */
  final int spatial;
  /** The class of each position, or {@link #IGNORED}. */
  final int[] classOf;
  final double denominator;
  final int[] lossShape;
  /** {@code q[p,c]} at {@code c = t}: {@code (1-ε)·w[c] + ε/C·w[c]}. */
  private final double[] onTarget;
  /** {@code q[p,c]} at {@code c ≠ t}: {@code 0 + ε/C·w[c]}. */
  private final double[] offTarget;
  private Tensor distribution;
  private Tensor mass;

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
    double[] w = weight == null ? null : weight.toDoubleArray();
    // The terms of q exactly as the dense form was always computed, so its values keep their bits.
    double[] on = new double[classes];
    double[] off = new double[classes];
    for (int c = 0; c < classes; c++) {
      double wc = w == null ? 1 : w[c];
      double smoothed = smoothing / classes * wc;
      on[c] = (1 - smoothing) * wc + smoothed;
      off[c] = 0.0 + smoothed;
    }
    Tensor t = target.contiguous();
    float[] tf = t.dtype() == DType.FLOAT32 ? t.floatData() : null;
    double[] td = tf == null ? t.doubleData() : null;
    int base = t.offset();
    int positions = t.numel();
    int[] cls = new int[positions];
    double denom = 0;
    for (int p = 0; p < positions; p++) {
      double raw = tf != null ? tf[base + p] : td[base + p];
      int k = (int) raw;
      if (ignoreIndex != null && raw == ignoreIndex) {
        cls[p] = IGNORED;
        continue;
      }
      if (k != raw || k < 0 || k >= classes) {
        throw new IllegalArgumentException(
            op + ": target " + format(raw) + " at position " + Shapes.format(unravel(p, ts)) + " is not a class index in [0, "
                + classes + ")" + (ignoreIndex != null ? " nor the ignored index " + ignoreIndex : ""));
      }
      cls[p] = k;
      denom += w == null ? 1 : w[k];
    }
    this.dtype = dtype;
    this.scoreShape = scoreShape.clone();
    this.classes = classes;
    this.spatial = Shapes.numel(scoreShape) / Math.max(1, n * classes);
    this.classOf = cls;
    this.denominator = denom;
    this.lossShape = ts;
    this.onTarget = on;
    this.offTarget = off;
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

  /** {@code q[p,c]} in float64 for a position of class {@code cls} (or {@link #IGNORED}). */
  double q(int cls, int c) {
    return cls == IGNORED ? 0 : (c == cls ? onTarget[c] : offTarget[c]);
  }

  /** {@code Σ_c q[p,c]} in float64, added in class order, for a position of class {@code cls}. */
  double mass(int cls) {
    if (cls == IGNORED) {
      return 0;
    }
    double total = 0;
    for (int c = 0; c < classes; c++) {
      total += q(cls, c);
    }
    return total;
  }

  /** q as a tensor shaped like the scores (built on first use; for the composed rules). */
  Tensor distribution() {
    if (distribution == null) {
      double[] q = new double[Shapes.numel(scoreShape)];
      for (int p = 0; p < classOf.length; p++) {
        int first = (p / spatial) * classes * spatial + p % spatial;
        for (int c = 0; c < classes; c++) {
          q[first + c * spatial] = q(classOf[p], c);
        }
      }
      distribution = Tensor.of(q, scoreShape).to(dtype);
    }
    return distribution;
  }

  /** {@code Σ_c q[p,c]} per position, shaped {@code [N, 1, d…]} (built on first use; for the composed rules). */
  Tensor mass() {
    if (mass == null) {
      double[] m = new double[classOf.length];
      for (int p = 0; p < m.length; p++) {
        m[p] = mass(classOf[p]);
      }
      int[] massShape = scoreShape.clone();
      massShape[1] = 1;
      mass = Tensor.of(m, massShape).to(dtype);
    }
    return mass;
  }

  /** Per-position losses {@code -Σ_c q·s} for scores {@code s} (log-probabilities), reduced. */
  Tensor reduce(Tensor perPosition, Reduction reduction) {
    return switch (reduction) {
      case NONE -> perPosition;
      case SUM -> perPosition.sum();
      // sum()/denominator rounded to the dtype once, as Tensor.div would, without its elementwise loop.
      case MEAN -> Tensor.scalar(perPosition.dtype(), perPosition.sum().item() / denominator);
      default -> throw new IllegalArgumentException("reduction " + reduction + " is not defined for this loss");
    };
  }

  /** The upstream gradient shaped to broadcast over the scores, times the mean's 1/denominator. */
  Var spread(Var g, Reduction reduction) {
    if (reduction == Reduction.NONE) {
      int[] shape = scoreShape.clone();
      shape[1] = 1;
      return Ops.reshape(g, shape);
    }
    return reduction == Reduction.MEAN ? Ops.mulScalar(g, 1 / denominator) : g;
  }

  /** The upstream gradient {@code g} of the loss, read per position as {@link #spread} spreads it. */
  PositionGradient spreadValues(Tensor g, Reduction reduction) {
    Tensor v = g.contiguous();
    boolean f32 = v.dtype() == DType.FLOAT32;
    return new PositionGradient(
        f32 ? v.floatData() : null,
        f32 ? null : v.doubleData(),
        v.offset(),
        reduction == Reduction.NONE,
        reduction == Reduction.MEAN,
        1 / denominator);
  }

  /**
   * The upstream gradient at each position: the one value of a reduced loss (for the mean, times
   * {@code 1/denominator} and rounded to the dtype, as {@code mul_scalar} does), or each position's
   * own value when nothing was reduced.
   */
  record PositionGradient(float[] floats, double[] doubles, int offset, boolean perPosition, boolean mean, double inverseDenominator) {
    double at(int p) {
      int i = offset + (perPosition ? p : 0);
      double g = floats != null ? floats[i] : doubles[i];
      if (!mean) {
        return g;
      }
      double v = g * inverseDenominator;
      return floats != null ? (float) v : v;
    }
  }
}
