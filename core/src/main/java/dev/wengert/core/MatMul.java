package dev.wengert.core;

import dev.wengert.core.kernels.Kernels;
import java.util.Arrays;

/** Matrix products on the GEMM kernel: views with a unit stride in either matrix dim are used as they are. */
final class MatMul {

  /** Per-matrix work (m*n*k) below which a batch is spread over threads instead of each GEMM. */
  private static final long SMALL_GEMM = 64L * 64 * 64;

  private MatMul() {}

  static Tensor matmul(Tensor a, Tensor b) {
    a.requireSameDtype("matmul", b);
    if (a.rank() == 0 || b.rank() == 0) {
      throw new IllegalArgumentException(
          "matmul: both operands need at least 1 dim, got shapes " + Shapes.format(a.shape) + " and "
              + Shapes.format(b.shape));
    }
    Tensor left = a.rank() == 1 ? a.unsqueeze(0) : a;
    Tensor right = b.rank() == 1 ? b.unsqueeze(1) : b;
    int m = left.size(-2);
    int k = left.size(-1);
    int n = right.size(-1);
    if (right.size(-2) != k) {
      throw new IllegalArgumentException(
          "matmul: shapes " + Shapes.format(a.shape) + " and " + Shapes.format(b.shape)
              + " are not aligned (" + k + " columns vs " + right.size(-2) + " rows)");
    }
    int[] leftBatch = Arrays.copyOf(left.shape, left.rank() - 2);
    int[] rightBatch = Arrays.copyOf(right.shape, right.rank() - 2);
    int[] batch;
    try {
      batch = Shapes.broadcast("matmul", leftBatch, rightBatch);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "matmul: batch dims " + Shapes.format(leftBatch) + " and " + Shapes.format(rightBatch) + " of shapes "
              + Shapes.format(a.shape) + " and " + Shapes.format(b.shape) + " cannot broadcast",
          e);
    }
    int[] outShape = Arrays.copyOf(batch, batch.length + 2);
    outShape[batch.length] = m;
    outShape[batch.length + 1] = n;
    Tensor out = Tensor.uninitialized(a.dtype, outShape);

    Tensor l = gemmReady(left).expand(concat(batch, m, k));
    Tensor r = gemmReady(right).expand(concat(batch, k, n));
    int batches = Shapes.numel(batch);
    boolean spreadBatches = batches > 1 && (long) m * n * k < SMALL_GEMM;
    Parallel.RangeBody body =
        (from, to) -> {
          for (int i = from; i < to; i++) {
            multiply(l, batchOffset(l, batch, i), r, batchOffset(r, batch, i), out, i * m * n, m, n, k);
          }
        };
    if (spreadBatches) {
      Parallel.forRange(batches, 1, body);
    } else {
      body.run(0, batches);
    }

    Tensor result = out;
    if (b.rank() == 1) {
      result = result.squeeze(-1);
    }
    if (a.rank() == 1) {
      result = result.squeeze(result.rank() - (b.rank() == 1 ? 1 : 2));
    }
    return result;
  }

  private static int[] concat(int[] batch, int rows, int cols) {
    int[] shape = Arrays.copyOf(batch, batch.length + 2);
    shape[batch.length] = rows;
    shape[batch.length + 1] = cols;
    return shape;
  }

  /** The operand itself when each matrix has a unit stride along one dim, else a contiguous copy. */
  private static Tensor gemmReady(Tensor t) {
    return layout(t) != null ? t : t.contiguous();
  }

  /** {transposed, leadingDimension} of the matrices of {@code t}, or null if GEMM cannot read them. */
  private static int[] layout(Tensor t) {
    int rows = t.size(-2);
    int cols = t.size(-1);
    int rowStride = t.stride(-2);
    int colStride = t.stride(-1);
    if ((cols == 1 || colStride == 1) && (rows == 1 || rowStride >= cols)) {
      return new int[] {0, rows == 1 ? Math.max(cols, 1) : rowStride};
    }
    if ((rows == 1 || rowStride == 1) && (cols == 1 || colStride >= rows)) {
      return new int[] {1, cols == 1 ? Math.max(rows, 1) : colStride};
    }
    return null;
  }

  private static int batchOffset(Tensor t, int[] batch, int index) {
    int off = t.offset;
    for (int d = batch.length - 1; d >= 0; d--) {
      off += (index % batch[d]) * t.strides[d];
      index /= batch[d];
    }
    return off;
  }

  private static void multiply(
      Tensor l, int lOff, Tensor r, int rOff, Tensor out, int outOff, int m, int n, int k) {
    int[] ll = layout(l);
    int[] rl = layout(r);
    boolean transA = ll[0] == 1;
    boolean transB = rl[0] == 1;
    if (out.dtype == DType.FLOAT32) {
      Kernels.get()
          .sgemm(transA, transB, m, n, k, 1f, l.storage.floats(), lOff, ll[1], r.storage.floats(), rOff, rl[1], 0f,
              out.storage.floats(), outOff, Math.max(n, 1));
    } else {
      Kernels.get()
          .dgemm(transA, transB, m, n, k, 1.0, l.storage.doubles(), lOff, ll[1], r.storage.doubles(), rOff, rl[1], 0.0,
              out.storage.doubles(), outOff, Math.max(n, 1));
    }
  }
}
