package dev.wengert.core.kernels;

import dev.wengert.core.kernels.ScratchBuffers.Buffer;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float64 twin of {@link VectorSgemm}; only the element type differs.
 */
final class VectorDgemm extends PackedGemm<double[]> {

  private static final VectorSpecies<Double> S = VectorKernels.DOUBLES;
  private static final int L = S.length();
  /** Whether the 12-row kernel fits the registers (512-bit vectors imply AVX-512's 32). */
  private static final boolean WIDE = S.vectorBitSize() >= 512;
  /** Rows of the micro-kernel tile. */
  static final int MR = WIDE ? 12 : 6;
  /** Columns of the micro-kernel tile: two vectors. */
  static final int NR = 2 * L;
  /** Depth of a slice of {@code K}: a sliver of packed {@code B} ({@code KC x NR}) stays in L1. */
  static final int KC = 256;
  /** Rows of a packed block of {@code A} (in L2). */
  static final int MC = 16 * MR;
  /** Columns of a packed block of {@code B} (in L2). */
  static final int NC = 32 * NR;

  private final boolean transA;
  private final boolean transB;
  private final double alpha;
  private final double[] a;
  private final int aOff;
  private final int lda;
  private final double[] b;
  private final int bOff;
  private final int ldb;
  private final double beta;
  private final double[] c;
  private final int cOff;
  private final int ldc;

  VectorDgemm(
      boolean transA, boolean transB, int m, int n, int k, double alpha,
      double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
      double beta, double[] c, int cOff, int ldc) {
    super(m, n, k, MR, NR, KC, MC, NC);
    this.transA = transA;
    this.transB = transB;
    this.alpha = alpha;
    this.a = a;
    this.aOff = aOff;
    this.lda = lda;
    this.b = b;
    this.bOff = bOff;
    this.ldb = ldb;
    this.beta = beta;
    this.c = c;
    this.cOff = cOff;
    this.ldc = ldc;
  }

  @Override
  double[] buffer(ScratchBuffers scratch, Buffer which, int size) {
    return scratch.doubles(which, size);
  }

  @Override
  void packA(double[] dst, int dstOff, int i0, int rows, int p0, int depth) {
    GemmPacking.packA(a, aOff, lda, transA, i0, rows, p0, depth, MR, KC, dst, dstOff);
  }

  @Override
  void packB(double[] dst, int dstOff, int p0, int depth, int j0, int cols) {
    GemmPacking.packB(b, bOff, ldb, transB, p0, depth, j0, cols, NR, dst, dstOff);
  }

  @Override
  void macroKernel(
      double[] ap, int apOff, double[] bp, int bpOff, double[] acc, int accOff,
      int i0, int rows, int j0, int cols, int depth, boolean firstSlice, boolean lastSlice) {
    int rowTiles = ceilDiv(rows, MR);
    boolean storesPlainly = alpha == 1d && beta == 0d;
    // A sliver of B stays in L1 while the slivers of A stream past it from L2.
    for (int jr = 0; jr < cols; jr += NR) {
      for (int ir = 0; ir < rows; ir += MR) {
        int t = accOff + (jr / NR * rowTiles + ir / MR) * (MR * NR);
        if (firstSlice && lastSlice && storesPlainly && rows - ir >= MR && cols - jr >= NR) {
          // One slice and C = sums: the tile goes straight from the registers to C.
          micro(depth, ap, apOff + ir * KC, bp, bpOff + jr * depth, c, cOff + (i0 + ir) * ldc + j0 + jr, ldc, false);
          continue;
        }
        micro(depth, ap, apOff + ir * KC, bp, bpOff + jr * depth, acc, t, NR, !firstSlice);
        if (lastSlice) {
          store(acc, t, i0 + ir, Math.min(MR, rows - ir), j0 + jr, Math.min(NR, cols - jr));
        }
      }
    }
  }

