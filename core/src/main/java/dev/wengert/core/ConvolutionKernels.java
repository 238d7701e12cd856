package dev.wengert.core;

import dev.wengert.core.kernels.Kernels;
import java.util.Arrays;

/**
 * The loops behind {@link Convolution}: im2col + GEMM on contiguous NCHW operands. For one sample
 * and one group, with {@code K = C/G·kh·kw} and {@code P = Ho·Wo}:
 *
 * <pre>
 *   forward:        y[n,g]  (M/G × P) = W_g (M/G × K) · col(x[n,g]) (K × P)   (+ bias)
 *   adjoint input:  dcol    (K × P)   = W_gᵀ · gy[n,g],   then dx[n,g] = col2im(dcol)
 *   adjoint weight: dW_g    (M/G × K) = Σ_n gy[n,g] · col(x[n,g])ᵀ
 * </pre>
 *
 * where {@code col} unrolls every kernel window into a column. With padding or a column stride, the
 * sample's channel block is first staged: copied with a zero border and each row split into stride
 * phases (and {@code col2im} accumulates into such a buffer), so every unrolled row is a plain
 * contiguous copy without bounds checks. A 1×1 kernel with stride 1 and no padding needs no
 * unrolling: the input block already is the column matrix. Samples are spread over the threads,
 * each with its own buffers (reused across calls); when there are fewer samples than threads, the
 * GEMM uses the threads instead. Planes too large for one buffer of {@link #COLUMN_CAP} elements
 * are unrolled in bands of output rows.
 *
 * <p>Every result is the same bits for any thread count: forward and adjoint input compute each
 * sample independently, and the weight gradient sums fixed blocks of {@link #WEIGHT_BLOCK} samples
 * into partials that are then added in block order.
 */
final class ConvolutionKernels {

  /** Most elements of one column buffer; larger unrolled planes are split into bands of output rows. */
  static final int COLUMN_CAP = 1 << 20;

  /**
   * Samples per partial weight gradient. A constant, not a function of the thread count, so the
   * order of the sum over samples is always the same.
   */
  private static final int WEIGHT_BLOCK = 4;

  private ConvolutionKernels() {}

  static void forward(Tensor x, Tensor w, Tensor bias, Tensor y, Conv2dGeometry geo) {
    Plan plan = new Plan(x.shape, w.shape[0], w.shape[2], w.shape[3], y.shape[2], y.shape[3], geo);
    typed(x).forward(plan, x, w, bias, y);
  }

  static void adjointInput(Tensor gy, Tensor w, Tensor gx, Conv2dGeometry geo) {
    Plan plan = new Plan(gx.shape, w.shape[0], w.shape[2], w.shape[3], gy.shape[2], gy.shape[3], geo);
    typed(gy).adjointInput(plan, gy, w, gx);
  }

  static void adjointWeight(Tensor x, Tensor gy, Tensor gw, Conv2dGeometry geo) {
    Plan plan = new Plan(x.shape, gw.shape[0], gw.shape[2], gw.shape[3], gy.shape[2], gy.shape[3], geo);
    typed(x).adjointWeight(plan, x, gy, gw);
  }

