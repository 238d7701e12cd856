package dev.wengert.core.kernels;

import jdk.incubator.vector.DoubleVector;
import dev.wengert.core.kernels.ScratchBuffers.Buffer;
import jdk.incubator.vector.VectorSpecies;

/** Experimental double GEMM. */
final class VectorDgemm extends PackedGemm<double[]> {

  static final VectorSpecies<Double> S = VectorKernels.DOUBLES;
  static final int L = S.length();
  static final int KERNEL = Integer.getInteger("wengert.gemm.kernel", S.vectorBitSize() >= 512 ? 0 : 3);
  private static final int[] MRS = {12, 8, 6, 6, 14};
  private static final int[] NVS = {2, 3, 4, 2, 2};
  static final int MR = MRS[KERNEL];
  static final int NR = NVS[KERNEL] * L;
  static final int KC = Integer.getInteger("wengert.gemm.kc", 256);
  static final int MC = Integer.getInteger("wengert.gemm.mc", 12) * MR;
  static final int NC = Integer.getInteger("wengert.gemm.nc", 32) * NR;
  static final int C_PANEL = Integer.getInteger("wengert.gemm.cpanel", 1 << 18);
  static final boolean NO_MERGE = Boolean.getBoolean("nomerge");
  static final boolean NO_PACK = Boolean.getBoolean("nopack");
  static final boolean TOUCH = Boolean.getBoolean("touch");
  static final boolean IR_OUTER = Boolean.getBoolean("wengert.gemm.irouter");