  /** {@code C[i:i+h, j:j+w] = alpha * sums + beta * C} from the tile of sums at {@code acc[t]}. */
  private void store(double[] acc, int t, int i, int h, int j, int w) {
    DoubleVector alphaV = DoubleVector.broadcast(S, alpha);
    DoubleVector betaV = DoubleVector.broadcast(S, beta);
    for (int r = 0; r < h; r++) {
      int ci = cOff + (i + r) * ldc + j;
      int ti = t + r * NR;
      int jj = 0;
      if (w == NR) {
        for (; jj < NR; jj += L) {
          DoubleVector old;
          if (beta == 0d) {
            old = DoubleVector.zero(S); // C is not read: NaNs in it do not propagate
          } else if (beta == 1d) {
            old = DoubleVector.fromArray(S, c, ci + jj);
          } else {
            old = DoubleVector.fromArray(S, c, ci + jj).mul(betaV);
          }
          DoubleVector.fromArray(S, acc, ti + jj).fma(alphaV, old).intoArray(c, ci + jj);
        }
      }
      // Edge tiles: the same arithmetic, one element at a time.
      for (; jj < w; jj++) {
        double old = beta == 0d ? 0d : beta == 1d ? c[ci + jj] : c[ci + jj] * beta;
        c[ci + jj] = Math.fma(acc[ti + jj], alpha, old);
      }
    }
  }

  /**
   * One tile: the running sums at {@code acc[accOff]} (row {@code r} at {@code accOff + r*ld};
   * zero unless {@code accumulate}) plus {@code depth} steps of packed {@code A} (row {@code r} at {@code
   * ap[aOff + r*KC + p]}) times packed {@code B} ({@code bp[bOff + p*NR + j]}).
   */
  private static void micro(
      int depth, double[] ap, int aOff, double[] bp, int bOff,
      double[] acc, int accOff, int ld, boolean accumulate) {
    if (WIDE) {
      kernel12x2(depth, ap, aOff, bp, bOff, acc, accOff, ld, accumulate);
    } else {
      kernel6x2(depth, ap, aOff, bp, bOff, acc, accOff, ld, accumulate);
    }
  }

