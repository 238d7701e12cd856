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

  /**
   * Batch norm, ReLU, max pooling: Sequential runs the batch norm and the pooling as one op, which
   * must give the values, the gradients of the input, weight and bias, and the running statistics
   * of the layers applied one by one, bit for bit, in training and in evaluation (its training rule
   * in float32 scatters the pooled gradient one plane at a time, overlapping windows included; ties,
   * a negative zero, a plane tail and an infinite input are in the cases).
   */
  @ParameterizedTest
  @MethodSource("cases")
  void batchNormThenReluThenMaxPoolMatchesTheLayersOneByOne(DType dtype, PoolGeometry geo) {
    // 6x9 planes (54 values: the fixed-order sums' whole blocks and a tail that windows cover); 7x9
    // with ties (values from a small set) and an odd row no window covers; then a plane with an
    // infinity, whose zero gradients must make NaNs (0·∞) exactly where the scattered map does.
    double[] values = {-1, -0.5, 0, 0.5, 1, 2};
    for (int variant = 0; variant < 4; variant++) {
      boolean training = variant != 1;
      Rng rng = new Rng(12 + variant);
      Tensor x = variant == 2
          ? Tensor.randint(rng, DType.FLOAT64, 0, values.length, 2, 3, 7, 9).map(i -> values[(int) i]).to(dtype)
          : Tensor.randn(rng, DType.FLOAT64, 2, 3, 6, 9).to(dtype);
      if (variant == 3) {
        x.set(Double.POSITIVE_INFINITY, 1, 2, 3, 4);
      }
      BatchNorm fusedNorm = BatchNorm.of(3, 4, 1e-5, 0.1, true, dtype);
      BatchNorm plainNorm = BatchNorm.of(3, 4, 1e-5, 0.1, true, dtype);
      for (String name : List.of("weight", "bias", "running_mean", "running_var")) {
        Tensor value = Tensor.rand(rng, DType.FLOAT64, 3).add(0.5).to(dtype);
        fusedNorm.stateDict().get(name).copyFrom(value);
        plainNorm.stateDict().get(name).copyFrom(value);
      }
      Sequential fused = new Sequential(fusedNorm, Activation.relu(), Pool2d.max(geo));
      if (!training) {
        fused.eval();
        plainNorm.eval();
      }
      Var fusedInput = Var.parameter(x.copy());
      Var plainInput = Var.parameter(x.copy());
      Var yFused = fused.forward(fusedInput);
      Var yPlain = Ops.maxPool2d(Ops.relu(plainNorm.forward(plainInput)), geo);
      Tensor seed = Tensor.randn(rng, dtype, yPlain.shape());
      seed.set(-0.0, 0, 0, 0, 0); // a negative zero reaches one winner
      List<Var> fusedWrt = List.of(fusedInput, fusedNorm.parameters().get(0), fusedNorm.parameters().get(1));
      List<Var> plainWrt = List.of(plainInput, plainNorm.parameters().get(0), plainNorm.parameters().get(1));
      List<Var> fusedGrads = Autodiff.grad(List.of(yFused), List.of(Var.constant(seed)), fusedWrt, false, false, false);
      List<Var> plainGrads = Autodiff.grad(List.of(yPlain), List.of(Var.constant(seed)), plainWrt, false, false, false);

      String where = "variant " + variant + (training ? " training " : " evaluation ") + dtype + " " + geo;
      assertArrayEquals(bits(yPlain.value()), bits(yFused.value()), "values, " + where);
      for (int i = 0; i < plainGrads.size(); i++) {
        assertArrayEquals(bits(plainGrads.get(i).value()), bits(fusedGrads.get(i).value()), "gradient " + i + ", " + where);
      }
      for (String name : List.of("running_mean", "running_var")) {
        assertArrayEquals(
            bits(plainNorm.stateDict().get(name)), bits(fusedNorm.stateDict().get(name)), name + ", " + where);
      }
    }
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
