package dev.wengert.autodiff.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.wengert.autodiff.Autodiff;
import dev.wengert.autodiff.Var;
import dev.wengert.core.DType;
import dev.wengert.core.Parallel;
import dev.wengert.core.Rng;
import dev.wengert.core.Shapes;
import dev.wengert.core.Tensor;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fused cross entropy gives the same bits, loss and gradient, as the composition of tensor ops
 * it replaced, kept below verbatim as {@link Reference} (a dense target distribution {@code q},
 * then max, sub, exp, sum, log, mul, sum, neg; softmax·mass − q times the spread gradient): on
 * random cases over every option, both dtypes, spatial inputs, strided logits, special values, and
 * the long rows and long reductions that core sums in chunks.
 */
class CrossEntropyBitsTest {

  private final int originalThreads = Parallel.threads();

  @AfterEach
  void restoreThreads() {
    Parallel.setThreads(originalThreads);
  }

  /** The implementation before fusion, on the public tensor and var operations only. */
  static final class Reference {
    final Tensor distribution;
    final Tensor mass;
    final double denominator;

    Reference(int[] scoreShape, DType dtype, Tensor target, Tensor weight, Integer ignoreIndex, double smoothing) {
      int n = scoreShape[0];
      int classes = scoreShape[1];
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
      distribution = Tensor.of(q, scoreShape).to(dtype);
      mass = Tensor.of(m, massShape).to(dtype);
      denominator = denom;
    }

    Tensor forward(Tensor x, Reduction reduction) {
      Tensor shifted = x.sub(x.max(new int[] {1}, true));
      Tensor logProbs = shifted.sub(shifted.exp().sum(new int[] {1}, true).log());
      Tensor perPosition = logProbs.mul(distribution).sum(new int[] {1}, false).neg();
      return switch (reduction) {
        case NONE -> perPosition;
        case SUM -> perPosition.sum();
        case MEAN -> perPosition.sum().div(denominator);
        default -> throw new IllegalArgumentException();
      };
    }

    Tensor backward(Tensor x, Tensor gradOutput, Reduction reduction) {
      try (Autodiff.Scope noGrad = Autodiff.noGrad()) {
        Var g = Var.constant(gradOutput);
        Var spread = switch (reduction) {
          case NONE -> Ops.reshape(g, mass.shape());
          case MEAN -> Ops.mulScalar(g, 1 / denominator);
          default -> g;
        };
        Var probs = Ops.softmax(Var.constant(x), 1);
        Var residual = Ops.sub(Ops.mul(probs, Var.constant(mass)), Var.constant(distribution));
        return Ops.mul(residual, spread).value();
      }
    }
  }

  /** One random case: logits, targets and options. */
  private record Case(Tensor logits, Tensor target, Losses.ClassOptions options, Tensor gradOutput, String description) {}