  /** The 12 x 2-vector micro-kernel; see {@link #micro}. */
  private static void kernel12x2(
      int depth, double[] ap, int aOff, double[] bp, int bOff,
      double[] acc, int accOff, int ld, boolean accumulate) {
    DoubleVector c0a, c0b;
    DoubleVector c1a, c1b;
    DoubleVector c2a, c2b;
    DoubleVector c3a, c3b;
    DoubleVector c4a, c4b;
    DoubleVector c5a, c5b;
    DoubleVector c6a, c6b;
    DoubleVector c7a, c7b;
    DoubleVector c8a, c8b;
    DoubleVector c9a, c9b;
    DoubleVector c10a, c10b;
    DoubleVector c11a, c11b;
    if (accumulate) {
      c0a = DoubleVector.fromArray(S, acc, accOff); c0b = DoubleVector.fromArray(S, acc, accOff + L);
      c1a = DoubleVector.fromArray(S, acc, accOff + ld); c1b = DoubleVector.fromArray(S, acc, accOff + ld + L);
      c2a = DoubleVector.fromArray(S, acc, accOff + 2 * ld); c2b = DoubleVector.fromArray(S, acc, accOff + 2 * ld + L);
      c3a = DoubleVector.fromArray(S, acc, accOff + 3 * ld); c3b = DoubleVector.fromArray(S, acc, accOff + 3 * ld + L);
      c4a = DoubleVector.fromArray(S, acc, accOff + 4 * ld); c4b = DoubleVector.fromArray(S, acc, accOff + 4 * ld + L);
      c5a = DoubleVector.fromArray(S, acc, accOff + 5 * ld); c5b = DoubleVector.fromArray(S, acc, accOff + 5 * ld + L);
      c6a = DoubleVector.fromArray(S, acc, accOff + 6 * ld); c6b = DoubleVector.fromArray(S, acc, accOff + 6 * ld + L);
      c7a = DoubleVector.fromArray(S, acc, accOff + 7 * ld); c7b = DoubleVector.fromArray(S, acc, accOff + 7 * ld + L);
      c8a = DoubleVector.fromArray(S, acc, accOff + 8 * ld); c8b = DoubleVector.fromArray(S, acc, accOff + 8 * ld + L);
      c9a = DoubleVector.fromArray(S, acc, accOff + 9 * ld); c9b = DoubleVector.fromArray(S, acc, accOff + 9 * ld + L);
      c10a = DoubleVector.fromArray(S, acc, accOff + 10 * ld); c10b = DoubleVector.fromArray(S, acc, accOff + 10 * ld + L);
      c11a = DoubleVector.fromArray(S, acc, accOff + 11 * ld); c11b = DoubleVector.fromArray(S, acc, accOff + 11 * ld + L);
    } else {
      DoubleVector zero = DoubleVector.zero(S);
      c0a = zero; c0b = zero;
      c1a = zero; c1b = zero;
      c2a = zero; c2b = zero;
      c3a = zero; c3b = zero;
      c4a = zero; c4b = zero;
      c5a = zero; c5b = zero;
      c6a = zero; c6b = zero;
      c7a = zero; c7b = zero;
      c8a = zero; c8b = zero;
      c9a = zero; c9b = zero;
      c10a = zero; c10b = zero;
      c11a = zero; c11b = zero;
    }
    for (int p = 0; p < depth; p++) {
      int ai = aOff + p;
      int bi = bOff + p * 2 * L;
      DoubleVector b0 = DoubleVector.fromArray(S, bp, bi);
      DoubleVector b1 = DoubleVector.fromArray(S, bp, bi + L);
      DoubleVector a;
      a = DoubleVector.broadcast(S, ap[ai]); c0a = a.fma(b0, c0a); c0b = a.fma(b1, c0b);
      a = DoubleVector.broadcast(S, ap[ai + KC]); c1a = a.fma(b0, c1a); c1b = a.fma(b1, c1b);
      a = DoubleVector.broadcast(S, ap[ai + 2 * KC]); c2a = a.fma(b0, c2a); c2b = a.fma(b1, c2b);
      a = DoubleVector.broadcast(S, ap[ai + 3 * KC]); c3a = a.fma(b0, c3a); c3b = a.fma(b1, c3b);
      a = DoubleVector.broadcast(S, ap[ai + 4 * KC]); c4a = a.fma(b0, c4a); c4b = a.fma(b1, c4b);
      a = DoubleVector.broadcast(S, ap[ai + 5 * KC]); c5a = a.fma(b0, c5a); c5b = a.fma(b1, c5b);
      a = DoubleVector.broadcast(S, ap[ai + 6 * KC]); c6a = a.fma(b0, c6a); c6b = a.fma(b1, c6b);
      a = DoubleVector.broadcast(S, ap[ai + 7 * KC]); c7a = a.fma(b0, c7a); c7b = a.fma(b1, c7b);
      a = DoubleVector.broadcast(S, ap[ai + 8 * KC]); c8a = a.fma(b0, c8a); c8b = a.fma(b1, c8b);
      a = DoubleVector.broadcast(S, ap[ai + 9 * KC]); c9a = a.fma(b0, c9a); c9b = a.fma(b1, c9b);
      a = DoubleVector.broadcast(S, ap[ai + 10 * KC]); c10a = a.fma(b0, c10a); c10b = a.fma(b1, c10b);
      a = DoubleVector.broadcast(S, ap[ai + 11 * KC]); c11a = a.fma(b0, c11a); c11b = a.fma(b1, c11b);
    }
    c0a.intoArray(acc, accOff); c0b.intoArray(acc, accOff + L);
    c1a.intoArray(acc, accOff + ld); c1b.intoArray(acc, accOff + ld + L);
    c2a.intoArray(acc, accOff + 2 * ld); c2b.intoArray(acc, accOff + 2 * ld + L);
    c3a.intoArray(acc, accOff + 3 * ld); c3b.intoArray(acc, accOff + 3 * ld + L);
    c4a.intoArray(acc, accOff + 4 * ld); c4b.intoArray(acc, accOff + 4 * ld + L);
    c5a.intoArray(acc, accOff + 5 * ld); c5b.intoArray(acc, accOff + 5 * ld + L);
    c6a.intoArray(acc, accOff + 6 * ld); c6b.intoArray(acc, accOff + 6 * ld + L);
    c7a.intoArray(acc, accOff + 7 * ld); c7b.intoArray(acc, accOff + 7 * ld + L);
    c8a.intoArray(acc, accOff + 8 * ld); c8b.intoArray(acc, accOff + 8 * ld + L);
    c9a.intoArray(acc, accOff + 9 * ld); c9b.intoArray(acc, accOff + 9 * ld + L);
    c10a.intoArray(acc, accOff + 10 * ld); c10b.intoArray(acc, accOff + 10 * ld + L);
    c11a.intoArray(acc, accOff + 11 * ld); c11b.intoArray(acc, accOff + 11 * ld + L);
  }

