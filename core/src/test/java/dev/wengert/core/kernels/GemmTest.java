package dev.wengert.core.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.wengert.core.Parallel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Kernels#sgemm} and {@link Kernels#dgemm} of the implementation chosen for this JVM (the
 * core pom reruns this class with each implementation and vector width forced) against EJML in
 * float64: every transpose combination, odd and larger shapes, sub-matrices with padded leading
 * dimensions and offsets, several alpha/beta, and bit-identical results for 1 and 2 threads.
 */
class GemmTest {

  private static final Kernels KERNELS = Kernels.get();

  /** Shapes {m, n, k}: edge cases, a sample of odd sizes up to 67, and a few larger ones. */
  static List<int[]> shapes() {
    List<int[]> shapes = new ArrayList<>();
    int[] small = {1, 2, 3, 5, 7, 12, 13, 31, 33, 65, 67};
    for (int s : small) {
      shapes.add(new int[] {s, s, s});
    }
    shapes.add(new int[] {1, 67, 1});
    shapes.add(new int[] {67, 1, 67});
    shapes.add(new int[] {1, 1, 67});
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 20; i++) {
      shapes.add(new int[] {random.nextInt(1, 68), random.nextInt(1, 68), random.nextInt(1, 68)});
    }
    shapes.add(new int[] {130, 257, 99}); // several tiles, edges in m and n
    shapes.add(new int[] {200, 40, 300}); // more than one block of rows and of depth
    shapes.add(new int[] {20, 1100, 30}); // more than one block of columns
    shapes.add(new int[] {32, 700, 9}); // convolution-like: small k
    shapes.add(new int[] {6, 150, 520}); // small m, two depth slices plus a remainder
    shapes.add(new int[] {300, 20, 50}); // tall and narrow (rows split across threads)
    shapes.add(new int[] {4200, 3, 5}); // more rows than one chunk of running sums
    return shapes;
  }

  static Stream<Arguments> cases() {
    float[][] alphaBeta = {{1f, 0f}, {1f, 1f}, {-0.5f, 0f}, {1.5f, -2f}, {0.75f, 0.5f}};
    List<Arguments> cases = new ArrayList<>();
    int i = 0;
    for (int[] shape : shapes()) {
      for (int t = 0; t < 4; t++) {
        float[] ab = alphaBeta[i++ % alphaBeta.length];
        cases.add(Arguments.of(
            shape[0], shape[1], shape[2], (t & 1) != 0, (t & 2) != 0, ab[0], ab[1]));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "sgemm m={0} n={1} k={2} transA={3} transB={4} alpha={5} beta={6}")
  @MethodSource("cases")
  void sgemmMatchesEjml(
      int m, int n, int k, boolean transA, boolean transB, float alpha, float beta) {
    Operands op = new Operands(m, n, k, transA, transB, m * 31L + n * 7L + k);
    float[] a = op.floats(op.a);
    float[] b = op.floats(op.b);
    float[] c = op.floats(op.c);
    if (beta == 0f) {
      Arrays.fill(c, Float.NaN); // must not be read
    }
    KERNELS.sgemm(transA, transB, m, n, k, alpha,
        a, op.aOff, op.lda, b, op.bOff, op.ldb, beta, c, op.cOff, op.ldc);
    op.check(alpha, beta, i -> c[i], 1e-5);
  }

  @ParameterizedTest(name = "dgemm m={0} n={1} k={2} transA={3} transB={4} alpha={5} beta={6}")
  @MethodSource("cases")
  void dgemmMatchesEjml(
      int m, int n, int k, boolean transA, boolean transB, float alpha, float beta) {
    Operands op = new Operands(m, n, k, transA, transB, m * 17L + n * 5L + k);
    double[] c = op.c.clone();
    if (beta == 0f) {
      Arrays.fill(c, Double.NaN);
    }
    KERNELS.dgemm(transA, transB, m, n, k, alpha,
        op.a, op.aOff, op.lda, op.b, op.bOff, op.ldb, beta, c, op.cOff, op.ldc);
    op.check(alpha, beta, i -> c[i], 1e-13);
  }

  static Stream<Arguments> runCases() {
    List<Arguments> cases = new ArrayList<>();
    for (int[] shape : shapes()) {
      for (int t = 0; t < 4; t++) {
        cases.add(Arguments.of(shape[0], shape[1], shape[2], (t & 1) != 0, (t & 2) != 0, cases.size() % 2));
      }
    }
    return cases.stream();
  }

  /**
   * {@link Kernels#sgemmRuns} and {@link Kernels#dgemmRuns} give the same bits as {@code sgemm} and
   * {@code dgemm} of the explicit matrices, with each operand's stored rows overlapping runs at
   * arbitrary offsets of one array (as the taps of a convolution read its padded image).
   */
  @ParameterizedTest(name = "gemmRuns m={0} n={1} k={2} transA={3} transB={4} beta={5}")
  @MethodSource("runCases")
  void gemmRunsEqualsGemmOfTheExplicitMatrices(int m, int n, int k, boolean transA, boolean transB, int beta) {
    SplittableRandom random = new SplittableRandom(m * 131L + n * 17L + k);
    Runs a = new Runs(random, transA ? k : m, transA ? m : k);
    Runs b = new Runs(random, transB ? n : k, transB ? k : n);
    double[] c0 = random.doubles((long) m * n, -1, 1).toArray();
    float[] expectedF = floats(c0);
    float[] actualF = floats(c0);
    if (beta == 0) {
      Arrays.fill(actualF, Float.NaN); // must not be read
    }
    KERNELS.sgemm(transA, transB, m, n, k, 1f, floats(a.explicit), 0, a.cols, floats(b.explicit), 0, b.cols, beta,
        expectedF, 0, n);
    KERNELS.sgemmRuns(transA, transB, m, n, k, floats(a.source), a.rows, floats(b.source), b.rows, beta, actualF, 0, n);
    assertArrayEquals(expectedF, actualF);
    double[] expected = c0.clone();
    double[] actual = c0.clone();
    if (beta == 0) {
      Arrays.fill(actual, Double.NaN);
    }
    KERNELS.dgemm(transA, transB, m, n, k, 1, a.explicit, 0, a.cols, b.explicit, 0, b.cols, beta, expected, 0, n);
    KERNELS.dgemmRuns(transA, transB, m, n, k, a.source, a.rows, b.source, b.rows, beta, actual, 0, n);
    assertArrayEquals(expected, actual);
  }

  /** A {@code rows x cols} matrix whose rows are overlapping runs of {@code source}, and its explicit copy. */
  private static final class Runs {
    final int cols;
    final double[] source;
    final int[] rows;
    final double[] explicit;

    Runs(SplittableRandom random, int rowCount, int cols) {
      this.cols = cols;
      source = random.doubles(cols + 3L * rowCount + 5, -1, 1).toArray();
      rows = new int[rowCount];
      explicit = new double[rowCount * cols];
      for (int r = 0; r < rowCount; r++) {
        rows[r] = random.nextInt(source.length - cols + 1);
        System.arraycopy(source, rows[r], explicit, r * cols, cols);
      }
    }
  }

  private static float[] floats(double[] values) {
    float[] f = new float[values.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) values[i];
    }
    return f;
  }

  /**
   * A product with few rows reads {@code B} in place, one with many rows packs it; each element is
   * the same fused multiply-add chain either way, so the few rows' results equal, bit for bit, the
   * same rows of the taller product.
   */
  @Test
  void readingBInPlaceGivesTheSameBitsAsPackingIt() {
    int[][] shapes = {{6, 150, 520}, {32, 700, 9}, {13, 97, 401}, {24, 48, 30}};
    int extraRows = 400;
    for (int[] s : shapes) {
      int m = s[0];
      int n = s[1];
      int k = s[2];
      Operands tall = new Operands(m + extraRows, n, k, false, false, m + n + k);
      float[] a = tall.floats(tall.a);
      float[] b = tall.floats(tall.b);
      float[] tallF = new float[(m + extraRows) * n];
      KERNELS.sgemm(false, false, m + extraRows, n, k, 1f, a, tall.aOff, tall.lda, b, tall.bOff, tall.ldb, 0f,
          tallF, 0, n);
      float[] fewF = new float[m * n];
      KERNELS.sgemm(false, false, m, n, k, 1f, a, tall.aOff, tall.lda, b, tall.bOff, tall.ldb, 0f, fewF, 0, n);
      assertArrayEquals(Arrays.copyOf(tallF, m * n), fewF, "sgemm " + Arrays.toString(s));
      double[] tallD = new double[(m + extraRows) * n];
      KERNELS.dgemm(false, false, m + extraRows, n, k, 1, tall.a, tall.aOff, tall.lda, tall.b, tall.bOff, tall.ldb, 0,
          tallD, 0, n);
      double[] fewD = new double[m * n];
      KERNELS.dgemm(false, false, m, n, k, 1, tall.a, tall.aOff, tall.lda, tall.b, tall.bOff, tall.ldb, 0, fewD, 0, n);
      assertArrayEquals(Arrays.copyOf(tallD, m * n), fewD, "dgemm " + Arrays.toString(s));
    }
  }

  @Test
  void sameBitsForOneAndTwoThreads() {
    // Big enough to be split between two threads: by columns, by rows, and a convolution shape.
    int[][] shapes = {{130, 257, 300}, {1000, 24, 400}, {32, 30000, 9}};
    int original = Parallel.threads();
    try {
      for (int[] s : shapes) {
        for (int t = 0; t < 4; t++) {
          boolean transA = (t & 1) != 0;
          boolean transB = (t & 2) != 0;
          Operands op = new Operands(s[0], s[1], s[2], transA, transB, t);
          float[] a = op.floats(op.a);
          float[] b = op.floats(op.b);
          float[][] cf = new float[2][];
          double[][] cd = new double[2][];
          for (int threads = 1; threads <= 2; threads++) {
            Parallel.setThreads(threads);
            cf[threads - 1] = op.floats(op.c);
            KERNELS.sgemm(transA, transB, s[0], s[1], s[2], 0.7f,
                a, op.aOff, op.lda, b, op.bOff, op.ldb, 0.3f, cf[threads - 1], op.cOff, op.ldc);
            cd[threads - 1] = op.c.clone();
            KERNELS.dgemm(transA, transB, s[0], s[1], s[2], 0.7,
                op.a, op.aOff, op.lda, op.b, op.bOff, op.ldb,
                0.3, cd[threads - 1], op.cOff, op.ldc);
          }
          assertArrayEquals(cf[0], cf[1], "sgemm " + Arrays.toString(s) + " t=" + t);
          assertArrayEquals(cd[0], cd[1], "dgemm " + Arrays.toString(s) + " t=" + t);
        }
      }
    } finally {
      Parallel.setThreads(original);
    }
  }

  @Test
  void zeroDepthOrAlphaScalesC() {
    float[] c = {1f, 2f, 3f, 4f, Float.NaN, 6f};
    KERNELS.sgemm(false, false, 2, 3, 0, 1f, new float[0], 0, 1, new float[0], 0, 3, 2f, c, 0, 3);
    assertArrayEquals(new float[] {2f, 4f, 6f, 8f, Float.NaN, 12f}, c);
    KERNELS.sgemm(false, false, 2, 3, 0, 1f, new float[0], 0, 1, new float[0], 0, 3, 0f, c, 0, 3);
    assertArrayEquals(new float[6], c);
    double[] d = {1, 2, 3, 4};
    double[] ones = {1, 1, 1, 1};
    KERNELS.dgemm(false, false, 2, 2, 2, 0, ones, 0, 2, ones, 0, 2, 0.5, d, 0, 2);
    assertArrayEquals(new double[] {0.5, 1, 1.5, 2}, d);
    // Empty outputs leave everything alone.
    KERNELS.sgemm(false, false, 0, 3, 4, 1f, new float[0], 0, 4, new float[12], 0, 3, 0f, c, 0, 3);
    assertEquals(0f, c[0]);
  }

  @Test
  void rejectsNegativeDimensions() {
    assertThrows(IllegalArgumentException.class,
        () -> KERNELS.sgemm(false, false, -1, 1, 1, 1f, new float[1], 0, 1, new float[1], 0, 1,
            0f, new float[1], 0, 1));
  }

  /** Element accessor for the result array. */
  private interface Result {
    double get(int index);
  }

  /**
   * Random operands stored as sub-matrices of larger arrays (offsets, padded leading dimensions),
   * as float64 values that are exactly representable in float32.
   */
  private static final class Operands {
    final int m;
    final int n;
    final int k;
    final boolean transA;
    final boolean transB;
    final int aOff;
    final int lda;
    final int bOff;
    final int ldb;
    final int cOff;
    final int ldc;
    final double[] a;
    final double[] b;
    final double[] c;

    Operands(int m, int n, int k, boolean transA, boolean transB, long seed) {
      this.m = m;
      this.n = n;
      this.k = k;
      this.transA = transA;
      this.transB = transB;
      SplittableRandom random = new SplittableRandom(seed);
      int aRows = transA ? k : m;
      int aCols = transA ? m : k;
      int bRows = transB ? n : k;
      int bCols = transB ? k : n;
      aOff = 3;
      lda = aCols + 5;
      bOff = 7;
      ldb = bCols + 2;
      cOff = 1;
      ldc = n + 3;
      a = randomArray(random, aOff + aRows * lda + 4);
      b = randomArray(random, bOff + bRows * ldb + 4);
      c = randomArray(random, cOff + m * ldc + 4);
    }

    private static double[] randomArray(SplittableRandom random, int length) {
      double[] x = new double[length];
      for (int i = 0; i < length; i++) {
        x[i] = (float) random.nextDouble(-1, 1);
      }
      return x;
    }

    float[] floats(double[] x) {
      float[] f = new float[x.length];
      for (int i = 0; i < x.length; i++) {
        f[i] = (float) x[i];
      }
      return f;
    }

    /** The stored (untransposed) sub-matrix of {@code x} as an EJML matrix, optionally |x|. */
    private static DMatrixRMaj matrix(
        double[] x, int off, int ld, int rows, int cols, boolean abs) {
      DMatrixRMaj mat = new DMatrixRMaj(rows, cols);
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
          double v = x[off + i * ld + j];
          mat.set(i, j, abs ? Math.abs(v) : v);
        }
      }
      return mat;
    }

    private DMatrixRMaj product(boolean abs) {
      DMatrixRMaj ma = matrix(a, aOff, lda, transA ? k : m, transA ? m : k, abs);
      DMatrixRMaj mb = matrix(b, bOff, ldb, transB ? n : k, transB ? k : n, abs);
      DMatrixRMaj out = new DMatrixRMaj(m, n);
      if (transA && transB) {
        CommonOps_DDRM.multTransAB(ma, mb, out);
      } else if (transA) {
        CommonOps_DDRM.multTransA(ma, mb, out);
      } else if (transB) {
        CommonOps_DDRM.multTransB(ma, mb, out);
      } else {
        CommonOps_DDRM.mult(ma, mb, out);
      }
      return out;
    }

    /**
     * Checks {@code C = alpha*op(A)*op(B) + beta*C} within {@code eps * k} relative to the
     * magnitude of the terms, and that the padding of {@code C} is untouched.
     */
    void check(double alpha, double beta, Result result, double eps) {
      DMatrixRMaj exact = product(false);
      DMatrixRMaj magnitude = product(true);
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          int idx = cOff + i * ldc + j;
          double old = beta == 0 ? 0 : beta * c[idx];
          double expected = alpha * exact.get(i, j) + old;
          double scale = Math.abs(alpha) * magnitude.get(i, j) + Math.abs(old) + 1e-30;
          double got = result.get(idx);
          if (!(Math.abs(got - expected) <= eps * Math.max(k, 1) * scale)) {
            fail(String.format(
                "C[%d,%d] = %s, expected %s (m=%d n=%d k=%d transA=%s transB=%s alpha=%s beta=%s)",
                i, j, got, expected, m, n, k, transA, transB, alpha, beta));
          }
        }
        for (int j = n; j < ldc && cOff + i * ldc + j < c.length; j++) {
          int idx = cOff + i * ldc + j;
          double got = result.get(idx);
          boolean unchanged = beta == 0 ? Double.isNaN(got) : got == c[idx];
          if (!unchanged) {
            fail("padding of C changed at row " + i + " column " + j);
          }
        }
      }
    }
  }
}
