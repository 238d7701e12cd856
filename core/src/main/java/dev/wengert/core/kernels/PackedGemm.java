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

  static final int VARIANT = Integer.getInteger("variant", 3);

  /** Runs the whole product on {@link Parallel}'s threads. */
  final void run() {
    if (VARIANT != 4) {
      run3();
      return;
    }
    int tileRows = ceilDiv(m, mr);
    int tileCols = ceilDiv(n, nr);
    int mPadded = tileRows * mr;
    int nPadded = tileCols * nr;
    ScratchBuffers scratch = ScratchBuffers.get();
    T ap = buffer(scratch, Buffer.PACKED_A, mPadded * k);
    T bp = buffer(scratch, Buffer.PACKED_B, nPadded * k);
    int slivers = tileRows + tileCols;
    Parallel.forRange(
        slivers,
        grain(slivers, (long) Math.max(mr, nr) * k, MIN_PACKED_PER_THREAD),
        (u0, u1) -> {
          if (u0 < tileRows) {
            int s1 = Math.min(u1, tileRows);
            for (int pc = 0; pc < k; pc += kc) {
              int depth = Math.min(kc, k - pc);
              packA(ap, pc * mPadded + u0 * mr * depth, u0 * mr, Math.min(m, s1 * mr) - u0 * mr,
                  pc, depth);
            }
          }
          if (u1 > tileRows) {
            int t0 = Math.max(u0, tileRows) - tileRows;
            int t1 = u1 - tileRows;
            for (int pc = 0; pc < k; pc += kc) {
              int depth = Math.min(kc, k - pc);
              packB(bp, pc * nPadded + t0 * nr * depth, pc, depth, t0 * nr,
                  Math.min(n, t1 * nr) - t0 * nr);
            }
          }
        });
    int threads = Parallel.threads();
    boolean byColumns =
        (long) ceilDiv(tileCols, threads) * tileRows <= (long) ceilDiv(tileRows, threads) * tileCols;
    if (byColumns) {
      Parallel.forRange(
          tileCols,
          grain(tileCols, (long) nr * m * k, MIN_FMAS_PER_THREAD),
          (t0, t1) -> part(ap, mPadded, bp, nPadded, 0, m, t0 * nr, Math.min(n, t1 * nr)));
    } else {
      Parallel.forRange(
          tileRows,
          grain(tileRows, (long) mr * n * k, MIN_FMAS_PER_THREAD),
          (s0, s1) -> part(ap, mPadded, bp, nPadded, s0 * mr, Math.min(m, s1 * mr), 0, n));
    }
  }

  /** {@code C[i0:i1, j0:j1]} in panels of whole rows, each over all of {@code K}. */
  private void part(T ap, int mPadded, T bp, int nPadded, int i0, int i1, int j0, int j1) {
    int panel = Math.max(mr, cPanel / (j1 - j0) / mr * mr);
    for (int ic = i0; ic < i1; ic += panel) {
      int rows = Math.min(panel, i1 - ic);
      for (int pc = 0; pc < k; pc += kc) {
        int depth = Math.min(kc, k - pc);
        for (int jc = j0; jc < j1; jc += nc) {
          macroKernel(ap, pc * mPadded + ic * depth, bp, pc * nPadded + jc * depth,
              ic, rows, jc, Math.min(nc, j1 - jc), depth, pc == 0);
        }
      }
    }
  }

  final void run3() {
    int tileRows = ceilDiv(m, mr);
    int tileCols = ceilDiv(n, nr);
    int threads = Parallel.threads();
    boolean byColumns =
        (long) ceilDiv(tileCols, threads) * tileRows <= (long) ceilDiv(tileRows, threads) * tileCols;
    ScratchBuffers scratch = ScratchBuffers.get();
    // Slice pc (depth d) of a fully packed operand starts at pc * padded and holds its slivers
    // one after another, each d * mr (or d * nr) long.
    if (byColumns) {
      int mPadded = tileRows * mr;
      T ap = buffer(scratch, Buffer.PACKED_A, mPadded * k);
      Parallel.forRange(
          tileRows,
          grain(tileRows, (long) mr * k, MIN_PACKED_PER_THREAD),
          (s0, s1) -> {
            for (int pc = 0; pc < k; pc += kc) {
              int depth = Math.min(kc, k - pc);
              packA(ap, pc * mPadded + s0 * mr * depth, s0 * mr, Math.min(m, s1 * mr) - s0 * mr,
                  pc, depth);
            }
          });
      Parallel.forRange(
          tileCols,
          grain(tileCols, (long) nr * m * k, MIN_FMAS_PER_THREAD),
          (t0, t1) -> columnsPart(ap, mPadded, t0 * nr, Math.min(n, t1 * nr)));
    } else {
      int nPadded = tileCols * nr;
      T bp = buffer(scratch, Buffer.PACKED_B, nPadded * k);
      Parallel.forRange(
          tileCols,
          grain(tileCols, (long) nr * k, MIN_PACKED_PER_THREAD),
          (t0, t1) -> {
            for (int pc = 0; pc < k; pc += kc) {
              int depth = Math.min(kc, k - pc);
              packB(bp, pc * nPadded + t0 * nr * depth, pc, depth, t0 * nr,
                  Math.min(n, t1 * nr) - t0 * nr);
            }
          });
      Parallel.forRange(
          tileRows,
          grain(tileRows, (long) mr * n * k, MIN_FMAS_PER_THREAD),
          (s0, s1) -> rowsPart(bp, nPadded, s0 * mr, Math.min(m, s1 * mr)));
    }
  }

  /** Columns {@code [j0, j1)} of {@code C}, with all of {@code A} packed in {@code ap}. */
  private void columnsPart(T ap, int mPadded, int j0, int j1) {
    // Panels of C as wide as L2 allows, at least one sliver, at most nc.
    int panel = Math.max(nr, Math.min(nc, cPanel / m / nr * nr));
    T bp = buffer(ScratchBuffers.get(), Buffer.B, panel * Math.min(kc, k));
    for (int jc = j0; jc < j1; jc += panel) {
      int cols = Math.min(panel, j1 - jc);
      for (int pc = 0; pc < k; pc += kc) {
        int depth = Math.min(kc, k - pc);
        packB(bp, 0, pc, depth, jc, cols);
        for (int ic = 0; ic < m; ic += mc) {
          macroKernel(ap, pc * mPadded + ic * depth, bp, 0,
              ic, Math.min(mc, m - ic), jc, cols, depth, pc == 0);
        }
      }
    }
  }

  /** Rows {@code [i0, i1)} of {@code C}, with all of {@code B} packed in {@code bp}. */
  private void rowsPart(T bp, int nPadded, int i0, int i1) {
    int panel = Math.max(mr, Math.min(mc, cPanel / n / mr * mr));
    T ap = buffer(ScratchBuffers.get(), Buffer.A, panel * Math.min(kc, k));
    for (int ic = i0; ic < i1; ic += panel) {
      int rows = Math.min(panel, i1 - ic);
      for (int pc = 0; pc < k; pc += kc) {
        int depth = Math.min(kc, k - pc);
        packA(ap, 0, ic, rows, pc, depth);
        for (int jc = 0; jc < n; jc += nc) {
          macroKernel(ap, 0, bp, pc * nPadded + jc * depth,
              ic, rows, jc, Math.min(nc, n - jc), depth, pc == 0);
        }
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