  /** The 6 x 2-vector micro-kernel; see {@link #micro}. */
  private static void kernel6x2(
      int depth, double[] ap, int aOff, double[] bp, int bOff,
      double[] acc, int accOff, int ld, boolean accumulate) {
    DoubleVector c0a, c0b;
    DoubleVector c1a, c1b;
    DoubleVector c2a, c2b;
    DoubleVector c3a, c3b;
    DoubleVector c4a, c4b;
    DoubleVector c5a, c5b;
    if (accumulate) {
      c0a = DoubleVector.fromArray(S, acc, accOff); c0b = DoubleVector.fromArray(S, acc, accOff + L);
      c1a = DoubleVector.fromArray(S, acc, accOff + ld); c1b = DoubleVector.fromArray(S, acc, accOff + ld + L);
      c2a = DoubleVector.fromArray(S, acc, accOff + 2 * ld); c2b = DoubleVector.fromArray(S, acc, accOff + 2 * ld + L);
      c3a = DoubleVector.fromArray(S, acc, accOff + 3 * ld); c3b = DoubleVector.fromArray(S, acc, accOff + 3 * ld + L);
      c4a = DoubleVector.fromArray(S, acc, accOff + 4 * ld); c4b = DoubleVector.fromArray(S, acc, accOff + 4 * ld + L);
      c5a = DoubleVector.fromArray(S, acc, accOff + 5 * ld); c5b = DoubleVector.fromArray(S, acc, accOff + 5 * ld + L);
    } else {
      DoubleVector zero = DoubleVector.zero(S);
      c0a = zero; c0b = zero;
      c1a = zero; c1b = zero;
      c2a = zero; c2b = zero;
      c3a = zero; c3b = zero;
      c4a = zero; c4b = zero;
      c5a = zero; c5b = zero;
    }
    for (int p = 0; p < depth; p++) {
      int ai = aOff + p;
      int bi = bOff + p * 2 * L;
      DoubleVector b0 = DoubleVector.fromArray(S, bp, bi);
      DoubleVector b1 = DoubleVector.fromArray(S, bp, bi + L);
      DoubleVector a;
      a = DoubleVector.broadcast(S, ap[ai]); c0a = a.fma(b0, c0a); c0b = a.fma(b1, c0b);
      a = DoubleVector.broadcast(S, ap[ai + KC]); c1a = a.fma(b0, c1a); c1b = a.fma(b1, c1b);
      a = DoubleVector.broadcast(S, ap[ai + 2 * KC]); c2a = a.fma(b0, c2a); c2b = a.fma(b1, c2b);
      a = DoubleVector.broadcast(S, ap[ai + 3 * KC]); c3a = a.fma(b0, c3a); c3b = a.fma(b1, c3b);
      a = DoubleVector.broadcast(S, ap[ai + 4 * KC]); c4a = a.fma(b0, c4a); c4b = a.fma(b1, c4b);
      a = DoubleVector.broadcast(S, ap[ai + 5 * KC]); c5a = a.fma(b0, c5a); c5b = a.fma(b1, c5b);
    }
    c0a.intoArray(acc, accOff); c0b.intoArray(acc, accOff + L);
    c1a.intoArray(acc, accOff + ld); c1b.intoArray(acc, accOff + ld + L);
    c2a.intoArray(acc, accOff + 2 * ld); c2b.intoArray(acc, accOff + 2 * ld + L);
    c3a.intoArray(acc, accOff + 3 * ld); c3b.intoArray(acc, accOff + 3 * ld + L);
    c4a.intoArray(acc, accOff + 4 * ld); c4b.intoArray(acc, accOff + 4 * ld + L);
    c5a.intoArray(acc, accOff + 5 * ld); c5b.intoArray(acc, accOff + 5 * ld + L);
  }
}