  private static final int ZERO = 1;
  private static final int SCALE = 2;
  private static final int ACCUM = 3;

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
    super(m, n, k, MR, NR, KC, MC, NC, C_PANEL);
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
    if (NO_PACK) {
      return;
    }
    GemmPacking.packA(a, aOff, lda, transA, i0, rows, p0, depth, MR, dst, dstOff);
  }

  @Override
  void packB(double[] dst, int dstOff, int p0, int depth, int j0, int cols) {
    if (NO_PACK) {
      return;
    }
    GemmPacking.packB(b, bOff, ldb, transB, p0, depth, j0, cols, NR, dst, dstOff);
  }

  @Override
  void macroKernel(
      double[] ap, int apOff, double[] bp, int bpOff,
      int i0, int rows, int j0, int cols, int depth, boolean firstDepth) {
    double[] tile = ScratchBuffers.get().doubles(Buffer.TILE, MR * NR + 1);
    if (TOUCH && !(firstDepth && beta == 0d)) {
      double sum = 0d;
      for (int r = 0; r < rows; r++) {
        int ci = cOff + (i0 + r) * ldc + j0;
        for (int jj = 0; jj < cols; jj += 64 / 8) {
          sum += c[ci + jj];
        }
      }
      tile[MR * NR] = sum;
    }
    int mode = !firstDepth || beta == 1d ? ACCUM : beta == 0d ? ZERO : SCALE;
    if (IR_OUTER) {
      for (int ir = 0; ir < rows; ir += MR) {
        for (int jr = 0; jr < cols; jr += NR) {
          tile(ap, apOff + ir * depth, bp, bpOff + jr * depth, depth, tile, i0 + ir, Math.min(MR, rows - ir), j0 + jr, Math.min(NR, cols - jr), mode);
        }
      }
    } else {
      for (int jr = 0; jr < cols; jr += NR) {
        for (int ir = 0; ir < rows; ir += MR) {
          tile(ap, apOff + ir * depth, bp, bpOff + jr * depth, depth, tile, i0 + ir, Math.min(MR, rows - ir), j0 + jr, Math.min(NR, cols - jr), mode);
        }
      }
    }
  }

  private void tile(double[] ap, int aIdx, double[] bp, int bIdx, int depth, double[] tile, int i, int h, int j, int w, int mode) {
    micro(depth, ap, aIdx, bp, bIdx, tile);
    if (NO_MERGE) {
      return;
    }
    int cIdx = cOff + i * ldc + j;
    DoubleVector alphaV = DoubleVector.broadcast(S, alpha);
    DoubleVector betaV = DoubleVector.broadcast(S, beta);
    for (int r = 0; r < h; r++) {
      int ci = cIdx + r * ldc;
      int ti = r * NR;
      int jj = 0;
      if (w == NR) {
        for (; jj < NR; jj += L) {
          DoubleVector acc = DoubleVector.fromArray(S, tile, ti + jj);
          DoubleVector old = mode == ZERO ? DoubleVector.zero(S) : DoubleVector.fromArray(S, c, ci + jj);
          if (mode == SCALE) {
            old = old.mul(betaV);
          }
          acc.fma(alphaV, old).intoArray(c, ci + jj);
        }
      }
      for (; jj < w; jj++) {
        double old = mode == ZERO ? 0d : mode == SCALE ? c[ci + jj] * beta : c[ci + jj];
        c[ci + jj] = Math.fma(tile[ti + jj], alpha, old);
      }
    }
  }

  private static void micro(
      int depth, double[] ap, int aOff, double[] bp, int bOff, double[] tile) {
    switch (KERNEL) {
      case 0 -> kernel12x2(depth, ap, aOff, bp, bOff, tile);
      case 1 -> kernel8x3(depth, ap, aOff, bp, bOff, tile);
      case 2 -> kernel6x4(depth, ap, aOff, bp, bOff, tile);
      case 3 -> kernel6x2(depth, ap, aOff, bp, bOff, tile);
      case 4 -> kernel14x2(depth, ap, aOff, bp, bOff, tile);
      default -> throw new AssertionError();
    }
  }

  /** The 12 x 2-vector micro-kernel (see {@link #micro}). */
  private static void kernel12x2(
      int depth, double[] ap, int aOff, double[] bp, int bOff,
      double[] tile) {
    DoubleVector zero = DoubleVector.zero(S);
    DoubleVector c00 = zero, c01 = zero;
    DoubleVector c10 = zero, c11 = zero;
    DoubleVector c20 = zero, c21 = zero;
    DoubleVector c30 = zero, c31 = zero;
    DoubleVector c40 = zero, c41 = zero;
    DoubleVector c50 = zero, c51 = zero;
    DoubleVector c60 = zero, c61 = zero;
    DoubleVector c70 = zero, c71 = zero;
    DoubleVector c80 = zero, c81 = zero;
    DoubleVector c90 = zero, c91 = zero;
    DoubleVector c100 = zero, c101 = zero;
    DoubleVector c110 = zero, c111 = zero;
    for (int p = 0; p < depth; p++) {
      int ai = aOff + p * 12;
      int bi = bOff + p * 2 * L;
      DoubleVector b0 = DoubleVector.fromArray(S, bp, bi);
      DoubleVector b1 = DoubleVector.fromArray(S, bp, bi + L);
      DoubleVector a;
      a = DoubleVector.broadcast(S, ap[ai]); c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
      a = DoubleVector.broadcast(S, ap[ai + 1]); c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
      a = DoubleVector.broadcast(S, ap[ai + 2]); c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
      a = DoubleVector.broadcast(S, ap[ai + 3]); c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
      a = DoubleVector.broadcast(S, ap[ai + 4]); c40 = a.fma(b0, c40); c41 = a.fma(b1, c41);
      a = DoubleVector.broadcast(S, ap[ai + 5]); c50 = a.fma(b0, c50); c51 = a.fma(b1, c51);
      a = DoubleVector.broadcast(S, ap[ai + 6]); c60 = a.fma(b0, c60); c61 = a.fma(b1, c61);
      a = DoubleVector.broadcast(S, ap[ai + 7]); c70 = a.fma(b0, c70); c71 = a.fma(b1, c71);
      a = DoubleVector.broadcast(S, ap[ai + 8]); c80 = a.fma(b0, c80); c81 = a.fma(b1, c81);
      a = DoubleVector.broadcast(S, ap[ai + 9]); c90 = a.fma(b0, c90); c91 = a.fma(b1, c91);
      a = DoubleVector.broadcast(S, ap[ai + 10]); c100 = a.fma(b0, c100); c101 = a.fma(b1, c101);
      a = DoubleVector.broadcast(S, ap[ai + 11]); c110 = a.fma(b0, c110); c111 = a.fma(b1, c111);
    }
    c00.intoArray(tile, 0); c01.intoArray(tile, L);
    c10.intoArray(tile, 2 * L); c11.intoArray(tile, 3 * L);
    c20.intoArray(tile, 4 * L); c21.intoArray(tile, 5 * L);
    c30.intoArray(tile, 6 * L); c31.intoArray(tile, 7 * L);
    c40.intoArray(tile, 8 * L); c41.intoArray(tile, 9 * L);
    c50.intoArray(tile, 10 * L); c51.intoArray(tile, 11 * L);
    c60.intoArray(tile, 12 * L); c61.intoArray(tile, 13 * L);
    c70.intoArray(tile, 14 * L); c71.intoArray(tile, 15 * L);
    c80.intoArray(tile, 16 * L); c81.intoArray(tile, 17 * L);
    c90.intoArray(tile, 18 * L); c91.intoArray(tile, 19 * L);
    c100.intoArray(tile, 20 * L); c101.intoArray(tile, 21 * L);
    c110.intoArray(tile, 22 * L); c111.intoArray(tile, 23 * L);
  }

  /** The 8 x 3-vector micro-kernel (see {@link #micro}). */
  private static void kernel8x3(
      int depth, double[] ap, int aOff, double[] bp, int bOff,
      double[] tile) {
    DoubleVector zero = DoubleVector.zero(S);
    DoubleVector c00 = zero, c01 = zero, c02 = zero;
    DoubleVector c10 = zero, c11 = zero, c12 = zero;
    DoubleVector c20 = zero, c21 = zero, c22 = zero;
    DoubleVector c30 = zero, c31 = zero, c32 = zero;
    DoubleVector c40 = zero, c41 = zero, c42 = zero;
    DoubleVector c50 = zero, c51 = zero, c52 = zero;
    DoubleVector c60 = zero, c61 = zero, c62 = zero;
    DoubleVector c70 = zero, c71 = zero, c72 = zero;
    for (int p = 0; p < depth; p++) {
      int ai = aOff + p * 8;
      int bi = bOff + p * 3 * L;
      DoubleVector b0 = DoubleVector.fromArray(S, bp, bi);
      DoubleVector b1 = DoubleVector.fromArray(S, bp, bi + L);
      DoubleVector b2 = DoubleVector.fromArray(S, bp, bi + 2 * L);
      DoubleVector a;
      a = DoubleVector.broadcast(S, ap[ai]); c00 = a.fma(b0, c00); c01 = a.fma(b1, c01); c02 = a.fma(b2, c02);
      a = DoubleVector.broadcast(S, ap[ai + 1]); c10 = a.fma(b0, c10); c11 = a.fma(b1, c11); c12 = a.fma(b2, c12);
      a = DoubleVector.broadcast(S, ap[ai + 2]); c20 = a.fma(b0, c20); c21 = a.fma(b1, c21); c22 = a.fma(b2, c22);
      a = DoubleVector.broadcast(S, ap[ai + 3]); c30 = a.fma(b0, c30); c31 = a.fma(b1, c31); c32 = a.fma(b2, c32);
      a = DoubleVector.broadcast(S, ap[ai + 4]); c40 = a.fma(b0, c40); c41 = a.fma(b1, c41); c42 = a.fma(b2, c42);
      a = DoubleVector.broadcast(S, ap[ai + 5]); c50 = a.fma(b0, c50); c51 = a.fma(b1, c51); c52 = a.fma(b2, c52);
      a = DoubleVector.broadcast(S, ap[ai + 6]); c60 = a.fma(b0, c60); c61 = a.fma(b1, c61); c62 = a.fma(b2, c62);
      a = DoubleVector.broadcast(S, ap[ai + 7]); c70 = a.fma(b0, c70); c71 = a.fma(b1, c71); c72 = a.fma(b2, c72);
    }
    c00.intoArray(tile, 0); c01.intoArray(tile, L); c02.intoArray(tile, 2 * L);
    c10.intoArray(tile, 3 * L); c11.intoArray(tile, 4 * L); c12.intoArray(tile, 5 * L);
    c20.intoArray(tile, 6 * L); c21.intoArray(tile, 7 * L); c22.intoArray(tile, 8 * L);
    c30.intoArray(tile, 9 * L); c31.intoArray(tile, 10 * L); c32.intoArray(tile, 11 * L);
    c40.intoArray(tile, 12 * L); c41.intoArray(tile, 13 * L); c42.intoArray(tile, 14 * L);
    c50.intoArray(tile, 15 * L); c51.intoArray(tile, 16 * L); c52.intoArray(tile, 17 * L);
    c60.intoArray(tile, 18 * L); c61.intoArray(tile, 19 * L); c62.intoArray(tile, 20 * L);
    c70.intoArray(tile, 21 * L); c71.intoArray(tile, 22 * L); c72.intoArray(tile, 23 * L);
  }

  /** The 6 x 4-vector micro-kernel (see {@link #micro}). */
  private static void kernel6x4(
      int depth, double[] ap, int aOff, double[] bp, int bOff,
      double[] tile) {
    DoubleVector zero = DoubleVector.zero(S);
    DoubleVector c00 = zero, c01 = zero, c02 = zero, c03 = zero;
    DoubleVector c10 = zero, c11 = zero, c12 = zero, c13 = zero;
    DoubleVector c20 = zero, c21 = zero, c22 = zero, c23 = zero;
    DoubleVector c30 = zero, c31 = zero, c32 = zero, c33 = zero;
    DoubleVector c40 = zero, c41 = zero, c42 = zero, c43 = zero;
    DoubleVector c50 = zero, c51 = zero, c52 = zero, c53 = zero;
    for (int p = 0; p < depth; p++) {
      int ai = aOff + p * 6;
      int bi = bOff + p * 4 * L;
      DoubleVector b0 = DoubleVector.fromArray(S, bp, bi);
      DoubleVector b1 = DoubleVector.fromArray(S, bp, bi + L);
      DoubleVector b2 = DoubleVector.fromArray(S, bp, bi + 2 * L);
      DoubleVector b3 = DoubleVector.fromArray(S, bp, bi + 3 * L);
      DoubleVector a;
      a = DoubleVector.broadcast(S, ap[ai]); c00 = a.fma(b0, c00); c01 = a.fma(b1, c01); c02 = a.fma(b2, c02); c03 = a.fma(b3, c03);
      a = DoubleVector.broadcast(S, ap[ai + 1]); c10 = a.fma(b0, c10); c11 = a.fma(b1, c11); c12 = a.fma(b2, c12); c13 = a.fma(b3, c13);
      a = DoubleVector.broadcast(S, ap[ai + 2]); c20 = a.fma(b0, c20); c21 = a.fma(b1, c21); c22 = a.fma(b2, c22); c23 = a.fma(b3, c23);
      a = DoubleVector.broadcast(S, ap[ai + 3]); c30 = a.fma(b0, c30); c31 = a.fma(b1, c31); c32 = a.fma(b2, c32); c33 = a.fma(b3, c33);
      a = DoubleVector.broadcast(S, ap[ai + 4]); c40 = a.fma(b0, c40); c41 = a.fma(b1, c41); c42 = a.fma(b2, c42); c43 = a.fma(b3, c43);
      a = DoubleVector.broadcast(S, ap[ai + 5]); c50 = a.fma(b0, c50); c51 = a.fma(b1, c51); c52 = a.fma(b2, c52); c53 = a.fma(b3, c53);
    }
    c00.intoArray(tile, 0); c01.intoArray(tile, L); c02.intoArray(tile, 2 * L); c03.intoArray(tile, 3 * L);
    c10.intoArray(tile, 4 * L); c11.intoArray(tile, 5 * L); c12.intoArray(tile, 6 * L); c13.intoArray(tile, 7 * L);
    c20.intoArray(tile, 8 * L); c21.intoArray(tile, 9 * L); c22.intoArray(tile, 10 * L); c23.intoArray(tile, 11 * L);
    c30.intoArray(tile, 12 * L); c31.intoArray(tile, 13 * L); c32.intoArray(tile, 14 * L); c33.intoArray(tile, 15 * L);
    c40.intoArray(tile, 16 * L); c41.intoArray(tile, 17 * L); c42.intoArray(tile, 18 * L); c43.intoArray(tile, 19 * L);
    c50.intoArray(tile, 20 * L); c51.intoArray(tile, 21 * L); c52.intoArray(tile, 22 * L); c53.intoArray(tile, 23 * L);
  }

  /** The 6 x 2-vector micro-kernel (see {@link #micro}). */
  private static void kernel6x2(
      int depth, double[] ap, int aOff, double[] bp, int bOff,
      double[] tile) {
    DoubleVector zero = DoubleVector.zero(S);
    DoubleVector c00 = zero, c01 = zero;
    DoubleVector c10 = zero, c11 = zero;
    DoubleVector c20 = zero, c21 = zero;
    DoubleVector c30 = zero, c31 = zero;
    DoubleVector c40 = zero, c41 = zero;
    DoubleVector c50 = zero, c51 = zero;
    for (int p = 0; p < depth; p++) {
      int ai = aOff + p * 6;
      int bi = bOff + p * 2 * L;
      DoubleVector b0 = DoubleVector.fromArray(S, bp, bi);
      DoubleVector b1 = DoubleVector.fromArray(S, bp, bi + L);
      DoubleVector a;
      a = DoubleVector.broadcast(S, ap[ai]); c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
      a = DoubleVector.broadcast(S, ap[ai + 1]); c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
      a = DoubleVector.broadcast(S, ap[ai + 2]); c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
      a = DoubleVector.broadcast(S, ap[ai + 3]); c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
      a = DoubleVector.broadcast(S, ap[ai + 4]); c40 = a.fma(b0, c40); c41 = a.fma(b1, c41);
      a = DoubleVector.broadcast(S, ap[ai + 5]); c50 = a.fma(b0, c50); c51 = a.fma(b1, c51);
    }
    c00.intoArray(tile, 0); c01.intoArray(tile, L);
    c10.intoArray(tile, 2 * L); c11.intoArray(tile, 3 * L);
    c20.intoArray(tile, 4 * L); c21.intoArray(tile, 5 * L);
    c30.intoArray(tile, 6 * L); c31.intoArray(tile, 7 * L);
    c40.intoArray(tile, 8 * L); c41.intoArray(tile, 9 * L);
    c50.intoArray(tile, 10 * L); c51.intoArray(tile, 11 * L);
  }

  /** The 14 x 2-vector micro-kernel (see {@link #micro}). */
  private static void kernel14x2(
      int depth, double[] ap, int aOff, double[] bp, int bOff,
      double[] tile) {
    DoubleVector zero = DoubleVector.zero(S);
    DoubleVector c00 = zero, c01 = zero;
    DoubleVector c10 = zero, c11 = zero;
    DoubleVector c20 = zero, c21 = zero;
    DoubleVector c30 = zero, c31 = zero;
    DoubleVector c40 = zero, c41 = zero;
    DoubleVector c50 = zero, c51 = zero;
    DoubleVector c60 = zero, c61 = zero;
    DoubleVector c70 = zero, c71 = zero;
    DoubleVector c80 = zero, c81 = zero;
    DoubleVector c90 = zero, c91 = zero;
    DoubleVector c100 = zero, c101 = zero;
    DoubleVector c110 = zero, c111 = zero;
    DoubleVector c120 = zero, c121 = zero;
    DoubleVector c130 = zero, c131 = zero;
    for (int p = 0; p < depth; p++) {
      int ai = aOff + p * 14;
      int bi = bOff + p * 2 * L;
      DoubleVector b0 = DoubleVector.fromArray(S, bp, bi);
      DoubleVector b1 = DoubleVector.fromArray(S, bp, bi + L);
      DoubleVector a;
      a = DoubleVector.broadcast(S, ap[ai]); c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
      a = DoubleVector.broadcast(S, ap[ai + 1]); c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
      a = DoubleVector.broadcast(S, ap[ai + 2]); c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
      a = DoubleVector.broadcast(S, ap[ai + 3]); c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
      a = DoubleVector.broadcast(S, ap[ai + 4]); c40 = a.fma(b0, c40); c41 = a.fma(b1, c41);
      a = DoubleVector.broadcast(S, ap[ai + 5]); c50 = a.fma(b0, c50); c51 = a.fma(b1, c51);
      a = DoubleVector.broadcast(S, ap[ai + 6]); c60 = a.fma(b0, c60); c61 = a.fma(b1, c61);
      a = DoubleVector.broadcast(S, ap[ai + 7]); c70 = a.fma(b0, c70); c71 = a.fma(b1, c71);
      a = DoubleVector.broadcast(S, ap[ai + 8]); c80 = a.fma(b0, c80); c81 = a.fma(b1, c81);
      a = DoubleVector.broadcast(S, ap[ai + 9]); c90 = a.fma(b0, c90); c91 = a.fma(b1, c91);
      a = DoubleVector.broadcast(S, ap[ai + 10]); c100 = a.fma(b0, c100); c101 = a.fma(b1, c101);
      a = DoubleVector.broadcast(S, ap[ai + 11]); c110 = a.fma(b0, c110); c111 = a.fma(b1, c111);
      a = DoubleVector.broadcast(S, ap[ai + 12]); c120 = a.fma(b0, c120); c121 = a.fma(b1, c121);
      a = DoubleVector.broadcast(S, ap[ai + 13]); c130 = a.fma(b0, c130); c131 = a.fma(b1, c131);
    }
    c00.intoArray(tile, 0); c01.intoArray(tile, L);
    c10.intoArray(tile, 2 * L); c11.intoArray(tile, 3 * L);
    c20.intoArray(tile, 4 * L); c21.intoArray(tile, 5 * L);
    c30.intoArray(tile, 6 * L); c31.intoArray(tile, 7 * L);
    c40.intoArray(tile, 8 * L); c41.intoArray(tile, 9 * L);
    c50.intoArray(tile, 10 * L); c51.intoArray(tile, 11 * L);
    c60.intoArray(tile, 12 * L); c61.intoArray(tile, 13 * L);
    c70.intoArray(tile, 14 * L); c71.intoArray(tile, 15 * L);
    c80.intoArray(tile, 16 * L); c81.intoArray(tile, 17 * L);
    c90.intoArray(tile, 18 * L); c91.intoArray(tile, 19 * L);
    c100.intoArray(tile, 20 * L); c101.intoArray(tile, 21 * L);
    c110.intoArray(tile, 22 * L); c111.intoArray(tile, 23 * L);
    c120.intoArray(tile, 24 * L); c121.intoArray(tile, 25 * L);
    c130.intoArray(tile, 26 * L); c131.intoArray(tile, 27 * L);
  }
}
