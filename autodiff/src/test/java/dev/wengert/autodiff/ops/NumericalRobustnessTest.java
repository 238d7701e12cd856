package dev.wengert.autodiff.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wengert.autodiff.Autodiff;
import dev.wengert.autodiff.Var;
import dev.wengert.core.DType;
import dev.wengert.core.Rng;
import dev.wengert.core.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * Losses on logits of magnitude 1e4, where a naive {@code exp} overflows, stay finite in both
 * dtypes (checked in anomaly mode, so no intermediate is NaN or Inf either) and match a stable
 * computation by hand in float64: loss {@code lse(x) − x[t]} with {@code lse(x) = m + log Σ
 * exp(x − m)}, gradient {@code softmax(x) − onehot(t)}. And anomaly mode names the op that first
 * produced a NaN or an Inf, forward or backward, not one of those it spread to.
 */
class NumericalRobustnessTest {

  /** Rows with logits at ±1e4: a clear winner, a tie of two, the target far below the maximum, all equal. */
  private static final double[][] EXTREME = {
    {1e4, -1e4, 0, 3},
    {1e4, 1e4, -1e4, -1e4},
    {-1e4, -1e4, -1e4, 1e4},
    {-1e4, -1e4, -1e4, -1e4},
    {1e4, 1e4 - 1, 1e4 - 2, -1e4},
  };

  private static final int[] TARGETS = {0, 1, 2, 3, 1};

