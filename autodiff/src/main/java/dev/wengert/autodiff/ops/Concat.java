package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Shapes;
import dev.wengert.core.Tensor;

/**
 * {@code y = concat(x₁, …, xₙ)} along {@code dim}; all other dims must agree. Rule: {@code dxᵢ =
 * slice(g, dim, offsetᵢ, offsetᵢ + sizeᵢ)}.
 */
final class Concat extends Op {
  private final int dim;

  Concat(int dim) {
    this.dim = dim;
  }

  @Override
  public String name() {
    return "concat";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    int[] first = in[0].shape();
    int d = Shapes.normalizeDim("concat", dim, first);
    int total = 0;
    for (int i = 0; i < in.length; i++) {
      int[] s = in[i].shape();
      boolean compatible = s.length == first.length;
      for (int k = 0; compatible && k < s.length; k++) {
        compatible = k == d || s[k] == first[k];
      }
      if (!compatible || in[i].dtype() != in[0].dtype()) {
        throw new IllegalArgumentException(
            "concat: input " + i + " has shape " + Shapes.format(s) + " (" + in[i].dtype() + ") but input 0 has "
                + Shapes.format(first) + " (" + in[0].dtype() + "); all dims but " + d + " must match");
      }
      total += s[d];
    }
    int[] outShape = first.clone();
    outShape[d] = total;
    Tensor out = Tensor.zeros(in[0].dtype(), outShape);
    int offset = 0;
    for (Tensor t : in) {
      out.narrow(d, offset, t.size(d)).copyFrom(t);
      offset += t.size(d);
    }
    return out;
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    int d = Shapes.normalizeDim("concat", dim, g.shape());
    Var[] grads = new Var[ctx.inputCount()];
    int offset = 0;
    for (int i = 0; i < grads.length; i++) {
      int size = ctx.inputShape(i)[d];
      if (ctx.needsGrad(i)) {
        grads[i] = Ops.slice(g, d, offset, offset + size, 1);
      }
      offset += size;
    }
    return grads;
  }
}
