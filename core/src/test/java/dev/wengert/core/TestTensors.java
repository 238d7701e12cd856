package dev.wengert.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reference helpers for the core tests: random data, index arithmetic and layouts with gaps. */
final class TestTensors {

  private TestTensors() {}

  /** Uniform values in {@code [-2, 2)}. */
  static Tensor uniform(Rng rng, DType dtype, int... shape) {
    return Tensor.rand(rng, dtype, shape).mul(4.0).sub(2.0);
  }

  /** Every index of {@code shape} in row-major order. */
  static List<int[]> indices(int... shape) {
    List<int[]> out = new ArrayList<>();
    int n = Shapes.numel(shape);
    for (int flat = 0; flat < n; flat++) {
      out.add(unravel(flat, shape));
    }
    return out;
  }

  /** The multi-index of row-major position {@code flat} in {@code shape}. */
  static int[] unravel(int flat, int[] shape) {
    int[] idx = new int[shape.length];
    for (int d = shape.length - 1; d >= 0; d--) {
      idx[d] = flat % shape[d];
      flat /= shape[d];
    }
    return idx;
  }

  /** The row-major position of {@code idx} in {@code shape}. */
  static int ravel(int[] idx, int[] shape) {
    int flat = 0;
    for (int d = 0; d < shape.length; d++) {
      flat = flat * shape[d] + idx[d];
    }
    return flat;
  }

  /** The element of a tensor of {@code shape} that broadcasting maps output index {@code outIdx} to. */
  static int broadcastSource(int[] outIdx, int[] shape) {
    int lead = outIdx.length - shape.length;
    int[] idx = new int[shape.length];
    for (int d = 0; d < shape.length; d++) {
      idx[d] = shape[d] == 1 ? 0 : outIdx[d + lead];
    }
    return ravel(idx, shape);
  }

  /**
   * The same values as {@code t} in a view with gaps: an offset into a larger storage, a stride of
   * 2 along the last dim and (rank >= 2) the first two dims stored transposed.
   */
  static Tensor gappy(Tensor t) {
    int rank = t.rank();
    if (rank == 0) {
      Tensor base = Tensor.zeros(t.dtype(), 3);
      Tensor v = base.select(0, 2);
      v.copyFrom(t);
      return v;
    }
    int[] shape = t.shape();
    int[] baseShape = shape.clone();
    if (rank >= 2) {
      baseShape[0] = shape[1];
      baseShape[1] = shape[0];
    }
    baseShape[rank - 1] = 2 * baseShape[rank - 1] + 1;
    Tensor base = Tensor.full(t.dtype(), -777, baseShape);
    Tensor v = base.narrow(rank - 1, 1, baseShape[rank - 1] - 1).slice(rank - 1, 0, Integer.MAX_VALUE, 2);
    if (rank >= 2) {
      v = v.transpose(0, 1);
    }
    if (!Arrays.equals(v.shape(), shape)) {
      throw new AssertionError("gappy: " + Arrays.toString(v.shape()) + " vs " + Arrays.toString(shape));
    }
    v.copyFrom(t);
    return v;
  }

  /** Asserts equal shape and bit-equal elements (NaN equal to NaN; -0.0 distinct from 0.0). */
  static void assertSameValues(double[] expected, Tensor actual) {
    double[] got = actual.toDoubleArray();
    assertEquals(expected.length, got.length, "element count");
    for (int i = 0; i < got.length; i++) {
      if (Double.doubleToLongBits(expected[i]) != Double.doubleToLongBits(got[i])) {
        throw new AssertionError(
            "element " + i + " of shape " + Shapes.format(actual.shape) + ": expected " + expected[i] + " but was "
                + got[i]);
      }
    }
  }

  static void assertClose(double[] expected, Tensor actual, double rtol, double atol) {
    double[] got = actual.toDoubleArray();
    assertEquals(expected.length, got.length, "element count");
    for (int i = 0; i < got.length; i++) {
      boolean ok =
          Math.abs(expected[i] - got[i]) <= atol + rtol * Math.abs(expected[i])
              || Double.compare(expected[i], got[i]) == 0;
      if (!ok) {
        throw new AssertionError(
            "element " + i + " of shape " + Shapes.format(actual.shape) + ": expected " + expected[i] + " but was "
                + got[i]);
      }
    }
  }

  /** {@code value} rounded as the dtype stores it. */
  static double round(DType dtype, double value) {
    return dtype == DType.FLOAT32 ? (double) (float) value : value;
  }
}
