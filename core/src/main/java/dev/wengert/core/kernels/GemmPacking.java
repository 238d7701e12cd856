package dev.wengert.core.kernels;

import java.util.Arrays;

/**
 * Copies blocks of GEMM operands into the contiguous layouts the micro-kernels read. An operand
 * is addressed BLAS-style (offset and leading dimension) or by the starts of its stored rows
 * (see {@link Kernels#sgemmRuns}). Partial
 * slivers are padded with zeros, so the micro-kernel always runs whole tiles. The float and double versions
 * are identical apart from the element type.
 */
final class GemmPacking {

  private GemmPacking() {}

  /**
   * Where stored row {@code r} of an operand starts: {@code rows[r]} when the operand is given by
   * its rows, else {@code offset + r * ld}.
   */
  static int start(int[] rows, int offset, int ld, int r) {
    return rows != null ? rows[r] : offset + r * ld;
  }

  /**
   * Packs {@code op(A)[i0:i0+rows, p0:p0+depth]} into slivers of {@code mr} rows. Sliver {@code s}
   * starts at {@code dstOff + s*mr*stride} and is row-major with row stride {@code stride >=
   * depth}, a constant of the micro-kernel, so it addresses each row at a fixed displacement.
   */
  static void packA(
      float[] a, int aOff, int lda, int[] aRows, boolean transA,
      int i0, int rows, int p0, int depth, int mr, int stride, float[] dst, int dstOff) {
    for (int r0 = 0; r0 < rows; r0 += mr) {
      int base = dstOff + r0 * stride;
      int h = Math.min(mr, rows - r0);
      if (transA) {
        // A is stored k x m: one depth step of the sliver is contiguous in A.
        for (int p = 0; p < depth; p++) {
          int src = start(aRows, aOff, lda, p0 + p) + i0 + r0;
          for (int r = 0; r < h; r++) {
            dst[base + r * stride + p] = a[src + r];
          }
        }
      } else {
        for (int r = 0; r < h; r++) {
          System.arraycopy(a, start(aRows, aOff, lda, i0 + r0 + r) + p0, dst, base + r * stride, depth);
        }
      }
      for (int r = h; r < mr; r++) {
        Arrays.fill(dst, base + r * stride, base + r * stride + depth, 0f);
      }
    }
  }

  /**
   * Packs {@code op(B)[p0:p0+depth, j0:j0+cols]} into slivers of {@code nr} columns. Sliver
   * {@code t} starts at {@code dstOff + t*nr*depth} and holds {@code (p, t*nr+j)} at {@code
   * p*nr + j}, so the micro-kernel reads one depth step as {@code nr/lanes} whole vectors.
   */
  static void packB(
      float[] b, int bOff, int ldb, int[] bRows, boolean transB,
      int p0, int depth, int j0, int cols, int nr, float[] dst, int dstOff) {
    if (transB) {
      for (int c0 = 0; c0 < cols; c0 += nr) {
        int base = dstOff + c0 * depth;
        int w = Math.min(nr, cols - c0);
        // B is stored n x k: walk each stored row (one column of op(B)) contiguously.
        for (int j = 0; j < w; j++) {
          int src = start(bRows, bOff, ldb, j0 + c0 + j) + p0;
          for (int p = 0; p < depth; p++) {
            dst[base + p * nr + j] = b[src + p];
          }
        }
        if (w < nr) {
          for (int p = 0; p < depth; p++) {
            Arrays.fill(dst, base + p * nr + w, base + (p + 1) * nr, 0f);
          }
        }
      }
      return;
    }
    // B is stored k x n: copy row by row (sequential reads), each row into every sliver.
    for (int p = 0; p < depth; p++) {
      int src = start(bRows, bOff, ldb, p0 + p) + j0;
      int d = dstOff + p * nr;
      for (int c0 = 0; c0 < cols; c0 += nr, d += nr * depth) {
        int w = Math.min(nr, cols - c0);
        // arraycopy: the JIT does not vectorise a copy between arrays at unrelated offsets.
        System.arraycopy(b, src + c0, dst, d, w);
        for (int j = w; j < nr; j++) {
          dst[d + j] = 0f;
        }
      }
    }
  }

  /**
   * Packs {@code op(A)[i0:i0+rows, p0:p0+depth]} into slivers of {@code mr} rows. Sliver {@code s}
   * starts at {@code dstOff + s*mr*stride} and is row-major with row stride {@code stride >=
   * depth}, a constant of the micro-kernel, so it addresses each row at a fixed displacement.
   */
  static void packA(
      double[] a, int aOff, int lda, int[] aRows, boolean transA,
      int i0, int rows, int p0, int depth, int mr, int stride, double[] dst, int dstOff) {
    for (int r0 = 0; r0 < rows; r0 += mr) {
      int base = dstOff + r0 * stride;
      int h = Math.min(mr, rows - r0);
      if (transA) {
        // A is stored k x m: one depth step of the sliver is contiguous in A.
        for (int p = 0; p < depth; p++) {
          int src = start(aRows, aOff, lda, p0 + p) + i0 + r0;
          for (int r = 0; r < h; r++) {
            dst[base + r * stride + p] = a[src + r];
          }
        }
      } else {
        for (int r = 0; r < h; r++) {
          System.arraycopy(a, start(aRows, aOff, lda, i0 + r0 + r) + p0, dst, base + r * stride, depth);
        }
      }
      for (int r = h; r < mr; r++) {
        Arrays.fill(dst, base + r * stride, base + r * stride + depth, 0d);
      }
    }
  }

  /**
   * Packs {@code op(B)[p0:p0+depth, j0:j0+cols]} into slivers of {@code nr} columns. Sliver
   * {@code t} starts at {@code dstOff + t*nr*depth} and holds {@code (p, t*nr+j)} at {@code
   * p*nr + j}, so the micro-kernel reads one depth step as {@code nr/lanes} whole vectors.
   */
  static void packB(
      double[] b, int bOff, int ldb, int[] bRows, boolean transB,
      int p0, int depth, int j0, int cols, int nr, double[] dst, int dstOff) {
    if (transB) {
      for (int c0 = 0; c0 < cols; c0 += nr) {
        int base = dstOff + c0 * depth;
        int w = Math.min(nr, cols - c0);
        // B is stored n x k: walk each stored row (one column of op(B)) contiguously.
        for (int j = 0; j < w; j++) {
          int src = start(bRows, bOff, ldb, j0 + c0 + j) + p0;
          for (int p = 0; p < depth; p++) {
            dst[base + p * nr + j] = b[src + p];
          }
        }
        if (w < nr) {
          for (int p = 0; p < depth; p++) {
            Arrays.fill(dst, base + p * nr + w, base + (p + 1) * nr, 0d);
          }
        }
      }
      return;
    }
    // B is stored k x n: copy row by row (sequential reads), each row into every sliver.
    for (int p = 0; p < depth; p++) {
      int src = start(bRows, bOff, ldb, p0 + p) + j0;
      int d = dstOff + p * nr;
      for (int c0 = 0; c0 < cols; c0 += nr, d += nr * depth) {
        int w = Math.min(nr, cols - c0);
        // arraycopy: the JIT does not vectorise a copy between arrays at unrelated offsets.
        System.arraycopy(b, src + c0, dst, d, w);
        for (int j = w; j < nr; j++) {
          dst[d + j] = 0d;
        }
      }
    }
  }
}
