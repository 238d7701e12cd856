package dev.wengert.core.kernels;

import dev.wengert.core.Parallel;
import dev.wengert.core.kernels.ScratchBuffers.Buffer;

/**
 * The GotoBLAS/BLIS loop nest around a packed micro-kernel, shared by the float32 and float64
 * GEMMs ({@code T} is {@code float[]} or {@code double[]}). One instance describes one call;
 * subclasses hold the typed operands and supply the packing and the macro-kernel (the two loops
 * around the micro-kernel).
 *
 * <p>The threads split {@code C} into whole {@code mr x nr} tiles, by columns or, when that
 * balances better, by rows. With a column split, all of {@code op(A)} is first packed once into a
 * buffer the threads share (each packs some of its slivers); then each thread walks its columns in
 * panels narrow enough that the {@code m x nc} panel of {@code C} stays in L2 while the whole
 * {@code K} loop runs over it, packing its own {@code kc x nc} blocks of {@code op(B)}. A row split
 * is the mirror image. {@code K} is never split across threads and every element of {@code C} is
 * computed by the same micro-kernel with the same {@code kc} slices, so results do not depend on
 * the thread count.
 */
abstract class PackedGemm<T> {

  /** Minimum number of multiply-adds a thread should get before the work is split. */
  private static final long MIN_FMAS_PER_THREAD = 1L << 19;

  /** Minimum number of packed elements a thread should get before packing is split. */
  private static final long MIN_PACKED_PER_THREAD = 1L << 16;

  final int m;
  final int n;
  final int k;
  private final int mr;
  private final int nr;
  private final int kc;
  private final int mc;
  private final int nc;
  private final int cPanel;

  /**
   * @param mr rows of the micro-kernel tile
   * @param nr columns of the micro-kernel tile
   * @param kc depth of one slice of {@code K}
   * @param mc most rows of {@code A} one macro-kernel call handles (a multiple of {@code mr})
   * @param nc most columns of {@code B} one macro-kernel call handles (a multiple of {@code nr})
   * @param cPanel elements of {@code C} a panel may have (to stay in L2)
   */
  PackedGemm(int m, int n, int k, int mr, int nr, int kc, int mc, int nc, int cPanel) {
    this.m = m;
    this.n = n;
    this.k = k;
    this.mr = mr;
    this.nr = nr;
    this.kc = kc;
    this.mc = mc;
    this.nc = nc;
    this.cPanel = cPanel;
  }

  /** The calling thread's buffer of at least {@code size} elements. */
  abstract T buffer(ScratchBuffers scratch, Buffer which, int size);

  /** Packs rows {@code [i0, i0+rows)} and depth {@code [p0, p0+depth)} of {@code op(A)}. */
  abstract void packA(T dst, int dstOff, int i0, int rows, int p0, int depth);

  /** Packs depth {@code [p0, p0+depth)} and columns {@code [j0, j0+cols)} of {@code op(B)}. */
  abstract void packB(T dst, int dstOff, int p0, int depth, int j0, int cols);

  /**
   * Multiplies packed {@code A} rows (slivers from {@code ap[apOff]}) by packed {@code B} columns
   * (slivers from {@code bp[bpOff]}) into {@code C[i0:i0+rows, j0:j0+cols]}; {@code firstDepth}
   * tells whether this is the first slice of {@code K} (which applies {@code beta}).
   */
  abstract void macroKernel(
      T ap, int apOff, T bp, int bpOff,
      int i0, int rows, int j0, int cols, int depth, boolean firstDepth);

  static final int VARIANT = Integer.getInteger("variant", 5);

  /** Runs the whole product on {@link Parallel}'s threads. */
  final void run() {
    int tileRows = ceilDiv(m, mr);
    int tileCols = ceilDiv(n, nr);
    int threads = Parallel.threads();
    boolean byColumns =
        (long) ceilDiv(tileCols, threads) * tileRows <= (long) ceilDiv(tileRows, threads) * tileCols;
    int mPadded = tileRows * mr;
    int nPadded = tileCols * nr;
    T shared =
        buffer(ScratchBuffers.get(), byColumns ? Buffer.PACKED_A : Buffer.PACKED_B,
            Math.min(kc, k) * (byColumns ? mPadded : nPadded));
    for (int pc = 0; pc < k; pc += kc) {
      int depth = Math.min(kc, k - pc);
      boolean first = pc == 0;
      int p0 = pc;
      if (byColumns) {
        // This slice of A, shared; each thread packs its own blocks of B.
        Parallel.forRange(
            tileRows, grain(tileRows, (long) mr * depth, MIN_PACKED_PER_THREAD),
            (s0, s1) -> packA(shared, s0 * mr * depth, s0 * mr, Math.min(m, s1 * mr) - s0 * mr, p0, depth));
        Parallel.forRange(
            tileCols, grain(tileCols, (long) nr * m * depth, MIN_FMAS_PER_THREAD),
            (t0, t1) -> columnsPart(shared, t0 * nr, Math.min(n, t1 * nr), p0, depth, first));
      } else {
        Parallel.forRange(
            tileCols, grain(tileCols, (long) nr * depth, MIN_PACKED_PER_THREAD),
            (t0, t1) -> packB(shared, t0 * nr * depth, p0, depth, t0 * nr, Math.min(n, t1 * nr) - t0 * nr));
        Parallel.forRange(
            tileRows, grain(tileRows, (long) mr * n * depth, MIN_FMAS_PER_THREAD),
            (s0, s1) -> rowsPart(shared, s0 * mr, Math.min(m, s1 * mr), p0, depth, first));
      }
    }
  }

  /** Columns {@code [j0, j1)} of {@code C} for one slice of {@code K}, with {@code A} packed in {@code ap}. */
  private void columnsPart(T ap, int j0, int j1, int p0, int depth, boolean first) {
    T bp = buffer(ScratchBuffers.get(), Buffer.B, nc * depth);
    for (int jc = j0; jc < j1; jc += nc) {
      int cols = Math.min(nc, j1 - jc);
      packB(bp, 0, p0, depth, jc, cols);
      for (int ic = 0; ic < m; ic += mc) {
        macroKernel(ap, ic * depth, bp, 0, ic, Math.min(mc, m - ic), jc, cols, depth, first);
      }
    }
  }

  /** Rows {@code [i0, i1)} of {@code C} for one slice of {@code K}, with {@code B} packed in {@code bp}. */
  private void rowsPart(T bp, int i0, int i1, int p0, int depth, boolean first) {
    T ap = buffer(ScratchBuffers.get(), Buffer.A, mc * depth);
    for (int ic = i0; ic < i1; ic += mc) {
      int rows = Math.min(mc, i1 - ic);
      packA(ap, 0, ic, rows, p0, depth);
      for (int jc = 0; jc < n; jc += nc) {
        macroKernel(ap, 0, bp, jc * depth, ic, rows, jc, Math.min(nc, n - jc), depth, first);
      }
    }
  }

  /** Grain (in slivers or tiles) so that each thread gets at least {@code minWork}. */
  private static int grain(int units, long workPerUnit, long minWork) {
    return (int) Math.max(1, Math.min(units, minWork / Math.max(1, workPerUnit)));
  }

  static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }
}