  private static Typed<?> typed(Tensor t) {
    return t.storage.floats != null ? Floats.INSTANCE : Doubles.INSTANCE;
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

  /** First index of phase {@code ph} of a staged row that holds an input pixel (not the border). */
  private static int lowestInside(Plan p, int ph) {
    return Math.max(0, Math.floorDiv(p.padLeft - ph + p.strideW - 1, p.strideW));
  }

  /** One past the last index of phase {@code ph} of a staged row that holds an input pixel. */
  private static int highestInside(Plan p, int ph) {
    return Math.max(lowestInside(p, ph), Math.min(p.phaseWidth, Math.floorDiv(p.padLeft + p.width - 1 - ph, p.strideW) + 1));
  }

  /** Sizes and strides of one convolution, whatever the dtype. */
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
    final int dilationH;
    final int dilationW;
    final int padTop;
    final int padBottom;
    final int padLeft;
    final int padRight;
    /** Rows of the column matrix: {@code C/G·kh·kw}. */
    final int depth;
    final int inPlane;
    final int outPlane;
    /** 1×1 kernel, stride 1, no padding: the input block is the column matrix. */
    final boolean direct;
    /**
     * Whether the unrolling reads a staged copy of the input (needed for padding or a column stride
     * above 1): zero-bordered, with each row split into {@code strideW} phases (padded columns
     * {@code ph, ph + sw, ph + 2sw, …} stored contiguously), so every unrolled row is a contiguous
     * copy.
     */
    final boolean staged;
    /** Elements of one phase of a staged row. */
    final int phaseWidth;
    /** Rows, row length and plane size of what the unrolling reads: the staged copy or the input itself. */
    final int sourceHeight;
    final int sourceWidth;
    final int sourcePlane;
    /** For kernel column {@code q}: where its first tap sits within a source row. */
    final int[] tapColumn;
    /** Output rows per band, so that a band's column matrix has at most {@link #COLUMN_CAP} elements. */
    final int bandRows;

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
      dilationH = geo.dilationH();
      dilationW = geo.dilationW();
      padTop = geo.padTop();
      padBottom = geo.padBottom();
      padLeft = geo.padLeft();
      padRight = geo.padRight();
      depth = groupChannels * kernelH * kernelW;
      inPlane = height * width;
      outPlane = outH * outW;
      boolean padded = padTop + padBottom + padLeft + padRight > 0;
      direct = kernelH == 1 && kernelW == 1 && strideH == 1 && strideW == 1 && !padded;
      staged = padded || strideW > 1;
      int paddedWidth = width + padLeft + padRight;
      phaseWidth = staged ? (paddedWidth + strideW - 1) / strideW : width;
      sourceWidth = staged ? phaseWidth * strideW : width;
      sourceHeight = staged ? height + padTop + padBottom : height;
      sourcePlane = sourceHeight * sourceWidth;
      tapColumn = new int[kernelW];
      for (int q = 0; q < kernelW; q++) {
        int column = q * dilationW;
        tapColumn[q] = staged ? (column % strideW) * phaseWidth + column / strideW : column;
      }
      bandRows = direct ? outH : (int) Math.max(1, Math.min(outH, COLUMN_CAP / Math.max(1L, (long) depth * outW)));
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
      return direct ? 0 : depth * bandRows * outW;
    }

