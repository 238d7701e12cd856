package dev.wengert.core;

import static dev.wengert.core.TestTensors.assertSameValues;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Matrix products against EJML, through every layout the GEMM path accepts or copies. */
class MatMulTest {

  private static final int THREADS = Parallel.threads();

  @AfterEach
  void restoreThreads() {
    Parallel.setThreads(THREADS);
  }

  /** {@code a · b} for 2-D tensors, computed by EJML in float64 from the (possibly float32) values. */
  private static double[] ejml(Tensor a, Tensor b) {
    int m = a.size(0);
    int k = a.size(1);
    int n = b.size(1);
    DMatrixRMaj c = new DMatrixRMaj(m, n);
    CommonOps_DDRM.mult(new DMatrixRMaj(m, k, true, a.toDoubleArray()), new DMatrixRMaj(k, n, true, b.toDoubleArray()), c);
    return c.getData();
  }

  private static void assertProduct(double[] expected, Tensor actual, int k) {
    double tolerance = actual.dtype() == DType.FLOAT32 ? 2e-6 * Math.max(1, k) : 1e-13 * Math.max(1, k);
    TestTensors.assertClose(expected, actual, tolerance, tolerance);
  }

  /** An m x k matrix with unit stride along rows or columns, or with gaps in both (which GEMM cannot read). */
  private static Tensor matrix(Rng rng, DType dtype, int rows, int cols, String layout) {
    switch (layout) {
      case "plain":
        return TestTensors.uniform(rng, dtype, rows, cols);
      case "transposed":
        return TestTensors.uniform(rng, dtype, cols, rows).t();
      case "columns": // a column window: row stride > cols
        return TestTensors.uniform(rng, dtype, rows, cols + 3).narrow(1, 2, cols);
      case "stepped": // step 2 in both dims: needs the contiguous copy
        return TestTensors.uniform(rng, dtype, 2 * rows, 2 * cols).slice(0, 1, 2 * rows, 2).slice(1, 0, 2 * cols, 2);
      default:
        throw new AssertionError(layout);
    }
  }

  private static final int[][] SIZES = {
    {1, 1, 1}, {1, 5, 1}, {1, 1, 7}, {7, 1, 1}, {2, 3, 4}, {5, 7, 3}, {16, 16, 16}, {17, 33, 9}, {33, 17, 65},
    {64, 3, 67}, {67, 67, 67}, {3, 67, 2}, {1, 67, 40}, {40, 67, 1}
  };

