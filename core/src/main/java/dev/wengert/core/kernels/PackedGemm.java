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
 * balances better, by rows, and each runs the loop nest on its part with its own buffers: for each
 * {@code nc}-wide panel, for each {@code kc}-deep slice of {@code K}, pack a block of {@code
 * op(B)}, then for each {@code mc}-high block of rows pack {@code op(A)} and run the macro-kernel.
 * The running sums of a panel live in a tile-ordered accumulator buffer that the micro-kernel
 * streams through, and are written to {@code C} (with {@code alpha} and {@code beta}) after the
 * last slice, so {@code C} itself is read and written once. {@code K} is never split across threads
 * and every element of {@code C} is one fused multiply-add chain over {@code k} in order, so
 * results do not depend on the thread count.
 */
abstract class PackedGemm<T> {

  /** Minimum number of multiply-adds a thread should get before the work is split. */
  private static final long MIN_FMAS_PER_THREAD = 1L << 19;

  /** Rough cost of packing one element, in multiply-adds. */
  private static final long PACK_COST = 16;

  final int m;
  final int n;
  final int k;
  private final int mr;
  private final int nr;
  private final int kc;
  private final int mc;
  private final int nc;

  /**
   * @param mr rows of the micro-kernel tile
   * @param nr columns of the micro-kernel tile
   * @param kc depth of one slice of {@code K}
   * @param mc rows of one packed block of {@code A} (a multiple of {@code mr})
   * @param nc columns of one packed block of {@code B} (a multiple of {@code nr})
   */
  PackedGemm(int m, int n, int k, int mr, int nr, int kc, int mc, int nc) {
    this.m = m;
    this.n = n;
    this.k = k;
    this.mr = mr;
    this.nr = nr;
    this.kc = kc;
    this.mc = mc;
    this.nc = nc;
  }

  /** The calling thread's buffer of at least {@code size} elements. */
  abstract T buffer(ScratchBuffers scratch, Buffer which, int size);

  /**
   * Packs rows {@code [i0, i0+rows)} and depth {@code [p0, p0+depth)} of {@code op(A)} at {@code
   * dst[dstOff]}, in slivers of {@code mr} rows, {@code mr * kc} elements apart.
   */
  abstract void packA(T dst, int dstOff, int i0, int rows, int p0, int depth);

  /**
   * Packs depth {@code [p0, p0+depth)} and columns {@code [j0, j0+cols)} of {@code op(B)} at
   * {@code dst[dstOff]}, in slivers of {@code nr} columns, {@code nr * depth} elements apart.
   */
  abstract void packB(T dst, int dstOff, int p0, int depth, int j0, int cols);

  /**
   * Multiplies a packed block of {@code A} (slivers from {@code ap[apOff]}) by a packed block of
   * {@code B} (slivers from {@code bp[bpOff]}), adding to the running sums of {@code C[i0:i0+rows,
   * j0:j0+cols]} kept in {@code acc} from {@code accOff} (the sums of tile {@code (ir, jr)} of the
   * block at {@code accOff + (jr/nr * ceil(rows/mr) + ir/mr) * mr*nr}). {@code firstSlice} means
   * the sums start at zero; {@code lastSlice} means they are final and go to {@code C}.
   */
  abstract void macroKernel(
      T ap, int apOff, T bp, int bpOff, T acc, int accOff,
      int i0, int rows, int j0, int cols, int depth, boolean firstSlice, boolean lastSlice);

  /** Runs the whole product on {@link Parallel}'s threads. */
  final void run() {
    int tileRows = ceilDiv(m, mr);
    int tileCols = ceilDiv(n, nr);
    int threads = Parallel.threads();
    boolean byColumns =
        (long) ceilDiv(tileCols, threads) * tileRows <= (long) ceilDiv(tileRows, threads) * tileCols;
    ScratchBuffers scratch = ScratchBuffers.get();
    if (byColumns && PRIVATE_A) {
      Parallel.forRange(
          tileCols,
          grain(tileCols, (long) nr * m * k),
          (t0, t1) -> privatePart(0, m, t0 * nr, Math.min(n, t1 * nr)));
      return;
    }
    if (byColumns) {
      // All of op(A), shared: slice pc starts at pc * mPadded (its slivers mr * kc apart).
      int mPadded = tileRows * mr;
      T ap = buffer(scratch, Buffer.PACKED, ceilDiv(k, kc) * kc * mPadded);
      Parallel.forRange(
          tileRows,
          grain(tileRows, (long) mr * k * PACK_COST),
          (s0, s1) -> {
            for (int pc = 0; pc < k; pc += kc) {
              packA(ap, pc * mPadded + s0 * mr * kc, s0 * mr, Math.min(m, s1 * mr) - s0 * mr,
                  pc, Math.min(kc, k - pc));
            }
          });
      Parallel.forRange(
          tileCols,
          grain(tileCols, (long) nr * m * k),
          (t0, t1) -> columnsPart(ap, mPadded, t0 * nr, Math.min(n, t1 * nr)));
    } else {
      // All of op(B), shared: slice pc starts at pc * nPadded (its slivers nr * depth apart).
      int nPadded = tileCols * nr;
      T bp = buffer(scratch, Buffer.PACKED, k * nPadded);
      Parallel.forRange(
          tileCols,
          grain(tileCols, (long) nr * k * PACK_COST),
          (t0, t1) -> {
            for (int pc = 0; pc < k; pc += kc) {
              int depth = Math.min(kc, k - pc);
              packB(bp, pc * nPadded + t0 * nr * depth, pc, depth, t0 * nr,
                  Math.min(n, t1 * nr) - t0 * nr);
            }
          });
      Parallel.forRange(
          tileRows,
          grain(tileRows, (long) mr * n * k),
          (s0, s1) -> rowsPart(bp, nPadded, s0 * mr, Math.min(m, s1 * mr)));
    }
  }

