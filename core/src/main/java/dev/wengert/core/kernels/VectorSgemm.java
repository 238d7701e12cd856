package dev.wengert.core.kernels;

import jdk.incubator.vector.FloatVector;
import dev.wengert.core.kernels.ScratchBuffers.Buffer;
import jdk.incubator.vector.VectorSpecies;

/** Experimental float GEMM. */
final class VectorSgemm extends PackedGemm<float[]> {

  static final VectorSpecies<Float> S = VectorKernels.FLOATS;
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
  private final float alpha;
  private final float[] a;
  private final int aOff;
  private final int lda;
  private final float[] b;
  private final int bOff;
  private final int ldb;
  private final float beta;
  private final float[] c;
  private final int cOff;
  private final int ldc;

  VectorSgemm(
      boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
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
  float[] buffer(ScratchBuffers scratch, Buffer which, int size) {
    return scratch.floats(which, size);
  }

  @Override
  void packA(float[] dst, int dstOff, int i0, int rows, int p0, int depth) {
    if (NO_PACK) {
      return;
    }
    GemmPacking.packA(a, aOff, lda, transA, i0, rows, p0, depth, MR, dst, dstOff);
  }

  @Override
  void packB(float[] dst, int dstOff, int p0, int depth, int j0, int cols) {
    if (NO_PACK) {
      return;
    }
    GemmPacking.packB(b, bOff, ldb, transB, p0, depth, j0, cols, NR, dst, dstOff);
  }

  @Override
  void macroKernel(
      float[] ap, int apOff, float[] bp, int bpOff,
      int i0, int rows, int j0, int cols, int depth, boolean firstDepth) {
    float[] tile = ScratchBuffers.get().floats(Buffer.TILE, MR * NR + 1);
    if (TOUCH && !(firstDepth && beta == 0f)) {
      float sum = 0f;
      for (int r = 0; r < rows; r++) {
        int ci = cOff + (i0 + r) * ldc + j0;
        for (int jj = 0; jj < cols; jj += 64 / 4) {
          sum += c[ci + jj];
        }
      }
      tile[MR * NR] = sum;
    }
    int mode = !firstDepth || beta == 1f ? ACCUM : beta == 0f ? ZERO : SCALE;
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

  private void tile(float[] ap, int aIdx, float[] bp, int bIdx, int depth, float[] tile, int i, int h, int j, int w, int mode) {
    micro(depth, ap, aIdx, bp, bIdx, tile);
    if (NO_MERGE) {
      return;
    }
    int cIdx = cOff + i * ldc + j;
    FloatVector alphaV = FloatVector.broadcast(S, alpha);
    FloatVector betaV = FloatVector.broadcast(S, beta);
    for (int r = 0; r < h; r++) {
      int ci = cIdx + r * ldc;
      int ti = r * NR;
      int jj = 0;
      if (w == NR) {
        for (; jj < NR; jj += L) {
          FloatVector acc = FloatVector.fromArray(S, tile, ti + jj);
          FloatVector old = mode == ZERO ? FloatVector.zero(S) : FloatVector.fromArray(S, c, ci + jj);
          if (mode == SCALE) {
            old = old.mul(betaV);
          }
          acc.fma(alphaV, old).intoArray(c, ci + jj);
        }
      }
      for (; jj < w; jj++) {
        float old = mode == ZERO ? 0f : mode == SCALE ? c[ci + jj] * beta : c[ci + jj];
        c[ci + jj] = Math.fma(tile[ti + jj], alpha, old);
      }
    }
  }

  private static void micro(
      int depth, float[] ap, int aOff, float[] bp, int bOff, float[] tile) {
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
      int depth, float[] ap, int aOff, float[] bp, int bOff,
      float[] tile) {
    FloatVector zero = FloatVector.zero(S);
    FloatVector c00 = zero, c01 = zero;
    FloatVector c10 = zero, c11 = zero;
    FloatVector c20 = zero, c21 = zero;
    FloatVector c30 = zero, c31 = zero;
    FloatVector c40 = zero, c41 = zero;
    FloatVector c50 = zero, c51 = zero;
    FloatVector c60 = zero, c61 = zero;
    FloatVector c70 = zero, c71 = zero;
    FloatVector c80 = zero, c81 = zero;
    FloatVector c90 = zero, c91 = zero;
    FloatVector c100 = zero, c101 = zero;
    FloatVector c110 = zero, c111 = zero;
    for (int p = 0; p < depth; p++) {
      int ai = aOff + p * 12;
      int bi = bOff + p * 2 * L;
      FloatVector b0 = FloatVector.fromArray(S, bp, bi);
      FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
      FloatVector a;
      a = FloatVector.broadcast(S, ap[ai]); c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
      a = FloatVector.broadcast(S, ap[ai + 1]); c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
      a = FloatVector.broadcast(S, ap[ai + 2]); c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
      a = FloatVector.broadcast(S, ap[ai + 3]); c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
      a = FloatVector.broadcast(S, ap[ai + 4]); c40 = a.fma(b0, c40); c41 = a.fma(b1, c41);
      a = FloatVector.broadcast(S, ap[ai + 5]); c50 = a.fma(b0, c50); c51 = a.fma(b1, c51);
      a = FloatVector.broadcast(S, ap[ai + 6]); c60 = a.fma(b0, c60); c61 = a.fma(b1, c61);
      a = FloatVector.broadcast(S, ap[ai + 7]); c70 = a.fma(b0, c70); c71 = a.fma(b1, c71);
      a = FloatVector.broadcast(S, ap[ai + 8]); c80 = a.fma(b0, c80); c81 = a.fma(b1, c81);
      a = FloatVector.broadcast(S, ap[ai + 9]); c90 = a.fma(b0, c90); c91 = a.fma(b1, c91);
      a = FloatVector.broadcast(S, ap[ai + 10]); c100 = a.fma(b0, c100); c101 = a.fma(b1, c101);
      a = FloatVector.broadcast(S, ap[ai + 11]); c110 = a.fma(b0, c110); c111 = a.fma(b1, c111);
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
      int depth, float[] ap, int aOff, float[] bp, int bOff,
      float[] tile) {
    FloatVector zero = FloatVector.zero(S);
    FloatVector c00 = zero, c01 = zero, c02 = zero;
    FloatVector c10 = zero, c11 = zero, c12 = zero;
    FloatVector c20 = zero, c21 = zero, c22 = zero;
    FloatVector c30 = zero, c31 = zero, c32 = zero;
    FloatVector c40 = zero, c41 = zero, c42 = zero;
    FloatVector c50 = zero, c51 = zero, c52 = zero;
    FloatVector c60 = zero, c61 = zero, c62 = zero;
    FloatVector c70 = zero, c71 = zero, c72 = zero;
    for (int p = 0; p < depth; p++) {
      int ai = aOff + p * 8;
      int bi = bOff + p * 3 * L;
      FloatVector b0 = FloatVector.fromArray(S, bp, bi);
      FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
      FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * L);
      FloatVector a;
      a = FloatVector.broadcast(S, ap[ai]); c00 = a.fma(b0, c00); c01 = a.fma(b1, c01); c02 = a.fma(b2, c02);
      a = FloatVector.broadcast(S, ap[ai + 1]); c10 = a.fma(b0, c10); c11 = a.fma(b1, c11); c12 = a.fma(b2, c12);
      a = FloatVector.broadcast(S, ap[ai + 2]); c20 = a.fma(b0, c20); c21 = a.fma(b1, c21); c22 = a.fma(b2, c22);
      a = FloatVector.broadcast(S, ap[ai + 3]); c30 = a.fma(b0, c30); c31 = a.fma(b1, c31); c32 = a.fma(b2, c32);
      a = FloatVector.broadcast(S, ap[ai + 4]); c40 = a.fma(b0, c40); c41 = a.fma(b1, c41); c42 = a.fma(b2, c42);
      a = FloatVector.broadcast(S, ap[ai + 5]); c50 = a.fma(b0, c50); c51 = a.fma(b1, c51); c52 = a.fma(b2, c52);
      a = FloatVector.broadcast(S, ap[ai + 6]); c60 = a.fma(b0, c60); c61 = a.fma(b1, c61); c62 = a.fma(b2, c62);
      a = FloatVector.broadcast(S, ap[ai + 7]); c70 = a.fma(b0, c70); c71 = a.fma(b1, c71); c72 = a.fma(b2, c72);
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
      int depth, float[] ap, int aOff, float[] bp, int bOff,
      float[] tile) {
    FloatVector zero = FloatVector.zero(S);
    FloatVector c00 = zero, c01 = zero, c02 = zero, c03 = zero;
    FloatVector c10 = zero, c11 = zero, c12 = zero, c13 = zero;
    FloatVector c20 = zero, c21 = zero, c22 = zero, c23 = zero;
    FloatVector c30 = zero, c31 = zero, c32 = zero, c33 = zero;
    FloatVector c40 = zero, c41 = zero, c42 = zero, c43 = zero;
    FloatVector c50 = zero, c51 = zero, c52 = zero, c53 = zero;
    for (int p = 0; p < depth; p++) {
      int ai = aOff + p * 6;
      int bi = bOff + p * 4 * L;
      FloatVector b0 = FloatVector.fromArray(S, bp, bi);
      FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
      FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * L);
      FloatVector b3 = FloatVector.fromArray(S, bp, bi + 3 * L);
      FloatVector a;
      a = FloatVector.broadcast(S, ap[ai]); c00 = a.fma(b0, c00); c01 = a.fma(b1, c01); c02 = a.fma(b2, c02); c03 = a.fma(b3, c03);
      a = FloatVector.broadcast(S, ap[ai + 1]); c10 = a.fma(b0, c10); c11 = a.fma(b1, c11); c12 = a.fma(b2, c12); c13 = a.fma(b3, c13);
      a = FloatVector.broadcast(S, ap[ai + 2]); c20 = a.fma(b0, c20); c21 = a.fma(b1, c21); c22 = a.fma(b2, c22); c23 = a.fma(b3, c23);
      a = FloatVector.broadcast(S, ap[ai + 3]); c30 = a.fma(b0, c30); c31 = a.fma(b1, c31); c32 = a.fma(b2, c32); c33 = a.fma(b3, c33);
      a = FloatVector.broadcast(S, ap[ai + 4]); c40 = a.fma(b0, c40); c41 = a.fma(b1, c41); c42 = a.fma(b2, c42); c43 = a.fma(b3, c43);
      a = FloatVector.broadcast(S, ap[ai + 5]); c50 = a.fma(b0, c50); c51 = a.fma(b1, c51); c52 = a.fma(b2, c52); c53 = a.fma(b3, c53);
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
      int depth, float[] ap, int aOff, float[] bp, int bOff,
      float[] tile) {
    FloatVector zero = FloatVector.zero(S);
    FloatVector c00 = zero, c01 = zero;
    FloatVector c10 = zero, c11 = zero;
    FloatVector c20 = zero, c21 = zero;
    FloatVector c30 = zero, c31 = zero;
    FloatVector c40 = zero, c41 = zero;
    FloatVector c50 = zero, c51 = zero;
    for (int p = 0; p < depth; p++) {
      int ai = aOff + p * 6;
      int bi = bOff + p * 2 * L;
      FloatVector b0 = FloatVector.fromArray(S, bp, bi);
      FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
      FloatVector a;
      a = FloatVector.broadcast(S, ap[ai]); c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
      a = FloatVector.broadcast(S, ap[ai + 1]); c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
      a = FloatVector.broadcast(S, ap[ai + 2]); c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
      a = FloatVector.broadcast(S, ap[ai + 3]); c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
      a = FloatVector.broadcast(S, ap[ai + 4]); c40 = a.fma(b0, c40); c41 = a.fma(b1, c41);
      a = FloatVector.broadcast(S, ap[ai + 5]); c50 = a.fma(b0, c50); c51 = a.fma(b1, c51);
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
      int depth, float[] ap, int aOff, float[] bp, int bOff,
      float[] tile) {
    FloatVector zero = FloatVector.zero(S);
    FloatVector c00 = zero, c01 = zero;
    FloatVector c10 = zero, c11 = zero;
    FloatVector c20 = zero, c21 = zero;
    FloatVector c30 = zero, c31 = zero;
    FloatVector c40 = zero, c41 = zero;
    FloatVector c50 = zero, c51 = zero;
    FloatVector c60 = zero, c61 = zero;
    FloatVector c70 = zero, c71 = zero;
    FloatVector c80 = zero, c81 = zero;
    FloatVector c90 = zero, c91 = zero;
    FloatVector c100 = zero, c101 = zero;
    FloatVector c110 = zero, c111 = zero;
    FloatVector c120 = zero, c121 = zero;
    FloatVector c130 = zero, c131 = zero;
    for (int p = 0; p < depth; p++) {
      int ai = aOff + p * 14;
      int bi = bOff + p * 2 * L;
      FloatVector b0 = FloatVector.fromArray(S, bp, bi);
      FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
      FloatVector a;
      a = FloatVector.broadcast(S, ap[ai]); c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
      a = FloatVector.broadcast(S, ap[ai + 1]); c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
      a = FloatVector.broadcast(S, ap[ai + 2]); c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
      a = FloatVector.broadcast(S, ap[ai + 3]); c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
      a = FloatVector.broadcast(S, ap[ai + 4]); c40 = a.fma(b0, c40); c41 = a.fma(b1, c41);
      a = FloatVector.broadcast(S, ap[ai + 5]); c50 = a.fma(b0, c50); c51 = a.fma(b1, c51);
      a = FloatVector.broadcast(S, ap[ai + 6]); c60 = a.fma(b0, c60); c61 = a.fma(b1, c61);
      a = FloatVector.broadcast(S, ap[ai + 7]); c70 = a.fma(b0, c70); c71 = a.fma(b1, c71);
      a = FloatVector.broadcast(S, ap[ai + 8]); c80 = a.fma(b0, c80); c81 = a.fma(b1, c81);
      a = FloatVector.broadcast(S, ap[ai + 9]); c90 = a.fma(b0, c90); c91 = a.fma(b1, c91);
      a = FloatVector.broadcast(S, ap[ai + 10]); c100 = a.fma(b0, c100); c101 = a.fma(b1, c101);
      a = FloatVector.broadcast(S, ap[ai + 11]); c110 = a.fma(b0, c110); c111 = a.fma(b1, c111);
      a = FloatVector.broadcast(S, ap[ai + 12]); c120 = a.fma(b0, c120); c121 = a.fma(b1, c121);
      a = FloatVector.broadcast(S, ap[ai + 13]); c130 = a.fma(b0, c130); c131 = a.fma(b1, c131);
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
