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
 * balances better, by rows, and each runs the whole loop nest on its part with its own buffers:
 * for each {@code nc}-wide panel, for each {@code kc}-deep slice of {@code K}, pack a block of
 * {@code op(B)}, then for each {@code mc}-high block of rows pack {@code op(A)} and run the
 * macro-kernel. (With a column split every thread packs all of {@code A}: a little repeated work,
 * but the freshly packed block is in the thread's own L2, which measured faster than sharing one
 * packed copy between the threads.)
 *
 * <p>The running sums of a panel live in a tile-ordered accumulator buffer that the micro-kernel
 * streams through; they go to {@code C} (with {@code alpha} and {@code beta}) after the last slice,
 * so {@code C} itself is read and written once. {@code K} is never split across threads and each
 * element of {@code C} is one fused multiply-add chain over {@code k} in order, then {@code
 * alpha*sum + beta*c}, so results do not depend on the thread count or the blocking.
 */
abstract class PackedGemm<T> {

  /**
   * Minimum number of multiply-adds a thread should get before the work is split: waking a worker
   * and warming its caches costs tens of microseconds (measured: 128^3 and 64x196x288 ran faster on
   * one thread than on two).
   */
  private static final long MIN_FMAS_PER_THREAD = 1L << 22;

  /** Rows whose running sums are kept at once; bounds the accumulator buffer (with {@code nc}). */
  private static final int MAX_ROWS = 4096;

  final int m;
  final int n;
  final int k;
  final int mr;
  final int nr;
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
   * Multiplies a packed block of {@code A} (slivers from {@code ap[apOff]}) by the block of {@code
   * B} at depth {@code [p0, p0+depth)} (packed slivers from {@code bp[bpOff]}), adding to the
   * running sums of {@code C[i0:i0+rows, j0:j0+cols]} kept in {@code acc} from {@code accOff} (the
   * sums of tile {@code (ir, jr)} of the block at {@code accOff + (jr/nr * ceil(rows/mr) + ir/mr) *
   * mr*nr}). {@code firstSlice} means the sums start at zero; {@code lastSlice} means they are final
   * and go to {@code C}.
   */
  abstract void macroKernel(
      ScratchBuffers scratch, T ap, int apOff, T bp, int bpOff, T acc, int accOff,
      int i0, int rows, int j0, int cols, int p0, int depth, boolean firstSlice, boolean lastSlice);

  /** Runs the whole product on {@link Parallel}'s threads. */
  final void run() {
    int tileRows = ceilDiv(m, mr);
    int tileCols = ceilDiv(n, nr);
    int threads = Parallel.threads();
    long tilesPerThreadByColumns = (long) ceilDiv(tileCols, threads) * tileRows;
    long tilesPerThreadByRows = (long) ceilDiv(tileRows, threads) * tileCols;
    boolean byColumns = tilesPerThreadByColumns <= tilesPerThreadByRows;
    if (byColumns) {
      Parallel.forRange(
          tileCols,
          grain(tileCols, (long) nr * m * k),
          (t0, t1) -> part(0, m, t0 * nr, Math.min(n, t1 * nr)));
    } else {
      Parallel.forRange(
          tileRows,
          grain(tileRows, (long) mr * n * k),
          (s0, s1) -> part(s0 * mr, Math.min(m, s1 * mr), 0, n));
    }
  }

  /** {@code C[i0:i1, j0:j1]} on the calling thread, in chunks of at most {@link #MAX_ROWS} rows. */
  private void part(int i0, int i1, int j0, int j1) {
    int chunk = MAX_ROWS / mr * mr;
    for (int r0 = i0; r0 < i1; r0 += chunk) {
      chunk(r0, Math.min(i1, r0 + chunk), j0, j1);
    }
  }

  private void chunk(int i0, int i1, int j0, int j1) {
    ScratchBuffers scratch = ScratchBuffers.get();
    int rowsPadded = ceilDiv(i1 - i0, mr) * mr;
    T ap = buffer(scratch, Buffer.A, Math.min(mc, rowsPadded) * kc);
    T bp = buffer(scratch, Buffer.B, Math.min(nc, ceilDiv(j1 - j0, nr) * nr) * Math.min(kc, k));
    for (int jc = j0; jc < j1; jc += nc) {
      int cols = Math.min(nc, j1 - jc);
      int colsPadded = ceilDiv(cols, nr) * nr;
      T acc = buffer(scratch, Buffer.ACC, rowsPadded * colsPadded);
      // Slices of equal depth (784 as 2 x 392, not 416 + 368; 833 as 3 x 278, not 416 + 416 + 1).
      int slice = ceilDiv(k, ceilDiv(k, kc));
      for (int pc = 0; pc < k; pc += slice) {
        int depth = Math.min(slice, k - pc);
        packB(bp, 0, pc, depth, jc, cols);
        for (int ic = i0; ic < i1; ic += mc) {
          int rows = Math.min(mc, i1 - ic);
          packA(ap, 0, ic, rows, pc, depth);
          macroKernel(scratch, ap, 0, bp, 0, acc, (ic - i0) * colsPadded,
              ic, rows, jc, cols, pc, depth, pc == 0, pc + depth == k);
        }
      }
    }
  }

  /** Grain (in slivers or tiles) so that each thread gets at least {@link #MIN_FMAS_PER_THREAD}. */
  private static int grain(int units, long fmasPerUnit) {
    return (int) Math.max(1, Math.min(units, MIN_FMAS_PER_THREAD / Math.max(1, fmasPerUnit)));
  }

  static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }
}
