package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Conv2dGeometry;
import dev.wengert.core.Convolution;
import dev.wengert.core.Tensor;

/**
 * {@code y = conv2d(x, w) + b} with zero padding (see {@link Convolution} for the formula). Rule:
 * {@code dx = conv_transpose2d(g, w)} (the adjoint in the input), {@code dw =
 * conv2d_weight(x, g)} (the adjoint in the weight), {@code db = sum(g, [N, H, W])}.
 */
final class Conv2d extends Op {
  private final Conv2dGeometry geo;

  Conv2d(Conv2dGeometry geo) {
    this.geo = geo;
  }

  @Override
  public String name() {
    return "conv2d";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    return Convolution.conv2d(in[0], in[1], in.length > 2 ? in[2] : null, geo);
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    Var[] grads = new Var[ctx.inputCount()];
    int[] xs = ctx.inputShape(0);
    int[] ws = ctx.inputShape(1);
    if (ctx.needsGrad(0)) {
      grads[0] = new ConvTranspose2d(geo, xs[2], xs[3]).apply(g, ctx.input(1));
    }
    if (ctx.needsGrad(1)) {
      grads[1] = new Conv2dWeight(geo, ws[2], ws[3]).apply(ctx.input(0), g);
    }
    if (grads.length > 2 && ctx.needsGrad(2)) {
      grads[2] = Ops.sum(g, new int[] {0, 2, 3}, false);
    }
    return grads;
  }
}
