package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.Var;
import dev.wengert.core.Shapes;
import dev.wengert.core.Tensor;

/**
 * {@code y = max(x, dims)} or {@code min(x, dims)}. Rule: {@code dx = expand(g) · m}, where the
 * mask {@code m} is 1 at the element chosen in each reduced block (the first maximal one in
 * row-major order, as the course notes say: 1 for the max, 0 elsewhere) and 0 elsewhere.
 */
final class MaxReduce extends Op {
  private final int[] dims;
  private final boolean keepDim;
  private final boolean isMax;
  private Tensor mask;

  MaxReduce(int[] dims, boolean keepDim, boolean isMax) {
    this.dims = dims.clone();
    this.keepDim = keepDim;
    this.isMax = isMax;
  }

  @Override
  public String name() {
    return isMax ? "max" : "min";
  }

  @Override
  protected Tensor forward(Tensor... in) {
    Tensor x = in[0];
    mask = chosenMask(x);
    return isMax ? x.max(dims, keepDim) : x.min(dims, keepDim);
  }

  /** A tensor of x's shape with a 1 at the element each reduced block picks. */
  private Tensor chosenMask(Tensor x) {
    int[] shape = x.shape();
    boolean[] reduced = new boolean[shape.length];
    for (int d = 0; d < shape.length; d++) {
      reduced[d] = dims.length == 0 || contains(shape, d);
    }
    int[] order = new int[shape.length];
    int n = 0;
    for (int d = 0; d < shape.length; d++) {
      if (!reduced[d]) {
        order[n++] = d;
      }
    }
    for (int d = 0; d < shape.length; d++) {
      if (reduced[d]) {
        order[n++] = d;
      }
    }
    int[] permutedShape = new int[shape.length];
    int blockLength = 1;
    for (int i = 0; i < order.length; i++) {
      permutedShape[i] = shape[order[i]];
      if (reduced[order[i]]) {
        blockLength *= shape[order[i]];
      }
    }
    Tensor index = isMax ? x.argmax(dims, false) : x.argmin(dims, false);
    double[] positions = index.toDoubleArray();
    double[] maskData = new double[Shapes.numel(shape)];
    for (int b = 0; b < positions.length; b++) {
      maskData[b * blockLength + (int) positions[b]] = 1;
    }
    int[] inverse = new int[order.length];
    for (int i = 0; i < order.length; i++) {
      inverse[order[i]] = i;
    }
    return Tensor.of(maskData, permutedShape).permute(inverse).to(x.dtype()).contiguous();
  }

  private boolean contains(int[] shape, int d) {
    for (int dim : dims) {
      if (Shapes.normalizeDim(name(), dim, shape) == d) {
        return true;
      }
    }
    return false;
  }

  @Override
  protected Var[] backward(BackwardContext ctx, Var g) {
    int[] inputShape = ctx.inputShape(0);
    Var spread = Ops.expand(Ops.reshape(g, Reduced.keptShape(inputShape, dims)), inputShape);
    return new Var[] {Ops.mul(spread, Var.constant(mask))};
  }
}
