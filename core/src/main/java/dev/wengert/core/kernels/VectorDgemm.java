package dev.wengert.core.kernels;

import dev.wengert.core.kernels.ScratchBuffers.Buffer;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/** EXPERIMENT double GEMM. */
final class VectorDgemm extends PackedGemm<double[]> {

  static final VectorSpecies<Double> S = VectorKernels.DOUBLES;
  static final int L = S.length();
  static final int KERNEL = Integer.getInteger("wengert.gemm.kernel", S.vectorBitSize() >= 512 ? 0 : 1);
  private static final int[] MRS = {12, 6, 8, 14};
  private static final int[] NVS = {2, 2, 3, 2};
  static final int MR = MRS[KERNEL];
  static final int NR = NVS[KERNEL] * L;
  static final int KC = Integer.getInteger("wengert.gemm.kc", 256);
  static final int MC = Integer.getInteger("wengert.gemm.mc", 16) * MR;
  static final int NC = Integer.getInteger("wengert.gemm.nc", 32) * NR;
  static final boolean IR_OUTER = Boolean.getBoolean("wengert.gemm.irouter");

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
    if (IR_OUTER) {
      for (int ir = 0; ir < rows; ir += MR) {
        for (int jr = 0; jr < cols; jr += NR) {
          int t = accOff + (jr / NR * rowTiles + ir / MR) * (MR * NR);
          micro(depth, ap, apOff + ir * KC, bp, bpOff + jr * depth, acc, t, !firstSlice);
          if (lastSlice) {
            store(acc, t, i0 + ir, Math.min(MR, rows - ir), j0 + jr, Math.min(NR, cols - jr));
          }
        }
      }
      return;
    }
    for (int jr = 0; jr < cols; jr += NR) {
      for (int ir = 0; ir < rows; ir += MR) {
        int t = accOff + (jr / NR * rowTiles + ir / MR) * (MR * NR);
        micro(depth, ap, apOff + ir * KC, bp, bpOff + jr * depth, acc, t, !firstSlice);
        if (lastSlice) {
          store(acc, t, i0 + ir, Math.min(MR, rows - ir), j0 + jr, Math.min(NR, cols - jr));
        }
      }
    }
  }

  /** {@code C[i:i+h, j:j+w] = alpha * sums + beta * C}, from the tile of sums at {@code t}. */
  private void store(double[] acc, int t, int i, int h, int j, int w) {
    DoubleVector alphaV = DoubleVector.broadcast(S, alpha);
    DoubleVector betaV = DoubleVector.broadcast(S, beta);
    for (int r = 0; r < h; r++) {
      int ci = cOff + (i + r) * ldc + j;
      int ti = t + r * NR;
      int jj = 0;
      if (w == NR) {
        for (; jj < NR; jj += L) {
          DoubleVector sum = DoubleVector.fromArray(S, acc, ti + jj);
          DoubleVector old;
          if (beta == 0d) {
            old = DoubleVector.zero(S);
          } else if (beta == 1d) {
            old = DoubleVector.fromArray(S, c, ci + jj);
          } else {
            old = DoubleVector.fromArray(S, c, ci + jj).mul(betaV);
          }
          sum.fma(alphaV, old).intoArray(c, ci + jj);
        }
      }
      for (; jj < w; jj++) {
        double old = beta == 0d ? 0d : beta == 1d ? c[ci + jj] : c[ci + jj] * beta;
        c[ci + jj] = Math.fma(acc[ti + jj], alpha, old);
      }
    }
  }

  private static void micro(
      int depth, double[] ap, int aOff, double[] bp, int bOff, double[] acc, int accOff, boolean accumulate) {
    switch (KERNEL) {
      case 0 -> kernel12x2(depth, ap, aOff, bp, bOff, acc, accOff, accumulate);
      case 1 -> kernel6x2(depth, ap, aOff, bp, bOff, acc, accOff, accumulate);
      case 2 -> kernel8x3(depth, ap, aOff, bp, bOff, acc, accOff, accumulate);
      case 3 -> kernel14x2(depth, ap, aOff, bp, bOff, acc, accOff, accumulate);
      default -> throw new AssertionError();
    }
  }

  /** The 12 x 2-vector micro-kernel; see {@link #micro}. */
  private static void kernel12x2(
      int depth, double[] ap, int aOff, double[] bp, int bOff, double[] acc, int accOff, boolean accumulate) {
    DoubleVector c0a, c0b, c1a, c1b, c2a, c2b, c3a, c3b, c4a, c4b, c5a, c5b, c6a, c6b, c7a, c7b, c8a, c8b, c9a, c9b, c10a, c10b, c11a, c11b;
    if (accumulate) {
      c0a = DoubleVector.fromArray(S, acc, accOff); c0b = DoubleVector.fromArray(S, acc, accOff + L);
      c1a = DoubleVector.fromArray(S, acc, accOff + 2 * L); c1b = DoubleVector.fromArray(S, acc, accOff + 3 * L);
      c2a = DoubleVector.fromArray(S, acc, accOff + 4 * L); c2b = DoubleVector.fromArray(S, acc, accOff + 5 * L);
      c3a = DoubleVector.fromArray(S, acc, accOff + 6 * L); c3b = DoubleVector.fromArray(S, acc, accOff + 7 * L);
      c4a = DoubleVector.fromArray(S, acc, accOff + 8 * L); c4b = DoubleVector.fromArray(S, acc, accOff + 9 * L);
      c5a = DoubleVector.fromArray(S, acc, accOff + 10 * L); c5b = DoubleVector.fromArray(S, acc, accOff + 11 * L);
      c6a = DoubleVector.fromArray(S, acc, accOff + 12 * L); c6b = DoubleVector.fromArray(S, acc, accOff + 13 * L);
      c7a = DoubleVector.fromArray(S, acc, accOff + 14 * L); c7b = DoubleVector.fromArray(S, acc, accOff + 15 * L);
      c8a = DoubleVector.fromArray(S, acc, accOff + 16 * L); c8b = DoubleVector.fromArray(S, acc, accOff + 17 * L);
      c9a = DoubleVector.fromArray(S, acc, accOff + 18 * L); c9b = DoubleVector.fromArray(S, acc, accOff + 19 * L);
      c10a = DoubleVector.fromArray(S, acc, accOff + 20 * L); c10b = DoubleVector.fromArray(S, acc, accOff + 21 * L);
      c11a = DoubleVector.fromArray(S, acc, accOff + 22 * L); c11b = DoubleVector.fromArray(S, acc, accOff + 23 * L);
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
    c1a.intoArray(acc, accOff + 2 * L); c1b.intoArray(acc, accOff + 3 * L);
    c2a.intoArray(acc, accOff + 4 * L); c2b.intoArray(acc, accOff + 5 * L);
    c3a.intoArray(acc, accOff + 6 * L); c3b.intoArray(acc, accOff + 7 * L);
    c4a.intoArray(acc, accOff + 8 * L); c4b.intoArray(acc, accOff + 9 * L);
    c5a.intoArray(acc, accOff + 10 * L); c5b.intoArray(acc, accOff + 11 * L);
    c6a.intoArray(acc, accOff + 12 * L); c6b.intoArray(acc, accOff + 13 * L);
    c7a.intoArray(acc, accOff + 14 * L); c7b.intoArray(acc, accOff + 15 * L);
    c8a.intoArray(acc, accOff + 16 * L); c8b.intoArray(acc, accOff + 17 * L);
    c9a.intoArray(acc, accOff + 18 * L); c9b.intoArray(acc, accOff + 19 * L);
    c10a.intoArray(acc, accOff + 20 * L); c10b.intoArray(acc, accOff + 21 * L);
    c11a.intoArray(acc, accOff + 22 * L); c11b.intoArray(acc, accOff + 23 * L);
  }

  /** The 6 x 2-vector micro-kernel; see {@link #micro}. */
  private static void kernel6x2(
      int depth, double[] ap, int aOff, double[] bp, int bOff, double[] acc, int accOff, boolean accumulate) {
    DoubleVector c0a, c0b, c1a, c1b, c2a, c2b, c3a, c3b, c4a, c4b, c5a, c5b;
    if (accumulate) {
      c0a = DoubleVector.fromArray(S, acc, accOff); c0b = DoubleVector.fromArray(S, acc, accOff + L);
      c1a = DoubleVector.fromArray(S, acc, accOff + 2 * L); c1b = DoubleVector.fromArray(S, acc, accOff + 3 * L);
      c2a = DoubleVector.fromArray(S, acc, accOff + 4 * L); c2b = DoubleVector.fromArray(S, acc, accOff + 5 * L);
      c3a = DoubleVector.fromArray(S, acc, accOff + 6 * L); c3b = DoubleVector.fromArray(S, acc, accOff + 7 * L);
      c4a = DoubleVector.fromArray(S, acc, accOff + 8 * L); c4b = DoubleVector.fromArray(S, acc, accOff + 9 * L);
      c5a = DoubleVector.fromArray(S, acc, accOff + 10 * L); c5b = DoubleVector.fromArray(S, acc, accOff + 11 * L);
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
    c1a.intoArray(acc, accOff + 2 * L); c1b.intoArray(acc, accOff + 3 * L);
    c2a.intoArray(acc, accOff + 4 * L); c2b.intoArray(acc, accOff + 5 * L);
    c3a.intoArray(acc, accOff + 6 * L); c3b.intoArray(acc, accOff + 7 * L);
    c4a.intoArray(acc, accOff + 8 * L); c4b.intoArray(acc, accOff + 9 * L);
    c5a.intoArray(acc, accOff + 10 * L); c5b.intoArray(acc, accOff + 11 * L);
  }

  /** The 8 x 3-vector micro-kernel; see {@link #micro}. */
  private static void kernel8x3(
      int depth, double[] ap, int aOff, double[] bp, int bOff, double[] acc, int accOff, boolean accumulate) {
    DoubleVector c0a, c0b, c0c, c1a, c1b, c1c, c2a, c2b, c2c, c3a, c3b, c3c, c4a, c4b, c4c, c5a, c5b, c5c, c6a, c6b, c6c, c7a, c7b, c7c;
    if (accumulate) {
      c0a = DoubleVector.fromArray(S, acc, accOff); c0b = DoubleVector.fromArray(S, acc, accOff + L); c0c = DoubleVector.fromArray(S, acc, accOff + 2 * L);
      c1a = DoubleVector.fromArray(S, acc, accOff + 3 * L); c1b = DoubleVector.fromArray(S, acc, accOff + 4 * L); c1c = DoubleVector.fromArray(S, acc, accOff + 5 * L);
      c2a = DoubleVector.fromArray(S, acc, accOff + 6 * L); c2b = DoubleVector.fromArray(S, acc, accOff + 7 * L); c2c = DoubleVector.fromArray(S, acc, accOff + 8 * L);
      c3a = DoubleVector.fromArray(S, acc, accOff + 9 * L); c3b = DoubleVector.fromArray(S, acc, accOff + 10 * L); c3c = DoubleVector.fromArray(S, acc, accOff + 11 * L);
      c4a = DoubleVector.fromArray(S, acc, accOff + 12 * L); c4b = DoubleVector.fromArray(S, acc, accOff + 13 * L); c4c = DoubleVector.fromArray(S, acc, accOff + 14 * L);
      c5a = DoubleVector.fromArray(S, acc, accOff + 15 * L); c5b = DoubleVector.fromArray(S, acc, accOff + 16 * L); c5c = DoubleVector.fromArray(S, acc, accOff + 17 * L);
      c6a = DoubleVector.fromArray(S, acc, accOff + 18 * L); c6b = DoubleVector.fromArray(S, acc, accOff + 19 * L); c6c = DoubleVector.fromArray(S, acc, accOff + 20 * L);
      c7a = DoubleVector.fromArray(S, acc, accOff + 21 * L); c7b = DoubleVector.fromArray(S, acc, accOff + 22 * L); c7c = DoubleVector.fromArray(S, acc, accOff + 23 * L);
    } else {
      DoubleVector zero = DoubleVector.zero(S);
      c0a = zero; c0b = zero; c0c = zero;
      c1a = zero; c1b = zero; c1c = zero;
      c2a = zero; c2b = zero; c2c = zero;
      c3a = zero; c3b = zero; c3c = zero;
      c4a = zero; c4b = zero; c4c = zero;
      c5a = zero; c5b = zero; c5c = zero;
      c6a = zero; c6b = zero; c6c = zero;
      c7a = zero; c7b = zero; c7c = zero;
    }
    for (int p = 0; p < depth; p++) {
      int ai = aOff + p;
      int bi = bOff + p * 3 * L;
      DoubleVector b0 = DoubleVector.fromArray(S, bp, bi);
      DoubleVector b1 = DoubleVector.fromArray(S, bp, bi + L);
      DoubleVector b2 = DoubleVector.fromArray(S, bp, bi + 2 * L);
      DoubleVector a;
      a = DoubleVector.broadcast(S, ap[ai]); c0a = a.fma(b0, c0a); c0b = a.fma(b1, c0b); c0c = a.fma(b2, c0c);
      a = DoubleVector.broadcast(S, ap[ai + KC]); c1a = a.fma(b0, c1a); c1b = a.fma(b1, c1b); c1c = a.fma(b2, c1c);
      a = DoubleVector.broadcast(S, ap[ai + 2 * KC]); c2a = a.fma(b0, c2a); c2b = a.fma(b1, c2b); c2c = a.fma(b2, c2c);
      a = DoubleVector.broadcast(S, ap[ai + 3 * KC]); c3a = a.fma(b0, c3a); c3b = a.fma(b1, c3b); c3c = a.fma(b2, c3c);
      a = DoubleVector.broadcast(S, ap[ai + 4 * KC]); c4a = a.fma(b0, c4a); c4b = a.fma(b1, c4b); c4c = a.fma(b2, c4c);
      a = DoubleVector.broadcast(S, ap[ai + 5 * KC]); c5a = a.fma(b0, c5a); c5b = a.fma(b1, c5b); c5c = a.fma(b2, c5c);
      a = DoubleVector.broadcast(S, ap[ai + 6 * KC]); c6a = a.fma(b0, c6a); c6b = a.fma(b1, c6b); c6c = a.fma(b2, c6c);
      a = DoubleVector.broadcast(S, ap[ai + 7 * KC]); c7a = a.fma(b0, c7a); c7b = a.fma(b1, c7b); c7c = a.fma(b2, c7c);
    }
    c0a.intoArray(acc, accOff); c0b.intoArray(acc, accOff + L); c0c.intoArray(acc, accOff + 2 * L);
    c1a.intoArray(acc, accOff + 3 * L); c1b.intoArray(acc, accOff + 4 * L); c1c.intoArray(acc, accOff + 5 * L);
    c2a.intoArray(acc, accOff + 6 * L); c2b.intoArray(acc, accOff + 7 * L); c2c.intoArray(acc, accOff + 8 * L);
    c3a.intoArray(acc, accOff + 9 * L); c3b.intoArray(acc, accOff + 10 * L); c3c.intoArray(acc, accOff + 11 * L);
    c4a.intoArray(acc, accOff + 12 * L); c4b.intoArray(acc, accOff + 13 * L); c4c.intoArray(acc, accOff + 14 * L);
    c5a.intoArray(acc, accOff + 15 * L); c5b.intoArray(acc, accOff + 16 * L); c5c.intoArray(acc, accOff + 17 * L);
    c6a.intoArray(acc, accOff + 18 * L); c6b.intoArray(acc, accOff + 19 * L); c6c.intoArray(acc, accOff + 20 * L);
    c7a.intoArray(acc, accOff + 21 * L); c7b.intoArray(acc, accOff + 22 * L); c7c.intoArray(acc, accOff + 23 * L);
  }

  /** The 14 x 2-vector micro-kernel; see {@link #micro}. */
  private static void kernel14x2(
      int depth, double[] ap, int aOff, double[] bp, int bOff, double[] acc, int accOff, boolean accumulate) {
    DoubleVector c0a, c0b, c1a, c1b, c2a, c2b, c3a, c3b, c4a, c4b, c5a, c5b, c6a, c6b, c7a, c7b, c8a, c8b, c9a, c9b, c10a, c10b, c11a, c11b, c12a, c12b, c13a, c13b;
    if (accumulate) {
      c0a = DoubleVector.fromArray(S, acc, accOff); c0b = DoubleVector.fromArray(S, acc, accOff + L);
      c1a = DoubleVector.fromArray(S, acc, accOff + 2 * L); c1b = DoubleVector.fromArray(S, acc, accOff + 3 * L);
      c2a = DoubleVector.fromArray(S, acc, accOff + 4 * L); c2b = DoubleVector.fromArray(S, acc, accOff + 5 * L);
      c3a = DoubleVector.fromArray(S, acc, accOff + 6 * L); c3b = DoubleVector.fromArray(S, acc, accOff + 7 * L);
      c4a = DoubleVector.fromArray(S, acc, accOff + 8 * L); c4b = DoubleVector.fromArray(S, acc, accOff + 9 * L);
      c5a = DoubleVector.fromArray(S, acc, accOff + 10 * L); c5b = DoubleVector.fromArray(S, acc, accOff + 11 * L);
      c6a = DoubleVector.fromArray(S, acc, accOff + 12 * L); c6b = DoubleVector.fromArray(S, acc, accOff + 13 * L);
      c7a = DoubleVector.fromArray(S, acc, accOff + 14 * L); c7b = DoubleVector.fromArray(S, acc, accOff + 15 * L);
      c8a = DoubleVector.fromArray(S, acc, accOff + 16 * L); c8b = DoubleVector.fromArray(S, acc, accOff + 17 * L);
      c9a = DoubleVector.fromArray(S, acc, accOff + 18 * L); c9b = DoubleVector.fromArray(S, acc, accOff + 19 * L);
      c10a = DoubleVector.fromArray(S, acc, accOff + 20 * L); c10b = DoubleVector.fromArray(S, acc, accOff + 21 * L);
      c11a = DoubleVector.fromArray(S, acc, accOff + 22 * L); c11b = DoubleVector.fromArray(S, acc, accOff + 23 * L);
      c12a = DoubleVector.fromArray(S, acc, accOff + 24 * L); c12b = DoubleVector.fromArray(S, acc, accOff + 25 * L);
      c13a = DoubleVector.fromArray(S, acc, accOff + 26 * L); c13b = DoubleVector.fromArray(S, acc, accOff + 27 * L);
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
      c12a = zero; c12b = zero;
      c13a = zero; c13b = zero;
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
      a = DoubleVector.broadcast(S, ap[ai + 12 * KC]); c12a = a.fma(b0, c12a); c12b = a.fma(b1, c12b);
      a = DoubleVector.broadcast(S, ap[ai + 13 * KC]); c13a = a.fma(b0, c13a); c13b = a.fma(b1, c13b);
    }
    c0a.intoArray(acc, accOff); c0b.intoArray(acc, accOff + L);
    c1a.intoArray(acc, accOff + 2 * L); c1b.intoArray(acc, accOff + 3 * L);
    c2a.intoArray(acc, accOff + 4 * L); c2b.intoArray(acc, accOff + 5 * L);
    c3a.intoArray(acc, accOff + 6 * L); c3b.intoArray(acc, accOff + 7 * L);
    c4a.intoArray(acc, accOff + 8 * L); c4b.intoArray(acc, accOff + 9 * L);
    c5a.intoArray(acc, accOff + 10 * L); c5b.intoArray(acc, accOff + 11 * L);
    c6a.intoArray(acc, accOff + 12 * L); c6b.intoArray(acc, accOff + 13 * L);
    c7a.intoArray(acc, accOff + 14 * L); c7b.intoArray(acc, accOff + 15 * L);
    c8a.intoArray(acc, accOff + 16 * L); c8b.intoArray(acc, accOff + 17 * L);
    c9a.intoArray(acc, accOff + 18 * L); c9b.intoArray(acc, accOff + 19 * L);
    c10a.intoArray(acc, accOff + 20 * L); c10b.intoArray(acc, accOff + 21 * L);
    c11a.intoArray(acc, accOff + 22 * L); c11b.intoArray(acc, accOff + 23 * L);
    c12a.intoArray(acc, accOff + 24 * L); c12b.intoArray(acc, accOff + 25 * L);
    c13a.intoArray(acc, accOff + 26 * L); c13b.intoArray(acc, accOff + 27 * L);
  }
}

