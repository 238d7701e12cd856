package dev.wengert.core;

import static dev.wengert.core.TestTensors.assertSameValues;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Unary and scalar elementwise ops, where, clamp and relu, against {@link Math} on random data. */
class ElementwiseTest {

  private static final double[] SPECIALS = {
    0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 3.75, -2.25, 1e-30, -1e-30, 80, -80, 1e30, Double.NaN,
    Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY
  };

  private static Arguments unary(String name, UnaryOperator<Tensor> op, DoubleUnaryOperator reference) {
    return Arguments.of(name, op, reference);
  }

  static Stream<Arguments> unaryOps() {
    return Stream.of(
        unary("neg", Tensor::neg, x -> -x),
        unary("abs", Tensor::abs, Math::abs),
        unary("exp", Tensor::exp, Math::exp),
        unary("log", Tensor::log, Math::log),
        unary("log1p", Tensor::log1p, Math::log1p),
        unary("expm1", Tensor::expm1, Math::expm1),
        unary("sqrt", Tensor::sqrt, Math::sqrt),
        unary("square", Tensor::square, x -> x * x),
        unary("reciprocal", Tensor::reciprocal, x -> 1 / x),
        unary("sign", Tensor::sign, Math::signum),
        unary("sin", Tensor::sin, Math::sin),
        unary("cos", Tensor::cos, Math::cos),
        unary("tanh", Tensor::tanh, Math::tanh),
        unary("floor", Tensor::floor, Math::floor),
        unary("ceil", Tensor::ceil, Math::ceil),
        unary("relu", Tensor::relu, x -> Double.isNaN(x) ? x : (x > 0 ? x : 0.0)),
        unary("clamp", t -> t.clamp(-0.5, 1.25), x -> Double.isNaN(x) ? x : Math.max(-0.5, Math.min(1.25, x))),
        unary("add(double)", t -> t.add(0.75), x -> x + 0.75),
        unary("sub(double)", t -> t.sub(0.75), x -> x - 0.75),
        unary("mul(double)", t -> t.mul(-3.0), x -> x * -3.0),
        unary("div(double)", t -> t.div(7.0), x -> x / 7.0),
        unary("pow(2)", t -> t.pow(2.0), x -> x * x),
        unary("pow(3)", t -> t.pow(3.0), x -> Math.pow(x, 3)),
        unary("pow(0.5)", t -> t.pow(0.5), x -> Math.pow(x, 0.5)),
        unary("gt(double)", t -> t.gt(0.25), x -> x > 0.25 ? 1 : 0),
        unary("lt(double)", t -> t.lt(0.25), x -> x < 0.25 ? 1 : 0),
        unary("map", t -> t.map(Math::cbrt), Math::cbrt));
  }

  static Stream<Arguments> unaryOpsWithLayouts() {
    List<Arguments> out = new ArrayList<>();
    unaryOps()
        .forEach(
            args -> {
              for (DType dtype : DType.values()) {
                for (boolean gappy : new boolean[] {false, true}) {
                  Object[] a = args.get();
                  out.add(Arguments.of(a[0], dtype, gappy, a[1], a[2]));
                }
              }
            });
    return out.stream();
  }

  /** Random values in (-4, 4) followed by the special values, as a [7, n] tensor. */
  private static Tensor data(DType dtype, boolean gappy) {
    Tensor random = Tensor.rand(new Rng(11), DType.FLOAT64, 7 * 40 - SPECIALS.length).mul(8).sub(4);
    double[] values = new double[7 * 40];
    System.arraycopy(random.toDoubleArray(), 0, values, 0, random.numel());
    System.arraycopy(SPECIALS, 0, values, random.numel(), SPECIALS.length);
    Tensor t = Tensor.of(values, 7, 40).to(dtype);
    return gappy ? TestTensors.gappy(t) : t;
  }

  @ParameterizedTest(name = "{0} {1} gappy={2}")
  @MethodSource("unaryOpsWithLayouts")
  void unaryOpsMatchMathAndRoundOnce(
      String name, DType dtype, boolean gappy, UnaryOperator<Tensor> op, DoubleUnaryOperator reference) {
    Tensor in = data(dtype, gappy);
    assertEquals(!gappy, in.isContiguous());
    double[] x = in.toDoubleArray();
    double[] expected = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      expected[i] = TestTensors.round(dtype, reference.applyAsDouble(x[i]));
    }
    int version = in.version();
    Tensor out = op.apply(in);
    assertEquals(dtype, out.dtype());
    assertArrayEquals(in.shape(), out.shape());
    assertTrue(out.isContiguous());
    assertFalse(out.sharesStorageWith(in));
    assertSameValues(expected, out);
    assertSameValues(x, in); // the input is untouched
    assertEquals(version, in.version());
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void sigmoidIsStableForLargeMagnitudes(DType dtype) {
    Tensor x = Tensor.of(new double[] {-1000, -40, -1, 0, 1, 40, 1000, Double.NaN}, 8).to(dtype);
    double[] got = x.sigmoid().toDoubleArray();
    double[] xs = x.toDoubleArray();
    for (int i = 0; i < 7; i++) {
      double expected = 1 / (1 + Math.exp(-xs[i]));
      assertEquals(expected, got[i], 1e-15 + (dtype == DType.FLOAT32 ? 1e-7 : 1e-16) * expected, "x=" + xs[i]);
    }
    assertEquals(0.0, got[0]);
    assertEquals(1.0, got[6]);
    assertEquals(0.5, got[3]);
    assertTrue(Double.isNaN(got[7]));
  }