  private static Case randomCase(Rng rng, int index) {
    DType dtype = rng.nextInt(2) == 0 ? DType.FLOAT32 : DType.FLOAT64;
    int[][] shapes = {
      {64, 10}, {1, 3}, {5, 1}, {7, 2}, {9, 17}, {4, 130}, {3, 301}, {2, 4, 3}, {3, 5, 2, 2}, {2, 20, 9}, {0, 4}, {6, 8, 1}
    };
    int[] shape = shapes[rng.nextInt(shapes.length)];
    int classes = shape[1];
    Tensor logits = Tensor.randn(rng, dtype, shape).mul(rng.nextInt(3) == 0 ? 30 : 2);
    int special = rng.nextInt(6);
    int numel = Shapes.numel(shape);
    if (special == 1 && numel > 0) {
      // ties and exact zeros of both signs, so the maximum's tie-breaking and signed zeros count
      for (int i = 0; i < numel; i += 3) {
        logits.set(i % 2 == 0 ? 0.0 : -0.0, unravel(i, shape));
      }
    } else if (special == 2 && numel > 0) {
      logits.set(Double.NEGATIVE_INFINITY, unravel(rng.nextInt(numel), shape)); // 0 · -inf = NaN in the old mul
    } else if (special == 3 && numel > 0) {
      logits.set(Double.NaN, unravel(rng.nextInt(numel), shape));
    } else if (special == 4 && numel > 0) {
      logits.set(1e38, unravel(rng.nextInt(numel), shape));
    }
    int[] targetShape = new int[shape.length - 1];
    targetShape[0] = shape[0];
    System.arraycopy(shape, 2, targetShape, 1, shape.length - 2);
    int positions = Shapes.numel(targetShape);
    Integer ignore = switch (rng.nextInt(3)) {
      case 0 -> null;
      case 1 -> -100;
      default -> rng.nextInt(classes);
    };
    double[] t = new double[positions];
    for (int p = 0; p < positions; p++) {
      t[p] = ignore != null && ignore < 0 && rng.nextInt(4) == 0 ? ignore : rng.nextInt(classes);
    }
    Tensor target = Tensor.of(t, targetShape);
    if (rng.nextInt(2) == 0) {
      target = target.to(DType.FLOAT32);
    }
    Tensor weight = null;
    if (rng.nextInt(2) == 0) {
      double[] w = new double[classes];
      for (int c = 0; c < classes; c++) {
        w[c] = rng.nextInt(5) == 0 ? 0 : 0.1 + 2 * rng.nextDouble();
      }
      weight = Tensor.of(w, classes);
    }
    double[] smoothings = {0, 0, 0.1, 0.37, 1};
    double smoothing = smoothings[rng.nextInt(smoothings.length)];
    Reduction reduction = List.of(Reduction.NONE, Reduction.SUM, Reduction.MEAN).get(rng.nextInt(3));
    if (rng.nextInt(4) == 0 && shape.length == 2 && shape[0] > 1) {
      // strided logits: the transpose of a contiguous [C, N]
      logits = logits.t().contiguous().t();
    }
    Tensor gradOutput = reduction == Reduction.NONE
        ? Tensor.randn(rng, dtype, targetShape)
        : Tensor.scalar(dtype, rng.nextInt(2) == 0 ? 1 : rng.nextGaussian());
    Losses.ClassOptions options = new Losses.ClassOptions(reduction, weight, ignore, smoothing);
    String description = "case " + index + ": " + dtype + " " + Shapes.format(shape) + " " + reduction + ", weight " + (weight != null)
        + ", ignore " + ignore + ", smoothing " + smoothing + ", special " + special + ", contiguous " + logits.isContiguous();
    return new Case(logits, target, options, gradOutput, description);
  }

  private static int[] unravel(int flat, int[] shape) {
    int[] index = new int[shape.length];
    for (int d = shape.length - 1; d >= 0; d--) {
      index[d] = flat % shape[d];
      flat /= shape[d];
    }
    return index;
  }

  /** The same raw bits, or NaN in both (a NaN's payload is not part of the contract). */
  private static void assertSameBits(Tensor expected, Tensor actual, String what) {
    assertEquals(expected.dtype(), actual.dtype(), what + ": dtype");
    assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
    double[] e = expected.toDoubleArray();
    double[] a = actual.toDoubleArray();
    for (int i = 0; i < e.length; i++) {
      boolean same = Double.isNaN(e[i])
          ? Double.isNaN(a[i])
          : Double.doubleToRawLongBits(e[i]) == Double.doubleToRawLongBits(a[i]);
      if (!same) {
        fail(what + ": element " + i + " is " + a[i] + ", expected the bits of " + e[i]);
      }
    }
  }

