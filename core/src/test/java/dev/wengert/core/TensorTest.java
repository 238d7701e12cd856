package dev.wengert.core;

import static dev.wengert.core.TestTensors.assertSameValues;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Creation, metadata, element access and value comparison. */
class TensorTest {

  @ParameterizedTest
  @EnumSource(DType.class)
  void zerosOnesFullHaveShapeStridesAndValues(DType dtype) {
    Tensor z = Tensor.zeros(dtype, 2, 3, 4);
    assertEquals(dtype, z.dtype());
    assertArrayEquals(new int[] {2, 3, 4}, z.shape());
    assertArrayEquals(new int[] {12, 4, 1}, z.strides());
    assertEquals(0, z.offset());
    assertEquals(24, z.numel());
    assertEquals(3, z.rank());
    assertTrue(z.isContiguous());
    assertEquals(0, z.version());
    assertSameValues(new double[24], z);

    double[] ones = new double[6];
    Arrays.fill(ones, 1.0);
    assertSameValues(ones, Tensor.ones(dtype, 2, 3));

    double[] full = new double[6];
    Arrays.fill(full, TestTensors.round(dtype, 0.1));
    assertSameValues(full, Tensor.full(dtype, 0.1, 3, 2));
  }

  @Test
  void shapeArgumentsAreCopied() {
    int[] shape = {2, 3};
    Tensor t = Tensor.zeros(DType.FLOAT32, shape);
    shape[0] = 5;
    assertArrayEquals(new int[] {2, 3}, t.shape());
    t.shape()[1] = 9;
    assertArrayEquals(new int[] {2, 3}, t.shape());
  }

  @Test
  void negativeSizesAreRejected() {
    assertEquals(
        "negative size in shape [2,-1]",
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(DType.FLOAT32, 2, -1)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[2], -1, -2));
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void scalarsAndEmptyTensors(DType dtype) {
    Tensor s = Tensor.scalar(dtype, 2.5);
    assertEquals(0, s.rank());
    assertEquals(1, s.numel());
    assertEquals(2.5, s.item());
    assertEquals(2.5, s.get());
    Tensor e = Tensor.zeros(dtype, 3, 0);
    assertEquals(0, e.numel());
    assertEquals(0, e.toDoubleArray().length);
    assertTrue(e.isContiguous());
    Tensor like = Tensor.zerosLike(Tensor.ones(dtype, 4, 1));
    assertEquals(dtype, like.dtype());
    assertArrayEquals(new int[] {4, 1}, like.shape());
    assertSameValues(new double[4], like);
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void arangeFollowsNumPy(DType dtype) {
    assertSameValues(new double[] {0, 1, 2, 3, 4}, Tensor.arange(dtype, 5));
    assertSameValues(new double[] {0, 0.25, 0.5, 0.75}, Tensor.arange(dtype, 0, 1, 0.25));
    assertSameValues(new double[] {5, 3, 1}, Tensor.arange(dtype, 5, 0, -2));
    assertSameValues(new double[] {1, 3}, Tensor.arange(dtype, 1, 4, 2));
    assertEquals(0, Tensor.arange(dtype, 0, 0, 1).numel());
    assertEquals(0, Tensor.arange(dtype, 3, 0, 1).numel());
    assertEquals(
        "arange: step must be finite and non-zero, got 0.0",
        assertThrows(IllegalArgumentException.class, () -> Tensor.arange(dtype, 0, 1, 0)).getMessage());
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void eyeIsTheIdentity(DType dtype) {
    assertSameValues(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, Tensor.eye(dtype, 3));
    assertEquals(0, Tensor.eye(dtype, 0).numel());
  }

  @Test
  void ofCopiesAndWrapShares() {
    float[] f = {1, 2, 3, 4, 5, 6};
    Tensor copied = Tensor.of(f, 2, 3);
    Tensor wrapped = Tensor.wrap(f, 3, 2);
    f[0] = 42;
    assertEquals(1.0, copied.get(0, 0));
    assertEquals(42.0, wrapped.get(0, 0));
    assertSame(f, wrapped.floatData());

    double[] d = {1, 2, 3};
    Tensor dc = Tensor.of(d, 3);
    Tensor dw = Tensor.wrap(d, 3);
    d[2] = -1;
    assertEquals(DType.FLOAT64, dc.dtype());
    assertEquals(3.0, dc.get(2));
    assertEquals(-1.0, dw.get(2));

    assertEquals(
        "of: 5 values do not fill shape [2,3] (6 elements)",
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 3)).getMessage());
    assertEquals(
        "wrap: 5 values do not fill shape [2,3]",
        assertThrows(IllegalArgumentException.class, () -> Tensor.wrap(new double[5], 2, 3)).getMessage());
  }

