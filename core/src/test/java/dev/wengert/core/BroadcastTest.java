package dev.wengert.core;

import static dev.wengert.core.TestTensors.assertSameValues;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.DoubleBinaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Binary ops and in-place ops with NumPy broadcasting, checked against index arithmetic. */
class BroadcastTest {

  private record Op(String name, BinaryOperator<Tensor> apply, DoubleBinaryOperator reference) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final List<Op> BINARY =
      List.of(
          new Op("add", Tensor::add, (a, b) -> a + b),
          new Op("sub", Tensor::sub, (a, b) -> a - b),
          new Op("mul", Tensor::mul, (a, b) -> a * b),
          new Op("div", Tensor::div, (a, b) -> a / b),
          new Op("pow", Tensor::pow, Math::pow),
          new Op("maximum", Tensor::maximum, Math::max),
          new Op("minimum", Tensor::minimum, Math::min),
          new Op("eq", Tensor::eq, (a, b) -> a == b ? 1 : 0),
          new Op("ne", Tensor::ne, (a, b) -> a != b ? 1 : 0),
          new Op("lt", Tensor::lt, (a, b) -> a < b ? 1 : 0),
          new Op("le", Tensor::le, (a, b) -> a <= b ? 1 : 0),
          new Op("gt", Tensor::gt, (a, b) -> a > b ? 1 : 0),
          new Op("ge", Tensor::ge, (a, b) -> a >= b ? 1 : 0),
          new Op("zipWith", (a, b) -> a.zipWith("hypot", b, Math::hypot), Math::hypot));

  private static final int[][][] SHAPE_PAIRS = {
    {{3, 1}, {1, 4}},
    {{5}, {2, 1, 5}},
    {{2, 1, 5}, {5}},
    {{}, {2, 3}},
    {{2, 3}, {}},
    {{}, {}},
    {{0}, {1}},
    {{2, 0}, {2, 1}},
    {{1, 0}, {3, 1}},
    {{2, 3}, {2, 3}},
    {{4, 1, 3}, {2, 1}},
    {{1, 1, 7}, {6, 1}},
    {{33, 17}, {33, 17}},
  };

  static Stream<Arguments> binaryCases() {
    List<Arguments> out = new ArrayList<>();
    for (Op op : BINARY) {
      for (int[][] pair : SHAPE_PAIRS) {
        for (DType dtype : DType.values()) {
          out.add(Arguments.of(op, pair[0], pair[1], dtype));
        }
      }
    }
    return out.stream();
  }

  /** Values that make every comparison both true and false somewhere: small integers and halves, some NaN. */
  private static Tensor operand(DType dtype, int seed, int... shape) {
    Tensor t = Tensor.randint(new Rng(seed), DType.FLOAT64, -3, 4, shape).mul(0.5);
    if (t.numel() > 5) {
      t.reshape(-1).set(Double.NaN, 5);
    }
    return t.to(dtype);
  }

  private static double[] reference(Tensor a, Tensor b, int[] outShape, DoubleBinaryOperator f, DType dtype) {
    double[] av = a.toDoubleArray();
    double[] bv = b.toDoubleArray();
    double[] out = new double[Shapes.numel(outShape)];
    for (int i = 0; i < out.length; i++) {
      int[] idx = TestTensors.unravel(i, outShape);
      out[i] =
          TestTensors.round(
              dtype, f.applyAsDouble(av[TestTensors.broadcastSource(idx, a.shape())], bv[TestTensors.broadcastSource(idx, b.shape())]));
    }
    return out;
  }

