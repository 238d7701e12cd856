package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.Autodiff;
import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.DType;
import dev.wengert.core.Parallel;
import dev.wengert.core.Shapes;
import dev.wengert.core.Tensor;
import dev.wengert.core.kernels.Kernels;
import java.util.Arrays;

/**
 * {@code y = -Σ_c q[p,c] · log_softmax(x)[p,c]} per position {@code p}, reduced, where {@code q}
 * is the (smoothed, weighted) target distribution of {@link ClassTargets}; computed through a
 * stable log-sum-exp. Rule: {@code dx = (softmax(x) · Σ_c q - q) · g}, scaled by {@code 1/Σ w[t]}
 * for the mean: softmax minus the one-hot target in the plain case.
 *
 * <p>Forward and first-order rule are fused: two walks over the rows of classes in the forward
 * and one in the rule, no temporaries beyond the exponentials (which the rule reuses), where the
 * fixed costs of a dozen tensor ops used to dominate: a 64×10 loss is a few microseconds of
 * arithmetic, mostly the 640 exponentials ({@link Kernels#exp}), split between the threads. The
 * arithmetic is that of the composed ops it replaced, step
 * by step: the same roundings to the dtype, the same {@code (float) Math.exp}, the class sums in
 * core's fixed order ({@link Kernels#sum}), so loss and gradient keep their bits. A recorded
 * backward ({@code createGraph}) still composes registered ops, so second derivatives come from
 * their rules.
 */
final class CrossEntropy extends Op {
  /**
   * Least logits per chunk of positions spread over threads (a row is never split): their
   * exponentials (~12 ns each, exact {@code Math.exp}) outweigh handing a chunk to a waiting
   * worker (~1 µs); a 64×10 batch runs on two threads (measured 12-14 -> 8-10 µs forward).
   */
  private static final int GRAIN = 256;

  private final ClassTargets targets;
  private final Reduction reduction;
  /** The forward's exponentials and row statistics, kept for the rule. */
  private Rows rows;

  CrossEntropy(ClassTargets targets, Reduction reduction) {
    this.targets = targets;
    this.reduction = reduction;
  }

  @Override
  public String name() {
    return "cross_entropy";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    Tensor x = in[0].contiguous();
    int positions = targets.classOf.length;
    if (x.size(1) == 0 && positions > 0) {
      throw new IllegalArgumentException("cross_entropy: scores of shape " + Shapes.format(x.shape()) + " have no classes");
    }
    Rows r = new Rows(x, targets);
    boolean f32 = x.dtype() == DType.FLOAT32;
    float[] lossF = f32 ? new float[positions] : null;
    double[] lossD = f32 ? null : new double[positions];
    Parallel.forRange(positions, grain(), (from, to) -> {
      r.exponentials(from, to);
      r.losses(from, to, lossF, lossD);
    });
    rows = r;
    Tensor perPosition = f32 ? Tensor.wrap(lossF, targets.lossShape) : Tensor.wrap(lossD, targets.lossShape);
    return targets.reduce(perPosition, reduction);
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    Var x = ctx.input(0); // (also checks that it was not modified in place since the forward)
    if (Autodiff.isGradEnabled()) {
      // Recorded for a higher derivative: compose registered ops (the same values as below).
      Var probs = Ops.softmax(x, 1);
      Var residual = Ops.sub(Ops.mul(probs, Var.constant(targets.mass())), Var.constant(targets.distribution()));
      return new Var[] {Ops.mul(residual, targets.spread(g, reduction))};
    }
    ClassTargets.PositionGradient upstream = targets.spreadValues(g.value(), reduction);
    int[] shape = x.shape();
    boolean f32 = x.dtype() == DType.FLOAT32;
    float[] dxF = f32 ? new float[x.value().numel()] : null;
    double[] dxD = f32 ? null : new double[x.value().numel()];
    Parallel.forRange(targets.classOf.length, grain(), (from, to) -> rows.gradients(from, to, upstream, dxF, dxD));
    return new Var[] {Var.constant(f32 ? Tensor.wrap(dxF, shape) : Tensor.wrap(dxD, shape))};
  }

  private int grain() {
    return Math.max(1, GRAIN / Math.max(1, targets.classes));
  }

  /**
   * The rows of classes of the scores, one per position, and the arithmetic of the composed ops on
   * them: each step rounds to the dtype where those ops stored a tensor ({@link #round}), and every
   * row sum is their sum over the class dim ({@link #rowSum}). Holds each row's maximum, {@code
   * exp(x - max)} (position after position, in the dtype) and the sum of those.
   */
  private static final class Rows {
    private final ClassTargets targets;
    private final float[] xf;
    private final double[] xd;
    private final int offset;
    private final int classes;
    /** The distance between classes of one position in the scores (the product of the dims d…). */
    private final int stride;
    private final boolean onePosition;
    private final double[] max;
    private final float[] expF;
    private final double[] expD;
    private final double[] sum;