  private static void check(Case c) {
    Losses.ClassOptions o = c.options();
    Tensor x = c.logits();
    Reference reference = new Reference(x.shape(), x.dtype(), c.target(), o.weight(), o.ignoreIndex(), o.labelSmoothing());
    Tensor expectedLoss = reference.forward(x, o.reduction());
    Tensor expectedGrad = reference.backward(x, c.gradOutput(), o.reduction());

    Var logits = Var.parameter(x);
    Var loss = Losses.crossEntropy(logits, c.target(), o);
    assertSameBits(expectedLoss, loss.value(), c.description() + ", loss");
    loss.backward(Var.constant(c.gradOutput()));
    assertSameBits(expectedGrad, logits.grad().value(), c.description() + ", gradient");

    try (Autodiff.Scope noGrad = Autodiff.noGrad()) {
      assertSameBits(expectedLoss, Losses.crossEntropy(Var.constant(x), c.target(), o).value(), c.description() + ", loss without grad");
    }
    // The recorded (differentiable) rule, as used for second derivatives, agrees too.
    Var again = Var.parameter(x);
    List<Var> grads = Autodiff.grad(
        List.of(Losses.crossEntropy(again, c.target(), o)), List.of(Var.constant(c.gradOutput())), List.of(again), true, true, false);
    assertSameBits(expectedGrad, grads.get(0).value(), c.description() + ", gradient with createGraph");
  }

  @Test
  void randomCasesOverEveryOptionGiveTheBitsOfTheComposedOps() {
    Rng rng = new Rng(2024);
    for (int i = 0; i < 600; i++) {
      check(randomCase(rng, i));
    }
  }

  @Test
  void largeInputsSplitOverThreadsGiveTheSameBitsOnAnyThreadCount() {
    Rng rng = new Rng(7);
    for (DType dtype : DType.values()) {
      Tensor x = Tensor.randn(rng, dtype, 96, 37, 23); // 3 552 rows of 37 classes: several chunks of work
      double[] t = new double[96 * 23];
      for (int p = 0; p < t.length; p++) {
        t[p] = p % 11 == 0 ? -100 : rng.nextInt(37);
      }
      Tensor target = Tensor.of(t, 96, 23);
      for (Reduction reduction : List.of(Reduction.NONE, Reduction.MEAN)) {
        Tensor g = reduction == Reduction.NONE ? Tensor.randn(rng, dtype, 96, 23) : Tensor.scalar(dtype, 1);
        Losses.ClassOptions options = new Losses.ClassOptions(reduction, null, -100, 0.05);
        for (int threads = 1; threads <= 3; threads++) {
          Parallel.setThreads(threads);
          check(new Case(x, target, options, g, dtype + " " + reduction + " on " + threads + " threads"));
        }
      }
    }
  }

  @Test
  void oneLongRowAndManyPositionsUseTheChunkedOrderOfCoreSums() {
    Rng rng = new Rng(8);
    for (DType dtype : DType.values()) {
      // One row longer than two chunks of core's long sums: its class sums are one chunked reduction.
      check(new Case(
          Tensor.randn(rng, dtype, 1, 140_000),
          Tensor.of(new double[] {12_345}, 1),
          Losses.ClassOptions.defaults().withLabelSmoothing(0.1),
          Tensor.scalar(dtype, 1),
          dtype + " one row of 140000 classes"));
      // Over two chunks of positions: the loss is one chunked reduction.
      double[] t = new double[140_003];
      for (int p = 0; p < t.length; p++) {
        t[p] = rng.nextInt(2);
      }
      check(new Case(
          Tensor.randn(rng, dtype, 1, 2, 140_003),
          Tensor.of(t, 1, 140_003),
          Losses.ClassOptions.defaults().withReduction(Reduction.SUM),
          Tensor.scalar(dtype, 0.5),
          dtype + " 140003 positions"));
    }
  }

  @Test
  void badTargetsAreStillNamed() {
    Var logits = Var.parameter(Tensor.zeros(DType.FLOAT32, 2, 3));
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> Losses.crossEntropy(logits, Tensor.of(new double[] {1, 3}, 2)));
    assertEquals("cross_entropy: target 3 at position [1] is not a class index in [0, 3)", e.getMessage());
    e = assertThrows(
        IllegalArgumentException.class,
        () -> Losses.crossEntropy(logits, Tensor.of(new double[] {1.5, 0}, 2), Losses.ClassOptions.defaults().withIgnoreIndex(-100)));
    assertEquals("cross_entropy: target 1.5 at position [0] is not a class index in [0, 3) nor the ignored index -100", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(logits, Tensor.of(new double[] {1, 0, 0}, 3)));
    assertEquals("cross_entropy: target of shape [3] does not match scores of shape [2,3] (expected [2])", e.getMessage());
  }
}
