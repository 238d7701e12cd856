package dev.wengert.core;

import dev.wengert.core.kernels.Kernels;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * The loops behind {@link Convolution}: im2col + GEMM on contiguous NCHW operands. For one sample
 * and one group, with {@code K = C/G·kh·kw} and {@code P = Ho·Wo}:
 *
 * <pre>
 *   forward:        y[n,g]  (M/G × P) = [W_g | b_g] (M/G × K+1) · [col(x[n,g]); 1…1] (K+1 × P)
 *   adjoint input:  dcol    (K × P)   = W_gᵀ · gy[n,g],   then dx[n,g] = col2im(dcol)
 *   adjoint weight: dW_g    (M/G × K) = Σ_n gy[n,g] · col(x[n,g])ᵀ   (or its transpose)
 * </pre>
 *
 * where {@code col} unrolls every kernel window into a column; the bias rides in the GEMM as one
 * more weight column against a row of ones, so the output is written once. With padding or a
 * column stride, a sample's channel block is first <em>staged</em>: copied with a zero border, its
 * rows and columns split into stride phases (padded pixel {@code (r, c)} goes to phase {@code (r
 * mod sh, c mod sw)}, position {@code (r / sh, c / sw)}), so that what one kernel tap sees of the
 * output rows is a dense block and unrolling is one plain copy per tap and output row. The input
 * gradient of a strided kernel with many taps over many channels goes by stride phases instead
 * (see {@link PhaseAxis}); otherwise it accumulates into such a buffer, and goes further: it pads
 * each row of {@code gy} with zeros to the staged row length, so that each tap's whole column row
 * adds onto the buffer as one long run (the padded columns add zeros, which is exact as long as
 * the weights are finite; otherwise, or when the staged rows are much longer than the output rows,
 * it adds row by row). A 1×1 kernel with stride 1 and no padding needs no unrolling: the input
 * block already is the column matrix. When the kernel taps outnumber the output channels, the
 * forward and the weight gradient do not unroll either: they take whole staged rows too, and the
 * GEMM reads each tap's row of the column matrix as a run of the staged image (see {@link
 * Plan#wideRuns}).
 *
 * <p>Samples are spread over the threads, each with its own buffers (reused across calls); when
 * there are fewer samples than threads, the GEMM uses the threads instead. A large output (the
 * forward's, the input gradient's) is allocated by the calling thread while the others already
 * work (see {@link Typed#eachSample}). Planes too large for one
 * buffer of {@link #COLUMN_CAP} elements are unrolled in bands of output rows. Every result is the
 * same bits for any thread count: forward and adjoint input compute each sample independently, and
 * the weight gradient sums fixed blocks of {@link #WEIGHT_BLOCK} samples into partials that are
 * then added in block order.
 */
final class ConvolutionKernels {

  /** Most elements of one column buffer; larger unrolled planes are split into bands of output rows. */
  static final int COLUMN_CAP = 1 << 20;

  /**
   * Samples per partial weight gradient. A constant, not a function of the thread count, so the
   * order of the sum over samples is always the same.
   */
  private static final int WEIGHT_BLOCK = 4;

  /**
   * Most elements of the weight gradient's block partials held at once: with fewer blocks per round
   * the threads meet more often (measured: 16 blocks of a 64x32x14x14 -> 64 gradient in rounds of 4,
   * the main thread waited 8% of forward+backward).
   */
  private static final int PARTIALS_CAP = 1 << 20;

  private ConvolutionKernels() {}

  /** The output {@code [N, M, outH, outW]} of the convolution. */
  static Tensor forward(Tensor x, Tensor w, Tensor bias, int outH, int outW, Conv2dGeometry geo) {
    Plan plan = new Plan(x.shape, w.shape[0], w.shape[2], w.shape[3], outH, outW, geo);
    return typed(x).forward(plan, x, w, bias, new int[] {x.shape[0], w.shape[0], outH, outW});
  }

  /** The input gradient {@code [N, C, height, width]}. */
  static Tensor adjointInput(Tensor gy, Tensor w, int channels, int height, int width, Conv2dGeometry geo) {
    int[] shape = {gy.shape[0], channels, height, width};
    Plan plan = new Plan(shape, w.shape[0], w.shape[2], w.shape[3], gy.shape[2], gy.shape[3], geo);
    return typed(gy).adjointInput(plan, gy, w, shape);
  }

  static void adjointWeight(Tensor x, Tensor gy, Tensor gw, Conv2dGeometry geo) {
    Plan plan = new Plan(x.shape, gw.shape[0], gw.shape[2], gw.shape[3], gy.shape[2], gy.shape[3], geo);
    typed(x).adjointWeight(plan, x, gy, gw);
  }

  private static Typed<?> typed(Tensor t) {
    return t.storage.floats() != null ? Floats.INSTANCE : Doubles.INSTANCE;
  }

  /**
   * Runs {@code body} over samples {@code [0, n)}: a multiple of the thread count spread evenly over
   * the threads (each runs its GEMMs alone), the rest on the calling thread, whose GEMMs then use
   * the threads themselves.
   */
  private static void forSamples(int n, Parallel.RangeBody body) {
    int threads = Parallel.chunkCount(n, 1);
    int spread = threads > 1 ? n - n % threads : 0;
    if (spread > 0) {
      Parallel.forRange(spread, spread / threads, body);
    }
    if (spread < n) {
      body.run(spread, n);
    }
  }

  /** The work of one sample: writes its whole block of the output at {@code out[outOff]}. */
  @FunctionalInterface
  private interface SampleBody<T> {
    void run(int n, T out, int outOff);
  }

  /**
   * Least output elements for which {@link Typed#eachSample} allocates while the other threads
   * start: below it, zeroing the output costs less than handing samples around and holding them.
   * Measured against 2^20 (which left 64x64x14x14 outputs to one thread): 2^18 made 64x32x14x14 ->
   * 64 forward 2.96 -> 2.74 ms and a cnn-bn epoch 26.0 -> 24.9 s (cnn-s even); 2^17 made
   * 64x1x28x28 -> 6 (k5, 221,184 outputs) 0.207 -> 0.175 ms (lenet5 even).
   */
  private static final int OVERLAP_MIN = 1 << 17;

  /**
   * Least multiply-adds per output element for which the forward holds samples while its output is
   * allocated: with fewer (a 3x3 kernel over one channel: 10) copying a held sample costs about as
   * much as computing it (measured: 64x1x28x28 -> 32 forward 4% slower when holding).
   */
  private static final int OVERLAP_MIN_DEPTH = 16;

  /**
   * Most elements of finished samples a thread holds while the output is being allocated
   * (measured, 32x3x32x32 -> 64 forward: 1.9-2.1 -> 1.5-1.7 ms with 4 MB; with 1 MB, 1.7-1.9).
   */
  private static final int HELD_CAP = 1 << 20;

  /**
   * Where the unrolling finds a channel block: {@code tap[kr·kw + kc]} is the offset, within one
   * channel, of what kernel tap {@code (kr, kc)} reads for output {@code (0, 0)}; output column
   * {@code j} adds {@code j}, output row {@code i} adds {@code i·rowStep}.
   */
  private record Layout(int rowStep, int plane, int[] tap) {}

  /** Sizes, strides and layouts of one convolution, whatever the dtype. */
  private static final class Plan {
    final int batch;
    final int channels;
    final int height;
    final int width;
    final int outChannels;
    final int groupChannels;
    final int groupOutChannels;
    final int groups;
    final int kernelH;
    final int kernelW;
    final int outH;
    final int outW;
    final int strideH;
    final int strideW;
    final int padTop;
    final int padLeft;
    final int dilationH;
    final int dilationW;
    /** Rows of the column matrix: {@code C/G·kh·kw}. */
    final int depth;
    final int inPlane;
    final int outPlane;
    /** 1×1 kernel, stride 1, no padding: the input block is the column matrix. */
    final boolean direct;
    /** Whether the forward and weight-gradient unrolling read a staged copy (padding or a column stride). */
    final boolean staged;
    /** Rows and row length of one stride phase of a staged channel. */
    final int phaseHeight;
    final int phaseWidth;
    final Layout stagedLayout;
    /** What the forward and weight-gradient unrolling read: the staged copy or the input itself. */
    final Layout sourceLayout;
    /** Output rows per band, so that a band's column matrix has at most {@link #COLUMN_CAP} elements. */
    final int bandRows;
    /** Whether the weight gradient is computed transposed, {@code [K][M/G]} (see {@link #transposedWeightGradient}). */
    final boolean transposedGradient;
    /** Whether the forward and the weight gradient read whole staged rows as runs (see {@link #wideRuns}). */
    final boolean wideRuns;

    Plan(int[] inputShape, int outChannels, int kernelH, int kernelW, int outH, int outW, Conv2dGeometry geo) {
      batch = inputShape[0];
      channels = inputShape[1];
      height = inputShape[2];
      width = inputShape[3];
      this.outChannels = outChannels;
      groups = geo.groups();
      groupChannels = channels / groups;
      groupOutChannels = outChannels / groups;
      this.kernelH = kernelH;
      this.kernelW = kernelW;
      this.outH = outH;
      this.outW = outW;
      strideH = geo.strideH();
      strideW = geo.strideW();
      padTop = geo.padTop();
      padLeft = geo.padLeft();
      dilationH = geo.dilationH();
      dilationW = geo.dilationW();
      depth = groupChannels * kernelH * kernelW;
      inPlane = height * width;
      outPlane = outH * outW;
      boolean padded = padTop + geo.padBottom() + padLeft + geo.padRight() > 0;
      direct = kernelH == 1 && kernelW == 1 && strideH == 1 && strideW == 1 && !padded;
      staged = padded || strideW > 1;
      phaseHeight = ceilDiv(height + padTop + geo.padBottom(), strideH);
      phaseWidth = ceilDiv(width + padLeft + geo.padRight(), strideW);
      int[] stagedTaps = new int[kernelH * kernelW];
      int[] inputTaps = new int[kernelH * kernelW];
      for (int kr = 0; kr < kernelH; kr++) {
        for (int kc = 0; kc < kernelW; kc++) {
          int r = kr * geo.dilationH();
          int c = kc * geo.dilationW();
          int phase = (r % strideH) * strideW + c % strideW;
          stagedTaps[kr * kernelW + kc] = (phase * phaseHeight + r / strideH) * phaseWidth + c / strideW;
          inputTaps[kr * kernelW + kc] = r * width + c;
        }
      }
      stagedLayout = new Layout(phaseWidth, strideH * strideW * phaseHeight * phaseWidth, stagedTaps);
      sourceLayout = staged ? stagedLayout : new Layout(strideH * width, inPlane, inputTaps);
      bandRows = direct
          ? outH
          : (int) Math.max(1, Math.min(outH, COLUMN_CAP / Math.max(1L, (long) (depth + 1) * rowLength())));
      transposedGradient = transposedWeightGradient(depth, groupOutChannels, outPlane);
      wideRuns = !direct && wideRuns(depth, groupOutChannels, outH, outW, phaseWidth);
    }

    /**
     * The forward and the weight gradient can take whole staged rows, as the input gradient does:
     * each kernel tap's row of the unrolled matrix is then one run of {@code Ho·phaseWidth} elements
     * of the staged image, which the GEMM reads in place ({@link Kernels#sgemmRuns}) instead of
     * {@code Ho} copies of {@code Wo}. The forward computes {@code phaseWidth − Wo} extra columns per
     * output row (discarded: a column of the product depends only on its own column of the unrolled
     * matrix) and copies the output rows out of the wide product; the weight gradient pads {@code gy}
     * with zeros to match. Worth it when the short copies it saves ({@code depth·Ho}) outnumber the
     * row copies it adds ({@code (M/G)·Ho}) and the rows are not mostly padding (measured: slower
     * for 1 and 3 input channels with 32 and 64 outputs).
     */
    private static boolean wideRuns(int depth, int outChannels, int outH, int outW, int phaseWidth) {
      return depth > outChannels && outH > 1 && 4L * phaseWidth <= 5L * outW;
    }

    /**
     * The weight gradient is a GEMM over the output positions whose second operand is transposed
     * while packing: {@code gy · colᵀ} ({@code M/G × K}) or {@code col · gyᵀ} ({@code K × M/G}).
     * Picks the cheaper by a rough model: multiply-adds over whole register tiles (a typical 12 ×
     * 32) plus a few per transposed element.
     */
    private static boolean transposedWeightGradient(int depth, int outChannels, int positions) {
      long plain = padded(outChannels, 12) * padded(depth, 32) * positions + 8L * depth * positions;
      long transposed = padded(depth, 12) * padded(outChannels, 32) * positions + 8L * outChannels * positions;
      return transposed < plain;
    }

    private static long padded(int n, int tile) {
      return (long) ceilDiv(n, tile) * tile;
    }

    private static int ceilDiv(int a, int b) {
      return (a + b - 1) / b;
    }

    /** The longer of an output row and a staged row: the column buffer holds either. */
    int rowLength() {
      return Math.max(outW, phaseWidth);
    }

    /** Offset of channel {@code c} of sample {@code n} of the input. */
    int inputOffset(int n, int c) {
      return (n * channels + c) * inPlane;
    }

    /** Offset of output channel {@code m} of sample {@code n} of the output. */
    int outputOffset(int n, int m) {
      return (n * outChannels + m) * outPlane;
    }

    int columnsSize() {
      return direct ? 0 : (depth + 1) * bandRows * rowLength();
    }

    /** A staged channel block, plus one staged row of slack for the long runs that end in padding. */
    int stagedSize() {
      return direct ? 0 : groupChannels * stagedLayout.plane() + phaseWidth;
    }

    /** First position of phase column {@code ph} of a staged row that holds an input pixel. */
    int firstInside(int ph) {
      return Math.max(0, Math.floorDiv(padLeft - ph + strideW - 1, strideW));
    }

    /** One past the last position of phase column {@code ph} of a staged row that holds an input pixel. */
    int endInside(int ph) {
      return Math.max(firstInside(ph), Math.min(phaseWidth, Math.floorDiv(padLeft + width - 1 - ph, strideW) + 1));
    }
  }

  /**
   * One axis of a strided convolution's input gradient split into stride phases. Input pixels whose
   * padded coordinate {@code R} has {@code R mod s = a} form phase {@code a}, at positions {@code u
   * = R div s}; the kernel taps that reach them are those with {@code t·d mod s = a}, and they read
   * the output gradient at {@code u − (t·d − a)/s}. Along each phase the input gradient is therefore
   * a stride-1 correlation of the output gradient with those taps in reverse order (spaced {@link
   * #spacing} apart), which a GEMM computes whole, with no scatter of unrolled columns.
   */
  private static final class PhaseAxis {
    final int stride;
    /** Phase {@code a}'s kernel taps, last first: the tap the correlation applies at step {@code j}. */
    final int[][] taps;
    /** Phase {@code a}'s first position {@code u} holding an input pixel, and how many do. */
    final int[] first;
    final int[] count;
    /** Where position {@code first[a]}'s correlation starts in the staged output gradient. */
    final int[] start;
    /** Distance between the output-gradient positions consecutive taps of a phase read. */
    final int spacing;
    /** The staged output gradient: {@code pad} zeros before the data, {@code length} in all. */
    final int pad;
    final int length;

    /**
     * The phases along an axis of {@code size} input pixels, {@code outSize} outputs, a kernel of
     * {@code kernel} taps, {@code stride}, {@code dilation} and {@code padBefore}.
     */
    PhaseAxis(int size, int outSize, int kernel, int stride, int dilation, int padBefore) {
      this.stride = stride;
      taps = new int[stride][];
      first = new int[stride];
      count = new int[stride];
      start = new int[stride];
      spacing = dilation / gcd(dilation, stride);
      int before = 0;
      for (int a = 0; a < stride; a++) {
        int phase = a;
        int[] reaching = IntStream.range(0, kernel).filter(t -> t * dilation % stride == phase).toArray();
        taps[a] = new int[reaching.length];
        for (int j = 0; j < reaching.length; j++) {
          taps[a][j] = reaching[reaching.length - 1 - j];
        }
        first[a] = Math.floorDiv(padBefore - a + stride - 1, stride);
        count[a] = Math.max(0, Math.floorDiv(padBefore + size - 1 - a, stride) - first[a] + 1);
        if (reaching.length > 0) {
          start[a] = first[a] - (reaching[0] * dilation - a) / stride - (reaching.length - 1) * spacing;
          if (count[a] > 0) {
            before = Math.max(before, -start[a]);
          }
        }
      }
      pad = before;
      int end = pad + outSize;
      for (int a = 0; a < stride; a++) {
        if (taps[a].length > 0 && count[a] > 0) {
          end = Math.max(end, pad + start[a] + count[a] + (taps[a].length - 1) * spacing);
        }
      }
      length = end;
    }

    /** The most positions of a phase. */
    int maxCount() {
      return Arrays.stream(count).max().orElse(0);
    }

    /** The most taps of a phase. */
    int maxTaps() {
      return Arrays.stream(taps).mapToInt(t -> t.length).max().orElse(0);
    }

    private static int gcd(int a, int b) {
      return b == 0 ? a : gcd(b, a % b);
    }
  }

  /**
   * Least input channels per group and kernel taps for which a strided convolution's input gradient
   * goes by stride phases ({@link PhaseAxis}). Measured on one thread: 64x16x32x32 -> 32, 5x5,
   * stride 2: 7.4 -> 4.9 ms (the unrolled columns' 25 taps no longer add onto the image one by
   * one); with 3x3 kernels about even (64x32x16x16 -> 64: 3.4 vs 3.5 ms); with one or three input
   * channels the phases' GEMMs have too few rows and it was slower (64x1x28x28 -> 32, 3x3, stride
   * 2: 0.45 -> 1.2 ms).
   */
  private static final int PHASES_MIN_CHANNELS = 16;

  private static final int PHASES_MIN_TAPS = 16;

  /** Whether {@link Typed#adjointInput} goes by stride phases (given finite weights). */
  private static boolean byPhases(Plan p) {
    return (p.strideH > 1 || p.strideW > 1) && !p.direct && p.groupChannels >= PHASES_MIN_CHANNELS
        && p.kernelH * p.kernelW >= PHASES_MIN_TAPS;
  }

  /** The per-thread buffers. */
  private enum Slot {
    WEIGHTS,
    COLUMNS,
    STAGED,
    /** Rows widened to staged rows: the forward's wide product, or the input gradient's widened {@code gy}. */
    WIDE,
    PARTIALS,
    /** Samples finished before the output was allocated (see {@link Typed#eachSample}). */
    HELD
  }

  /**
   * The three drivers, written once over the array type {@code T} ({@code float[]} or {@code
   * double[]}); subclasses supply the GEMM, the staging and unrolling loops and a few small loops.
   */
  private abstract static class Typed<T> {

    abstract T data(Tensor t);

    /** The calling thread's buffer {@code slot}, at least {@code size} long. */
    abstract T buffer(Slot slot, int size);

    /**
     * {@code C = op(A)·op(B)}, or {@code C += op(A)·op(B)} when {@code accumulate}, with the stored
     * rows of {@code A} and {@code B} starting at {@code aRows} and {@code bRows}.
     */
    abstract void gemmRuns(
        boolean transA, boolean transB, int m, int n, int k, T a, int[] aRows, T b, int[] bRows, boolean accumulate,
        T c, int cOff, int ldc);

    /** {@code C = op(A)·op(B)}, or {@code C += op(A)·op(B)} when {@code accumulate}. */
    abstract void gemm(
        boolean transA, boolean transB, int m, int n, int k,
        T a, int aOff, int lda, T b, int bOff, int ldb, boolean accumulate, T c, int cOff, int ldc);

    /**
     * Copies the channel block of {@code x} at {@code xOff} into {@code xs}, staged (see the class
     * comment); {@code bordered} says {@code xs} already holds this plan's zero border, from staging
     * an earlier sample.
     */
    abstract void stage(Plan p, T x, int xOff, T xs, boolean bordered);

    /** The adjoint of {@link #stage} less the border: the pixels of {@code xs} into the block at {@code xOff}. */
    abstract void unstage(Plan p, T xs, T x, int xOff);

    /**
     * The column matrix ({@code depth × (i1−i0)·Wo}, row-major) of output rows {@code [i0, i1)},
     * read from the channel block at {@code srcOff} laid out as {@code l}.
     */
    abstract void im2col(Plan p, Layout l, T src, int srcOff, int i0, int i1, T col);

    /** The adjoint of {@link #im2col} into a staged buffer: adds each column entry onto its pixel. */
    abstract void col2im(Plan p, T col, int i0, int i1, T dst);

    /**
     * As {@link #col2im}, for a column matrix whose rows hold staged rows ({@code (i1−i0)·phaseWidth}
     * entries, zero beyond each output row): each tap adds as one contiguous run.
     */
    abstract void col2imWide(Plan p, T col, int i0, int i1, T dst);

    /** {@code rows} rows of each output channel of {@code gy} at {@code gyOff}, each zero-padded to a staged row. */
    abstract void widen(Plan p, T gy, int gyOff, int rows, T wide);

    /** Sets {@code rows} rows of {@code len} elements (row stride {@code ld}) to {@code bias[biasOff + row]}. */
    abstract void fillRows(T y, int yOff, int rows, int len, int ld, T bias, int biasOff);

    /** {@code a[from, to) = value}. */
    abstract void fill(T a, int from, int to, double value);

    /** {@code dst[i] += src[i]} for {@code i < n}. */
    abstract void addTo(T src, int srcOff, T dst, int dstOff, int n);

    /** {@code dst[dstOff + r·dstStride + i] = src[srcOff + r·srcStride + i]} for {@code r < rows}, {@code i < n}. */
    abstract void copyRows(int rows, int n, T src, int srcOff, int srcStride, T dst, int dstOff, int dstStride);

    abstract boolean allFinite(T a, int off, int n);

    /** {@code dst[i] = src[srcOff + from[i]]} for {@code i < from.length}. */
    abstract void gather(T src, int srcOff, int[] from, T dst);

    /** {@code dst[dstOff + 2v] = x[xOff + v]} and {@code dst[dstOff + 2v + 1] = y[yOff + v]} for {@code v < n}. */
    abstract void interleave(T x, int xOff, T y, int yOff, int n, T dst, int dstOff);

    /** {@code dst[dstOff + v·step] = src[srcOff + v]} for {@code v < n}. */
    abstract void scatter(T src, int srcOff, int n, T dst, int dstOff, int step);

    /** {@code dst[c][r] = src[r][c]} for the row-major {@code rows × cols} matrix at {@code srcOff}. */
    abstract void transpose(T src, int srcOff, int rows, int cols, T dst, int dstOff);

    /** Each group's {@code M/G × K} weight block transposed, {@code [G][K][M/G]}. */
    private void transposeWeights(Plan p, T w, int wOff, T wT) {
      int block = p.groupOutChannels * p.depth;
      for (int g = 0; g < p.groups; g++) {
        transpose(w, wOff + g * block, p.groupOutChannels, p.depth, wT, g * block);
      }
    }

    /**
     * Runs {@code perThread}'s sample bodies over samples {@code [0, batch)} and returns the output
     * {@code shape} they fill, {@code sampleSize} elements per sample; the bodies must write every
     * element (the output may be a {@link TensorScope}'s reused memory). With {@code overlap}, a large
     * output is allocated by the calling thread while the others already compute samples (the JVM
     * zeroes a new array on the thread that allocates it: 0.3-0.4 ms for 8 MB, during which a
     * second thread would otherwise wait); those keep their first samples in a buffer and copy
     * them in once the output exists. Samples go to whichever thread asks next; each sample's bits
     * do not depend on the thread, nor on whether it went through the buffer.
     */
    final Tensor eachSample(
        int batch, int sampleSize, DType dtype, int[] shape, boolean overlap, Supplier<SampleBody<T>> perThread) {
      int threads = Parallel.chunkCount(batch, 2);
      if (!overlap || threads <= 1 || (long) batch * sampleSize < OVERLAP_MIN) {
        Tensor out = Tensor.uninitialized(dtype, shape);
        T y = data(out);
        forSamples(batch, (from, to) -> {
          SampleBody<T> body = perThread.get();
          for (int n = from; n < to; n++) {
            body.run(n, y, n * sampleSize);
          }
        });
        return out;
      }
      AtomicReference<Tensor> output = new AtomicReference<>();
      AtomicInteger next = new AtomicInteger();
      AtomicBoolean failed = new AtomicBoolean(); // read by the other threads while they wait
      int maxHeld = Math.max(1, HELD_CAP / sampleSize);
      Parallel.forRange(threads, 1, (from, to) -> {
        if (from == 0) { // the calling thread's chunk
          try {
            output.set(Tensor.uninitialized(dtype, shape));
          } catch (RuntimeException | Error e) {
            failed.set(true);
            throw e;
          }
        }
        SampleBody<T> body = perThread.get();
        int[] heldSamples = new int[maxHeld];
        int heldCount = 0;
        for (int n = next.getAndIncrement(); n < batch; n = next.getAndIncrement()) {
          if (output.get() == null && heldCount < maxHeld) {
            body.run(n, buffer(Slot.HELD, maxHeld * sampleSize), heldCount * sampleSize);
            heldSamples[heldCount++] = n;
            continue;
          }
          T y = awaitData(output, failed);
          if (y == null) {
            return;
          }
          release(heldSamples, heldCount, sampleSize, y);
          heldCount = 0;
          body.run(n, y, n * sampleSize);
        }
        T y = awaitData(output, failed);
        if (y != null) {
          release(heldSamples, heldCount, sampleSize, y);
        }
      });
      return output.get();
    }

    /** The output's array once the calling thread has allocated it; null if that failed. */
    private T awaitData(AtomicReference<Tensor> output, AtomicBoolean failed) {
      Tensor out;
      while ((out = output.get()) == null) {
        if (failed.get()) {
          return null;
        }
        Thread.onSpinWait();
      }
      return data(out);
    }

    /** Copies the {@code heldCount} held samples into the output. */
    private void release(int[] heldSamples, int heldCount, int sampleSize, T y) {
      T held = buffer(Slot.HELD, 0);
      for (int i = 0; i < heldCount; i++) {
        System.arraycopy(held, i * sampleSize, y, heldSamples[i] * sampleSize, sampleSize);
      }
    }

    final Tensor forward(Plan p, Tensor xt, Tensor wt, Tensor bt, int[] shape) {
      T x = data(xt);
      T bias = bt == null ? null : data(bt);
      boolean biasInGemm = bias != null && !p.direct;
      int depth = biasInGemm ? p.depth + 1 : p.depth;
      T w = biasInGemm ? weightsWithBias(p, data(wt), wt.offset, bias, bt.offset) : data(wt);
      int wBase = biasInGemm ? 0 : wt.offset;
      boolean staged = p.staged || p.wideRuns;
      // The wide forward's bias row is a run of ones kept after the staged block.
      int onesAt = p.stagedSize();
      int wideLength = p.bandRows * p.phaseWidth;
      boolean overlap = depth >= OVERLAP_MIN_DEPTH;
      return eachSample(p.batch, p.outChannels * p.outPlane, xt.dtype, shape, overlap, () -> {
        T col = buffer(Slot.COLUMNS, p.wideRuns ? 0 : p.columnsSize());
        T xs = buffer(Slot.STAGED, staged ? onesAt + wideLength : 0);
        T yw = buffer(Slot.WIDE, p.wideRuns ? p.groupOutChannels * wideLength : 0);
        int[] runs = p.wideRuns ? Scratch.get().ints(0, depth) : null;
        int[] weightRows = p.wideRuns ? Scratch.get().ints(1, p.groupOutChannels) : null;
        if (p.wideRuns && biasInGemm) {
          fill(xs, onesAt, onesAt + wideLength, 1);
        }
        boolean[] stagedBefore = new boolean[1];
        return (n, y, sampleOff) -> {
          for (int g = 0; g < p.groups; g++) {
            int xOff = xt.offset + p.inputOffset(n, g * p.groupChannels);
            int wOff = wBase + g * p.groupOutChannels * depth;
            boolean bordered = stagedBefore[0] || g > 0;
            int yOff = sampleOff + g * p.groupOutChannels * p.outPlane;
            if (p.direct) {
              if (bias != null) {
                fillRows(y, yOff, p.groupOutChannels, p.outPlane, p.outPlane, bias, bt.offset + g * p.groupOutChannels);
              }
              gemm(false, false, p.groupOutChannels, p.outPlane, p.depth, w, wOff, p.depth, x, xOff, p.inPlane,
                  bias != null, y, yOff, p.outPlane);
              continue;
            }
            if (staged) {
              stage(p, x, xOff, xs, bordered);
            }
            for (int i0 = 0; i0 < p.outH; i0 += p.bandRows) {
              int i1 = Math.min(p.outH, i0 + p.bandRows);
              if (p.wideRuns) {
                int len = (i1 - i0) * p.phaseWidth;
                tapRuns(p, i0, runs);
                if (biasInGemm) {
                  runs[p.depth] = onesAt;
                }
                rowStarts(wOff, depth, p.groupOutChannels, weightRows);
                gemmRuns(false, false, p.groupOutChannels, len, depth, w, weightRows, xs, runs, false, yw, 0, len);
                narrow(p, yw, i0, i1, y, yOff);
              } else {
                int len = (i1 - i0) * p.outW;
                im2col(p, p.sourceLayout, p.staged ? xs : x, p.staged ? 0 : xOff, i0, i1, col);
                if (biasInGemm) {
                  fill(col, p.depth * len, depth * len, 1);
                }
                gemm(false, false, p.groupOutChannels, len, depth, w, wOff, depth, col, 0, len, false, y,
                    yOff + i0 * p.outW, p.outPlane);
              }
            }
          }
          stagedBefore[0] = true; // the staged buffer's border now holds this plan's zeros
        };
      });
    }

    /**
     * Where each row of the wide column matrix of output rows from {@code i0} starts in the staged
     * channel block: row {@code (c, tap)} is the run of whole staged rows that the tap sees. The
     * runs reach past the last output row's pixels into the next staged row (or the staged
     * buffer's slack row), which only the discarded columns read.
     */
    static void tapRuns(Plan p, int i0, int[] runs) {
      Layout l = p.stagedLayout;
      int taps = p.kernelH * p.kernelW;
      for (int c = 0, d = 0; c < p.groupChannels; c++) {
        for (int t = 0; t < taps; t++, d++) {
          runs[d] = c * l.plane() + l.tap()[t] + i0 * p.phaseWidth;
        }
      }
    }

    /** {@code rows[r] = offset + r·ld} for {@code r < count}: the row starts of a plain row-major matrix. */
    static void rowStarts(int offset, int ld, int count, int[] rows) {
      for (int r = 0; r < count; r++) {
        rows[r] = offset + r * ld;
      }
    }

    /** Output rows {@code [i0, i1)} of each output channel of a group, out of the wide product {@code yw}. */
    private void narrow(Plan p, T yw, int i0, int i1, T y, int yOff) {
      int rows = i1 - i0;
      for (int m = 0; m < p.groupOutChannels; m++) {
        copyRows(rows, p.outW, yw, m * rows * p.phaseWidth, p.phaseWidth, y, yOff + m * p.outPlane + i0 * p.outW, p.outW);
      }
    }

    /** {@code [W | b]}: each output channel's weights followed by its bias, in the caller's buffer. */
    private T weightsWithBias(Plan p, T w, int wOff, T bias, int biasOff) {
      T wb = buffer(Slot.WEIGHTS, p.outChannels * (p.depth + 1));
      for (int m = 0; m < p.outChannels; m++) {
        System.arraycopy(w, wOff + m * p.depth, wb, m * (p.depth + 1), p.depth);
        System.arraycopy(bias, biasOff + m, wb, m * (p.depth + 1) + p.depth, 1);
      }
      return wb;
    }

    final Tensor adjointInput(Plan p, Tensor gyt, Tensor wt, int[] shape) {
      T gy = data(gyt);
      T w = data(wt);
      if (byPhases(p) && allFinite(w, wt.offset, p.outChannels * p.depth)) {
        PhaseAxis rows = new PhaseAxis(p.height, p.outH, p.kernelH, p.strideH, p.dilationH, p.padTop);
        PhaseAxis cols = new PhaseAxis(p.width, p.outW, p.kernelW, p.strideW, p.dilationW, p.padLeft);
        if (4L * cols.length <= 5L * cols.maxCount()) {
          return adjointInputByPhases(p, gyt, wt, shape, rows, cols);
        }
      }
      // Whole staged rows cost phaseWidth/Wo more GEMM work; worth it for long contiguous runs unless
      // the rows are mostly padding, and exact only with finite weights (0 · w = 0).
      boolean wide = !p.direct && 4L * p.phaseWidth <= 5L * p.outW
          && allFinite(w, wt.offset, p.outChannels * p.depth);
      // W_gᵀ once per call, so the GEMMs pack it without transposing.
      T wT = buffer(Slot.WEIGHTS, p.outChannels * p.depth);
      transposeWeights(p, w, wt.offset, wT);
      return eachSample(p.batch, p.channels * p.inPlane, gyt.dtype, shape, true, () -> {
        T col = buffer(Slot.COLUMNS, p.columnsSize());
        T dxs = buffer(Slot.STAGED, p.stagedSize());
        T gyw = buffer(Slot.WIDE, wide ? p.groupOutChannels * p.bandRows * p.phaseWidth : 0);
        // Every element of a sample's block is written (unstage assigns each pixel), so a block
        // may go to a buffer that holds an earlier sample.
        return (n, dx, sampleOff) -> {
          for (int g = 0; g < p.groups; g++) {
            int dxOff = sampleOff + g * p.groupChannels * p.inPlane;
            int wOff = g * p.groupOutChannels * p.depth;
            int gyOff = gyt.offset + p.outputOffset(n, g * p.groupOutChannels);
            if (p.direct) {
              gemm(false, false, p.depth, p.outPlane, p.groupOutChannels, wT, wOff, p.groupOutChannels, gy, gyOff,
                  p.outPlane, false, dx, dxOff, p.inPlane);
              continue;
            }
            fill(dxs, 0, p.stagedSize(), 0);
            for (int i0 = 0; i0 < p.outH; i0 += p.bandRows) {
              int i1 = Math.min(p.outH, i0 + p.bandRows);
              if (wide) {
                int len = (i1 - i0) * p.phaseWidth;
                widen(p, gy, gyOff + i0 * p.outW, i1 - i0, gyw);
                gemm(false, false, p.depth, len, p.groupOutChannels, wT, wOff, p.groupOutChannels, gyw, 0, len, false,
                    col, 0, len);
                col2imWide(p, col, i0, i1, dxs);
              } else {
                int len = (i1 - i0) * p.outW;
                gemm(false, false, p.depth, len, p.groupOutChannels, wT, wOff, p.groupOutChannels, gy,
                    gyOff + i0 * p.outW, p.outPlane, false, col, 0, len);
                col2im(p, col, i0, i1, dxs);
              }
            }
            unstage(p, dxs, dx, dxOff);
          }
        };
      });
    }

    /**
     * The input gradient of a strided convolution, phase by phase (see {@link PhaseAxis}): for each
     * sample and group, the output gradient is staged once with a zero border, and each phase
     * {@code (a, b)} of the input is one GEMM of its reversed taps' weights, {@code [C/G] x
     * [M/G·taps]}, with the staged rows those taps read (as runs, computing {@code cols.length −
     * count} discarded columns per row), whose rows then go to every {@code s}-th pixel. Each
     * pixel's gradient is one multiply-add chain over its output channels and taps, written once:
     * no column matrix is scattered back onto a buffer. The border zeros enter the products, which
     * is exact as long as the weights are finite (the caller checks).
     */
    private Tensor adjointInputByPhases(Plan p, Tensor gyt, Tensor wt, int[] shape, PhaseAxis rows, PhaseAxis cols) {
      T gy = data(gyt);
      int gm = p.groupOutChannels;
      int gc = p.groupChannels;
      int taps = p.kernelH * p.kernelW;
      // Each phase's weights, [G][C/G][M/G][its taps, reversed], one phase after another.
      int[] from = new int[p.outChannels * p.depth];
      int[][] phaseAt = new int[rows.stride][cols.stride];
      int at = 0;
      for (int a = 0; a < rows.stride; a++) {
        for (int b = 0; b < cols.stride; b++) {
          phaseAt[a][b] = at;
          for (int g = 0; g < p.groups; g++) {
            for (int c = 0; c < gc; c++) {
              for (int m = 0; m < gm; m++) {
                for (int kr : rows.taps[a]) {
                  for (int kc : cols.taps[b]) {
                    from[at++] = ((g * gm + m) * gc + c) * taps + kr * p.kernelW + kc;
                  }
                }
              }
            }
          }
        }
      }
      T phased = buffer(Slot.WEIGHTS, from.length);
      gather(data(wt), wt.offset, from, phased);
      int stagedPlane = rows.length * cols.length;
      int stagedSize = gm * stagedPlane + cols.length; // one row of slack: the last runs reach past the block
      int phaseWide = gc * rows.maxCount() * cols.length;
      boolean pairs = cols.stride == 2 && cols.count[0] > 0 && cols.count[1] > 0;
      int depth = gm * rows.maxTaps() * cols.maxTaps();
      return eachSample(p.batch, p.channels * p.inPlane, gyt.dtype, shape, true, () -> {
        T staged = buffer(Slot.STAGED, stagedSize);
        T wide = buffer(Slot.WIDE, cols.stride * phaseWide);
        int[] runs = Scratch.get().ints(0, depth);
        int[] weightRows = Scratch.get().ints(1, gc);
        fill(staged, 0, stagedSize, 0); // the border; only the data rows change from sample to sample
        return (n, dx, sampleOff) -> {
          for (int g = 0; g < p.groups; g++) {
            int gyOff = gyt.offset + p.outputOffset(n, g * gm);
            for (int m = 0; m < gm; m++) {
              for (int i = 0; i < p.outH; i++) {
                System.arraycopy(gy, gyOff + m * p.outPlane + i * p.outW, staged,
                    m * stagedPlane + (rows.pad + i) * cols.length + cols.pad, p.outW);
              }
            }
            for (int a = 0; a < rows.stride; a++) {
              int height = rows.count[a];
              if (height == 0) {
                continue;
              }
              int len = height * cols.length;
              for (int b = 0; b < cols.stride; b++) {
                if (cols.count[b] == 0) {
                  continue;
                }
                int k = gm * rows.taps[a].length * cols.taps[b].length;
                if (k == 0) {
                  fill(wide, b * phaseWide, b * phaseWide + gc * len, 0); // no tap reaches this phase
                  continue;
                }
                for (int m = 0, d = 0; m < gm; m++) {
                  for (int jr = 0; jr < rows.taps[a].length; jr++) {
                    for (int jc = 0; jc < cols.taps[b].length; jc++, d++) {
                      runs[d] = m * stagedPlane + (rows.pad + rows.start[a] + jr * rows.spacing) * cols.length
                          + cols.pad + cols.start[b] + jc * cols.spacing;
                    }
                  }
                }
                rowStarts(phaseAt[a][b] + g * gc * k, k, gc, weightRows);
                gemmRuns(false, false, gc, len, k, phased, weightRows, staged, runs, false, wide, b * phaseWide, len);
              }
              for (int c = 0; c < gc; c++) {
                for (int u = 0; u < height; u++) {
                  int r = (rows.first[a] + u) * p.strideH + a - p.padTop;
                  int row = sampleOff + (g * gc + c) * p.inPlane + r * p.width;
                  int at0 = c * len + u * cols.length;
                  if (pairs) {
                    // Stride 2: the two column phases alternate along the row, whichever comes first.
                    int lead = cols.first[0] * 2 - p.padLeft < cols.first[1] * 2 + 1 - p.padLeft ? 0 : 1;
                    int col = cols.first[lead] * 2 + lead - p.padLeft;
                    int both = Math.min(cols.count[0], cols.count[1]);
                    interleave(wide, lead * phaseWide + at0, wide, (1 - lead) * phaseWide + at0, both, dx, row + col);
                    if (cols.count[lead] > both) {
                      scatter(wide, lead * phaseWide + at0 + both, 1, dx, row + col + 2 * both, 2);
                    }
                    if (cols.count[1 - lead] > both) {
                      scatter(wide, (1 - lead) * phaseWide + at0 + both, 1, dx, row + col + 1 + 2 * both, 2);
                    }
                    continue;
                  }
                  for (int b = 0; b < cols.stride; b++) {
                    int col = cols.first[b] * p.strideW + b - p.padLeft;
                    scatter(wide, b * phaseWide + at0, cols.count[b], dx, row + col, p.strideW);
                  }
                }
              }
            }
          }
        };
      });
    }

    final void adjointWeight(Plan p, Tensor xt, Tensor gyt, Tensor dwt) {
      // Wide rows add products of the zero-padded gy columns with pixels no window reads; exact
      // unless such a pixel is infinite or NaN, which shows as a non-finite gradient: then redo.
      if (p.wideRuns) {
        adjointWeight(p, xt, gyt, dwt, true);
        if (allFinite(data(dwt), 0, p.outChannels * p.depth)) {
          return;
        }
      }
      adjointWeight(p, xt, gyt, dwt, false);
    }

    /** The weight gradient, with wide rows read as runs of the staged input or with short unrolled rows. */
    private void adjointWeight(Plan p, Tensor xt, Tensor gyt, Tensor dwt, boolean wide) {
      T x = data(xt);
      T gy = data(gyt);
      int size = p.outChannels * p.depth;
      int blocks = (p.batch + WEIGHT_BLOCK - 1) / WEIGHT_BLOCK;
      int threads = Parallel.chunkCount(blocks, 1);
      // Partials of as many blocks as PARTIALS_CAP allows (at least 2·threads) at a time, then their
      // running sum in block order; [G][M/G][K], or [G][K][M/G] when transposed.
      int round = Math.min(blocks, Math.max(2 * threads, PARTIALS_CAP / size));
      T partials = buffer(Slot.PARTIALS, (round + 1) * size);
      int total = round * size;
      fill(partials, total, total + size, 0);
      for (int first = 0; first < blocks; first += round) {
        int start = first;
        int count = Math.min(round, blocks - first);
        // Blocks go to whichever thread asks next, so a thread slowed down does not hold the other.
        AtomicInteger next = new AtomicInteger();
        Parallel.RangeBody body = (from, to) -> {
          T xs = buffer(Slot.STAGED, p.staged || wide ? p.stagedSize() : 0);
          T gyw = buffer(Slot.WIDE, wide ? p.groupOutChannels * p.bandRows * p.phaseWidth : 0);
          T col = buffer(Slot.COLUMNS, wide ? 0 : p.columnsSize());
          if (wide) {
            // The slack row after the staged block: the last runs reach into it.
            fill(xs, p.groupChannels * p.stagedLayout.plane(), p.stagedSize(), 0);
          }
          int[] runs = wide ? Scratch.get().ints(0, p.depth) : null;
          int[] gyRows = wide ? Scratch.get().ints(1, p.groupOutChannels) : null;
          boolean bordered = false;
          for (int b; (b = next.getAndIncrement()) < count; bordered = true) {
            int n0 = (start + b) * WEIGHT_BLOCK;
            int n1 = Math.min(p.batch, n0 + WEIGHT_BLOCK);
            if (wide) {
              wideBlockGradient(p, xt.offset, x, gyt.offset, gy, n0, n1, xs, gyw, runs, gyRows, bordered, partials,
                  b * size);
            } else {
              blockGradient(p, xt.offset, x, gyt.offset, gy, n0, n1, col, xs, bordered, partials, b * size);
            }
          }
        };
        if (threads > 1 && count > 1) {
          Parallel.forRange(threads, 1, body);
        } else {
          body.run(0, 1);
        }
        // Each element's sum runs over the blocks in order, whichever thread adds it.
        Parallel.forRange(size, Tensor.PARALLEL_GRAIN / count + 1, (e0, e1) -> {
          for (int b = 0; b < count; b++) {
            addTo(partials, b * size + e0, partials, total + e0, e1 - e0);
          }
        });
      }
      if (p.transposedGradient) {
        int block = p.groupOutChannels * p.depth;
        for (int g = 0; g < p.groups; g++) {
          transpose(partials, total + g * block, p.depth, p.groupOutChannels, data(dwt), g * block);
        }
      } else {
        System.arraycopy(partials, total, data(dwt), 0, size);
      }
    }

    /**
     * {@link #blockGradient} over wide rows: {@code gy} zero-padded to staged rows ({@code gyw}) times
     * the wide column matrix read as runs of the staged input, with no unrolled copy.
     */
    private void wideBlockGradient(
        Plan p, int xBase, T x, int gyBase, T gy, int n0, int n1, T xs, T gyw, int[] runs, int[] gyRows,
        boolean bordered, T out, int outOff) {
      for (int n = n0; n < n1; n++) {
        for (int g = 0; g < p.groups; g++) {
          int dwOff = outOff + g * p.groupOutChannels * p.depth;
          int gyOff = gyBase + p.outputOffset(n, g * p.groupOutChannels);
          stage(p, x, xBase + p.inputOffset(n, g * p.groupChannels), xs, bordered || n > n0 || g > 0);
          for (int i0 = 0; i0 < p.outH; i0 += p.bandRows) {
            int i1 = Math.min(p.outH, i0 + p.bandRows);
            int len = (i1 - i0) * p.phaseWidth;
            boolean accumulate = n > n0 || i0 > 0;
            widen(p, gy, gyOff + i0 * p.outW, i1 - i0, gyw);
            tapRuns(p, i0, runs);
            rowStarts(0, len, p.groupOutChannels, gyRows);
            if (p.transposedGradient) {
              gemmRuns(false, true, p.depth, p.groupOutChannels, len, xs, runs, gyw, gyRows, accumulate, out, dwOff,
                  p.groupOutChannels);
            } else {
              gemmRuns(false, true, p.groupOutChannels, p.depth, len, gyw, gyRows, xs, runs, accumulate, out, dwOff,
                  p.depth);
            }
          }
        }
      }
    }

    /**
     * {@code out = Σ_{n in [n0, n1)} gy[n] · col(x[n])ᵀ}, the weight gradient of samples {@code [n0,
     * n1)} summed in order, as {@code [G][M/G][K]} or transposed as {@code [G][K][M/G]}; {@code
     * bordered} as for {@link #stage}.
     */
    private void blockGradient(
        Plan p, int xBase, T x, int gyBase, T gy, int n0, int n1, T col, T xs, boolean bordered, T out, int outOff) {
      for (int n = n0; n < n1; n++) {
        for (int g = 0; g < p.groups; g++) {
          int dwOff = outOff + g * p.groupOutChannels * p.depth;
          int xOff = xBase + p.inputOffset(n, g * p.groupChannels);
          int gyOff = gyBase + p.outputOffset(n, g * p.groupOutChannels);
          if (p.staged) {
            stage(p, x, xOff, xs, bordered || n > n0 || g > 0);
          }
          for (int i0 = 0; i0 < p.outH; i0 += p.bandRows) {
            int i1 = Math.min(p.outH, i0 + p.bandRows);
            int len = (i1 - i0) * p.outW;
            boolean accumulate = n > n0 || i0 > 0;
            T cols = p.direct ? x : col;
            int colOff = p.direct ? xOff : 0;
            int ldCols = p.direct ? p.inPlane : len;
            if (!p.direct) {
              im2col(p, p.sourceLayout, p.staged ? xs : x, p.staged ? 0 : xOff, i0, i1, col);
            }
            if (p.transposedGradient) {
              gemm(false, true, p.depth, p.groupOutChannels, len, cols, colOff, ldCols, gy, gyOff + i0 * p.outW,
                  p.outPlane, accumulate, out, dwOff, p.groupOutChannels);
            } else {
              gemm(false, true, p.groupOutChannels, p.depth, len, gy, gyOff + i0 * p.outW, p.outPlane, cols, colOff,
                  ldCols, accumulate, out, dwOff, p.depth);
            }
          }
        }
      }
    }
  }

  private static final class Floats extends Typed<float[]> {
    static final Floats INSTANCE = new Floats();

    @Override
    float[] data(Tensor t) {
      return t.storage.floats();
    }

    @Override
    float[] buffer(Slot slot, int size) {
      float[][] buffers = Scratch.get().floats;
      if (buffers[slot.ordinal()].length < size) {
        buffers[slot.ordinal()] = new float[size];
      }
      return buffers[slot.ordinal()];
    }

    @Override
    void gemm(
        boolean transA, boolean transB, int m, int n, int k,
        float[] a, int aOff, int lda, float[] b, int bOff, int ldb, boolean accumulate,
        float[] c, int cOff, int ldc) {
      if (k == 0) {
        for (int i = 0; i < m && !accumulate; i++) {
          Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
        }
        return;
      }
      Kernels.get()
          .sgemm(transA, transB, m, n, k, 1f, a, aOff, lda, b, bOff, ldb, accumulate ? 1f : 0f, c, cOff, ldc);
    }

    @Override
    void gemmRuns(
        boolean transA, boolean transB, int m, int n, int k, float[] a, int[] aRows, float[] b, int[] bRows,
        boolean accumulate, float[] c, int cOff, int ldc) {
      Kernels.get().sgemmRuns(transA, transB, m, n, k, a, aRows, b, bRows, accumulate ? 1f : 0f, c, cOff, ldc);
    }

    @Override
    void stage(Plan p, float[] x, int xOff, float[] xs, boolean bordered) {
      int sh = p.strideH;
      int sw = p.strideW;
      if (sw == 2) {
        stageColumnPairs(p, x, xOff, xs, bordered);
        return;
      }
      int wph = p.phaseWidth;
      int d = 0;
      for (int c = 0; c < p.groupChannels; c++) {
        for (int rowPhase = 0; rowPhase < sh; rowPhase++) {
          for (int colPhase = 0; colPhase < sw; colPhase++) {
            int lo = p.firstInside(colPhase);
            int hi = p.endInside(colPhase);
            for (int ri = 0; ri < p.phaseHeight; ri++, d += wph) {
              int r = ri * sh + rowPhase - p.padTop;
              boolean inside = r >= 0 && r < p.height;
              if (!bordered) {
                Arrays.fill(xs, d, d + (inside ? lo : wph), 0f);
                Arrays.fill(xs, d + (inside ? hi : wph), d + wph, 0f);
              }
              if (!inside) {
                continue;
              }
              int s = xOff + c * p.inPlane + r * p.width - p.padLeft + colPhase;
              if (sw == 1) {
                System.arraycopy(x, s + lo, xs, d + lo, hi - lo);
              } else {
                for (int k = d + lo, e = d + hi, i = s + lo * sw; k < e; k++, i += sw) {
                  xs[k] = x[i];
                }
              }
            }
          }
        }
      }
    }

    /**
     * {@link #stage} with column stride 2: each input row is split into its two column phases at
     * once by the {@code deinterleave} kernel (the element-by-element stride-2 copy took 13-16% of a
     * 5x5 stride-2 forward and weight gradient).
     */
    private void stageColumnPairs(Plan p, float[] x, int xOff, float[] xs, boolean bordered) {
      Kernels kernels = Kernels.get();
      int wph = p.phaseWidth;
      int phaseSize = p.phaseHeight * wph;
      int lo0 = p.firstInside(0);
      int hi0 = p.endInside(0);
      int lo1 = p.firstInside(1);
      int hi1 = p.endInside(1);
      int lo = Math.max(lo0, lo1);
      int hi = Math.max(lo, Math.min(hi0, hi1));
      for (int c = 0; c < p.groupChannels; c++) {
        for (int rowPhase = 0; rowPhase < p.strideH; rowPhase++) {
          int base = (c * p.strideH + rowPhase) * 2 * phaseSize;
          int insideFrom = p.phaseHeight; // the phase rows that hold input rows: [insideFrom, insideTo)
          int insideTo = p.phaseHeight;
          for (int ri = 0; ri < p.phaseHeight; ri++) {
            int d0 = base + ri * wph;
            int d1 = d0 + phaseSize;
            int r = ri * p.strideH + rowPhase - p.padTop;
            boolean inside = r >= 0 && r < p.height;
            if (!bordered) {
              Arrays.fill(xs, d0, d0 + (inside ? lo0 : wph), 0f);
              Arrays.fill(xs, d0 + (inside ? hi0 : wph), d0 + wph, 0f);
              Arrays.fill(xs, d1, d1 + (inside ? lo1 : wph), 0f);
              Arrays.fill(xs, d1 + (inside ? hi1 : wph), d1 + wph, 0f);
            }
            if (!inside) {
              continue;
            }
            insideFrom = Math.min(insideFrom, ri);
            insideTo = ri + 1;
            // Phase column k of phase b holds input column 2k + b - padLeft.
            int s = xOff + c * p.inPlane + r * p.width - p.padLeft;
            // What one phase has outside the columns both have (at most a column or two per side).
            copyEvery2(x, s, xs, d0, lo0, Math.min(lo, hi0));
            copyEvery2(x, s, xs, d0, Math.max(hi, lo0), hi0);
            copyEvery2(x, s + 1, xs, d1, lo1, Math.min(lo, hi1));
            copyEvery2(x, s + 1, xs, d1, Math.max(hi, lo1), hi1);
          }
          if (insideFrom < insideTo) {
            int r = insideFrom * p.strideH + rowPhase - p.padTop;
            int d0 = base + insideFrom * wph;
            kernels.deinterleave(insideTo - insideFrom, hi - lo, x, xOff + c * p.inPlane + r * p.width - p.padLeft + 2 * lo,
                p.strideH * p.width, xs, d0 + lo, xs, d0 + phaseSize + lo, wph);
          }
        }
      }
    }

    /** {@code xs[d + k] = x[s + 2k]} for {@code k} in {@code [from, to)}. */
    private static void copyEvery2(float[] x, int s, float[] xs, int d, int from, int to) {
      for (int k = from; k < to; k++) {
        xs[d + k] = x[s + 2 * k];
      }
    }

    @Override
    void unstage(Plan p, float[] xs, float[] x, int xOff) {
      int sh = p.strideH;
      int sw = p.strideW;
      int d = 0;
      for (int c = 0; c < p.groupChannels; c++) {
        for (int rowPhase = 0; rowPhase < sh; rowPhase++) {
          for (int colPhase = 0; colPhase < sw; colPhase++) {
            int lo = p.firstInside(colPhase);
            int hi = p.endInside(colPhase);
            for (int ri = 0; ri < p.phaseHeight; ri++, d += p.phaseWidth) {
              int r = ri * sh + rowPhase - p.padTop;
              if (r < 0 || r >= p.height) {
                continue;
              }
              int s = xOff + c * p.inPlane + r * p.width - p.padLeft + colPhase;
              if (sw == 1) {
                System.arraycopy(xs, d + lo, x, s + lo, hi - lo);
              } else {
                for (int k = d + lo, e = d + hi, i = s + lo * sw; k < e; k++, i += sw) {
                  x[i] = xs[k];
                }
              }
            }
          }
        }
      }
    }

    @Override
    void im2col(Plan p, Layout l, float[] src, int srcOff, int i0, int i1, float[] col) {
      int wo = p.outW;
      int taps = p.kernelH * p.kernelW;
      int d = 0;
      for (int c = 0; c < p.groupChannels; c++) {
        for (int t = 0; t < taps; t++) {
          int s = srcOff + c * l.plane() + l.tap()[t] + i0 * l.rowStep();
          for (int i = i0; i < i1; i++, s += l.rowStep(), d += wo) {
            System.arraycopy(src, s, col, d, wo);
          }
        }
      }
    }

    @Override
    void col2im(Plan p, float[] col, int i0, int i1, float[] dst) {
      Layout l = p.stagedLayout;
      int wo = p.outW;
      int taps = p.kernelH * p.kernelW;
      int d = 0;
      for (int c = 0; c < p.groupChannels; c++) {
        for (int t = 0; t < taps; t++) {
          int s = c * l.plane() + l.tap()[t] + i0 * l.rowStep();
          for (int i = i0; i < i1; i++, s += l.rowStep(), d += wo) {
            for (int j = 0; j < wo; j++) {
              dst[s + j] += col[d + j];
            }
          }
        }
      }
    }

    @Override
    void col2imWide(Plan p, float[] col, int i0, int i1, float[] dst) {
      // JDK 17 does not vectorize a += b between two arrays at different offsets; the kernel does,
      // all runs in one call (a call per run cost more than its adds).
      Layout l = p.stagedLayout;
      int taps = p.kernelH * p.kernelW;
      int[] starts = Scratch.get().ints(0, p.groupChannels * taps);
      for (int c = 0, r = 0; c < p.groupChannels; c++) {
        for (int t = 0; t < taps; t++, r++) {
          starts[r] = c * l.plane() + l.tap()[t] + i0 * p.phaseWidth;
        }
      }
      Kernels.get().addRuns(p.groupChannels * taps, (i1 - i0) * p.phaseWidth, col, 0, dst, starts);
    }

    @Override
    void widen(Plan p, float[] gy, int gyOff, int rows, float[] wide) {
      int d = 0;
      for (int m = 0; m < p.groupOutChannels; m++) {
        for (int i = 0, s = gyOff + m * p.outPlane; i < rows; i++, s += p.outW, d += p.phaseWidth) {
          System.arraycopy(gy, s, wide, d, p.outW);
          Arrays.fill(wide, d + p.outW, d + p.phaseWidth, 0f);
        }
      }
    }

    @Override
    void fillRows(float[] y, int yOff, int rows, int len, int ld, float[] bias, int biasOff) {
      for (int r = 0; r < rows; r++) {
        Arrays.fill(y, yOff + r * ld, yOff + r * ld + len, bias[biasOff + r]);
      }
    }

    @Override
    void fill(float[] a, int from, int to, double value) {
      Arrays.fill(a, from, to, (float) value);
    }

    @Override
    void copyRows(int rows, int n, float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride) {
      Kernels.get().copyRows(rows, n, src, srcOff, srcStride, dst, dstOff, dstStride);
    }

    @Override
    void addTo(float[] src, int srcOff, float[] dst, int dstOff, int n) {
      for (int i = 0; i < n; i++) {
        dst[dstOff + i] += src[srcOff + i];
      }
    }

    @Override
    void transpose(float[] src, int srcOff, int rows, int cols, float[] dst, int dstOff) {
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          dst[dstOff + c * rows + r] = src[srcOff + r * cols + c];
        }
      }
    }

    @Override
    void gather(float[] src, int srcOff, int[] from, float[] dst) {
      for (int i = 0; i < from.length; i++) {
        dst[i] = src[srcOff + from[i]];
      }
    }

    @Override
    void interleave(float[] x, int xOff, float[] y, int yOff, int n, float[] dst, int dstOff) {
      Kernels.get().interleave(n, x, xOff, y, yOff, dst, dstOff);
    }

    @Override
    void scatter(float[] src, int srcOff, int n, float[] dst, int dstOff, int step) {
      for (int v = 0; v < n; v++) {
        dst[dstOff + v * step] = src[srcOff + v];
      }
    }

    @Override
    boolean allFinite(float[] a, int off, int n) {
      for (int i = off; i < off + n; i++) {
        if (!Float.isFinite(a[i])) {
          return false;
        }
      }
      return true;
    }
  }

  private static final class Doubles extends Typed<double[]> {
    static final Doubles INSTANCE = new Doubles();

    @Override
    double[] data(Tensor t) {
      return t.storage.doubles();
    }

    @Override
    double[] buffer(Slot slot, int size) {
      double[][] buffers = Scratch.get().doubles;
      if (buffers[slot.ordinal()].length < size) {
        buffers[slot.ordinal()] = new double[size];
      }
      return buffers[slot.ordinal()];
    }

    @Override
    void gemm(
        boolean transA, boolean transB, int m, int n, int k,
        double[] a, int aOff, int lda, double[] b, int bOff, int ldb, boolean accumulate,
        double[] c, int cOff, int ldc) {
      if (k == 0) {
        for (int i = 0; i < m && !accumulate; i++) {
          Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0.0);
        }
        return;
      }
      Kernels.get()
          .dgemm(transA, transB, m, n, k, 1.0, a, aOff, lda, b, bOff, ldb, accumulate ? 1.0 : 0.0, c, cOff, ldc);
    }

    @Override
    void gemmRuns(
        boolean transA, boolean transB, int m, int n, int k, double[] a, int[] aRows, double[] b, int[] bRows,
        boolean accumulate, double[] c, int cOff, int ldc) {
      Kernels.get().dgemmRuns(transA, transB, m, n, k, a, aRows, b, bRows, accumulate ? 1d : 0d, c, cOff, ldc);
    }

    @Override
    void stage(Plan p, double[] x, int xOff, double[] xs, boolean bordered) {
      int sh = p.strideH;
      int sw = p.strideW;
      int wph = p.phaseWidth;
      int d = 0;
      for (int c = 0; c < p.groupChannels; c++) {
        for (int rowPhase = 0; rowPhase < sh; rowPhase++) {
          for (int colPhase = 0; colPhase < sw; colPhase++) {
            int lo = p.firstInside(colPhase);
            int hi = p.endInside(colPhase);
            for (int ri = 0; ri < p.phaseHeight; ri++, d += wph) {
              int r = ri * sh + rowPhase - p.padTop;
              boolean inside = r >= 0 && r < p.height;
              if (!bordered) {
                Arrays.fill(xs, d, d + (inside ? lo : wph), 0.0);
                Arrays.fill(xs, d + (inside ? hi : wph), d + wph, 0.0);
              }
              if (!inside) {
                continue;
              }
              int s = xOff + c * p.inPlane + r * p.width - p.padLeft + colPhase;
              if (sw == 1) {
                System.arraycopy(x, s + lo, xs, d + lo, hi - lo);
              } else {
                for (int k = d + lo, e = d + hi, i = s + lo * sw; k < e; k++, i += sw) {
                  xs[k] = x[i];
                }
              }
            }
          }
        }
      }
    }

    @Override
    void unstage(Plan p, double[] xs, double[] x, int xOff) {
      int sh = p.strideH;
      int sw = p.strideW;
      int d = 0;
      for (int c = 0; c < p.groupChannels; c++) {
        for (int rowPhase = 0; rowPhase < sh; rowPhase++) {
          for (int colPhase = 0; colPhase < sw; colPhase++) {
            int lo = p.firstInside(colPhase);
            int hi = p.endInside(colPhase);
            for (int ri = 0; ri < p.phaseHeight; ri++, d += p.phaseWidth) {
              int r = ri * sh + rowPhase - p.padTop;
              if (r < 0 || r >= p.height) {
                continue;
              }
              int s = xOff + c * p.inPlane + r * p.width - p.padLeft + colPhase;
              if (sw == 1) {
                System.arraycopy(xs, d + lo, x, s + lo, hi - lo);
              } else {
                for (int k = d + lo, e = d + hi, i = s + lo * sw; k < e; k++, i += sw) {
                  x[i] = xs[k];
                }
              }
            }
          }
        }
      }
    }

    @Override
    void im2col(Plan p, Layout l, double[] src, int srcOff, int i0, int i1, double[] col) {
      int wo = p.outW;
      int taps = p.kernelH * p.kernelW;
      int d = 0;
      for (int c = 0; c < p.groupChannels; c++) {
        for (int t = 0; t < taps; t++) {
          int s = srcOff + c * l.plane() + l.tap()[t] + i0 * l.rowStep();
          for (int i = i0; i < i1; i++, s += l.rowStep(), d += wo) {
            System.arraycopy(src, s, col, d, wo);
          }
        }
      }
    }

    @Override
    void col2im(Plan p, double[] col, int i0, int i1, double[] dst) {
      Layout l = p.stagedLayout;
      int wo = p.outW;
      int taps = p.kernelH * p.kernelW;
      int d = 0;
      for (int c = 0; c < p.groupChannels; c++) {
        for (int t = 0; t < taps; t++) {
          int s = c * l.plane() + l.tap()[t] + i0 * l.rowStep();
          for (int i = i0; i < i1; i++, s += l.rowStep(), d += wo) {
            for (int j = 0; j < wo; j++) {
              dst[s + j] += col[d + j];
            }
          }
        }
      }
    }

    @Override
    void col2imWide(Plan p, double[] col, int i0, int i1, double[] dst) {
      Layout l = p.stagedLayout;
      int len = (i1 - i0) * p.phaseWidth;
      int taps = p.kernelH * p.kernelW;
      int d = 0;
      for (int c = 0; c < p.groupChannels; c++) {
        for (int t = 0; t < taps; t++, d += len) {
          int s = c * l.plane() + l.tap()[t] + i0 * p.phaseWidth;
          for (int k = 0; k < len; k++) {
            dst[s + k] += col[d + k];
          }
        }
      }
    }

    @Override
    void widen(Plan p, double[] gy, int gyOff, int rows, double[] wide) {
      int d = 0;
      for (int m = 0; m < p.groupOutChannels; m++) {
        for (int i = 0, s = gyOff + m * p.outPlane; i < rows; i++, s += p.outW, d += p.phaseWidth) {
          System.arraycopy(gy, s, wide, d, p.outW);
          Arrays.fill(wide, d + p.outW, d + p.phaseWidth, 0.0);
        }
      }
    }

    @Override
    void fillRows(double[] y, int yOff, int rows, int len, int ld, double[] bias, int biasOff) {
      for (int r = 0; r < rows; r++) {
        Arrays.fill(y, yOff + r * ld, yOff + r * ld + len, bias[biasOff + r]);
      }
    }

    @Override
    void fill(double[] a, int from, int to, double value) {
      Arrays.fill(a, from, to, value);
    }

    @Override
    void copyRows(int rows, int n, double[] src, int srcOff, int srcStride, double[] dst, int dstOff, int dstStride) {
      for (int r = 0; r < rows; r++) {
        System.arraycopy(src, srcOff + r * srcStride, dst, dstOff + r * dstStride, n);
      }
    }

    @Override
    void addTo(double[] src, int srcOff, double[] dst, int dstOff, int n) {
      for (int i = 0; i < n; i++) {
        dst[dstOff + i] += src[srcOff + i];
      }
    }

    @Override
    void transpose(double[] src, int srcOff, int rows, int cols, double[] dst, int dstOff) {
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          dst[dstOff + c * rows + r] = src[srcOff + r * cols + c];
        }
      }
    }

    @Override
    void gather(double[] src, int srcOff, int[] from, double[] dst) {
      for (int i = 0; i < from.length; i++) {
        dst[i] = src[srcOff + from[i]];
      }
    }

    @Override
    void interleave(double[] x, int xOff, double[] y, int yOff, int n, double[] dst, int dstOff) {
      for (int v = 0; v < n; v++) {
        dst[dstOff + 2 * v] = x[xOff + v];
        dst[dstOff + 2 * v + 1] = y[yOff + v];
      }
    }

    @Override
    void scatter(double[] src, int srcOff, int n, double[] dst, int dstOff, int step) {
      for (int v = 0; v < n; v++) {
        dst[dstOff + v * step] = src[srcOff + v];
      }
    }

    @Override
    boolean allFinite(double[] a, int off, int n) {
      for (int i = off; i < off + n; i++) {
        if (!Double.isFinite(a[i])) {
          return false;
        }
      }
      return true;
    }
  }

  /** One thread's buffers by {@link Slot}, allocated on first use and grown (never shrunk) when a call needs more. */
  private static final class Scratch {
    private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

    final float[][] floats = new float[Slot.values().length][0];
    final double[][] doubles = new double[Slot.values().length][0];
    private final int[][] ints = new int[2][0];

    /** Row-start buffer {@code which} (0 or 1), at least {@code size} long. */
    int[] ints(int which, int size) {
      if (ints[which].length < size) {
        ints[which] = new int[size];
      }
      return ints[which];
    }

    static Scratch get() {
      return LOCAL.get();
    }
  }
}
