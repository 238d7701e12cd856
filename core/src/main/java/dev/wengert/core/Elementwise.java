package dev.wengert.core;

import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * Elementwise loops over strided tensors of either dtype. Values are computed in float64 and
 * rounded to the output dtype, so float32 results are correctly rounded for the basic operations.
 */
final class Elementwise {

  private Elementwise() {}

  /** {@code out = f(in)}, where {@code in} already has {@code out}'s shape (it may be {@code out}). */
  static void unary(Tensor in, Tensor out, DoubleUnaryOperator f) {
    if (out.numel < Tensor.PARALLEL_GRAIN && in.isContiguous() && out.isContiguous()) {
      unaryContiguous(in, out, f);
      return;
    }
    StridedLoop loop = StridedLoop.of(out.shape, new int[] {out.offset, in.offset}, out.strides, in.strides);
    int so = loop.innerStride(0);
    int si = loop.innerStride(1);
    float[] outF = out.storage.floats();
    double[] outD = out.storage.doubles();
    float[] inF = in.storage.floats();
    double[] inD = in.storage.doubles();
    loop.forEachRow(
        Tensor.PARALLEL_GRAIN,
        (offsets, n) -> {
          int o = offsets[0];
          int i = offsets[1];
          for (int k = 0; k < n; k++, o += so, i += si) {
            double v = f.applyAsDouble(inF != null ? inF[i] : inD[i]);
            if (outF != null) {
              outF[o] = (float) v;
            } else {
              outD[o] = v;
            }
          }
        });
  }

  /** The common case of small contiguous operands, without loop set-up or threads. */
  private static void unaryContiguous(Tensor in, Tensor out, DoubleUnaryOperator f) {
    int n = out.numel;
    int i = in.offset;
    int o = out.offset;
    float[] outF = out.storage.floats();
    float[] inF = in.storage.floats();
    if (outF != null && inF != null) {
      for (int k = 0; k < n; k++) {
        outF[o + k] = (float) f.applyAsDouble(inF[i + k]);
      }
    } else if (outF == null && inF == null) {
      double[] outD = out.storage.doubles();
      double[] inD = in.storage.doubles();
      for (int k = 0; k < n; k++) {
        outD[o + k] = f.applyAsDouble(inD[i + k]);
      }
    } else {
      for (int k = 0; k < n; k++) {
        write(out, o + k, f.applyAsDouble(read(in, i + k)));
      }
    }
  }

  /** Whether every element of {@code t} is the same stored value (all strides zero, e.g. an expanded scalar). */
  private static boolean isOneValue(Tensor t) {
    for (int s : t.strides) {
      if (s != 0) {
        return false;
      }
    }
    return true;
  }

  /** Sets every element of the contiguous {@code out} to {@code value} (rounded to its dtype), in parallel. */
  private static void fill(Tensor out, double value) {
    float[] f = out.storage.floats();
    double[] d = out.storage.doubles();
    int base = out.offset;
    Parallel.forRange(out.numel, Tensor.PARALLEL_GRAIN, (from, to) -> {
      if (f != null) {
        Arrays.fill(f, base + from, base + to, (float) value);
      } else {
        Arrays.fill(d, base + from, base + to, value);
      }
    });
  }

  /** {@code out = in} with dtype conversion, where {@code in} already has {@code out}'s shape. */
  static void copy(Tensor in, Tensor out) {
    if (out.isContiguous() && isOneValue(in) && out.numel > 0) {
      fill(out, in.storage.floats() != null ? in.storage.floats()[in.offset] : in.storage.doubles()[in.offset]);
      return;
    }
    StridedLoop loop = StridedLoop.of(out.shape, new int[] {out.offset, in.offset}, out.strides, in.strides);
    int so = loop.innerStride(0);
    int si = loop.innerStride(1);
    float[] outF = out.storage.floats();
    double[] outD = out.storage.doubles();
    float[] inF = in.storage.floats();
    double[] inD = in.storage.doubles();
    loop.forEachRow(
        Tensor.PARALLEL_GRAIN,
        (offsets, n) -> {
          int o = offsets[0];
          int i = offsets[1];
          if (so == 1 && si == 0 && outF != null && inF != null) {
            Arrays.fill(outF, o, o + n, inF[i]); // a broadcast value, e.g. an expanded scalar
          } else if (so == 1 && si == 0 && outD != null && inD != null) {
            Arrays.fill(outD, o, o + n, inD[i]);
          } else if (so == 1 && si == 1 && outF != null && inF != null) {
            System.arraycopy(inF, i, outF, o, n);
          } else if (so == 1 && si == 1 && outD != null && inD != null) {
            System.arraycopy(inD, i, outD, o, n);
          } else if (outF != null && inF != null) {
            for (int k = 0; k < n; k++, o += so, i += si) {
              outF[o] = inF[i];
            }
          } else if (outD != null && inD != null) {
            for (int k = 0; k < n; k++, o += so, i += si) {
              outD[o] = inD[i];
            }
          } else if (outF != null) {
            for (int k = 0; k < n; k++, o += so, i += si) {
              outF[o] = (float) inD[i];
            }
          } else {
            for (int k = 0; k < n; k++, o += so, i += si) {
              outD[o] = inF[i];
            }
          }
        });
  }

