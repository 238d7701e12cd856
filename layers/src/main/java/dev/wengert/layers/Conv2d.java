package dev.wengert.layers;

import static com.google.common.base.Preconditions.checkArgument;

import dev.wengert.autodiff.Var;
import dev.wengert.autodiff.ops.Conv2dOptions;
import dev.wengert.autodiff.ops.Ops;
import dev.wengert.core.ConvGeometry;
import dev.wengert.core.DType;
import dev.wengert.core.Rng;
import dev.wengert.core.Shapes;

/**
 * 2-D convolution with weight {@code [out, in/groups, k, k]} and bias {@code [out]}, every option
 * of {@link Conv2dOptions} (stride, padding or "same", padding mode, dilation, groups). Output
 * size per axis: {@code floor((n + 2p − d(k−1) − 1)/s) + 1}.
 */
public final class Conv2d extends Module {
  private final int in;
  private final int out;
  private final int kernelH;
  private final int kernelW;
  private final Conv2dOptions options;
  private final Var weight;
  private final Var bias;

  public Conv2d(int in, int out, int kernelH, int kernelW, Conv2dOptions options, boolean bias, DType dtype, Rng rng) {
    checkArgument(in >= 1 && out >= 1, "Conv2d: channels must be >= 1, got in=%s out=%s", in, out);
    checkArgument(
        in % options.groups() == 0 && out % options.groups() == 0,
        "Conv2d: groups=%s must divide in=%s and out=%s", options.groups(), in, out);
    this.in = in;
    this.out = out;
    this.kernelH = kernelH;
    this.kernelW = kernelW;
    this.options = options;
    int[] shape = {out, in / options.groups(), kernelH, kernelW};
    this.weight = registerParameter("weight", Init.kaimingUniform(rng, dtype, Math.sqrt(5), shape));
    this.bias = bias ? registerParameter("bias", Init.defaultBias(rng, dtype, shape, out)) : null;
  }

  /** A float32 layer with a square kernel and a bias. */
  public Conv2d(int in, int out, int kernel, Conv2dOptions options, Rng rng) {
    this(in, out, kernel, kernel, options, true, DType.FLOAT32, rng);
  }

  public Var weight() {
    return weight;
  }

  public Var bias() {
    return bias;
  }

  @Override
  public Var forward(Var x) {
    return Ops.conv2d(x, weight, bias, options);
  }

  @Override
  public int[] outputShape(int[] inputShape) {
    checkArgument(
        inputShape.length == 4 && inputShape[1] == in,
        "%s: expects input [N, %s, H, W], got %s", this, in, Shapes.lazy(inputShape));
    int[] pads = options.paddingFor(kernelH, kernelW);
    int[] stride = options.strideValues();
    int[] dilation = options.dilationValues();
    int h = ConvGeometry.outputSize("conv2d", "height", inputShape[2], kernelH, pads[0], pads[1], stride[0], dilation[0]);
    int w = ConvGeometry.outputSize("conv2d", "width", inputShape[3], kernelW, pads[2], pads[3], stride[1], dilation[1]);
    return new int[] {inputShape[0], out, h, w};
  }

  @Override
  public long multiplyAccumulates(int[] inputShape) {
    int[] o = outputShape(inputShape);
    return (long) o[0] * out * o[2] * o[3] * (in / options.groups()) * kernelH * kernelW;
  }

  @Override
  public String toString() {
    return "Conv2d(" + in + ", " + out + ", kernel=" + kernelH + "x" + kernelW + ", " + options + (bias == null ? ", bias=false" : "") + ")";
  }
}