  @Test
  void reluKeepsNaNOnEveryPath() {
    double[] values = {Double.NaN, -1, 2, -0.0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
    double[] expected = {Double.NaN, 0, 2, 0, 0, Double.POSITIVE_INFINITY};
    for (DType dtype : DType.values()) {
      Tensor t = Tensor.of(values, 6).to(dtype);
      assertSameValues(expected, t.relu()); // float32: the kernel path
      assertSameValues(expected, TestTensors.gappy(t).relu()); // the strided path
      // a long input exercises the vector kernel's main loop and tail
      Tensor longer = Tensor.of(values, 1, 6).expand(37, 6).contiguous().to(dtype);
      double[] many = new double[37 * 6];
      for (int i = 0; i < many.length; i++) {
        many[i] = expected[i % 6];
      }
      assertSameValues(many, longer.relu());
      assertSameValues(many, longer.narrow(0, 0, 37).reshape(222).relu());
    }
  }

  @Test
  void copiesOfBroadcastValuesFillTheOutput() {
    for (DType dtype : DType.values()) {
      Tensor scalar = Tensor.full(dtype, 2.5, 1, 1, 1);
      assertSameValues(new double[] {2.5, 2.5, 2.5, 2.5, 2.5, 2.5}, scalar.expand(2, 1, 3).contiguous());
      Tensor column = Tensor.of(new double[] {1, -2, Double.NaN}, 3, 1).to(dtype);
      assertSameValues(new double[] {1, 1, -2, -2, Double.NaN, Double.NaN}, column.expand(3, 2).contiguous());
      DType other = dtype == DType.FLOAT32 ? DType.FLOAT64 : DType.FLOAT32;
      assertSameValues(new double[] {(float) 0.1, (float) 0.1}, Tensor.full(DType.FLOAT64, 0.1, 1).expand(2).to(DType.FLOAT32));
      assertEquals(other, scalar.expand(2, 1, 3).to(other).dtype());
      Tensor big = Tensor.full(dtype, 0.75, 1).expand(100_003).contiguous();
      assertEquals(100_003, big.numel());
      assertEquals(0.75 * 100_003, big.sum().item());
    }
  }

  @Test
  void clampValidatesItsBounds() {
    assertEquals(
        "clamp: min 2.0 > max 1.0",
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(DType.FLOAT32, 1).clamp(2, 1)).getMessage());
    assertSameValues(new double[] {1, 1, 1}, Tensor.of(new double[] {0, 1, 2}, 3).clamp(1, 1));
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void whereBroadcastsAllThreeOperands(DType dtype) {
    Tensor condition = Tensor.of(new double[] {1, 0, Double.NaN}, 3, 1); // NaN != 0 picks a
    Tensor a = Tensor.arange(dtype, 4).reshape(1, 4);
    Tensor b = Tensor.scalar(dtype, -1);
    Tensor out = Tensor.where(condition, a, b);
    assertEquals(dtype, out.dtype());
    assertArrayEquals(new int[] {3, 4}, out.shape());
    assertSameValues(new double[] {0, 1, 2, 3, -1, -1, -1, -1, 0, 1, 2, 3}, out);
    Tensor gappyOut = Tensor.where(TestTensors.gappy(condition.expand(3, 4).contiguous()), TestTensors.gappy(a), b);
    assertSameValues(out.toDoubleArray(), gappyOut);
    assertEquals(
        "where: shapes [3,1], [1,4] and [2] cannot broadcast",
        assertThrows(IllegalArgumentException.class, () -> Tensor.where(condition, a, Tensor.zeros(dtype, 2)))
            .getMessage());
  }

  @Test
  void whereErrors() {
    Tensor c = Tensor.ones(DType.FLOAT32, 3);
    assertEquals(
        "where: shapes [3], [2] and [2] cannot broadcast",
        assertThrows(
                IllegalArgumentException.class,
                () -> Tensor.where(c, Tensor.zeros(DType.FLOAT32, 2), Tensor.zeros(DType.FLOAT32, 2)))
            .getMessage());
    assertEquals(
        "where: dtypes float32 and float64 differ (shapes [3] and [3]); convert one with to()",
        assertThrows(
                IllegalArgumentException.class,
                () -> Tensor.where(c, Tensor.zeros(DType.FLOAT32, 3), Tensor.zeros(DType.FLOAT64, 3)))
            .getMessage());
  }

  @Test
  void emptyAndScalarTensors() {
    Tensor e = Tensor.zeros(DType.FLOAT32, 0, 3);
    assertArrayEquals(new int[] {0, 3}, e.exp().shape());
    assertArrayEquals(new int[] {0, 3}, e.relu().shape());
    Tensor s = Tensor.scalar(DType.FLOAT64, -2);
    assertEquals(0, s.abs().rank());
    assertEquals(2.0, s.abs().item());
    assertEquals(4.0, s.mapInPlace(x -> x * x).item());
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void largeStridedInputsGiveTheSameBitsOnAnyThreadCount(DType dtype) {
    int before = Parallel.threads();
    try {
      Tensor x = TestTensors.uniform(new Rng(5), dtype, 300, 257).t(); // > PARALLEL_GRAIN elements
      Parallel.setThreads(1);
      double[] one = x.tanh().toDoubleArray();
      Parallel.setThreads(2);
      double[] two = x.tanh().toDoubleArray();
      Parallel.setThreads(3);
      Tensor three = x.tanh();
      assertArrayEquals(one, two);
      assertSameValues(one, three);
      double[] xs = x.toDoubleArray();
      for (int i = 0; i < xs.length; i += 97) {
        assertEquals(TestTensors.round(dtype, Math.tanh(xs[i])), one[i]);
      }
    } finally {
      Parallel.setThreads(before);
    }
  }
}
