package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Shapes;
import dev.wengert.core.Tensor;

/**
 * {@code y = x · wᵀ + b} for {@code x: [..., in]}, {@code w: [out, in]} and an optional {@code b:
 * [out]} (PyTorch's {@code F.linear}). Rule, with {@code X} and {@code G} the input and gradient
 * with their leading dims flattened: {@code dx = g · w}, {@code dw = Gᵀ · X}, {@code db = Σ G} over
 * rows. One op rather than {@code matmul(x, transpose(w))}, so {@code dw} comes out contiguous and
 * in the weight's own layout instead of as a transposed view every optimizer step must copy.
 */
final class Linear extends Op {
  static final Linear INSTANCE = new Linear();

  @Override
  public String name() {
    return "linear";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    Tensor y = in[0].matmul(in[1].transpose(0, 1));
    return in.length > 2 ? y.addInPlace(in[2]) : y;
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    Var[] grads = new Var[ctx.inputCount()];
    int[] ws = ctx.inputShape(1);
    if (ctx.needsGrad(0)) {
      grads[0] = Ops.matmul(g, ctx.input(1));
    }
    if (ctx.needsGrad(1)) {
      int rows = Math.toIntExact(Shapes.numel(g.shape()) / ws[0]);
      grads[1] = Ops.matmul(Ops.transpose(Ops.reshape(g, rows, ws[0]), 0, 1), Ops.reshape(ctx.input(0), rows, ws[1]));
    }
    if (grads.length > 2 && ctx.needsGrad(2)) {
      grads[2] = Ops.sumTo(g, new int[] {ws[0]});
    }
    return grads;
  }
}
