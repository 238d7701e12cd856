#!/usr/bin/env python3
"""Writes core's VectorSgemm.java and VectorDgemm.java: the packed GEMM's micro-kernels, one per
tile shape and element type. The kernels are the same few lines for every row and vector of the
tile, written out because the JIT keeps each accumulator in a register only when it is its own
local variable; generating them keeps the float32 and float64 twins (and the shapes) identical.

    python3 tools/codegen/gemm_kernels.py      # from the repository root; then commit both files
"""

import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "core/src/main/java/dev/wengert/core/kernels")

# (rows, vectors) of the tiles: 24 accumulators with 32 vector registers (AVX-512), 12 with 16.
WIDE_TILES = [(12, 2), (8, 3), (6, 4)]
NARROW_TILES = [(6, 2), (4, 3), (3, 4)]
# Lane counts (128-, 256- and 512-bit vectors) whose transposing pack is written out.
TRANSPOSE_LANES = {"float": [4, 8, 16], "double": [2, 4, 8]}

TYPES = {
    "float": dict(cls="VectorSgemm", box="Float", vec="FloatVector", species="VectorKernels.FLOATS",
                  one="1f", zero="0f", bits="float32", twin="VectorDgemm"),
    "double": dict(cls="VectorDgemm", box="Double", vec="DoubleVector", species="VectorKernels.DOUBLES",
                   one="1d", zero="0d", bits="float64", twin="VectorSgemm"),
}


def kernel(t, rows, vecs, in_place):
    v = t["vec"]
    el = t["el"]
    acc = lambda r, j: "c%d_%d" % (r, j)
    off = lambda r, j: "accOff" + ("" if r == 0 else " + ld" if r == 1 else " + %d * ld" % r) + (
        "" if j == 0 else " + L" if j == 1 else " + %d * L" % j)
    lines = []
    if in_place:
        lines.append("  /** The %d x %d-vector micro-kernel reading {@code B} in place; see {@link #microInPlace}. */" % (rows, vecs))
        lines.append("  private static void kernel%dx%dInPlace(" % (rows, vecs))
        lines.append("      int depth, %s[] ap, int aOff, %s[] b, int[] bRows, int bRow0, int bCol, %s[] acc, int accOff, int ld,"
                     % (el, el, el))
        lines.append("      boolean accumulate) {")
    else:
        lines.append("  /** The %d x %d-vector micro-kernel; see {@link #micro}. */" % (rows, vecs))
        lines.append("  private static void kernel%dx%d(" % (rows, vecs))
        lines.append("      int depth, %s[] ap, int aOff, %s[] b, int bOff, %s[] acc, int accOff, int ld, boolean accumulate) {"
                     % (el, el, el))
    for r in range(rows):
        lines.append("    %s %s;" % (v, ", ".join(acc(r, j) for j in range(vecs))))
    lines.append("    if (accumulate) {")
    for r in range(rows):
        lines.append("      " + " ".join("%s = %s.fromArray(S, acc, %s);" % (acc(r, j), v, off(r, j)) for j in range(vecs)))
    lines.append("    } else {")
    lines.append("      %s zero = %s.zero(S);" % (v, v))
    for r in range(rows):
        lines.append("      " + " ".join("%s = zero;" % acc(r, j) for j in range(vecs)))
    lines.append("    }")
    lines.append("    for (int p = 0; p < depth; p++) {")
    lines.append("      int ai = aOff + p;")
    if in_place:
        lines.append("      int bi = bRows[bRow0 + p] + bCol;")
    else:
        lines.append("      int bi = bOff + p * %d * L;" % vecs)
    for j in range(vecs):
        lines.append("      %s b%d = %s.fromArray(S, b, bi%s);" % (v, j, v, "" if j == 0 else " + L" if j == 1 else " + %d * L" % j))
    lines.append("      %s a;" % v)
    for r in range(rows):
        idx = "ai" if r == 0 else "ai + KC" if r == 1 else "ai + %d * KC" % r
        lines.append("      a = %s.broadcast(S, ap[%s]); " % (v, idx) + " ".join(
            "%s = a.fma(b%d, %s);" % (acc(r, j), j, acc(r, j)) for j in range(vecs)))
    lines.append("    }")
    for r in range(rows):
        lines.append("    " + " ".join("%s.intoArray(acc, %s);" % (acc(r, j), off(r, j)) for j in range(vecs)))
    lines.append("  }")
    return "\n".join(lines)