  @ParameterizedTest(name = "{0} {1} x {2} {3}")
  @MethodSource("binaryCases")
  void binaryOpsBroadcastLikeNumPy(Op op, int[] shapeA, int[] shapeB, DType dtype) {
    Tensor a = operand(dtype, 1, shapeA);
    Tensor b = operand(dtype, 2, shapeB);
    int[] outShape = Shapes.broadcast("test", shapeA, shapeB);
    double[] expected = reference(a, b, outShape, op.reference(), dtype);
    Tensor out = op.apply().apply(a, b);
    assertArrayEquals(outShape, out.shape());
    assertEquals(dtype, out.dtype());
    assertSameValues(expected, out);
    // The same through non-contiguous layouts (which also leaves the float32 fast paths).
    assertSameValues(expected, op.apply().apply(TestTensors.gappy(a), b));
    assertSameValues(expected, op.apply().apply(a, TestTensors.gappy(b)));
    assertSameValues(expected, op.apply().apply(TestTensors.gappy(a), TestTensors.gappy(b)));
  }

  @Test
  void aTensorCombinedWithItselfOrAnotherLayoutOfItself() {
    Tensor x = Tensor.arange(DType.FLOAT32, 6).reshape(2, 3);
    assertSameValues(new double[] {0, 2, 4, 6, 8, 10}, x.add(x));
    assertSameValues(new double[] {0, 6, 2, 8, 4, 10}, x.t().add(x.t().contiguous()));
    assertSameValues(new double[] {0, 3, 6, 9, 12, 15}, x.add(x.reshape(3, 2).t().t().reshape(2, 3)).add(x.t().t()));
  }

  @Test
  void maximumAndMinimumPropagateNaN() {
    Tensor a = Tensor.of(new double[] {Double.NaN, 1, 2}, 3);
    Tensor b = Tensor.of(new double[] {0, Double.NaN, 1}, 3);
    assertSameValues(new double[] {Double.NaN, Double.NaN, 2}, a.maximum(b));
    assertSameValues(new double[] {Double.NaN, Double.NaN, 1}, a.minimum(b));
  }

