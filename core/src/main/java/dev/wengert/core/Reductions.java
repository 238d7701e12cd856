package dev.wengert.core;

import dev.wengert.core.kernels.Kernels;
import java.util.Locale;

/**
 * Reductions over any set of dims. The reduced dims are moved last and made contiguous, so each
 * output element reduces one contiguous block in a fixed order; blocks are spread over threads,
 * never split, so results are the same bits for any thread count. Float32 sums accumulate in
 * float64. Two fast paths for sums and means keep that guarantee: kept dims between reduced ones
 * (a per-channel sum) are summed in place without the transposing copy, and one long block is
 * summed as fixed chunks of {@link #SUM_CHUNK} on several threads, the partials added in order.
 */
final class Reductions {

  enum Kind {
    SUM,
    MEAN,
    MAX,
    MIN,
    ARGMAX,
    ARGMIN,
    VAR
  }

  /**
   * Elements per partial sum when one long block is summed on several threads: a constant, so the
   * order of the additions never depends on the thread count.
   */
  static final int SUM_CHUNK = 1 << 16;

  private Reductions() {}

  static Tensor reduce(Tensor x, Kind kind, int[] dims, boolean keepDim, int correction) {
    String op = kind.name().toLowerCase(Locale.ROOT);
    int rank = x.shape.length;
    boolean[] reduced = new boolean[rank];
    if (dims.length == 0) {
      java.util.Arrays.fill(reduced, true);
    }
    for (int dim : dims) {
      int d = Shapes.normalizeDim(op, dim, x.shape);
      if (reduced[d] && dims.length > 0) {
        throw new IllegalArgumentException(
            op + ": dim " + d + " appears twice in the dims for shape " + Shapes.format(x.shape));
      }
      reduced[d] = true;
    }
    int[] order = new int[rank];
    int keptCount = 0;
    for (int d = 0; d < rank; d++) {
      if (!reduced[d]) {
        order[keptCount++] = d;
      }
    }
    int[] outShape = new int[keepDim ? rank : keptCount];
    for (int d = 0, k = 0, j = keptCount; d < rank; d++) {
      if (!reduced[d]) {
        outShape[keepDim ? d : k] = x.shape[d];
        k++;
      } else {
        order[j++] = d;
        if (keepDim) {
          outShape[d] = 1;
        }
      }
    }
    int blockLength = 1;
    for (int d = 0; d < rank; d++) {
      if (reduced[d]) {
        blockLength *= x.shape[d];
      }
    }
    if ((kind == Kind.SUM || kind == Kind.MEAN) && keptCount == 0 && x.isContiguous() && x.numel > 0
        && x.numel < 2 * SUM_CHUNK) {
      // A small whole-tensor sum (a loss): the block sum below, without the generic path's views.
      return Tensor.full(x.dtype, reduceBlock(x, x.offset, x.numel, kind, correction), outShape);
    }
    Tensor out = Tensor.zeros(x.dtype, outShape);
    int blocks = out.numel;
    boolean needsElements = kind == Kind.MAX || kind == Kind.MIN || kind == Kind.ARGMAX || kind == Kind.ARGMIN;
    if (blockLength == 0 && needsElements && blocks > 0) {
      throw new IllegalArgumentException(
          op + ": cannot reduce over an empty dim of shape " + Shapes.format(x.shape));
    }
    if ((kind == Kind.SUM || kind == Kind.MEAN) && blocks > 0 && blockLength > 0 && x.isContiguous()
        && sumAroundKeptRun(x, reduced, out, kind == Kind.MEAN ? blockLength : 1)) {
      return out;
    }
    Tensor source = x.permute(order).contiguous();
    int length = blockLength;
    if ((kind == Kind.SUM || kind == Kind.MEAN) && blocks == 1 && length >= 2 * SUM_CHUNK) {
      double v = chunkedSum(source, length) / (kind == Kind.MEAN ? length : 1);
      if (out.storage.floats() != null) {
        out.storage.floats()[0] = (float) v;
      } else {
        out.storage.doubles()[0] = v;
      }
      return out;
    }
    Parallel.forRange(
        blocks,
        Math.max(1, Tensor.PARALLEL_GRAIN / Math.max(1, length)),
        (from, to) -> {
          for (int b = from; b < to; b++) {
            double v = reduceBlock(source, source.offset + b * length, length, kind, correction);
            if (out.storage.floats() != null) {
              out.storage.floats()[b] = (float) v;
            } else {
              out.storage.doubles()[b] = v;
            }
          }
        });
    return out;
  }

