package dev.wengert.layers;

import dev.wengert.autodiff.Var;
import dev.wengert.autodiff.ops.Ops;

/** Flattens every dim after the batch dim, in C, H, W order (as PyTorch's {@code nn.Flatten()}). */
public final class Flatten extends Module {

  @Override
  public Var forward(Var x) {
    return Ops.reshape(x, outputShape(x.shape()));
  }

  @Override
  public int[] outputShape(int[] inputShape) {
    int features = 1;
    for (int d = 1; d < inputShape.length; d++) {
      features *= inputShape[d];
    }
    return new int[] {inputShape[0], features};
  }

  @Override
  public String toString() {
    return "Flatten()";
  }
}
