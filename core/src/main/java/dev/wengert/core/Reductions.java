package dev.wengert.core;

import dev.wengert.core.kernels.Kernels;
import java.util.Locale;

/**
 * Reductions over any set of dims. The reduced dims are moved last and made contiguous, so each
 * output element reduces one contiguous block in a fixed order; blocks are spread over threads,
 * never split, so results are the same bits for any thread count. Float32 sums accumulate in
 * float64.
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
    Tensor out = Tensor.zeros(x.dtype, outShape);
    int blocks = out.numel;
    boolean needsElements = kind == Kind.MAX || kind == Kind.MIN || kind == Kind.ARGMAX || kind == Kind.ARGMIN;
    if (blockLength == 0 && needsElements && blocks > 0) {
      throw new IllegalArgumentException(
          op + ": cannot reduce over an empty dim of shape " + Shapes.format(x.shape));
    }
    Tensor source = x.permute(order).contiguous();
    int length = blockLength;
    Parallel.forRange(
        blocks,
        Math.max(1, Tensor.PARALLEL_GRAIN / Math.max(1, length)),
        (from, to) -> {
          for (int b = from; b < to; b++) {
            double v = reduceBlock(source, source.offset + b * length, length, kind, correction);
            if (out.storage.floats != null) {
              out.storage.floats[b] = (float) v;
            } else {
              out.storage.doubles[b] = v;
            }
          }
        });
    return out;
  }

  private static double reduceBlock(Tensor t, int start, int n, Kind kind, int correction) {
    float[] f = t.storage.floats;
    double[] d = t.storage.doubles;
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
