package dev.wengert.core;

/**
 * Iterates several strided operands that share one shape, as rows of the (coalesced) innermost
 * dimension. Adjacent dims that are contiguous in every operand are merged and size-1 dims are
 * dropped first, so a contiguous tensor of any rank becomes one long row. Rows are split over
 * {@link Parallel} threads; each row is handled by one thread, so results do not depend on the
 * thread count.
 */
final class StridedLoop {

  /** Handles one row: {@code offsets[op]} is the row's first element in operand {@code op}. */
  @FunctionalInterface
  interface RowBody {
    void run(int[] offsets, int length);
  }

  private final int[] shape;
  private final int[][] strides;
  private final int[] baseOffsets;
  private final int rows;
  private final int inner;

  private StridedLoop(int[] shape, int[][] strides, int[] baseOffsets) {
    this.shape = shape;
    this.strides = strides;
    this.baseOffsets = baseOffsets;
    this.inner = shape[shape.length - 1];
    this.rows = inner == 0 ? 0 : Shapes.numel(shape) / inner;
  }

  /** A loop over {@code shape}; operand {@code i} starts at {@code offsets[i]} with {@code strides[i]}. */
  static StridedLoop of(int[] shape, int[] offsets, int[]... strides) {
    int ops = strides.length;
    int rank = shape.length;
    int[] keptShape = new int[Math.max(rank, 1)];
    int[][] kept = new int[ops][Math.max(rank, 1)];
    int n = 0;
    for (int d = 0; d < rank; d++) {
      if (shape[d] == 1) {
        continue;
      }
      if (shape[d] == 0) {
        return new StridedLoop(new int[] {0}, new int[ops][1], offsets.clone());
      }
      if (n > 0 && mergeable(kept, strides, n - 1, d, shape[d])) {
        keptShape[n - 1] *= shape[d];
        for (int op = 0; op < ops; op++) {
          kept[op][n - 1] = strides[op][d];
        }
        continue;
      }
      keptShape[n] = shape[d];
      for (int op = 0; op < ops; op++) {
        kept[op][n] = strides[op][d];
      }
      n++;
    }
    if (n == 0) {
      keptShape[0] = 1;
      n = 1;
    }
    int[] finalShape = java.util.Arrays.copyOf(keptShape, n);
    int[][] finalStrides = new int[ops][];
    for (int op = 0; op < ops; op++) {
      finalStrides[op] = java.util.Arrays.copyOf(kept[op], n);
    }
    return new StridedLoop(finalShape, finalStrides, offsets.clone());
  }

  /** Whether dim {@code d} (size {@code size}) continues the previous kept dim in every operand. */
  private static boolean mergeable(int[][] kept, int[][] strides, int prev, int d, int size) {
    for (int op = 0; op < kept.length; op++) {
      if (kept[op][prev] != strides[op][d] * size) {
        return false;
      }
    }
    return true;
  }

  /** Stride of operand {@code op} along the rows. */
  int innerStride(int op) {
    return strides[op][shape.length - 1];
  }

  int rows() {
    return rows;
  }

  int rowLength() {
    return inner;
  }

  /** Runs {@code body} on every row, in parallel once there are at least {@code grain} elements per thread. */
  void forEachRow(int grain, RowBody body) {
    if (rows == 0) {
      return;
    }
    int rowGrain = Math.max(1, grain / inner);
    Parallel.forRange(
        rows,
        rowGrain,
        (from, to) -> {
          int[] offsets = new int[baseOffsets.length];
          for (int r = from; r < to; r++) {
            rowOffsets(r, offsets);
            body.run(offsets, inner);
          }
        });
  }

  private void rowOffsets(int row, int[] out) {
    System.arraycopy(baseOffsets, 0, out, 0, out.length);
    int rem = row;
    for (int d = shape.length - 2; d >= 0 && rem > 0; d--) {
      int idx = rem % shape[d];
      rem /= shape[d];
      for (int op = 0; op < out.length; op++) {
        out[op] += idx * strides[op][d];
      }
    }
  }
}