    int stagedSize() {
      return staged ? groupChannels * sourcePlane : 0;
    }
  }

  /** The per-thread buffers. */
  private enum Slot {
    COLUMNS,
    STAGED,
    PARTIALS
  }

  /**
   * The three drivers, written once over the array type {@code T} ({@code float[]} or {@code
   * double[]}); subclasses supply the GEMM, the unrolling and its adjoint, and a few small loops.
   */
  private abstract static class Typed<T> {

    abstract T data(Tensor t);

    /** The calling thread's buffer {@code slot}, at least {@code size} long. */
    abstract T buffer(Slot slot, int size);

    /** {@code C = op(A)·op(B)}, or {@code C += op(A)·op(B)} when {@code accumulate}. */
    abstract void gemm(
        boolean transA, boolean transB, int m, int n, int k,
        T a, int aOff, int lda, T b, int bOff, int ldb, boolean accumulate, T c, int cOff, int ldc);

    /** Copies the channel block of {@code x} at {@code xOff} into {@code xs}, staged (see {@link Plan#staged}). */
    abstract void stage(Plan p, T x, int xOff, T xs);

    /** The adjoint of {@link #stage}, less the border: the interior of {@code xs} into the block of {@code x} at {@code xOff}. */
    abstract void unstage(Plan p, T xs, T x, int xOff);

    /**
     * The column matrix ({@code depth × (i1−i0)·Wo}, row-major) of output rows {@code [i0, i1)},
     * read from the source block (the staged copy, or the input itself) at {@code srcOff}.
     */
    abstract void im2col(Plan p, T src, int srcOff, int i0, int i1, T col);

    /** The adjoint of {@link #im2col}: adds each column entry onto its source pixel. */
    abstract void col2im(Plan p, T col, int i0, int i1, T dst, int dstOff);

    /** Sets {@code rows} rows of {@code len} elements (row stride {@code ld}) to {@code bias[biasOff + row]}. */
    abstract void fillRows(T y, int yOff, int rows, int len, int ld, T bias, int biasOff);

    abstract void zero(T a, int n);

    /** {@code dst[i] += src[i]} for {@code i < n}. */
    abstract void addTo(T src, int srcOff, T dst, int dstOff, int n);

    final void forward(Plan p, Tensor xt, Tensor wt, Tensor bt, Tensor yt) {
      T x = data(xt);
      T w = data(wt);
      T bias = bt == null ? null : data(bt);
      T y = data(yt);
      forSamples(p.batch, (from, to) -> {
        T col = buffer(Slot.COLUMNS, p.columnsSize());
        T xs = buffer(Slot.STAGED, p.stagedSize());
        for (int n = from; n < to; n++) {
          for (int g = 0; g < p.groups; g++) {
            int xOff = xt.offset + p.inputOffset(n, g * p.groupChannels);
            int wOff = wt.offset + g * p.groupOutChannels * p.depth;
            if (p.staged) {
              stage(p, x, xOff, xs);
            }
            for (int i0 = 0; i0 < p.outH; i0 += p.bandRows) {
              int i1 = Math.min(p.outH, i0 + p.bandRows);
              int len = (i1 - i0) * p.outW;
              int yOff = p.outputOffset(n, g * p.groupOutChannels) + i0 * p.outW;
              if (bias != null) {
                fillRows(y, yOff, p.groupOutChannels, len, p.outPlane, bias, bt.offset + g * p.groupOutChannels);
              }
              if (p.direct) {
                gemm(false, false, p.groupOutChannels, len, p.depth, w, wOff, p.depth, x, xOff, p.inPlane,
                    bias != null, y, yOff, p.outPlane);
              } else {
                im2col(p, p.staged ? xs : x, p.staged ? 0 : xOff, i0, i1, col);
                gemm(false, false, p.groupOutChannels, len, p.depth, w, wOff, p.depth, col, 0, len,
                    bias != null, y, yOff, p.outPlane);
              }
            }
          }
        }
      });
    }

    final void adjointInput(Plan p, Tensor gyt, Tensor wt, Tensor dxt) {
      T gy = data(gyt);
      T w = data(wt);
      T dx = data(dxt);
      forSamples(p.batch, (from, to) -> {
        T col = buffer(Slot.COLUMNS, p.columnsSize());
        T dxs = buffer(Slot.STAGED, p.stagedSize());
        for (int n = from; n < to; n++) {
          for (int g = 0; g < p.groups; g++) {
            int dxOff = p.inputOffset(n, g * p.groupChannels);
            int wOff = wt.offset + g * p.groupOutChannels * p.depth;
            int gyOff = gyt.offset + p.outputOffset(n, g * p.groupOutChannels);
            if (p.direct) {
              gemm(true, false, p.depth, p.outPlane, p.groupOutChannels, w, wOff, p.depth, gy, gyOff, p.outPlane,
                  false, dx, dxOff, p.inPlane);
              continue;
            }
            if (p.staged) {
              zero(dxs, p.stagedSize());
            }
            for (int i0 = 0; i0 < p.outH; i0 += p.bandRows) {
              int i1 = Math.min(p.outH, i0 + p.bandRows);
              int len = (i1 - i0) * p.outW;
              gemm(true, false, p.depth, len, p.groupOutChannels, w, wOff, p.depth, gy, gyOff + i0 * p.outW,
                  p.outPlane, false, col, 0, len);
              col2im(p, col, i0, i1, p.staged ? dxs : dx, p.staged ? 0 : dxOff);
            }
            if (p.staged) {
              unstage(p, dxs, dx, dxOff);
            }
          }
        }
      });
    }

    final void adjointWeight(Plan p, Tensor xt, Tensor gyt, Tensor dwt) {
      T x = data(xt);
      T gy = data(gyt);
      T dw = data(dwt);
      int size = p.outChannels * p.depth;
      int blocks = (p.batch + WEIGHT_BLOCK - 1) / WEIGHT_BLOCK;
      int threads = Parallel.chunkCount(blocks, 1);
      // Partials of up to 2·threads blocks at a time: the thread count bounds memory, never the order.
      int round = Math.min(blocks, 2 * threads);
      T partials = buffer(Slot.PARTIALS, round * size);
      for (int first = 0; first < blocks; first += round) {
        int start = first;
        int count = Math.min(round, blocks - first);
        Parallel.RangeBody body = (from, to) -> {
          T col = buffer(Slot.COLUMNS, p.columnsSize());
          T xs = buffer(Slot.STAGED, p.stagedSize());
          for (int b = from; b < to; b++) {
            int n0 = (start + b) * WEIGHT_BLOCK;
            blockGradient(p, xt.offset, x, gyt.offset, gy, n0, Math.min(p.batch, n0 + WEIGHT_BLOCK), col, xs,
                partials, b * size);
          }
        };
        if (threads > 1 && count > 1) {
          Parallel.forRange(count, 1, body);
        } else {
          body.run(0, count);
        }
        for (int b = 0; b < count; b++) {
          addTo(partials, b * size, dw, 0, size);
        }
      }
    }

    /** {@code out = Σ_{n in [n0, n1)} gy[n] · col(x[n])ᵀ} for every group, samples in order. */
    private void blockGradient(
        Plan p, int xBase, T x, int gyBase, T gy, int n0, int n1, T col, T xs, T out, int outOff) {
      for (int n = n0; n < n1; n++) {
        for (int g = 0; g < p.groups; g++) {
          int dwOff = outOff + g * p.groupOutChannels * p.depth;
          int xOff = xBase + p.inputOffset(n, g * p.groupChannels);
          int gyOff = gyBase + p.outputOffset(n, g * p.groupOutChannels);
          if (p.staged) {
            stage(p, x, xOff, xs);
          }
          for (int i0 = 0; i0 < p.outH; i0 += p.bandRows) {
            int i1 = Math.min(p.outH, i0 + p.bandRows);
            int len = (i1 - i0) * p.outW;
            boolean accumulate = n > n0 || i0 > 0;
            if (p.direct) {
              gemm(false, true, p.groupOutChannels, p.depth, len, gy, gyOff, p.outPlane, x, xOff, p.inPlane,
                  accumulate, out, dwOff, p.depth);
            } else {
              im2col(p, p.staged ? xs : x, p.staged ? 0 : xOff, i0, i1, col);
              gemm(false, true, p.groupOutChannels, p.depth, len, gy, gyOff + i0 * p.outW, p.outPlane, col, 0, len,
                  accumulate, out, dwOff, p.depth);
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
      return t.storage.floats;
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
        float[] a, int aOff, int lda, float[] b, int bOff, int ldb, boolean accumulate, float[] c, int cOff, int ldc) {
      if (k == 0) {
        for (int i = 0; i < m && !accumulate; i++) {
          Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
        }
        return;
      }
      Kernels.get().sgemm(transA, transB, m, n, k, 1f, a, aOff, lda, b, bOff, ldb, accumulate ? 1f : 0f, c, cOff, ldc);
    }

    @Override
    void stage(Plan p, float[] x, int xOff, float[] xs) {
      int sw = p.strideW;
      int rowEnd = p.padTop + p.height;
      for (int c = 0, d = 0; c < p.groupChannels; c++) {
        for (int r = 0; r < p.sourceHeight; r++, d += p.sourceWidth) {
          if (r < p.padTop || r >= rowEnd) {
            Arrays.fill(xs, d, d + p.sourceWidth, 0f);
            continue;
          }
          int s = xOff + c * p.inPlane + (r - p.padTop) * p.width - p.padLeft;
          for (int ph = 0; ph < sw; ph++) {
            int lo = lowestInside(p, ph);
            int hi = highestInside(p, ph);
            int e = d + ph * p.phaseWidth;
            Arrays.fill(xs, e, e + lo, 0f);
            for (int k = lo; k < hi; k++) {
              xs[e + k] = x[s + k * sw + ph];
            }
            Arrays.fill(xs, e + hi, e + p.phaseWidth, 0f);
          }
        }
      }
    }

    @Override
    void unstage(Plan p, float[] xs, float[] x, int xOff) {
      int sw = p.strideW;
      for (int c = 0; c < p.groupChannels; c++) {
        for (int r = 0; r < p.height; r++) {
          int d = c * p.sourcePlane + (r + p.padTop) * p.sourceWidth;
          int s = xOff + c * p.inPlane + r * p.width - p.padLeft;
          for (int ph = 0; ph < sw; ph++) {
            int hi = highestInside(p, ph);
            for (int k = lowestInside(p, ph), e = d + ph * p.phaseWidth; k < hi; k++) {
              x[s + k * sw + ph] = xs[e + k];
            }
          }
        }
      }
    }

    @Override
    void im2col(Plan p, float[] src, int srcOff, int i0, int i1, float[] col) {
      int wo = p.outW;
      int rowStep = p.strideH * p.sourceWidth;
      int d = 0;
      for (int c = 0; c < p.groupChannels; c++) {
        for (int kr = 0; kr < p.kernelH; kr++) {
          int rowStart = srcOff + c * p.sourcePlane + (i0 * p.strideH + kr * p.dilationH) * p.sourceWidth;
          for (int kc = 0; kc < p.kernelW; kc++) {
            for (int i = i0, s = rowStart + p.tapColumn[kc]; i < i1; i++, s += rowStep, d += wo) {
              for (int j = 0; j < wo; j++) {
                col[d + j] = src[s + j];
              }
            }
          }
        }
      }
    }

    @Override
    void col2im(Plan p, float[] col, int i0, int i1, float[] dst, int dstOff) {
      int wo = p.outW;
      int rowStep = p.strideH * p.sourceWidth;
      int d = 0;
      for (int c = 0; c < p.groupChannels; c++) {
        for (int kr = 0; kr < p.kernelH; kr++) {
          int rowStart = dstOff + c * p.sourcePlane + (i0 * p.strideH + kr * p.dilationH) * p.sourceWidth;
          for (int kc = 0; kc < p.kernelW; kc++) {
            for (int i = i0, s = rowStart + p.tapColumn[kc]; i < i1; i++, s += rowStep, d += wo) {
              for (int j = 0; j < wo; j++) {
                dst[s + j] += col[d + j];
              }
            }
          }
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
    void zero(float[] a, int n) {
      Arrays.fill(a, 0, n, 0f);
    }

    @Override
    void addTo(float[] src, int srcOff, float[] dst, int dstOff, int n) {
      for (int i = 0; i < n; i++) {
        dst[dstOff + i] += src[srcOff + i];
      }
    }
  }

  private static final class Doubles extends Typed<double[]> {
    static final Doubles INSTANCE = new Doubles();

    @Override
    double[] data(Tensor t) {
      return t.storage.doubles;
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
        double[] a, int aOff, int lda, double[] b, int bOff, int ldb, boolean accumulate, double[] c, int cOff, int ldc) {
      if (k == 0) {
        for (int i = 0; i < m && !accumulate; i++) {
          Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0.0);
        }
        return;
      }
      Kernels.get().dgemm(transA, transB, m, n, k, 1.0, a, aOff, lda, b, bOff, ldb, accumulate ? 1.0 : 0.0, c, cOff, ldc);
    }

    @Override
    void stage(Plan p, double[] x, int xOff, double[] xs) {
      int sw = p.strideW;
      int rowEnd = p.padTop + p.height;
      for (int c = 0, d = 0; c < p.groupChannels; c++) {
        for (int r = 0; r < p.sourceHeight; r++, d += p.sourceWidth) {
          if (r < p.padTop || r >= rowEnd) {
            Arrays.fill(xs, d, d + p.sourceWidth, 0.0);
            continue;
          }
          int s = xOff + c * p.inPlane + (r - p.padTop) * p.width - p.padLeft;
          for (int ph = 0; ph < sw; ph++) {
            int lo = lowestInside(p, ph);
            int hi = highestInside(p, ph);
            int e = d + ph * p.phaseWidth;
            Arrays.fill(xs, e, e + lo, 0.0);
            for (int k = lo; k < hi; k++) {
              xs[e + k] = x[s + k * sw + ph];
            }
            Arrays.fill(xs, e + hi, e + p.phaseWidth, 0.0);
          }
        }
      }
    }

    @Override
    void unstage(Plan p, double[] xs, double[] x, int xOff) {
      int sw = p.strideW;
      for (int c = 0; c < p.groupChannels; c++) {
        for (int r = 0; r < p.height; r++) {
          int d = c * p.sourcePlane + (r + p.padTop) * p.sourceWidth;
          int s = xOff + c * p.inPlane + r * p.width - p.padLeft;
          for (int ph = 0; ph < sw; ph++) {
            int hi = highestInside(p, ph);
            for (int k = lowestInside(p, ph), e = d + ph * p.phaseWidth; k < hi; k++) {
              x[s + k * sw + ph] = xs[e + k];
            }
          }
        }
      }
    }

    @Override
    void im2col(Plan p, double[] src, int srcOff, int i0, int i1, double[] col) {
      int wo = p.outW;
      int rowStep = p.strideH * p.sourceWidth;
      int d = 0;
      for (int c = 0; c < p.groupChannels; c++) {
        for (int kr = 0; kr < p.kernelH; kr++) {
          int rowStart = srcOff + c * p.sourcePlane + (i0 * p.strideH + kr * p.dilationH) * p.sourceWidth;
          for (int kc = 0; kc < p.kernelW; kc++) {
            for (int i = i0, s = rowStart + p.tapColumn[kc]; i < i1; i++, s += rowStep, d += wo) {
              for (int j = 0; j < wo; j++) {
                col[d + j] = src[s + j];
              }
            }
          }
        }
      }
    }

    @Override
    void col2im(Plan p, double[] col, int i0, int i1, double[] dst, int dstOff) {
      int wo = p.outW;
      int rowStep = p.strideH * p.sourceWidth;
      int d = 0;
      for (int c = 0; c < p.groupChannels; c++) {
        for (int kr = 0; kr < p.kernelH; kr++) {
          int rowStart = dstOff + c * p.sourcePlane + (i0 * p.strideH + kr * p.dilationH) * p.sourceWidth;
          for (int kc = 0; kc < p.kernelW; kc++) {
            for (int i = i0, s = rowStart + p.tapColumn[kc]; i < i1; i++, s += rowStep, d += wo) {
              for (int j = 0; j < wo; j++) {
                dst[s + j] += col[d + j];
              }
            }
          }
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
    void zero(double[] a, int n) {
      Arrays.fill(a, 0, n, 0.0);
    }

    @Override
    void addTo(double[] src, int srcOff, double[] dst, int dstOff, int n) {
      for (int i = 0; i < n; i++) {
        dst[dstOff + i] += src[srcOff + i];
      }
    }
  }

  /** One thread's buffers by {@link Slot}, allocated on first use and grown (never shrunk) when a call needs more. */
  private static final class Scratch {
    private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

    final float[][] floats = new float[Slot.values().length][0];
    final double[][] doubles = new double[Slot.values().length][0];

    static Scratch get() {
      return LOCAL.get();
    }
  }
}