def transpose_block(t, lanes):
    """A method moving a lanes x lanes block of B's stored rows into a packed sliver, transposed."""
    v = t["vec"]
    out = ["  /** {@link #transposeBlock} for %d lanes. */" % lanes,
           "  private void transposeBlock%d(%s[] dst, int d, int row, int p) {" % (lanes, t["el"])]
    for j in range(lanes):
        out.append("    %s r%d = %s.fromArray(S, b, GemmPacking.start(bRows, bOff, ldb, row + %d) + p);" % (v, j, v, j))
    s = lanes // 2
    while s >= 1:
        out.append("    {  // rows %d apart swap the lanes whose bit %d differs from the row's" % (s, s))
        for i in range(lanes):
            if not i & s:
                out.append("      %s t%d = r%d.blend(r%d.rearrange(UP_%d), BIT_%d);" % (v, i, i, i + s, s, s))
                out.append("      %s t%d = r%d.rearrange(DOWN_%d).blend(r%d, BIT_%d);" % (v, i + s, i, s, i + s, s))
        for i0 in range(0, lanes, 8):
            out.append("      " + " ".join("r%d = t%d;" % (i, i) for i in range(i0, min(lanes, i0 + 8))))
        out.append("    }")
        s //= 2
    for j in range(lanes):
        out.append("    r%d.intoArray(dst, d + %d * nr);" % (j, j))
    out.append("  }")
    return "\n".join(out)


