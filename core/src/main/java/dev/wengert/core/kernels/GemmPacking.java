package dev.wengert.core.kernels;

/**
 * Copies blocks of GEMM operands into the contiguous layout the micro-kernels read.
 *
 * <p>{@code A} blocks become slivers of {@code mr} rows: sliver {@code s} starts at {@code dstOff +
 * s*mr*depth} and holds element {@code (row s*mr+r, depth p)} at {@code p*mr + r}. {@code B} blocks
 * become slivers of {@code nr} columns: sliver {@code t} starts at {@code dstOff + t*nr*depth} and
 * holds {@code (depth p, column t*nr+j)} at {@code p*nr + j}. The last sliver is padded with zeros,
 * so the micro-kernel always runs full tiles. The float and double versions are identical apart
 * from the element type.
 */
final class GemmPacking {

  private GemmPacking() {}

  /** Packs {@code op(A)[i0:i0+rows, p0:p0+depth]}. */
  static void packA(
      float[] a, int aOff, int lda, boolean transA,
      int i0, int rows, int p0, int depth, int mr, float[] dst, int dstOff) {
    for (int r0 = 0; r0 < rows; r0 += mr) {
      int base = dstOff + r0 * depth;
      int h = Math.min(mr, rows - r0);
      if (transA) {
        // A is stored k x m: the mr values of one depth step are contiguous.
        for (int p = 0; p < depth; p++) {
          int src = aOff + (p0 + p) * lda + i0 + r0;
          int d = base + p * mr;
          for (int r = 0; r < h; r++) {
            dst[d + r] = a[src + r];
          }
        }
      } else {
        for (int r = 0; r < h; r++) {
          int src = aOff + (i0 + r0 + r) * lda + p0;
          for (int p = 0; p < depth; p++) {
            dst[base + p * mr + r] = a[src + p];
          }
        }
      }
      for (int p = 0; p < depth && h < mr; p++) {
        for (int r = h; r < mr; r++) {
          dst[base + p * mr + r] = 0f;
        }
      }
    }
  }

  /** Packs {@code op(B)[p0:p0+depth, j0:j0+cols]}. */
  static void packB(
      float[] b, int bOff, int ldb, boolean transB,
      int p0, int depth, int j0, int cols, int nr, float[] dst, int dstOff) {
    for (int c0 = 0; c0 < cols; c0 += nr) {
      int base = dstOff + c0 * depth;
      int w = Math.min(nr, cols - c0);
      if (transB) {
        // B is stored n x k: walk each stored row (one column of op(B)) contiguously.
        for (int j = 0; j < w; j++) {
          int src = bOff + (j0 + c0 + j) * ldb + p0;
          for (int p = 0; p < depth; p++) {
            dst[base + p * nr + j] = b[src + p];
          }
        }
      } else {
        for (int p = 0; p < depth; p++) {
          System.arraycopy(b, bOff + (p0 + p) * ldb + j0 + c0, dst, base + p * nr, w);
        }
      }
      for (int p = 0; p < depth && w < nr; p++) {
        for (int j = w; j < nr; j++) {
          dst[base + p * nr + j] = 0f;
        }
      }
    }
  }

  /** {@link #packA(float[], int, int, boolean, int, int, int, int, int, float[], int)} for doubles. */
  static void packA(
      double[] a, int aOff, int lda, boolean transA,
      int i0, int rows, int p0, int depth, int mr, double[] dst, int dstOff) {
    for (int r0 = 0; r0 < rows; r0 += mr) {
      int base = dstOff + r0 * depth;
      int h = Math.min(mr, rows - r0);
      if (transA) {
        for (int p = 0; p < depth; p++) {
          int src = aOff + (p0 + p) * lda + i0 + r0;
          int d = base + p * mr;
          for (int r = 0; r < h; r++) {
            dst[d + r] = a[src + r];
          }
        }
      } else {
        for (int r = 0; r < h; r++) {
          int src = aOff + (i0 + r0 + r) * lda + p0;
          for (int p = 0; p < depth; p++) {
            dst[base + p * mr + r] = a[src + p];
          }
        }
      }
      for (int p = 0; p < depth && h < mr; p++) {
        for (int r = h; r < mr; r++) {
          dst[base + p * mr + r] = 0d;
        }
      }
    }
  }

  /** {@link #packB(float[], int, int, boolean, int, int, int, int, int, float[], int)} for doubles. */
  static void packB(
      double[] b, int bOff, int ldb, boolean transB,
      int p0, int depth, int j0, int cols, int nr, double[] dst, int dstOff) {
    for (int c0 = 0; c0 < cols; c0 += nr) {
      int base = dstOff + c0 * depth;
      int w = Math.min(nr, cols - c0);
      if (transB) {
        for (int j = 0; j < w; j++) {
          int src = bOff + (j0 + c0 + j) * ldb + p0;
          for (int p = 0; p < depth; p++) {
            dst[base + p * nr + j] = b[src + p];
          }
        }
      } else {
        for (int p = 0; p < depth; p++) {
          System.arraycopy(b, bOff + (p0 + p) * ldb + j0 + c0, dst, base + p * nr, w);
        }
      }
      for (int p = 0; p < depth && w < nr; p++) {
        for (int j = w; j < nr; j++) {
          dst[base + p * nr + j] = 0d;
        }
      }
    }
  }
}
