package dev.wengert.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.wengert.autodiff.Autodiff;
import dev.wengert.autodiff.Var;
import dev.wengert.autodiff.ops.Ops;
import dev.wengert.core.DType;
import dev.wengert.core.PoolGeometry;
import dev.wengert.core.Rng;
import dev.wengert.core.Tensor;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Sequential's ReLU-then-max-pool reordering gives exactly the values and gradients of the plain order. */
class SequentialTest {

  static Stream<Arguments> cases() {
    List<PoolGeometry> geometries = List.of(
        PoolGeometry.of(2),
        new PoolGeometry(3, 3, 1, 1, 1, 1, 1, 1, false), // overlapping windows with padding
        new PoolGeometry(2, 3, 2, 1, 0, 1, 2, 1, true)); // dilation and ceil mode
    return Stream.of(DType.FLOAT32, DType.FLOAT64)
        .flatMap(dtype -> geometries.stream().map(geo -> Arguments.of(dtype, geo)));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void reluThenMaxPoolMatchesThePlainOrderBitForBit(DType dtype, PoolGeometry geo) {
    Rng rng = new Rng(11);
    // Values from a small set, so windows hold ties, zeros of both signs, all-negative windows and NaNs.
    double[] pool = {-2, -1, -0.0, 0, 1, 1, 2, Double.NaN};
    Tensor x = Tensor.randint(rng, DType.FLOAT64, 0, pool.length, 2, 3, 7, 8).map(i -> pool[(int) i]).to(dtype);
    Tensor seed = Tensor.randn(rng, dtype, Ops.maxPool2d(Var.constant(x), geo).shape());

    Var reordered = Var.parameter(x.copy());
    Var yReordered = new Sequential(Activation.relu(), Pool2d.max(geo)).forward(reordered);
    Var plain = Var.parameter(x.copy());
    Var yPlain = Ops.maxPool2d(Ops.relu(plain), geo);
    Var gradReordered = gradient(yReordered, seed, reordered);
    Var gradPlain = gradient(yPlain, seed, plain);

    assertArrayEquals(bits(yPlain.value()), bits(yReordered.value()), "values");
    assertArrayEquals(bits(gradPlain.value()), bits(gradReordered.value()), "gradients");
  }

  private static Var gradient(Var output, Tensor seed, Var input) {
    return Autodiff.grad(List.of(output), List.of(Var.constant(seed)), List.of(input), false, false, false).get(0);
  }

  private static long[] bits(Tensor t) {
    double[] values = t.to(DType.FLOAT64).toDoubleArray();
    long[] bits = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      bits[i] = Double.doubleToRawLongBits(values[i]);
    }
    return bits;
  }
}
