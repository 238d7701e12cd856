package dev.wengert.layers;

import static com.google.common.base.Preconditions.checkArgument;

import dev.wengert.core.DType;
import dev.wengert.core.Rng;
import dev.wengert.core.Tensor;

/**
 * Weight initialisation, every scheme drawing from an explicit {@link Rng}. Fans follow PyTorch:
 * for a weight {@code [out, in, k…]}, {@code fanIn = in·Πk} and {@code fanOut = out·Πk}.
 */
public final class Init {

  private Init() {}

  /** {@code fanIn} of a weight of this shape. */
  public static int fanIn(int[] shape) {
    checkArgument(shape.length >= 2, "fan in needs a weight of rank >= 2, got rank %s", shape.length);
    return shape[1] * receptiveField(shape);
  }

  /** {@code fanOut} of a weight of this shape. */
  public static int fanOut(int[] shape) {
    checkArgument(shape.length >= 2, "fan out needs a weight of rank >= 2, got rank %s", shape.length);
    return shape[0] * receptiveField(shape);
  }

  private static int receptiveField(int[] shape) {
    int r = 1;
    for (int d = 2; d < shape.length; d++) {
      r *= shape[d];
    }
    return r;
  }

  /** Uniform on {@code [-bound, bound)}. */
  public static Tensor uniform(Rng rng, DType dtype, double bound, int... shape) {
    return Tensor.rand(rng, DType.FLOAT64, shape).mul(2 * bound).sub(bound).to(dtype);
  }

  /**
   * Kaiming (He) uniform for leaky-ReLU slope {@code a}: bound {@code sqrt(6 / ((1 + a²)·fanIn))}.
   * PyTorch's default for Conv2d and Linear weights is {@code a = √5}, i.e. bound {@code 1/√fanIn}.
   */
  public static Tensor kaimingUniform(Rng rng, DType dtype, double a, int... shape) {
    return uniform(rng, dtype, Math.sqrt(6.0 / ((1 + a * a) * fanIn(shape))), shape);
  }

  /** Kaiming (He) normal: standard deviation {@code sqrt(2 / ((1 + a²)·fanIn))}. */
  public static Tensor kaimingNormal(Rng rng, DType dtype, double a, int... shape) {
    double std = Math.sqrt(2.0 / ((1 + a * a) * fanIn(shape)));
    return Tensor.randn(rng, DType.FLOAT64, shape).mul(std).to(dtype);
  }

  /** Xavier (Glorot) uniform: bound {@code gain·sqrt(6 / (fanIn + fanOut))}. */
  public static Tensor xavierUniform(Rng rng, DType dtype, double gain, int... shape) {
    return uniform(rng, dtype, gain * Math.sqrt(6.0 / (fanIn(shape) + fanOut(shape))), shape);
  }

  /** Xavier (Glorot) normal: standard deviation {@code gain·sqrt(2 / (fanIn + fanOut))}. */
  public static Tensor xavierNormal(Rng rng, DType dtype, double gain, int... shape) {
    double std = gain * Math.sqrt(2.0 / (fanIn(shape) + fanOut(shape)));
    return Tensor.randn(rng, DType.FLOAT64, shape).mul(std).to(dtype);
  }

  /** PyTorch's default bias: uniform on {@code ±1/√fanIn} of the layer's weight. */
  public static Tensor defaultBias(Rng rng, DType dtype, int[] weightShape, int size) {
    return uniform(rng, dtype, 1 / Math.sqrt(fanIn(weightShape)), size);
  }
}