  /**
   * Sums (divided by {@code divisor}) of a contiguous {@code x} whose kept dims form one run with
   * reduced dims before it, such as the per-channel sum of an NCHW tensor over N, H and W: viewed
   * as {@code [outer, mid, inner]}, {@code out[m] = Σ_a Σ_i x[a, m, i]}, summed in place in that
   * order rather than after a transposing copy. Returns false (doing nothing) for other layouts.
   * Outputs are spread over threads, never split, so the bits do not depend on the thread count.
   */
  private static boolean sumAroundKeptRun(Tensor x, boolean[] reduced, Tensor out, int divisor) {
    int first = -1;
    int last = -1;
    for (int d = 0; d < reduced.length; d++) {
      if (!reduced[d]) {
        if (first >= 0 && last != d - 1) {
          return false;
        }
        first = first < 0 ? d : first;
        last = d;
      }
    }
    if (first <= 0) {
      return false; // nothing reduced before the kept dims: the generic path reads blocks in place
    }
    int outer = 1;
    int mid = 1;
    int inner = 1;
    for (int d = 0; d < reduced.length; d++) {
      if (d < first) {
        outer *= x.shape[d];
      } else if (d <= last) {
        mid *= x.shape[d];
      } else {
        inner *= x.shape[d];
      }
    }
    float[] f = x.storage.floats();
    double[] dd = x.storage.doubles();
    int base = x.offset;
    int o = outer;
    int m = mid;
    int n = inner;
    int grain = Math.max(1, Tensor.PARALLEL_GRAIN / Math.max(1, outer * inner));
    if (inner == 1) {
      // [outer, mid] (the dim-0 sum of a Linear gradient): column sums read row by row, not down
      // each column; every column is still one chain of additions in row order, as below.
      Parallel.forRange(mid, grain, (from, to) -> {
        double[] acc = new double[to - from];
        if (f != null) {
          Kernels.get().addRows(o, to - from, f, base + from, m, acc, 0);
        } else {
          for (int a = 0; a < o; a++) {
            int row = base + a * m + from;
            for (int j = 0; j < to - from; j++) {
              acc[j] += dd[row + j];
            }
          }
        }
        for (int j = from; j < to; j++) {
          if (out.storage.floats() != null) {
            out.storage.floats()[j] = (float) (acc[j - from] / divisor);
          } else {
            out.storage.doubles()[j] = acc[j - from] / divisor;
          }
        }
      });
      return true;
    }
    Parallel.forRange(mid, grain, (from, to) -> {
      for (int j = from; j < to; j++) {
        double s = 0;
        for (int a = 0; a < o; a++) {
          int start = base + (a * m + j) * n;
          if (f != null) {
            s += n >= 16 ? Kernels.get().sum(n, f, start) : sequentialSum(f, start, n);
          } else {
            for (int i = 0; i < n; i++) {
              s += dd[start + i];
            }
          }
        }
        if (out.storage.floats() != null) {
          out.storage.floats()[j] = (float) (s / divisor);
        } else {
          out.storage.doubles()[j] = s / divisor;
        }
      }
    });
    return true;
  }

  /**
   * The sum of a contiguous run of {@code n} elements of {@code t} as partial sums of fixed chunks
   * of {@link #SUM_CHUNK}, computed in parallel and added in chunk order.
   */
  private static double chunkedSum(Tensor t, int n) {
    int chunks = (n + SUM_CHUNK - 1) / SUM_CHUNK;
    double[] partials = new double[chunks];
    Parallel.forRange(chunks, 1, (from, to) -> {
      for (int c = from; c < to; c++) {
        int start = t.offset + c * SUM_CHUNK;
        partials[c] = sum(t.storage.floats(), t.storage.doubles(), start, Math.min(SUM_CHUNK, n - c * SUM_CHUNK));
      }
    });
    double total = 0;
    for (double p : partials) {
      total += p;
    }
    return total;
  }

  private static double sequentialSum(float[] f, int start, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += f[start + i];
    }
    return s;
  }

  private static double reduceBlock(Tensor t, int start, int n, Kind kind, int correction) {
    float[] f = t.storage.floats();
    double[] d = t.storage.doubles();
    switch (kind) {
      case SUM:
        return sum(f, d, start, n);
      case MEAN:
        return sum(f, d, start, n) / n;
      case VAR:
        {
          double mean = sum(f, d, start, n) / n;
          double squares = 0;
          for (int i = 0; i < n; i++) {
            double dev = (f != null ? f[start + i] : d[start + i]) - mean;
            squares += dev * dev;
          }
          return squares / Math.max(0, n - correction);
        }
      case MAX:
      case MIN:
      case ARGMAX:
      case ARGMIN:
        {
          boolean wantMax = kind == Kind.MAX || kind == Kind.ARGMAX;
          int best = 0;
          double bestValue = f != null ? f[start] : d[start];
          for (int i = 1; i < n && !Double.isNaN(bestValue); i++) {
            double v = f != null ? f[start + i] : d[start + i];
            if (Double.isNaN(v) || (wantMax ? v > bestValue : v < bestValue)) {
              best = i;
              bestValue = v;
            }
          }
          return kind == Kind.MAX || kind == Kind.MIN ? bestValue : best;
        }
      default:
        throw new AssertionError(kind);
    }
  }

  private static double sum(float[] f, double[] d, int start, int n) {
    if (f != null) {
      return Kernels.get().sum(n, f, start);
    }
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += d[start + i];
    }
    return s;
  }
}