  static final boolean PRIVATE_A = Boolean.getBoolean("privateA");

  private void privatePart(int i0, int i1, int j0, int j1) {
    ScratchBuffers scratch = ScratchBuffers.get();
    int depthMax = Math.min(kc, k);
    T ap = buffer(scratch, Buffer.A, Math.min(mc, ceilDiv(i1 - i0, mr) * mr) * kc);
    T bp = buffer(scratch, Buffer.B, Math.min(nc, ceilDiv(j1 - j0, nr) * nr) * depthMax);
    int rowsPadded = ceilDiv(i1 - i0, mr) * mr;
    for (int jc = j0; jc < j1; jc += nc) {
      int cols = Math.min(nc, j1 - jc);
      int colsPadded = ceilDiv(cols, nr) * nr;
      T acc = buffer(scratch, Buffer.ACC, rowsPadded * colsPadded);
      for (int pc = 0; pc < k; pc += kc) {
        int depth = Math.min(kc, k - pc);
        packB(bp, 0, pc, depth, jc, cols);
        for (int ic = i0; ic < i1; ic += mc) {
          int rows = Math.min(mc, i1 - ic);
          packA(ap, 0, ic, rows, pc, depth);
          macroKernel(ap, 0, bp, 0, acc, (ic - i0) * colsPadded,
              ic, rows, jc, cols, depth, pc == 0, pc + depth == k);
        }
      }
    }
  }

  /** Columns {@code [j0, j1)} of {@code C} on the calling thread, with {@code op(A)} packed in {@code ap}. */
  private void columnsPart(T ap, int mPadded, int j0, int j1) {
    ScratchBuffers scratch = ScratchBuffers.get();
    T bp = buffer(scratch, Buffer.B, Math.min(nc, ceilDiv(j1 - j0, nr) * nr) * Math.min(kc, k));
    for (int jc = j0; jc < j1; jc += nc) {
      int cols = Math.min(nc, j1 - jc);
      int colsPadded = ceilDiv(cols, nr) * nr;
      T acc = buffer(scratch, Buffer.ACC, mPadded * colsPadded);
      for (int pc = 0; pc < k; pc += kc) {
        int depth = Math.min(kc, k - pc);
        packB(bp, 0, pc, depth, jc, cols);
        for (int ic = 0; ic < m; ic += mc) {
          macroKernel(ap, pc * mPadded + ic * kc, bp, 0, acc, ic * colsPadded,
              ic, Math.min(mc, m - ic), jc, cols, depth, pc == 0, pc + depth == k);
        }
      }
    }
  }

  /** Rows {@code [i0, i1)} of {@code C} on the calling thread, with {@code op(B)} packed in {@code bp}. */
  private void rowsPart(T bp, int nPadded, int i0, int i1) {
    ScratchBuffers scratch = ScratchBuffers.get();
    T ap = buffer(scratch, Buffer.A, Math.min(mc, ceilDiv(i1 - i0, mr) * mr) * kc);
    for (int ic = i0; ic < i1; ic += mc) {
      int rows = Math.min(mc, i1 - ic);
      int rowsPadded = ceilDiv(rows, mr) * mr;
      T acc = buffer(scratch, Buffer.ACC, rowsPadded * nPadded);
      for (int pc = 0; pc < k; pc += kc) {
        int depth = Math.min(kc, k - pc);
        packA(ap, 0, ic, rows, pc, depth);
        for (int jc = 0; jc < n; jc += nc) {
          macroKernel(ap, 0, bp, pc * nPadded + jc * depth, acc, jc * rowsPadded,
              ic, rows, jc, Math.min(nc, n - jc), depth, pc == 0, pc + depth == k);
        }
      }
    }
  }

  /** Grain (in tiles) so that each thread gets at least {@link #MIN_FMAS_PER_THREAD}. */
  private static int grain(int tiles, long fmasPerTile) {
    return (int) Math.max(1, Math.min(tiles, MIN_FMAS_PER_THREAD / Math.max(1, fmasPerTile)));
  }

  static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }
}
