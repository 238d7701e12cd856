package dev.wengert.autodiff.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wengert.autodiff.Autodiff;
import dev.wengert.autodiff.Tape;
import dev.wengert.autodiff.Var;
import dev.wengert.core.DType;
import dev.wengert.core.Rng;
import dev.wengert.core.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The fused batch norm: PyTorch's running-statistics rules by hand, the same values and gradients
 * (first and second order) as the composite of small ops it replaces, a first-order backward of
 * two passes over the activation, and clear errors for bad arguments.
 */
class BatchNormOpTest {

  private static final double EPS = 1e-5;

  /** Two channels, four values each: means 2.5 and 25, biased variances 1.25 and 125. */
  private static Tensor fourByTwo() {
    return Tensor.of(new double[] {1, 10, 2, 20, 3, 30, 4, 40}, 4, 2);
  }

  @Test
  void trainingNormalisesWithBatchStatisticsAndMovesTheRunningOnesWithTheUnbiasedVariance() {
    Tensor runningMean = Tensor.of(new double[] {0.5, 1}, 2);
    Tensor runningVar = Tensor.of(new double[] {1, 2}, 2);
    Var w = Var.of(new double[] {2, 0.5}, 2);
    Var b = Var.of(new double[] {1, -1}, 2);
    Var y = Ops.batchNorm(Var.constant(fourByTwo()), w, b, runningMean, runningVar, true, 0.1, EPS);
    double s0 = 1 / Math.sqrt(1.25 + EPS);
    double s1 = 1 / Math.sqrt(125 + EPS);
    double[] expected = new double[8];
    for (int i = 0; i < 4; i++) {
      expected[2 * i] = (i + 1 - 2.5) * s0 * 2 + 1;
      expected[2 * i + 1] = (10 * (i + 1) - 25) * s1 * 0.5 - 1;
    }
    assertArrayEquals(expected, y.value().toDoubleArray(), 1e-14);
    assertArrayEquals(new double[] {0.9 * 0.5 + 0.1 * 2.5, 0.9 * 1 + 0.1 * 25}, runningMean.toDoubleArray(), 1e-14);
    assertArrayEquals(new double[] {0.9 * 1 + 0.1 * 5 / 3.0, 0.9 * 2 + 0.1 * 500 / 3.0}, runningVar.toDoubleArray(), 1e-13);
  }

  @Test
  void evaluationUsesTheRunningStatisticsAndLeavesThemAlone() {
    Tensor runningMean = Tensor.of(new double[] {2, 20}, 2);
    Tensor runningVar = Tensor.of(new double[] {4, 100}, 2);
    int meanVersion = runningMean.version();
    int varVersion = runningVar.version();
    Var x = Var.parameter(fourByTwo());
    Var w = Var.of(new double[] {3, -1}, 2);
    Var y = Ops.batchNorm(x, w, null, runningMean, runningVar, false, 0.1, EPS);
    double s0 = 1 / Math.sqrt(4 + EPS);
    double s1 = 1 / Math.sqrt(100 + EPS);
    assertArrayEquals(
        new double[] {-3 * s0, 10 * s1, 0, 0, 3 * s0, -10 * s1, 6 * s0, -20 * s1}, y.value().toDoubleArray(), 1e-14);
    assertEquals(meanVersion, runningMean.version());
    assertEquals(varVersion, runningVar.version());
    assertArrayEquals(new double[] {2, 20}, runningMean.toDoubleArray());
    // dx = g·w·invstd, dw = Σg·x̂ with the running statistics
    y.sum().backward();
    assertArrayEquals(new double[] {3 * s0, -s1, 3 * s0, -s1, 3 * s0, -s1, 3 * s0, -s1}, x.grad().value().toDoubleArray(), 1e-14);
    assertArrayEquals(new double[] {2 * s0, 20 * s1}, w.grad().value().toDoubleArray(), 1e-14);
  }

  @Test
  void firstOrderBackwardIsTwoPassesOverTheActivation() {
    Rng rng = new Rng(3);
    Var x = Var.parameter(Tensor.randn(rng, DType.FLOAT32, 2, 3, 4, 4));
    Var w = Var.parameter(Tensor.randn(rng, DType.FLOAT32, 3));
    Var b = Var.parameter(Tensor.randn(rng, DType.FLOAT32, 3));
    try (Tape tape = Tape.open()) {
      Var y = Ops.batchNorm(x, w, b, null, null, true, 0.1, EPS);
      Autodiff.grad(List.of(y), List.of(Var.constant(Tensor.randn(rng, DType.FLOAT32, 2, 3, 4, 4))), List.of(x, w, b), true, true, false);
      // the sums pass, the dx pass, and [C]-sized selections of the weight and bias gradients from the sums
      assertEquals(
          List.of("batch_norm", "batch_norm_grad_sums", "batch_norm_backward", "slice", "reshape", "slice", "reshape"), tape.opNames());
    }
  }

  /** The composite batch norm of small registered ops that the layer used before the fused op. */
  private static Var composite(Var x, Var w, Var b, Tensor runningMean, Tensor runningVar, boolean training) {
    int rank = x.rank();
    int[] dims = ChannelStats.reducedDims(rank);
    int[] stat = ChannelStats.shape(x.size(1), rank);
    Var normalised;
    if (training) {
      Var centered = Ops.sub(x, Ops.mean(x, dims, true));
      Var variance = Ops.mean(Ops.mul(centered, centered), dims, true);
      normalised = Ops.div(centered, Ops.sqrt(Ops.addScalar(variance, EPS)));
    } else {
      normalised = Ops.div(
          Ops.sub(x, Var.constant(runningMean.reshape(stat))), Var.constant(runningVar.add(EPS).sqrt().reshape(stat)));
    }
    return Ops.add(Ops.mul(normalised, Ops.reshape(w, stat)), Ops.reshape(b, stat));
  }

