package dev.wengert.autodiff.ops;

import dev.wengert.core.Shapes;

/** Shape bookkeeping for reductions. */
final class Reduced {
  private Reduced() {}

  /** {@code shape} with every reduced dim set to 1 (all dims when {@code dims} is empty). */
  static int[] keptShape(int[] shape, int[] dims) {
    int[] kept = shape.clone();
    if (dims.length == 0) {
      java.util.Arrays.fill(kept, 1);
    }
    for (int d : dims) {
      kept[Shapes.normalizeDim("sum", d, shape)] = 1;
    }
    return kept;
  }
}