  @Test
  void rawDataAccessorsCheckTheDtype() {
    Tensor f = Tensor.zeros(DType.FLOAT32, 2);
    assertEquals(
        "doubleData: tensor is float32",
        assertThrows(IllegalArgumentException.class, f::doubleData).getMessage());
    assertEquals(
        "floatData: tensor is float64",
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(DType.FLOAT64, 2).floatData()).getMessage());
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void randIsSeededAndInTheUnitInterval(DType dtype) {
    Tensor a = Tensor.rand(new Rng(7), dtype, 100, 10);
    Tensor b = Tensor.rand(new Rng(7), dtype, 100, 10);
    Tensor c = Tensor.rand(new Rng(8), dtype, 100, 10);
    assertTrue(a.valueEquals(b));
    assertFalse(a.valueEquals(c));
    DescriptiveStatistics stats = new DescriptiveStatistics(a.toDoubleArray());
    assertTrue(stats.getMin() >= 0 && stats.getMax() < 1, stats::toString);
    assertEquals(0.5, stats.getMean(), 0.03);
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void randnHasStandardNormalMoments(DType dtype) {
    Tensor a = Tensor.randn(new Rng(123), dtype, 100_000);
    assertTrue(a.valueEquals(Tensor.randn(new Rng(123), dtype, 100_000)));
    double[] v = a.toDoubleArray();
    DescriptiveStatistics stats = new DescriptiveStatistics(v);
    assertEquals(0.0, stats.getMean(), 0.015); // ~5 standard errors
    assertEquals(1.0, stats.getVariance(), 0.025);
    assertEquals(0.0, stats.getSkewness(), 0.05);
    assertEquals(0.0, stats.getKurtosis(), 0.1); // excess kurtosis
    double p = new KolmogorovSmirnovTest().kolmogorovSmirnovTest(new NormalDistribution(0, 1), v);
    assertTrue(p > 1e-3, "KS p-value " + p);
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void randintCoversExactlyTheHalfOpenRange(DType dtype) {
    Tensor t = Tensor.randint(new Rng(3), dtype, -3, 4, 50, 40);
    assertTrue(t.valueEquals(Tensor.randint(new Rng(3), dtype, -3, 4, 50, 40)));
    int[] counts = new int[7];
    for (double x : t.toDoubleArray()) {
      assertEquals(Math.rint(x), x);
      assertTrue(x >= -3 && x < 4, () -> "out of range: " + x);
      counts[(int) x + 3]++;
    }
    for (int c : counts) {
      assertTrue(c > 200, () -> Arrays.toString(counts)); // expected 2000/7 = 286 each
    }
    assertEquals(
        "randint: low 4 must be < high 4",
        assertThrows(IllegalArgumentException.class, () -> Tensor.randint(new Rng(1), dtype, 4, 4, 2)).getMessage());
    Tensor wide = Tensor.randint(new Rng(5), DType.FLOAT64, Integer.MIN_VALUE, Integer.MAX_VALUE, 1000);
    DescriptiveStatistics stats = new DescriptiveStatistics(wide.toDoubleArray());
    assertTrue(stats.getMin() < -1e9 && stats.getMax() > 1e9, stats::toString);
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void getAndSetWithNegativeIndicesBumpTheVersion(DType dtype) {
    Tensor t = Tensor.arange(dtype, 6).reshape(2, 3);
    assertEquals(5.0, t.get(-1, -1));
    assertEquals(3.0, t.get(1, 0));
    assertEquals(4.0, t.getFlat(4));
    t.set(-7, -2, 1);
    assertEquals(1, t.version());
    assertEquals(-7.0, t.get(0, 1));
    IndexOutOfBoundsException oob = assertThrows(IndexOutOfBoundsException.class, () -> t.get(2, 0));
    assertEquals("get: index 2 is out of range for dim 0 of shape [2,3]", oob.getMessage());
    assertEquals(
        "set: index -4 is out of range for dim 1 of shape [2,3]",
        assertThrows(IndexOutOfBoundsException.class, () -> t.set(0, 0, -4)).getMessage());
    assertThrows(IndexOutOfBoundsException.class, () -> t.get(0, -4));
    assertEquals(
        "get: 1 indices for shape [2,3]",
        assertThrows(IllegalArgumentException.class, () -> t.get(1)).getMessage());
    assertEquals(
        "set: 3 indices for shape [2,3]",
        assertThrows(IllegalArgumentException.class, () -> t.set(1, 0, 0, 0)).getMessage());
    assertEquals(
        "getFlat: index 6 out of range for 6 elements",
        assertThrows(IllegalArgumentException.class, () -> t.getFlat(6)).getMessage());
    assertEquals(
        "item: tensor of shape [2,3] has 6 elements, not 1",
        assertThrows(IllegalArgumentException.class, t::item).getMessage());
    assertEquals(1, t.version());
  }

  @Test
  void float32StoresRoundedValues() {
    Tensor t = Tensor.zeros(DType.FLOAT32, 1);
    t.set(0.1, 0);
    assertEquals((double) 0.1f, t.get(0));
    assertArrayEquals(new float[] {0.1f}, t.toFloatArray());
  }

  @Test
  void metadataAccessorsAcceptNegativeDims() {
    Tensor t = Tensor.zeros(DType.FLOAT64, 2, 3, 4);
    assertEquals(4, t.size(-1));
    assertEquals(2, t.size(0));
    assertEquals(4, t.stride(-2));
    assertEquals(
        "size: dim 3 is out of range for shape [2,3,4] (rank 3)",
        assertThrows(IllegalArgumentException.class, () -> t.size(3)).getMessage());
    assertEquals(
        "stride: dim -4 is out of range for shape [2,3,4] (rank 3)",
        assertThrows(IllegalArgumentException.class, () -> t.stride(-4)).getMessage());
  }

  @Test
  void toConvertsDtypeAndReturnsThisWhenAlreadyThere() {
    Tensor d = Tensor.of(new double[] {0.1, 1e300, -2.5}, 3);
    assertSame(d, d.to(DType.FLOAT64));
    Tensor f = d.to(DType.FLOAT32);
    assertEquals(DType.FLOAT32, f.dtype());
    assertFalse(f.sharesStorageWith(d));
    assertSameValues(new double[] {0.1f, Double.POSITIVE_INFINITY, -2.5}, f);
    assertSameValues(new double[] {0.1f, Double.POSITIVE_INFINITY, -2.5}, f.to(DType.FLOAT64));
    float[] fa = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2).t().toFloatArray();
    assertArrayEquals(new float[] {1, 3, 2, 4}, fa);
  }

  @Test
  void copySharesNothing() {
    Tensor a = Tensor.arange(DType.FLOAT32, 4);
    Tensor c = a.copy();
    assertFalse(c.sharesStorageWith(a));
    c.set(9, 0);
    assertEquals(0.0, a.get(0));
    assertEquals(0, a.version());
  }

  @Test
  void equalsIsIdentity() {
    Tensor a = Tensor.ones(DType.FLOAT32, 2);
    Tensor b = Tensor.ones(DType.FLOAT32, 2);
    assertEquals(a, a);
    assertNotEquals(a, b);
    assertTrue(a.valueEquals(b));
    assertNotEquals(a, a.reshape(2)); // a view is another object even with the same storage
    assertEquals(System.identityHashCode(a), a.hashCode());
  }

  @Test
  void allCloseUsesNumPysAsymmetricTolerance() {
    Tensor a = Tensor.of(new double[] {1.0, 100.0}, 2);
    Tensor b = Tensor.of(new double[] {1.0 + 1e-6, 100.0 + 1e-4}, 2);
    assertTrue(a.allClose(b, 1e-5, 1e-8));
    assertFalse(a.allClose(b, 1e-7, 1e-8));
    assertTrue(a.allClose(b, 0, 2e-4));
    // |a - b| <= atol + rtol * |b|: the tolerance scales with the second operand.
    Tensor x = Tensor.of(new double[] {0}, 1);
    Tensor y = Tensor.of(new double[] {1}, 1);
    assertTrue(x.allClose(y, 1.0, 0));
    assertFalse(y.allClose(x, 1.0, 0));
    // Shapes must match exactly (no broadcasting), dtypes may differ.
    assertFalse(a.allClose(a.reshape(1, 2), 1, 1));
    assertTrue(a.allClose(a.to(DType.FLOAT32), 0, 0));
    // NaN is never close; equal infinities are.
    Tensor nan = Tensor.of(new double[] {Double.NaN}, 1);
    assertFalse(nan.allClose(nan, 1, 1));
    Tensor inf = Tensor.of(new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}, 2);
    assertTrue(inf.allClose(inf.copy(), 0, 0));
    assertFalse(inf.allClose(inf.neg(), 1, 1));
  }

  @Test
  void valueEqualsComparesDtypeShapeAndValues() {
    Tensor a = Tensor.of(new double[] {1, Double.NaN, 0.0}, 3);
    assertTrue(a.valueEquals(Tensor.of(new double[] {1, Double.NaN, -0.0}, 3)));
    assertFalse(a.valueEquals(a.to(DType.FLOAT32)));
    assertFalse(a.valueEquals(a.reshape(3, 1)));
    assertFalse(a.valueEquals(Tensor.of(new double[] {1, Double.NaN, 1e-300}, 3)));
    Tensor m = Tensor.arange(DType.FLOAT64, 6).reshape(2, 3);
    assertTrue(m.t().valueEquals(m.t().contiguous()));
  }
}
