package dev.wengert.core;

import static dev.wengert.core.TestTensors.assertClose;
import static dev.wengert.core.TestTensors.assertSameValues;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The batch-norm kernels against plain float64 loops, for any layout and thread count. */
class NormalizationTest {

  private static final int THREADS = Parallel.threads();

  @AfterEach
  void restoreThreads() {
    Parallel.setThreads(THREADS);
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    int[][] shapes = {{5, 3}, {4, 3, 7}, {2, 5, 3, 6}, {3, 4, 20, 17}};
    for (DType dtype : DType.values()) {
      for (int[] shape : shapes) {
        out.add(Arguments.of(dtype, shape));
      }
    }
    return out.stream();
  }

  /** Plain loops over {@code [N, C, L]} in float64: the statistics, y, the sums and dx. */
  private static final class Reference {
    final double[] mean;
    final double[] invstd;
    final double[] variance;
    final double[] y;
    final double[] sums;
    final double[] dx;

    Reference(double[] x, double[] g, double[] w, double[] b, int n, int c, int l, double eps) {
      mean = new double[c];
      variance = new double[c];
      invstd = new double[c];
      sums = new double[2 * c];
      y = new double[x.length];
      dx = new double[x.length];
      int m = n * l;
      for (int ch = 0; ch < c; ch++) {
        double s = 0;
        for (int i = 0; i < n; i++) {
          for (int k = 0; k < l; k++) {
            s += x[(i * c + ch) * l + k];
          }
        }
        mean[ch] = s / m;
        double q = 0;
        for (int i = 0; i < n; i++) {
          for (int k = 0; k < l; k++) {
            double d = x[(i * c + ch) * l + k] - mean[ch];
            q += d * d;
          }
        }
        variance[ch] = q / m;
        invstd[ch] = 1 / Math.sqrt(variance[ch] + eps);
        for (int i = 0; i < n; i++) {
          for (int k = 0; k < l; k++) {
            int at = (i * c + ch) * l + k;
            double xhat = (x[at] - mean[ch]) * invstd[ch];
            y[at] = xhat * w[ch] + b[ch];
            sums[ch] += g[at];
            sums[c + ch] += g[at] * xhat;
          }
        }
        for (int i = 0; i < n; i++) {
          for (int k = 0; k < l; k++) {
            int at = (i * c + ch) * l + k;
            double xhat = (x[at] - mean[ch]) * invstd[ch];
            dx[at] = w[ch] * invstd[ch] / m * (m * g[at] - sums[ch] - xhat * sums[c + ch]);
          }
        }
      }
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void matchPlainLoops(DType dtype, int[] shape) {
    Rng rng = new Rng(shape.length * 31 + shape[1]);
    int n = shape[0];
    int c = shape[1];
    int l = Shapes.numel(shape) / (n * c);
    Tensor x = Tensor.randn(rng, dtype, shape).mul(3.0).add(2.0);
    Tensor g = Tensor.randn(rng, dtype, shape);
    Tensor w = Tensor.randn(rng, dtype, c);
    Tensor b = Tensor.randn(rng, dtype, c);
    Reference ref = new Reference(x.toDoubleArray(), g.toDoubleArray(), w.toDoubleArray(), b.toDoubleArray(), n, c, l, 1e-5);
    double tol = dtype == DType.FLOAT32 ? 2e-5 : 1e-12;

    Normalization.Moments moments = Normalization.channelMoments(x);
    assertEquals(n * l, moments.count());
    for (int ch = 0; ch < c; ch++) {
      assertEquals(ref.mean[ch], moments.mean()[ch], tol * 3);
      assertEquals(ref.variance[ch], moments.squaredDeviations()[ch] / (n * l), tol * 10);
      assertEquals(ref.variance[ch] * (n * l) / (n * l - 1), moments.unbiasedVariance()[ch], tol * 10);
    }
    double[] invstd = moments.invstd(1e-5);
    double[] mean = moments.mean();

    Tensor y = Normalization.batchNorm(x, mean, invstd, w, b);
    assertArrayEquals(shape, y.shape());
    assertEquals(dtype, y.dtype());
    assertClose(ref.y, y, tol, tol);

    Tensor sums = Normalization.batchNormGradSums(g, x, mean, invstd);
    assertArrayEquals(new int[] {2, c}, sums.shape());
    assertClose(ref.sums, sums, tol, tol * l * n);

    Tensor dx = Normalization.batchNormBackward(g, x, mean, invstd, w, sums);
    assertClose(ref.dx, dx, tol * 5, tol * 5);
  }

  @Test
  void nullWeightAndBiasAreOneAndZero() {
    Tensor x = Tensor.of(new double[] {1, 10, 2, 20, 3, 30, 4, 40}, 4, 2);
    Normalization.Moments moments = Normalization.channelMoments(x);
    assertArrayEquals(new double[] {2.5, 25}, moments.mean(), 1e-15);
    assertArrayEquals(new double[] {5, 500}, moments.squaredDeviations(), 1e-12);
    double[] invstd = moments.invstd(0);
    Tensor y = Normalization.batchNorm(x, moments.mean(), invstd, null, null);
    double s = 1 / Math.sqrt(1.25);
    assertClose(new double[] {-1.5 * s, -1.5 * s, -0.5 * s, -0.5 * s, 0.5 * s, 0.5 * s, 1.5 * s, 1.5 * s}, y, 1e-15, 1e-15);
    // dx of a constant gradient is zero: the mean is subtracted away
    Tensor g = Tensor.full(DType.FLOAT64, 0.25, 4, 2);
    Tensor sums = Normalization.batchNormGradSums(g, x, moments.mean(), invstd);
    assertClose(new double[] {1, 1, 0, 0}, sums, 1e-15, 1e-15);
    assertClose(new double[8], Normalization.batchNormBackward(g, x, moments.mean(), invstd, null, sums), 0, 1e-15);
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void resultBitsDoNotDependOnTheThreadCountOrLayout(DType dtype) {
    Rng rng = new Rng(5);
    Tensor x = Tensor.randn(rng, dtype, 16, 8, 40, 40).add(1.5);
    Tensor g = Tensor.randn(rng, dtype, 16, 8, 40, 40);
    Tensor w = Tensor.randn(rng, dtype, 8);
    Tensor b = Tensor.randn(rng, dtype, 8);
    List<double[]> first = null;
    for (int threads = 1; threads <= 3; threads++) {
      Parallel.setThreads(threads);
      for (boolean gappy : new boolean[] {false, true}) {
        Tensor xi = gappy ? TestTensors.gappy(x) : x;
        Tensor gi = gappy ? TestTensors.gappy(g) : g;
        Normalization.Moments m = Normalization.channelMoments(xi);
        double[] invstd = m.invstd(1e-5);
        Tensor sums = Normalization.batchNormGradSums(gi, xi, m.mean(), invstd);
        List<double[]> results = List.of(
            m.mean(), m.squaredDeviations(),
            Normalization.batchNorm(xi, m.mean(), invstd, w, b).toDoubleArray(),
            sums.toDoubleArray(),
            Normalization.batchNormBackward(gi, xi, m.mean(), invstd, w, sums).toDoubleArray());
        if (first == null) {
          first = results;
        } else {
          for (int i = 0; i < results.size(); i++) {
            assertSameValues(first.get(i), Tensor.of(results.get(i), results.get(i).length));
          }
        }
      }
    }
  }

  @Test
  void badArgumentsNameTheKernelAndTheShapes() {
    Tensor x = Tensor.zeros(DType.FLOAT32, 2, 3, 4);
    double[] three = new double[3];
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Normalization.batchNorm(x, three, three, Tensor.ones(DType.FLOAT32, 4), null));
    assertTrue(e.getMessage().contains("batch_norm: weight must be [3] for input [2,3,4], got [4]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Normalization.channelMoments(Tensor.zeros(DType.FLOAT32, 5)));
    assertTrue(e.getMessage().contains("batch_norm: input must be [N, C, *] with at least 2 dims, got [5]"), e.getMessage());
    e = assertThrows(
        IllegalArgumentException.class,
        () -> Normalization.batchNormGradSums(Tensor.zeros(DType.FLOAT32, 2, 3, 5), x, three, three));
    assertTrue(e.getMessage().contains("batch_norm_grad_sums: gradient [2,3,5] (float32) and input [2,3,4] (float32)"), e.getMessage());
    e = assertThrows(
        IllegalArgumentException.class,
        () -> Normalization.batchNormBackward(x, x, three, three, null, Tensor.zeros(DType.FLOAT32, 3, 2)));
    assertTrue(e.getMessage().contains("batch_norm_backward: sums must be [2, 3] for input [2,3,4], got [3,2]"), e.getMessage());
  }
}
