package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Conv2dGeometry;
import dev.wengert.core.Convolution;
import dev.wengert.core.Tensor;

/**
 * {@code y = conv2d_weight(x, gy)}: the adjoint in the weight of the convolution with geometry
 * {@code geo} and a {@code kh × kw} kernel, {@code y[m,c,p,q] = Σ gy[n,m,i,j] · x[n,c,i·s+p·d,
 * j·s+q·d]}. It is bilinear, so its rule is the other two convolutions: {@code dx =
 * conv_transpose2d(gy, g)}, {@code dgy = conv2d(x, g)}.
 */
final class Conv2dWeight extends Op {
  private final Conv2dGeometry geo;
  private final int kernelH;
  private final int kernelW;

  Conv2dWeight(Conv2dGeometry geo, int kernelH, int kernelW) {
    this.geo = geo;
    this.kernelH = kernelH;
    this.kernelW = kernelW;
  }

  @Override
  public String name() {
    return "conv2d_weight";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return Convolution.conv2dAdjointWeight(in[0], in[1], kernelH, kernelW, geo);
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    int[] xs = ctx.inputShape(0);
    return new Var[] {
      ctx.needsGrad(0) ? new ConvTranspose2d(geo, xs[2], xs[3]).apply(ctx.input(1), g) : null,
      ctx.needsGrad(1) ? new Conv2d(geo).apply(ctx.input(0), g) : null
    };
  }
}