  @Test
  void valuesAndFirstAndSecondOrderGradientsEqualTheComposite() {
    Rng rng = new Rng(8);
    Tensor runningMean = Tensor.randn(rng, DType.FLOAT64, 4);
    Tensor runningVar = Tensor.rand(rng, DType.FLOAT64, 4).add(0.5);
    for (int[] shape : new int[][] {{6, 4}, {3, 4, 5}, {2, 4, 3, 5}}) {
      for (boolean training : new boolean[] {true, false}) {
        Var x = Var.parameter(Tensor.randn(rng, DType.FLOAT64, shape).mul(2.0).add(1.0));
        Var w = Var.parameter(Tensor.randn(rng, DType.FLOAT64, 4));
        Var b = Var.parameter(Tensor.randn(rng, DType.FLOAT64, 4));
        Var seed = Var.constant(Tensor.randn(rng, DType.FLOAT64, shape));
        Tensor probe = Tensor.randn(rng, DType.FLOAT64, shape);
        Var fused = Ops.batchNorm(x, w, b, runningMean, runningVar, training, 0.0, EPS);
        Var reference = composite(x, w, b, runningMean, runningVar, training);
        String what = (training ? "training " : "evaluation ") + java.util.Arrays.toString(shape);
        assertClose(what + " y", reference.value(), fused.value());
        List<Var> fusedGrads = Autodiff.grad(List.of(fused), List.of(seed), List.of(x, w, b), true, true, false);
        List<Var> referenceGrads = Autodiff.grad(List.of(reference), List.of(seed), List.of(x, w, b), true, true, false);
        for (int i = 0; i < 3; i++) {
          assertClose(what + " gradient " + i, referenceGrads.get(i).value(), fusedGrads.get(i).value());
        }
        // second order: d/d(x, w) of Σ probe·dx (zeros where dx does not depend on them)
        List<Var> fusedSecond = secondOrder(fusedGrads.get(0), probe, x, w);
        List<Var> referenceSecond = secondOrder(referenceGrads.get(0), probe, x, w);
        for (int i = 0; i < 2; i++) {
          assertClose(what + " second-order gradient " + i, referenceSecond.get(i).value(), fusedSecond.get(i).value());
        }
      }
    }
  }

  private static List<Var> secondOrder(Var dx, Tensor probe, Var... inputs) {
    Var projected = dx.mul(Var.constant(probe)).sum();
    return Autodiff.grad(List.of(projected), List.of(Var.constant(Tensor.ones(DType.FLOAT64))), List.of(inputs), false, false, true);
  }

  private static void assertClose(String what, Tensor expected, Tensor actual) {
    assertArrayEquals(expected.shape(), actual.shape(), what);
    double[] e = expected.toDoubleArray();
    double[] a = actual.toDoubleArray();
    for (int i = 0; i < e.length; i++) {
      assertEquals(e[i], a[i], 1e-10 * (1 + Math.abs(e[i])), what + " element " + i);
    }
  }

  private static void assertMessage(String expected, Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(expected), "message was: " + e.getMessage());
  }

  @Test
  void badArgumentsNameTheOpAndTheShapes() {
    Var x = Var.constant(Tensor.zeros(DType.FLOAT32, 2, 3));
    Tensor three = Tensor.ones(DType.FLOAT32, 3);
    assertMessage(
        "batch_norm: weight must be [3] for input [2,3], got [4]",
        () -> Ops.batchNorm(x, Var.constant(Tensor.ones(DType.FLOAT32, 4)), null, null, null, true, 0.1, EPS));
    assertMessage(
        "batch_norm: running_var must be [3] for input [2,3], got [3,1]",
        () -> Ops.batchNorm(x, null, null, three, Tensor.ones(DType.FLOAT32, 3, 1), true, 0.1, EPS));
    assertMessage(
        "batch_norm: bias is float64 but input [2,3] is float32",
        () -> Ops.batchNorm(x, null, Var.constant(Tensor.zeros(DType.FLOAT64, 3)), null, null, true, 0.1, EPS));
    assertMessage(
        "batch_norm: input must be [N, C, *] with at least 2 dims, got [5]",
        () -> Ops.batchNorm(Var.constant(Tensor.zeros(DType.FLOAT32, 5)), null, null, null, null, true, 0.1, EPS));
    assertMessage(
        "batch_norm: training needs more than one value per channel, got input [1,3,1,1]",
        () -> Ops.batchNorm(Var.constant(Tensor.zeros(DType.FLOAT32, 1, 3, 1, 1)), null, null, null, null, true, 0.1, EPS));
    assertMessage(
        "batch_norm: evaluation needs running_mean and running_var (input [2,3])",
        () -> Ops.batchNorm(x, null, null, three, null, false, 0.1, EPS));
    assertMessage("batch_norm: eps must be >= 0, got -1.0", () -> Ops.batchNorm(x, null, null, null, null, true, 0.1, -1));
    assertMessage("batch_norm: momentum must be in [0, 1], got 1.5", () -> Ops.batchNorm(x, null, null, null, null, true, 1.5, EPS));
  }
}