  static Stream<Arguments> opNames() {
    return Stream.of(
        Arguments.of("add", (BinaryOperator<Tensor>) Tensor::add),
        Arguments.of("sub", (BinaryOperator<Tensor>) Tensor::sub),
        Arguments.of("mul", (BinaryOperator<Tensor>) Tensor::mul),
        Arguments.of("div", (BinaryOperator<Tensor>) Tensor::div),
        Arguments.of("maximum", (BinaryOperator<Tensor>) Tensor::maximum),
        Arguments.of("ge", (BinaryOperator<Tensor>) Tensor::ge));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("opNames")
  void errorsNameTheOpAndBothShapes(String name, BinaryOperator<Tensor> op) {
    Tensor a = Tensor.zeros(DType.FLOAT32, 2, 3);
    assertEquals(
        name + ": shapes [2,3] and [4,3] cannot broadcast (dim 0: 2 vs 4)",
        assertThrows(IllegalArgumentException.class, () -> op.apply(a, Tensor.zeros(DType.FLOAT32, 4, 3))).getMessage());
    assertEquals(
        name + ": dtypes float32 and float64 differ (shapes [2,3] and [2,3]); convert one with to()",
        assertThrows(IllegalArgumentException.class, () -> op.apply(a, Tensor.zeros(DType.FLOAT64, 2, 3))).getMessage());
  }

  // ------------------------------------------------------------------ in place

  private record InPlace(String name, BinaryOperator<Tensor> apply, DoubleBinaryOperator reference) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final List<InPlace> IN_PLACE =
      List.of(
          new InPlace("addInPlace", Tensor::addInPlace, (a, b) -> a + b),
          new InPlace("addScaledInPlace", (t, o) -> t.addScaledInPlace(-0.5, o), (a, b) -> a + -0.5 * b),
          new InPlace("subInPlace", Tensor::subInPlace, (a, b) -> a - b),
          new InPlace("mulInPlace", Tensor::mulInPlace, (a, b) -> a * b),
          new InPlace("divInPlace", Tensor::divInPlace, (a, b) -> a / b),
          new InPlace("copyFrom", Tensor::copyFrom, (a, b) -> b),
          new InPlace("zipInPlace", (t, o) -> t.zipInPlace("atan2", o, Math::atan2), Math::atan2));

  private static final int[][] OTHER_SHAPES = {{3, 4}, {1, 4}, {4}, {3, 1}, {}};

  static Stream<Arguments> inPlaceCases() {
    List<Arguments> out = new ArrayList<>();
    for (InPlace op : IN_PLACE) {
      for (int[] other : OTHER_SHAPES) {
        for (DType dtype : DType.values()) {
          for (String target : new String[] {"contiguous", "transposed", "strided"}) {
            out.add(Arguments.of(op, other, dtype, target));
          }
        }
      }
    }
    return out.stream();
  }

  /** A [3,4] target inside a larger base, so writes outside the target can be detected. */
  private static Tensor target(Tensor base, String layout) {
    switch (layout) {
      case "contiguous":
        return base.narrow(0, 1, 3).narrow(1, 0, 4); // rows 1..3 of [5,4]: contiguous, offset 4
      case "transposed":
        return base.narrow(0, 0, 4).narrow(1, 1, 3).t(); // [3,4] with strides [1,4]
      default:
        return base.slice(0, 0, 5, 2); // rows 0, 2, 4: strides [8,1]
    }
  }

  @ParameterizedTest(name = "{0} {1} {2} {3}")
  @MethodSource("inPlaceCases")
  void inPlaceOpsBroadcastTheOtherOperandIntoTheTarget(InPlace op, int[] otherShape, DType dtype, String layout) {
    Tensor base = Tensor.arange(DType.FLOAT64, 20).add(1).reshape(5, 4).to(dtype);
    Tensor t = target(base, layout);
    assertArrayEquals(new int[] {3, 4}, t.shape());
    Tensor other = operand(dtype, 3, otherShape);
    double[] before = t.toDoubleArray();
    double[] baseBefore = base.toDoubleArray();
    double[] expected = new double[12];
    double[] ov = other.toDoubleArray();
    for (int i = 0; i < 12; i++) {
      int[] idx = TestTensors.unravel(i, new int[] {3, 4});
      expected[i] = TestTensors.round(dtype, op.reference().applyAsDouble(before[i], ov[TestTensors.broadcastSource(idx, otherShape)]));
    }
    Tensor result = op.apply().apply(t, other);
    assertSame(t, result);
    assertSameValues(expected, t);
    assertEquals(1, base.version());
    // Nothing outside the target changed.
    Tensor probe = Tensor.zerosLike(base).copyFrom(base);
    target(probe, layout).copyFrom(Tensor.of(before, 3, 4).to(dtype));
    assertSameValues(baseBefore, probe);
  }

  @Test
  void addScaledInPlaceWithAnyAlphaAgreesAcrossPaths() {
    Tensor other = TestTensors.uniform(new Rng(9), DType.FLOAT32, 40, 30);
    Tensor fast = TestTensors.uniform(new Rng(10), DType.FLOAT32, 40, 30);
    Tensor strided = TestTensors.gappy(fast.copy());
    Tensor ref = fast.to(DType.FLOAT64);
    fast.addScaledInPlace(0.3, other);
    strided.addScaledInPlace(0.3, other);
    ref.addScaledInPlace(0.3, other.to(DType.FLOAT64));
    TestTensors.assertClose(ref.toDoubleArray(), fast, 1e-6, 1e-6);
    TestTensors.assertClose(ref.toDoubleArray(), strided, 1e-6, 1e-6);
  }

  @Test
  void copyFromConvertsDtypes() {
    Tensor t = Tensor.zeros(DType.FLOAT32, 2, 2);
    t.copyFrom(Tensor.of(new double[] {0.1, 1e300}, 2));
    assertSameValues(new double[] {0.1f, Double.POSITIVE_INFINITY, 0.1f, Double.POSITIVE_INFINITY}, t);
    Tensor d = Tensor.zeros(DType.FLOAT64, 2).copyFrom(Tensor.of(new float[] {0.1f, 2}, 2));
    assertSameValues(new double[] {0.1f, 2}, d);
  }

  @Test
  void fillWritesOnlyTheView() {
    Tensor base = Tensor.zeros(DType.FLOAT32, 4, 5);
    base.narrow(1, 1, 2).fill(7);
    base.slice(0, 1, 4, 2).select(1, 4).fill(-1);
    assertSameValues(
        new double[] {0, 7, 7, 0, 0, 0, 7, 7, 0, -1, 0, 7, 7, 0, 0, 0, 7, 7, 0, -1},
        base);
    assertEquals(2, base.version());
    Tensor empty = base.narrow(0, 4, 0);
    empty.fill(3);
    assertEquals(3, base.version());
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void inPlaceErrorsNameTheOpAndShapes(DType dtype) {
    Tensor t = Tensor.zeros(dtype, 3);
    assertEquals(
        "addInPlace: shape [2,3] cannot be broadcast into the in-place target of shape [3]",
        assertThrows(IllegalArgumentException.class, () -> t.addInPlace(Tensor.zeros(dtype, 2, 3))).getMessage());
    assertEquals(
        "mulInPlace: shapes [3] and [2] cannot broadcast (dim 0: 3 vs 2)",
        assertThrows(IllegalArgumentException.class, () -> t.mulInPlace(Tensor.zeros(dtype, 2))).getMessage());
    assertEquals(
        "subInPlace: shape [3,1] cannot be broadcast into the in-place target of shape [3]",
        assertThrows(IllegalArgumentException.class, () -> t.subInPlace(Tensor.zeros(dtype, 3, 1))).getMessage());
    assertEquals(
        "copyFrom: shape [2,3] cannot be written into shape [3]",
        assertThrows(IllegalArgumentException.class, () -> t.copyFrom(Tensor.zeros(dtype, 2, 3))).getMessage());
    assertEquals(
        "copyFrom: shape [1,3] cannot be written into shape [3]",
        assertThrows(IllegalArgumentException.class, () -> t.copyFrom(Tensor.zeros(dtype, 1, 3))).getMessage());
    assertEquals(
        "copyFrom: shapes [3] and [4] cannot broadcast (dim 0: 3 vs 4)",
        assertThrows(IllegalArgumentException.class, () -> t.copyFrom(Tensor.zeros(dtype, 4))).getMessage());
    DType otherType = dtype == DType.FLOAT32 ? DType.FLOAT64 : DType.FLOAT32;
    assertEquals(
        "addScaledInPlace: dtypes " + dtype + " and " + otherType + " differ (shapes [3] and [3]); convert one with to()",
        assertThrows(IllegalArgumentException.class, () -> t.addScaledInPlace(2, Tensor.zeros(otherType, 3))).getMessage());
    assertEquals(0, t.version());
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void largeBroadcastsGiveTheSameBitsOnAnyThreadCount(DType dtype) {
    int before = Parallel.threads();
    try {
      Tensor a = TestTensors.uniform(new Rng(1), dtype, 257, 300).t(); // [300,257], strides [1,300]
      Tensor b = TestTensors.uniform(new Rng(2), dtype, 257);
      Parallel.setThreads(1);
      Tensor one = a.mul(b).sub(b);
      Tensor inPlaceOne = a.copy().addScaledInPlace(0.25, b);
      Parallel.setThreads(2);
      Tensor two = a.mul(b).sub(b);
      Tensor inPlaceTwo = a.copy().addScaledInPlace(0.25, b);
      assertSameValues(one.toDoubleArray(), two);
      assertSameValues(inPlaceOne.toDoubleArray(), inPlaceTwo);
      double[] av = a.toDoubleArray();
      double[] bv = b.toDoubleArray();
      double[] got = two.toDoubleArray();
      for (int i = 0; i < av.length; i += 101) {
        double prod = TestTensors.round(dtype, av[i] * bv[i % 257]);
        assertEquals(TestTensors.round(dtype, prod - bv[i % 257]), got[i]);
      }
    } finally {
      Parallel.setThreads(before);
    }
  }
}
