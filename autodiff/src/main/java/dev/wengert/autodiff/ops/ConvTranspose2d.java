package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Conv2dGeometry;
import dev.wengert.core.Convolution;
import dev.wengert.core.Tensor;

/**
 * {@code y = conv_transpose2d(x, w)}: the adjoint in the input of the convolution with geometry
 * {@code geo}, producing an output of {@code height × width} ({@code x: [N, Cin, H, W]}, {@code w:
 * [Cin, Cout/G, kh, kw]}). It is bilinear, so its rule is the other two convolutions: {@code dx =
 * conv2d(g, w)}, {@code dw = conv2d_weight(g, x)}.
 */
final class ConvTranspose2d extends Op {
  private final Conv2dGeometry geo;
  private final int height;
  private final int width;

  ConvTranspose2d(Conv2dGeometry geo, int height, int width) {
    this.geo = geo;
    this.height = height;
    this.width = width;
  }

  @Override
  public String name() {
    return "conv_transpose2d";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return Convolution.conv2dAdjointInput(in[0], in[1], height, width, geo);
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    int[] ws = ctx.inputShape(1);
    return new Var[] {
      ctx.needsGrad(0) ? new Conv2d(geo).apply(g, ctx.input(1)) : null,
      ctx.needsGrad(1) ? new Conv2dWeight(geo, ws[2], ws[3]).apply(g, ctx.input(0)) : null
    };
  }
}
