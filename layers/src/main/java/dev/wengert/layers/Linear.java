package dev.wengert.layers;

import static com.google.common.base.Preconditions.checkArgument;

import dev.wengert.autodiff.Var;
import dev.wengert.autodiff.ops.Ops;
import dev.wengert.core.DType;
import dev.wengert.core.Rng;
import dev.wengert.core.Shapes;

/** {@code y = x·Wᵀ + b} over the last dim; weight {@code [out, in]}, bias {@code [out]}, PyTorch's initialisation. */
public final class Linear extends Module {
  private final int in;
  private final int out;
  private final Var weight;
  private final Var bias;

  public Linear(int in, int out, boolean bias, DType dtype, Rng rng) {
    checkArgument(in >= 1 && out >= 1, "Linear: sizes must be >= 1, got in=%s out=%s", in, out);
    this.in = in;
    this.out = out;
    this.weight = registerParameter("weight", Init.kaimingUniform(rng, dtype, Math.sqrt(5), out, in));
    this.bias = bias ? registerParameter("bias", Init.defaultBias(rng, dtype, new int[] {out, in}, out)) : null;
  }

  /** A float32 layer with a bias. */
  public Linear(int in, int out, Rng rng) {
    this(in, out, true, DType.FLOAT32, rng);
  }

  public Var weight() {
    return weight;
  }

  public Var bias() {
    return bias;
  }

  @Override
  public Var forward(Var x) {
    if (x.rank() < 1 || x.size(-1) != in) {
      throw new IllegalArgumentException(
          "Linear(" + in + ", " + out + "): input of shape " + Shapes.format(x.shape()) + " does not end in " + in + " features");
    }
    return Ops.linear(x, weight, bias);
  }

  @Override
  public int[] outputShape(int[] inputShape) {
    int[] shape = inputShape.clone();
    shape[shape.length - 1] = out;
    return shape;
  }

  @Override
  public long multiplyAccumulates(int[] inputShape) {
    return (long) Shapes.numel(inputShape) / in * in * out;
  }

  @Override
  public String toString() {
    return "Linear(" + in + ", " + out + (bias == null ? ", bias=false" : "") + ")";
  }
}