    Rows(Tensor x, ClassTargets targets) {
      this.targets = targets;
      boolean f32 = x.dtype() == DType.FLOAT32;
      int positions = targets.classOf.length;
      this.xf = f32 ? x.floatData() : null;
      this.xd = f32 ? null : x.doubleData();
      this.offset = x.offset();
      this.classes = targets.classes;
      this.stride = targets.spatial;
      this.onePosition = positions == 1;
      this.max = new double[positions];
      this.expF = f32 ? new float[positions * classes] : null;
      this.expD = f32 ? null : new double[positions * classes];
      this.sum = new double[positions];
    }

    /** Maximum, {@code exp(x - max)} and their sum for positions {@code [from, to)}. */
    void exponentials(int from, int to) {
      for (int p = from; p < to; p++) {
        int first = firstOf(p);
        double m = rowMax(first);
        max[p] = m;
        for (int c = 0; c < classes; c++) {
          put(expF, expD, p * classes + c, x(first + c * stride) - m);
        }
      }
      int start = from * classes;
      int n = (to - from) * classes;
      if (expF != null) {
        Kernels.get().exp(n, expF, start, expF, start); // all rows at once: whole vectors
      } else {
        for (int i = start; i < start + n; i++) {
          expD[i] = Math.exp(expD[i]);
        }
      }
      for (int p = from; p < to; p++) {
        sum[p] = rowSum(expF, expD, p * classes);
      }
    }

    /** {@code -Σ_c q·log_softmax(x)} for positions {@code [from, to)}, after {@link #exponentials}. */
    void losses(int from, int to, float[] lossF, double[] lossD) {
      float[] termsF = expF != null ? new float[classes] : null;
      double[] termsD = expF != null ? null : new double[classes];
      for (int p = from; p < to; p++) {
        int first = firstOf(p);
        double logSum = round(Math.log(sum[p]));
        int cls = targets.classOf[p];
        for (int c = 0; c < classes; c++) {
          double logProb = round(round(x(first + c * stride) - max[p]) - logSum);
          put(termsF, termsD, c, logProb * round(targets.q(cls, c)));
        }
        put(lossF, lossD, p, -rowSum(termsF, termsD, 0));
      }
    }

    /** {@code dx = (softmax(x)·mass - q)·g} for positions {@code [from, to)}, after {@link #exponentials}. */
    void gradients(int from, int to, ClassTargets.PositionGradient upstream, float[] dxF, double[] dxD) {
      for (int p = from; p < to; p++) {
        int first = firstOf(p) - offset;
        double g = upstream.at(p);
        int cls = targets.classOf[p];
        double mass = round(targets.mass(cls));
        for (int c = 0; c < classes; c++) {
          double prob = round((expF != null ? expF[p * classes + c] : expD[p * classes + c]) / sum[p]);
          double residual = round(round(prob * mass) - round(targets.q(cls, c)));
          put(dxF, dxD, first + c * stride, residual * g);
        }
      }
    }

    /** Index in the scores of class 0 of position {@code p}. */
    private int firstOf(int p) {
      return offset + (p / stride) * classes * stride + p % stride;
    }

    /** The row's maximum as the max reduction finds it: the first NaN, else the largest value. */
    private double rowMax(int first) {
      double best = x(first);
      for (int c = 1; c < classes && !Double.isNaN(best); c++) {
        double v = x(first + c * stride);
        if (Double.isNaN(v) || v > best) {
          best = v;
        }
      }
      return best;
    }

    /**
     * The sum of the row at {@code start}, in the dtype, as the sum over the class dim adds it:
     * core's fixed order ({@link Kernels#sum}) in float32, left to right in float64, and for an
     * input of one position (one block), {@link Tensor#sum()}'s order, which chunks long blocks.
     */
    private double rowSum(float[] f, double[] d, int start) {
      if (onePosition) {
        Tensor row = f != null
            ? Tensor.wrap(Arrays.copyOfRange(f, start, start + classes), classes)
            : Tensor.wrap(Arrays.copyOfRange(d, start, start + classes), classes);
        return row.sum().item();
      }
      if (f != null) {
        return (float) Kernels.get().sum(classes, f, start);
      }
      double s = 0;
      for (int c = 0; c < classes; c++) {
        s += d[start + c];
      }
      return s;
    }

    private double x(int i) {
      return xf != null ? xf[i] : xd[i];
    }

    /** {@code v} rounded to the dtype, as storing it in a tensor does. */
    private double round(double v) {
      return xf != null ? (float) v : v;
    }

    /** Stores {@code v}, rounded, in whichever of the two arrays is the dtype's. */
    private static void put(float[] f, double[] d, int i, double v) {
      if (f != null) {
        f[i] = (float) v;
      } else {
        d[i] = v;
      }
    }
  }
}