def source(el):
    t = dict(TYPES[el], el=el)
    lanes = TRANSPOSE_LANES[el]
    transposes = "\n\n".join(transpose_block(t, n) for n in lanes)
    transpose_dispatch = "\n".join(
        "      case %d -> transposeBlock%d(dst, d, row, p);" % (n, n) for n in lanes)
    shuffles = "\n".join(
        "  private static final VectorShuffle<%s> UP_%d = shifted(%d);\n"
        "  private static final VectorShuffle<%s> DOWN_%d = shifted(-%d);\n"
        "  private static final VectorMask<%s> BIT_%d = lanesWithBit(%d);" % (t["box"], n, n, t["box"], n, n, t["box"], n, n)
        for n in [1 << i for i in range(len(lanes) + 1)] if n < lanes[-1])
    kernels = "\n\n".join(kernel(t, r, v, in_place) for in_place in (False, True) for r, v in WIDE_TILES + NARROW_TILES)
    dispatch = "\n".join(
        "      case %d -> kernel%dx%d(depth, ap, aOff, bp, bOff, acc, accOff, ld, accumulate);" % (i, r, v)
        for i, (r, v) in enumerate(WIDE_TILES + NARROW_TILES))
    dispatch_in_place = "\n".join(
        "      case %d -> kernel%dx%dInPlace(depth, ap, aOff, b, bRows, bRow0, bCol, acc, accOff, ld, accumulate);" % (i, r, v)
        for i, (r, v) in enumerate(WIDE_TILES + NARROW_TILES))
    wide = ", ".join("{%d, %d}" % rv for rv in WIDE_TILES)
    narrow = ", ".join("{%d, %d}" % rv for rv in NARROW_TILES)
    return f'''// Generated by tools/codegen/gemm_kernels.py; edit the generator, not this file.
package dev.wengert.core.kernels;

import dev.wengert.core.kernels.ScratchBuffers.Buffer;
import java.util.Arrays;
import jdk.incubator.vector.{t["vec"]};
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The packed {t["bits"]} GEMM on the Vector API: {{@link PackedGemm}}'s loop nest with the operand
 * packing of {{@link GemmPacking}} and a register-blocked micro-kernel (its twin {{@link {t["twin"]}}}
 * differs only in the element type).
 *
 * <p>The micro-kernel computes an {{@code MR x NR}} tile of running sums, {{@code NR}} being whole
 * vectors, each accumulator its own local variable so the JIT keeps it in a register; each depth
 * step loads the tile's vectors of {{@code B}} and broadcasts one element of packed {{@code A}} per
 * row. {{@code B}} is packed as usual, or, when it is stored untransposed and few tiles' rows would
 * reuse a packed copy, read where it lies (see {{@link #DIRECT_B_MAX_ROW_TILES}}). Three tile shapes fill the registers (24 accumulators with AVX-512's 32 registers:
 * {wide}; 12 with 16: {narrow}); each product takes the one that pads its {{@code m x n}} least
 * (see {{@link #tileFor}}), since small convolutions have few rows (6 or 16 output channels) or
 * columns. The shape never changes a result: every element of {{@code C}} is the same fused
 * multiply-add chain over {{@code k}} in order.
 */
final class {t["cls"]} extends PackedGemm<{el}[]> {{

  private static final VectorSpecies<{t["box"]}> S = {t["species"]};
  private static final int L = S.length();
  /** The tile shapes, {{rows, vectors}}, for this vector width (512-bit vectors imply 32 registers). */
  private static final int[][] TILES = S.vectorBitSize() >= 512
      ? new int[][] {{{wide}}}
      : new int[][] {{{narrow}}};
  /** Index of the first narrow tile in {{@link #micro}}'s dispatch. */
  private static final int NARROW = {len(WIDE_TILES)};
  /**
   * Whether the wide tiles are in use and each has a half-height twin among the narrow ones (same
   * vectors, half the rows) for a short last row tile.
   */
  private static final boolean HALVES = S.vectorBitSize() >= 512;
  /** For {{@link #transposeBlock}}: lanes moved up or down by {{@code s}}, and the lanes with bit {{@code s}}. */
{shuffles}
  /**
   * Depth of a slice of {{@code K}}: a sliver of packed {{@code B}} ({{@code KC x NR}}) stays near
   * L1. Deep enough for a 3x3 convolution over 32 channels plus its bias row (289) in one slice,
   * whose tiles then go from registers straight to {{@code C}} (measured 10% faster than 256).
   */
  static final int KC = 384;
  /** Rows of a packed block of {{@code A}} (in L2): a multiple of every tile's rows. */
  static final int MC = 192;
  /** Columns of a packed block of {{@code B}} (in L2), rounded down to whole slivers. */
  private static final int NC = 1024;
  /**
   * Most row tiles for which the micro-kernel reads a stored (not transposed) {{@code B}} where it
   * lies instead of packing it: packing copies all of {{@code B}} once per call, which costs as much
   * as the multiply-adds of a few tiles' rows, and pays back only when many tiles reuse a sliver.
   * Measured on one thread: 32 x 288 x 384 137 -> 157 GFLOPS, 6 x 576 x 26 58 -> 116; conv2d
   * forward 64x32x14x14 -> 64 (6 tiles of 12 rows) 5.9 -> 4.4 ms; but with 8 tiles, 192 x 288 x
   * 384 158 -> 136 GFLOPS and 32x3x32x32 -> 64 (8 tiles of 8 rows) 2.6 -> 3.3 ms.
   */
  static final int DIRECT_B_MAX_ROW_TILES = 6;

  private final int tile;
  /** Whether whole slivers of {{@code B}} are read in place, only a partial last one packed. */
  private final boolean directB;
  private final boolean transA;
  private final boolean transB;
  private final {el} alpha;
  private final {el}[] a;
  private final int aOff;
  private final int lda;
  /** When set, stored row {{@code r}} of {{@code A}} starts at {{@code a[aRows[r]]}} ({{@code aOff}}, {{@code lda}} unused). */
  private final int[] aRows;
  private final {el}[] b;
  private final int bOff;
  private final int ldb;
  /** When set, stored row {{@code r}} of {{@code B}} starts at {{@code b[bRows[r]]}} ({{@code bOff}}, {{@code ldb}} unused). */
  private final int[] bRows;
  private final {el} beta;
  private final {el}[] c;
  private final int cOff;
  private final int ldc;

  private {t["cls"]}(
      int tile, boolean transA, boolean transB, int m, int n, int k, {el} alpha,
      {el}[] a, int aOff, int lda, int[] aRows, {el}[] b, int bOff, int ldb, int[] bRows,
      {el} beta, {el}[] c, int cOff, int ldc) {{
    super(m, n, k, TILES[tile][0], TILES[tile][1] * L, KC, MC, NC / (TILES[tile][1] * L) * (TILES[tile][1] * L));
    this.tile = tile;
    this.directB = !transB && n >= nr && ceilDiv(m, mr) <= DIRECT_B_MAX_ROW_TILES;
    this.transA = transA;
    this.transB = transB;
    this.alpha = alpha;
    this.a = a;
    this.aOff = aOff;
    this.lda = lda;
    this.aRows = aRows;
    this.b = b;
    this.bOff = bOff;
    this.ldb = ldb;
    this.bRows = bRows;
    this.beta = beta;
    this.c = c;
    this.cOff = cOff;
    this.ldc = ldc;
  }}

  /** The product {{@code C = alpha * op(A) * op(B) + beta * C}}, with the tile shape that suits it. */
  static {t["cls"]} of(
      boolean transA, boolean transB, int m, int n, int k, {el} alpha,
      {el}[] a, int aOff, int lda, {el}[] b, int bOff, int ldb,
      {el} beta, {el}[] c, int cOff, int ldc) {{
    return new {t["cls"]}(
        tileFor(m, n), transA, transB, m, n, k, alpha, a, aOff, lda, null, b, bOff, ldb, null, beta, c, cOff, ldc);
  }}

  /** The product {{@code C = op(A) * op(B) + beta * C}} of operands given by the starts of their stored rows. */
  static {t["cls"]} ofRuns(
      boolean transA, boolean transB, int m, int n, int k, {el}[] a, int[] aRows, {el}[] b, int[] bRows,
      {el} beta, {el}[] c, int cOff, int ldc) {{
    return new {t["cls"]}(
        tileFor(m, n), transA, transB, m, n, k, {t["one"]}, a, 0, 0, aRows, b, 0, 0, bRows, beta, c, cOff, ldc);
  }}

  /**
   * The tile shape whose padding of {{@code m x n}} to whole tiles wastes least, the first (the
   * one with fewest loads per multiply-add) unless another saves over 5%.
   */
  static int tileFor(int m, int n) {{
    int best = 0;
    long bestWork = paddedWork(0, m, n);
    for (int t = 1; t < TILES.length; t++) {{
      long work = paddedWork(t, m, n);
      if (work * 20 < bestWork * 19) {{
        best = t;
        bestWork = work;
      }}
    }}
    return best;
  }}

  private static long paddedWork(int t, int m, int n) {{
    int mr = TILES[t][0];
    int nr = TILES[t][1] * L;
    return (long) ceilDiv(m, mr) * mr * ceilDiv(n, nr) * nr;
  }}

  /**
   * The micro-kernel (a case of {{@link #micro}}'s dispatch) for a row tile of {{@code rows}} rows:
   * this product's tile shape, or, for a last tile of at most half its rows, the half-height kernel
   * of the same width, which skips the padded rows' multiply-adds (64 rows take 5 tiles of 12 and
   * one of 6: 66 rows computed instead of 72).
   */
  private int kernelFor(int rows) {{
    if (!HALVES) {{
      return NARROW + tile;
    }}
    return 2 * rows <= mr ? NARROW + tile : tile;
  }}

  @Override
  {el}[] buffer(ScratchBuffers scratch, Buffer which, int size) {{
    return scratch.{el}s(which, size);
  }}

  @Override
  void packA({el}[] dst, int dstOff, int i0, int rows, int p0, int depth) {{
    GemmPacking.packA(a, aOff, lda, aRows, transA, i0, rows, p0, depth, mr, KC, dst, dstOff);
  }}

  @Override
  void packB({el}[] dst, int dstOff, int p0, int depth, int j0, int cols) {{
    if (transB) {{
      packTransposed(dst, dstOff, p0, depth, j0, cols);
      return;
    }}
    // B is stored k x n: whole slivers move as vectors (a call to arraycopy costs
    // more than the few vector moves of one sliver row), a partial last sliver is zero-padded.
    // When B is read in place, only that partial sliver is packed.
    int full = cols / nr * nr;
    for (int p = 0; p < depth; p++) {{
      int src = GemmPacking.start(bRows, bOff, ldb, p0 + p) + j0;
      int d = dstOff + p * nr + (directB ? full * depth : 0);
      for (int c0 = directB ? full : 0; c0 < full; c0 += nr, d += nr * depth) {{
        for (int v = 0; v < nr; v += L) {{
          {t["vec"]}.fromArray(S, b, src + c0 + v).intoArray(dst, d + v);
        }}
      }}
      if (full < cols) {{
        System.arraycopy(b, src + full, dst, d, cols - full);
        Arrays.fill(dst, d + cols - full, d + nr, {t["zero"]});
      }}
    }}
  }}

  /**
   * {{@link #packB}} of a transposed {{@code B}} (stored {{@code n x k}}): each {{@code L x L}} block of
   * {{@code L}} stored rows by {{@code L}} depth steps is transposed in registers ({{@link
   * #transposeBlock}}), the depth and column remainders are copied one element at a time (measured:
   * the element-wise transpose took 12% of a 64x32x14x14 -> 64 weight gradient).
   */
  private void packTransposed({el}[] dst, int dstOff, int p0, int depth, int j0, int cols) {{
    int blockDepth = depth / L * L;
    for (int c0 = 0; c0 < cols; c0 += nr) {{
      int base = dstOff + c0 * depth;
      int w = Math.min(nr, cols - c0);
      int blockCols = w / L * L;
      for (int g = 0; g < blockCols; g += L) {{
        for (int p = 0; p < blockDepth; p += L) {{
          transposeBlock(dst, base + p * nr + g, j0 + c0 + g, p0 + p);
        }}
      }}
      for (int j = 0; j < w; j++) {{
        int src = GemmPacking.start(bRows, bOff, ldb, j0 + c0 + j) + p0;
        for (int p = j < blockCols ? blockDepth : 0; p < depth; p++) {{
          dst[base + p * nr + j] = b[src + p];
        }}
      }}
      if (w < nr) {{
        for (int p = 0; p < depth; p++) {{
          Arrays.fill(dst, base + p * nr + w, base + (p + 1) * nr, {t["zero"]});
        }}
      }}
    }}
  }}

  /**
   * Stored rows {{@code [row, row + L)}} of {{@code B}} at depth {{@code [p, p + L)}} into {{@code
   * dst[d + q·nr + j]}} (depth step {{@code q}}, row {{@code j}}): {{@code log2 L}} rounds, each
   * swapping between rows {{@code s}} apart the lanes whose bit {{@code s}} differs from the row's
   * (one-lane-vector permutes and blends; JDK 17 compiles two-vector rearranges poorly).
   */
  private void transposeBlock({el}[] dst, int d, int row, int p) {{
    switch (L) {{
{transpose_dispatch}
      default -> throw new AssertionError(L);
    }}
  }}

{transposes}

  /** Lane {{@code l}} takes lane {{@code l − s}} (mod {{@code L}}). */
  private static VectorShuffle<{t["box"]}> shifted(int s) {{
    return VectorShuffle.fromOp(S, l -> Math.floorMod(l - s, L));
  }}

  /** The lanes whose index has bit {{@code s}} set. */
  private static VectorMask<{t["box"]}> lanesWithBit(int s) {{
    boolean[] set = new boolean[L];
    for (int l = 0; l < L; l++) {{
      set[l] = (l & s) != 0;
    }}
    return VectorMask.fromArray(S, set, 0);
  }}

  @Override
  void macroKernel(
      ScratchBuffers scratch, {el}[] ap, int apOff, {el}[] bp, int bpOff, {el}[] acc, int accOff,
      int i0, int rows, int j0, int cols, int p0, int depth, boolean firstSlice, boolean lastSlice) {{
    int rowTiles = ceilDiv(rows, mr);
    boolean storesPlainly = alpha == {t["one"]} && beta == {t["zero"]};
    int[] inPlaceRows = null;
    int inPlaceRow0 = p0;
    if (directB) {{
      inPlaceRows = bRows;
      if (bRows == null) {{
        inPlaceRows = scratch.rowStarts(depth);
        for (int p = 0; p < depth; p++) {{
          inPlaceRows[p] = bOff + (p0 + p) * ldb;
        }}
        inPlaceRow0 = 0;
      }}
    }}
    // A sliver of B stays in L1 while the slivers of A stream past it from L2.
    for (int jr = 0; jr < cols; jr += nr) {{
      boolean inPlace = directB && cols - jr >= nr;
      for (int ir = 0; ir < rows; ir += mr) {{
        int kernel = kernelFor(Math.min(mr, rows - ir));
        int t = accOff + (jr / nr * rowTiles + ir / mr) * (mr * nr);
        boolean straight = firstSlice && lastSlice && storesPlainly && rows - ir >= mr && cols - jr >= nr;
        // With one slice and C = sums, the tile goes straight from the registers to C.
        {el}[] sums = straight ? c : acc;
        int sumsOff = straight ? cOff + (i0 + ir) * ldc + j0 + jr : t;
        int ld = straight ? ldc : nr;
        if (inPlace) {{
          microInPlace(kernel, depth, ap, apOff + ir * KC, b, inPlaceRows, inPlaceRow0, j0 + jr, sums, sumsOff, ld, !firstSlice);
        }} else {{
          micro(kernel, depth, ap, apOff + ir * KC, bp, bpOff + jr * depth, sums, sumsOff, ld, !firstSlice);
        }}
        if (straight) {{
          continue;
        }}
        if (lastSlice) {{
          store(acc, t, i0 + ir, Math.min(mr, rows - ir), j0 + jr, Math.min(nr, cols - jr));
        }}
      }}
    }}
  }}

  /** {{@code C[i:i+h, j:j+w] = alpha * sums + beta * C}} from the tile of sums at {{@code acc[t]}}. */
  private void store({el}[] acc, int t, int i, int h, int j, int w) {{
    {t["vec"]} alphaV = {t["vec"]}.broadcast(S, alpha);
    {t["vec"]} betaV = {t["vec"]}.broadcast(S, beta);
    for (int r = 0; r < h; r++) {{
      int ci = cOff + (i + r) * ldc + j;
      int ti = t + r * nr;
      int jj = 0;
      if (w == nr) {{
        for (; jj < nr; jj += L) {{
          {t["vec"]} old;
          if (beta == {t["zero"]}) {{
            old = {t["vec"]}.zero(S); // C is not read: NaNs in it do not propagate
          }} else if (beta == {t["one"]}) {{
            old = {t["vec"]}.fromArray(S, c, ci + jj);
          }} else {{
            old = {t["vec"]}.fromArray(S, c, ci + jj).mul(betaV);
          }}
          {t["vec"]}.fromArray(S, acc, ti + jj).fma(alphaV, old).intoArray(c, ci + jj);
        }}
      }}
      // Edge tiles: the same arithmetic, one element at a time.
      for (; jj < w; jj++) {{
        {el} old = beta == {t["zero"]} ? {t["zero"]} : beta == {t["one"]} ? c[ci + jj] : c[ci + jj] * beta;
        c[ci + jj] = Math.fma(acc[ti + jj], alpha, old);
      }}
    }}
  }}

  /**
   * One tile of the shape of case {{@code kernel}} (the wide tiles, then the narrow ones): the running sums at {{@code acc[accOff]}} (row {{@code r}}
   * at {{@code accOff + r*ld}}; zero unless {{@code accumulate}}) plus {{@code depth}} steps of packed
   * {{@code A}} (row {{@code r}} at {{@code ap[aOff + r*KC + p]}}) times packed {{@code B}} ({{@code
   * bp[bOff + p*NR + j]}}).
   */
  private static void micro(
      int kernel, int depth, {el}[] ap, int aOff, {el}[] bp, int bOff, {el}[] acc, int accOff, int ld, boolean accumulate) {{
    switch (kernel) {{
{dispatch}
      default -> throw new AssertionError(kernel);
    }}
  }}

  /**
   * As {{@link #micro}}, with {{@code B}} read in place: step {{@code p}}'s {{@code NR}} elements are at
   * {{@code b[bRows[bRow0 + p] + bCol]}}. A kernel of its own: the packed kernels' loads are one add
   * apart, which the JIT checks once, while a row start read from memory is checked at every load.
   */
  private static void microInPlace(
      int kernel, int depth, {el}[] ap, int aOff, {el}[] b, int[] bRows, int bRow0, int bCol, {el}[] acc, int accOff,
      int ld, boolean accumulate) {{
    switch (kernel) {{
{dispatch_in_place}
      default -> throw new AssertionError(kernel);
    }}
  }}

{kernels}
}}
'''


for el in ("float", "double"):
    path = os.path.join(OUT, TYPES[el]["cls"] + ".java")
    with open(path, "w") as f:
        f.write(source(el))
    print("wrote", os.path.relpath(path, ROOT))