  private static Tensor logits(DType dtype, double[][] rows) {
    Tensor t = Tensor.zeros(dtype, rows.length, rows[0].length);
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < rows[i].length; j++) {
        t.set(rows[i][j], i, j);
      }
    }
    return t;
  }

  private static Tensor targets(int[] classes) {
    double[] values = new double[classes.length];
    for (int i = 0; i < classes.length; i++) {
      values[i] = classes[i];
    }
    return Tensor.of(values, classes.length);
  }

  /** {@code m + log Σ exp(x − m)} in float64, {@code m} the row's maximum. */
  private static double logSumExp(double[] row) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : row) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (double v : row) {
      sum += Math.exp(v - max);
    }
    return max + Math.log(sum);
  }

  /** The logits as the op sees them (rounded to float32 when that is the dtype), in float64. */
  private static double[][] asSeen(Tensor logits) {
    int rows = logits.size(0);
    int cols = logits.size(1);
    double[][] out = new double[rows][cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        out[i][j] = logits.get(i, j);
      }
    }
    return out;
  }

  /** Allowed error: a few float32 ulps of the largest magnitude in float32, far less in float64. */
  private static double tolerance(DType dtype, double scale) {
    return (dtype == DType.FLOAT32 ? 4 * Math.ulp((float) Math.max(1, scale)) : 1e-12 * Math.max(1, scale));
  }

  private static void checkCrossEntropy(Tensor logitValues, int[] classes) {
    DType dtype = logitValues.dtype();
    double[][] x = asSeen(logitValues);
    int n = x.length;
    double expectedLoss = 0;
    double scale = 0;
    for (int i = 0; i < n; i++) {
      expectedLoss += (logSumExp(x[i]) - x[i][classes[i]]) / n;
      for (double v : x[i]) {
        scale = Math.max(scale, Math.abs(v));
      }
    }
    Var logits = Var.parameter(logitValues);
    Var loss;
    try (Autodiff.Scope anomaly = Autodiff.detectAnomaly()) {
      loss = Losses.crossEntropy(logits, targets(classes));
      loss.backward();
    }
    assertEquals(dtype, loss.dtype());
    assertEquals(expectedLoss, loss.item(), tolerance(dtype, scale), "mean cross entropy");
    Tensor grad = logits.grad().value();
    for (int i = 0; i < n; i++) {
      double lse = logSumExp(x[i]);
      for (int j = 0; j < x[i].length; j++) {
        double expected = (Math.exp(x[i][j] - lse) - (j == classes[i] ? 1 : 0)) / n;
        assertEquals(expected, grad.get(i, j), tolerance(dtype, 1) / n, "d loss / d x[" + i + "," + j + "]");
      }
    }
  }

  private static void checkLogSoftmax(Tensor logitValues, Tensor seed) {
    DType dtype = logitValues.dtype();
    double[][] x = asSeen(logitValues);
    Var logits = Var.parameter(logitValues);
    Var y;
    try (Autodiff.Scope anomaly = Autodiff.detectAnomaly()) {
      y = Ops.logSoftmax(logits, 1);
      // d Σ g·y / dx = g − softmax(x)·Σ_row g
      y.mul(Var.constant(seed)).sum().backward();
    }
    Tensor grad = logits.grad().value();
    for (int i = 0; i < x.length; i++) {
      double lse = logSumExp(x[i]);
      double scale = 0;
      double seedSum = 0;
      for (int j = 0; j < x[i].length; j++) {
        scale = Math.max(scale, Math.abs(x[i][j] - lse));
        seedSum += seed.get(i, j);
      }
      for (int j = 0; j < x[i].length; j++) {
        assertEquals(x[i][j] - lse, y.value().get(i, j), tolerance(dtype, scale), "log_softmax[" + i + "," + j + "]");
        double expected = seed.get(i, j) - Math.exp(x[i][j] - lse) * seedSum;
        assertEquals(expected, grad.get(i, j), tolerance(dtype, 4), "d/dx[" + i + "," + j + "]");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void crossEntropyOnLogitsOfTenThousandIsFiniteAndExact(DType dtype) {
    checkCrossEntropy(logits(dtype, EXTREME), TARGETS);
    Rng rng = new Rng(11);
    for (int trial = 0; trial < 20; trial++) {
      Tensor x = Tensor.randn(rng, dtype, 8, 10).mul(1e4);
      int[] classes = new int[8];
      for (int i = 0; i < classes.length; i++) {
        classes[i] = rng.nextInt(10);
      }
      checkCrossEntropy(x, classes);
    }
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void logSoftmaxOnLogitsOfTenThousandIsFiniteAndExact(DType dtype) {
    Rng rng = new Rng(12);
    checkLogSoftmax(logits(dtype, EXTREME), Tensor.randn(rng, dtype, EXTREME.length, EXTREME[0].length));
    for (int trial = 0; trial < 20; trial++) {
      checkLogSoftmax(Tensor.randn(rng, dtype, 6, 7).mul(1e4), Tensor.randn(rng, dtype, 6, 7));
    }
  }

  @Test
  void withoutAnomalyModeTheSameBrokenChainGivesNaNSilently() {
    Var x = Var.of(new double[] {1, 2, 9}, 3);
    Var out = x.mul(2).add(-10).log().exp().sum();
    assertTrue(Double.isNaN(out.item()), "log of a negative number is NaN, and it spreads");
  }

  @Test
  void anomalyModeNamesTheLogThatTookANegativeNumberInTheMiddleOfAChain() {
    Var x = Var.of(new double[] {6, 2, 9}, 3);
    try (Autodiff.Scope anomaly = Autodiff.detectAnomaly()) {
      Var shifted = x.mul(2).add(-10); // [2, -6, 8]: fine so far
      ArithmeticException e = assertThrows(ArithmeticException.class, () -> shifted.log().exp().sum());
      String message = e.getMessage();
      assertTrue(message.startsWith("anomaly: log produced NaN in its forward output (shape [3], element 1) at "), message);
      assertTrue(message.contains("NumericalRobustnessTest"), "names the line that applied the op: " + message);
    }
  }

  @Test
  void anomalyModeNamesTheSqrtWhoseBackwardAtZeroIsInfinite() {
    Var x = Var.of(new double[] {0, 3}, 2);
    try (Autodiff.Scope anomaly = Autodiff.detectAnomaly()) {
      // |x| as sqrt(x·x): fine forward, but d sqrt(u)/du = 1/(2·sqrt(u)) is infinite at u = 0, and
      // mul's backward would turn that into NaN (∞·0) if nothing stopped it first.
      Var loss = x.mul(x).sqrt().mul(3).sum();
      assertEquals(9, loss.item(), 0);
      ArithmeticException e = assertThrows(ArithmeticException.class, loss::backward);
      String message = e.getMessage();
      assertTrue(message.startsWith("anomaly: in the backward of sqrt (recorded at "), message);
      assertTrue(message.contains("NumericalRobustnessTest"), "names the line that applied sqrt: " + message);
      assertTrue(message.contains("Infinity"), message);
      assertFalse(message.contains("backward of mul"), "mul only spreads it: " + message);
    }
  }

  @Test
  void anomalyModeNamesALogOfZeroThatGivesMinusInfinity() {
    Var p = Var.of(new double[] {0.5, 0, 0.5}, 3);
    try (Autodiff.Scope anomaly = Autodiff.detectAnomaly()) {
      ArithmeticException e = assertThrows(ArithmeticException.class, () -> p.mul(p).log().mean());
      assertTrue(e.getMessage().startsWith("anomaly: log produced -Infinity in its forward output (shape [3], element 1)"), e.getMessage());
    }
  }
}