  /** {@code out = f(a, b)} with {@code a} and {@code b} broadcast to {@code out}'s shape. */
  static void binary(Tensor a, Tensor b, Tensor out, DoubleBinaryOperator f) {
    if (out.numel < Tensor.PARALLEL_GRAIN
        && java.util.Arrays.equals(a.shape, out.shape)
        && java.util.Arrays.equals(b.shape, out.shape)
        && a.isContiguous()
        && b.isContiguous()
        && out.isContiguous()) {
      binaryContiguous(a, b, out, f);
      return;
    }
    Tensor ea = a.expand(out.shape);
    Tensor eb = b.expand(out.shape);
    StridedLoop loop =
        StridedLoop.of(
            out.shape, new int[] {out.offset, ea.offset, eb.offset}, out.strides, ea.strides, eb.strides);
    int so = loop.innerStride(0);
    int sa = loop.innerStride(1);
    int sb = loop.innerStride(2);
    float[] outF = out.storage.floats();
    double[] outD = out.storage.doubles();
    float[] aF = ea.storage.floats();
    double[] aD = ea.storage.doubles();
    float[] bF = eb.storage.floats();
    double[] bD = eb.storage.doubles();
    loop.forEachRow(
        Tensor.PARALLEL_GRAIN,
        (offsets, n) -> {
          int o = offsets[0];
          int i = offsets[1];
          int j = offsets[2];
          if (outF != null) {
            for (int k = 0; k < n; k++, o += so, i += sa, j += sb) {
              outF[o] = (float) f.applyAsDouble(aF[i], bF[j]);
            }
          } else {
            for (int k = 0; k < n; k++, o += so, i += sa, j += sb) {
              outD[o] = f.applyAsDouble(aD[i], bD[j]);
            }
          }
        });
  }

  /** The common case of small same-shape contiguous operands, without loop set-up or threads. */
  private static void binaryContiguous(Tensor a, Tensor b, Tensor out, DoubleBinaryOperator f) {
    int n = out.numel;
    int i = a.offset;
    int j = b.offset;
    int o = out.offset;
    if (out.storage.floats() != null) {
      float[] outF = out.storage.floats();
      float[] aF = a.storage.floats();
      float[] bF = b.storage.floats();
      for (int k = 0; k < n; k++) {
        outF[o + k] = (float) f.applyAsDouble(aF[i + k], bF[j + k]);
      }
    } else {
      double[] outD = out.storage.doubles();
      double[] aD = a.storage.doubles();
      double[] bD = b.storage.doubles();
      for (int k = 0; k < n; k++) {
        outD[o + k] = f.applyAsDouble(aD[i + k], bD[j + k]);
      }
    }
  }

  /** {@code out = condition != 0 ? a : b}, all three already of {@code out}'s shape and dtype. */
  static void where(Tensor condition, Tensor a, Tensor b, Tensor out) {
    StridedLoop loop =
        StridedLoop.of(
            out.shape,
            new int[] {out.offset, condition.offset, a.offset, b.offset},
            out.strides,
            condition.strides,
            a.strides,
            b.strides);
    int so = loop.innerStride(0);
    int sc = loop.innerStride(1);
    int sa = loop.innerStride(2);
    int sb = loop.innerStride(3);
    loop.forEachRow(
        Tensor.PARALLEL_GRAIN,
        (offsets, n) -> {
          int o = offsets[0];
          int c = offsets[1];
          int i = offsets[2];
          int j = offsets[3];
          for (int k = 0; k < n; k++, o += so, c += sc, i += sa, j += sb) {
            boolean pickA = read(condition, c) != 0;
            write(out, o, pickA ? read(a, i) : read(b, j));
          }
        });
  }

  private static double read(Tensor t, int index) {
    return t.storage.floats() != null ? t.storage.floats()[index] : t.storage.doubles()[index];
  }

  private static void write(Tensor t, int index, double value) {
    if (t.storage.floats() != null) {
      t.storage.floats()[index] = (float) value;
    } else {
      t.storage.doubles()[index] = value;
    }
  }
}