  static Stream<Arguments> products() {
    List<Arguments> out = new ArrayList<>();
    String[] layouts = {"plain", "transposed", "columns", "stepped"};
    for (int[] mkn : SIZES) {
      for (DType dtype : DType.values()) {
        for (String la : layouts) {
          for (String lb : layouts) {
            boolean transposesOnly = !la.equals("columns") && !la.equals("stepped") && !lb.equals("columns") && !lb.equals("stepped");
            boolean small = mkn[0] * mkn[1] * mkn[2] < 5000;
            if (transposesOnly || small || la.equals(lb)) {
              out.add(Arguments.of(mkn[0], mkn[1], mkn[2], dtype, la, lb));
            }
          }
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}x{1}x{2} {3} {4}·{5}")
  @MethodSource("products")
  void twoDimensionalProductsMatchEjml(int m, int k, int n, DType dtype, String layoutA, String layoutB) {
    Rng rng = new Rng(m * 10007L + k * 101L + n);
    Tensor a = matrix(rng, dtype, m, k, layoutA);
    Tensor b = matrix(rng, dtype, k, n, layoutB);
    double[] aBefore = a.toDoubleArray();
    Tensor c = a.matmul(b);
    assertArrayEquals(new int[] {m, n}, c.shape());
    assertEquals(dtype, c.dtype());
    assertProduct(ejml(a, b), c, k);
    assertSameValues(aBefore, a);
    assertFalse(c.sharesStorageWith(a));
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void batchedProductsBroadcastTheBatchDims(DType dtype) {
    Rng rng = new Rng(21);
    int m = 5;
    int k = 7;
    int n = 3;
    Tensor a = TestTensors.uniform(rng, dtype, 2, 1, m, k);
    Tensor b = TestTensors.uniform(rng, dtype, 3, k, n);
    for (Tensor right : new Tensor[] {b, b.transpose(-1, -2).contiguous().transpose(-1, -2), TestTensors.gappy(b)}) {
      Tensor c = a.matmul(right);
      assertArrayEquals(new int[] {2, 3, m, n}, c.shape());
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 3; j++) {
          assertProduct(ejml(a.select(0, i).select(0, 0), b.select(0, j)), c.select(0, i).select(0, j), k);
        }
      }
    }
    Tensor shared = TestTensors.uniform(rng, dtype, k, n);
    Tensor c = a.matmul(shared); // [2,1,m,k] x [k,n]
    assertArrayEquals(new int[] {2, 1, m, n}, c.shape());
    assertProduct(ejml(a.select(0, 1).select(0, 0), shared), c.select(0, 1).select(0, 0), k);
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void largeBatchesAndLargeMatricesBothMatchEjml(DType dtype) {
    Rng rng = new Rng(22);
    Tensor many = TestTensors.uniform(rng, dtype, 40, 6, 5); // small GEMMs: spread over threads
    Tensor manyB = TestTensors.uniform(rng, dtype, 40, 5, 4).transpose(1, 2).contiguous().transpose(1, 2);
    Tensor c = many.matmul(manyB);
    for (int i = 0; i < 40; i += 13) {
      assertProduct(ejml(many.select(0, i), manyB.select(0, i)), c.select(0, i), 5);
    }
    Tensor big = TestTensors.uniform(rng, dtype, 2, 70, 65).transpose(1, 2); // [2,65,70], transposed
    Tensor bigB = TestTensors.uniform(rng, dtype, 70, 66);
    Tensor d = big.matmul(bigB);
    assertArrayEquals(new int[] {2, 65, 66}, d.shape());
    for (int i = 0; i < 2; i++) {
      assertProduct(ejml(big.select(0, i), bigB), d.select(0, i), 70);
    }
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void oneDimensionalOperandsArePromotedAndSqueezed(DType dtype) {
    Rng rng = new Rng(23);
    Tensor v = TestTensors.uniform(rng, dtype, 4);
    Tensor m = TestTensors.uniform(rng, dtype, 4, 3);
    Tensor w = TestTensors.uniform(rng, dtype, 3);

    Tensor vm = v.matmul(m);
    assertArrayEquals(new int[] {3}, vm.shape());
    assertProduct(ejml(v.reshape(1, 4), m), vm, 4);

    Tensor mw = m.matmul(w);
    assertArrayEquals(new int[] {4}, mw.shape());
    assertProduct(ejml(m, w.reshape(3, 1)), mw, 3);

    Tensor dot = v.matmul(v);
    assertArrayEquals(new int[] {}, dot.shape());
    double expected = 0;
    for (double x : v.toDoubleArray()) {
      expected += x * x;
    }
    assertEquals(expected, dot.item(), 1e-5);

    Tensor batch = TestTensors.uniform(rng, dtype, 2, 4, 3);
    Tensor vb = v.matmul(batch);
    assertArrayEquals(new int[] {2, 3}, vb.shape());
    assertProduct(ejml(v.reshape(1, 4), batch.select(0, 1)), vb.select(0, 1), 4);
    Tensor bw = batch.matmul(w);
    assertArrayEquals(new int[] {2, 4}, bw.shape());
    assertProduct(ejml(batch.select(0, 1), w.reshape(3, 1)), bw.select(0, 1), 3);

    Tensor strided = TestTensors.gappy(v);
    assertProduct(ejml(v.reshape(1, 4), m), strided.matmul(m), 4);
  }

  @Test
  void emptyDimsGiveEmptyOrZeroResults() {
    for (DType dtype : DType.values()) {
      Tensor zeroK = Tensor.ones(dtype, 3, 0).matmul(Tensor.ones(dtype, 0, 4));
      assertArrayEquals(new int[] {3, 4}, zeroK.shape());
      assertSameValues(new double[12], zeroK);
      assertArrayEquals(new int[] {0, 4}, Tensor.ones(dtype, 0, 2).matmul(Tensor.ones(dtype, 2, 4)).shape());
      assertArrayEquals(new int[] {3, 0}, Tensor.ones(dtype, 3, 2).matmul(Tensor.ones(dtype, 2, 0)).shape());
      assertArrayEquals(new int[] {0, 3, 2}, Tensor.ones(dtype, 0, 3, 4).matmul(Tensor.ones(dtype, 4, 2)).shape());
    }
  }

  @Test
  void expandedOperandsAreRead() {
    Tensor row = Tensor.of(new double[] {1, 2, 3}, 1, 3);
    Tensor a = row.expand(4, 3); // row stride 0
    Tensor b = Tensor.eye(DType.FLOAT64, 3).mul(2);
    assertSameValues(new double[] {2, 4, 6, 2, 4, 6, 2, 4, 6, 2, 4, 6}, a.matmul(b));
    Tensor col = Tensor.of(new double[] {1, 2, 3}, 3, 1).expand(3, 2); // column stride 0
    assertSameValues(new double[] {2, 2, 4, 4, 6, 6}, b.matmul(col));
  }

  @Test
  void errorsNameTheOpAndShapes() {
    Tensor a = Tensor.zeros(DType.FLOAT32, 2, 3);
    assertEquals(
        "matmul: shapes [2,3] and [4,5] are not aligned (3 columns vs 4 rows)",
        assertThrows(IllegalArgumentException.class, () -> a.matmul(Tensor.zeros(DType.FLOAT32, 4, 5))).getMessage());
    assertEquals(
        "matmul: shapes [2] and [3] are not aligned (2 columns vs 3 rows)",
        assertThrows(
                IllegalArgumentException.class,
                () -> Tensor.zeros(DType.FLOAT32, 2).matmul(Tensor.zeros(DType.FLOAT32, 3)))
            .getMessage());
    assertEquals(
        "matmul: both operands need at least 1 dim, got shapes [] and [2,3]",
        assertThrows(IllegalArgumentException.class, () -> Tensor.scalar(DType.FLOAT32, 1).matmul(a)).getMessage());
    assertEquals(
        "matmul: dtypes float32 and float64 differ (shapes [2,3] and [3,2]); convert one with to()",
        assertThrows(IllegalArgumentException.class, () -> a.matmul(Tensor.zeros(DType.FLOAT64, 3, 2))).getMessage());
    assertEquals(
        "matmul: batch dims [2] and [3] of shapes [2,2,3] and [3,3,4] cannot broadcast",
        assertThrows(
                IllegalArgumentException.class,
                () -> Tensor.zeros(DType.FLOAT32, 2, 2, 3).matmul(Tensor.zeros(DType.FLOAT32, 3, 3, 4)))
            .getMessage());
  }

  @Test
  void float32AndFloat64Agree() {
    Rng rng = new Rng(31);
    Tensor a = TestTensors.uniform(rng, DType.FLOAT64, 37, 129);
    Tensor b = TestTensors.uniform(rng, DType.FLOAT64, 129, 41);
    Tensor exact = a.to(DType.FLOAT32).to(DType.FLOAT64).matmul(b.to(DType.FLOAT32).to(DType.FLOAT64));
    Tensor single = a.to(DType.FLOAT32).matmul(b.to(DType.FLOAT32));
    TestTensors.assertClose(exact.toDoubleArray(), single, 1e-4, 1e-4);
    TestTensors.assertClose(a.matmul(b).toDoubleArray(), single, 1e-4, 1e-4);
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void resultBitsDoNotDependOnTheThreadCount(DType dtype) {
    Rng rng = new Rng(41);
    Tensor a = TestTensors.uniform(rng, dtype, 150, 170);
    Tensor b = TestTensors.uniform(rng, dtype, 170, 130).t().contiguous().t();
    Tensor batchA = TestTensors.uniform(rng, dtype, 9, 20, 30);
    Tensor batchB = TestTensors.uniform(rng, dtype, 30, 10);
    Parallel.setThreads(1);
    Tensor one = a.matmul(b);
    Tensor batchOne = batchA.matmul(batchB);
    Parallel.setThreads(2);
    assertSameValues(one.toDoubleArray(), a.matmul(b));
    assertSameValues(batchOne.toDoubleArray(), batchA.matmul(batchB));
    Parallel.setThreads(3);
    assertSameValues(one.toDoubleArray(), a.matmul(b));
    assertSameValues(batchOne.toDoubleArray(), batchA.matmul(batchB));
    assertProduct(ejml(a, b), one, 170);
  }
}
