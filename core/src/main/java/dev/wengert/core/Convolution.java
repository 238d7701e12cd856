package dev.wengert.core;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * 2-D convolution (cross-correlation, as in every deep-learning library) on NCHW tensors and its
 * two adjoints. With {@code G} groups, input {@code x: [N, C, H, W]}, weight {@code w: [M, C/G,
 * kh, kw]} and output {@code y: [N, M, Ho, Wo]}:
 *
 * <pre>
 *   y[n,m,i,j] = b[m] + Σ_{c,p,q} w[m,c,p,q] · x[n, g(m)·C/G + c, i·sh − pt + p·dh, j·sw − pl + q·dw]
 * </pre>
 *
 * where out-of-range input pixels are zero (zero padding) and {@code g(m) = m / (M/G)}. The
 * adjoint in the input is the transposed convolution; the adjoint in the weight correlates the
 * input with the output-side tensor. All three are deterministic for any thread count. The padding
 * zeros take part in the products like any input pixel, as if the input were padded first (as the
 * other padding modes are): an infinite or NaN weight that meets them, in the forward, or such an
 * output gradient, in the weight gradient, gives NaN ({@code ∞·0}).
 */
public final class Convolution {

  private Convolution() {}

  /** {@code y = conv2d(x, w) + b}; {@code bias} may be null. */
  public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, Conv2dGeometry geo) {
    int[] xs = input.shape();
    int[] ws = weight.shape();
    checkOperands("conv2d", xs, ws, geo);
    checkArgument(
        bias == null || (bias.rank() == 1 && bias.size(0) == ws[0]),
        "conv2d: bias of shape %s does not match %s output channels of weight %s",
        bias == null ? "" : Shapes.lazy(bias.shape()), ws[0], Shapes.lazy(ws));
    int ho = geo.outputHeight("conv2d", xs[2], ws[2]);
    int wo = geo.outputWidth("conv2d", xs[3], ws[3]);
    return ConvolutionKernels.forward(
        input.contiguous(), weight.contiguous(), bias == null ? null : bias.contiguous(), ho, wo, geo);
  }

  /**
   * The adjoint of {@link #conv2d} in its input (the transposed convolution): given {@code gy:
   * [N, M, Ho, Wo]}, returns {@code gx: [N, C, H, W]} with {@code gx = Σ w · gy} scattered back
   * along every window. {@code height} and {@code width} give the input size, which the output
   * size alone does not determine when the stride is above 1.
   */
  public static Tensor conv2dAdjointInput(Tensor gradOut, Tensor weight, int height, int width, Conv2dGeometry geo) {
    int[] gs = gradOut.shape();
    int[] ws = weight.shape();
    checkArgument(gs.length == 4, "conv_transpose2d: input must be [N, C, H, W], got %s", Shapes.lazy(gs));
    checkArgument(ws.length == 4, "conv_transpose2d: weight must be [Cin, Cout/groups, kh, kw], got %s", Shapes.lazy(ws));
    checkArgument(
        gs[1] == ws[0],
        "conv_transpose2d: input has %s channels but weight %s expects %s", gs[1], Shapes.lazy(ws), ws[0]);
    checkArgument(
        ws[0] % geo.groups() == 0,
        "conv_transpose2d: groups %s do not divide the %s input channels", geo.groups(), ws[0]);
    int channels = ws[1] * geo.groups();
    int ho = geo.outputHeight("conv_transpose2d", height, ws[2]);
    int wo = geo.outputWidth("conv_transpose2d", width, ws[3]);
    checkArgument(
        ho == gs[2] && wo == gs[3],
        "conv_transpose2d: output size %sx%s does not map back to input %sx%s (it gives %sx%s)",
        height, width, gs[2], gs[3], ho, wo);
    return ConvolutionKernels.adjointInput(gradOut.contiguous(), weight.contiguous(), channels, height, width, geo);
  }

  /**
   * The adjoint of {@link #conv2d} in its weight: {@code gw[m,c,p,q] = Σ_{n,i,j} gy[n,m,i,j] ·
   * x[n, g(m)·C/G + c, i·sh − pt + p·dh, j·sw − pl + q·dw]}, of shape {@code [M, C/G, kh, kw]}.
   */
  public static Tensor conv2dAdjointWeight(Tensor input, Tensor gradOut, int kernelH, int kernelW, Conv2dGeometry geo) {
    int[] xs = input.shape();
    int[] gs = gradOut.shape();
    checkArgument(xs.length == 4 && gs.length == 4, "conv2d weight gradient: expects 4-D input %s and gradient %s", Shapes.lazy(xs), Shapes.lazy(gs));
    checkArgument(
        xs[1] % geo.groups() == 0 && gs[1] % geo.groups() == 0,
        "conv2d weight gradient: groups %s must divide %s input and %s output channels", geo.groups(), xs[1], gs[1]);
    checkArgument(
        geo.outputHeight("conv2d", xs[2], kernelH) == gs[2] && geo.outputWidth("conv2d", xs[3], kernelW) == gs[3],
        "conv2d weight gradient: gradient %s does not match input %s with a %sx%s kernel", Shapes.lazy(gs), Shapes.lazy(xs), kernelH, kernelW);
    Tensor out = Tensor.zeros(input.dtype(), gs[1], xs[1] / geo.groups(), kernelH, kernelW);
    ConvolutionKernels.adjointWeight(input.contiguous(), gradOut.contiguous(), out, geo);
    return out;
  }

  private static void checkOperands(String op, int[] xs, int[] ws, Conv2dGeometry geo) {
    checkArgument(xs.length == 4, "%s: input must be [N, C, H, W], got %s", op, Shapes.lazy(xs));
    checkArgument(ws.length == 4, "%s: weight must be [M, C/groups, kh, kw], got %s", op, Shapes.lazy(ws));
    int groups = geo.groups();
    if (xs[1] % groups != 0 || ws[0] % groups != 0) {
      throw new IllegalArgumentException(
          op + ": groups=" + groups + " must divide the input channels (" + xs[1] + ") and the output channels ("
              + ws[0] + "); input " + Shapes.format(xs) + ", weight " + Shapes.format(ws));
    }
    if (xs[1] != ws[1] * groups) {
      throw new IllegalArgumentException(
          op + ": input has " + xs[1] + " channels but weight " + Shapes.format(ws) + " expects " + ws[1] * groups
              + " (groups=" + groups + "); input " + Shapes.format(xs));
    }
  }
}
