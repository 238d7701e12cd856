package dev.wengert.core;

import java.util.Arrays;

/** Shape arithmetic shared by the tensor code: element counts, strides, dims, and their names in messages. */
public final class Shapes {

  private Shapes() {}

  /** The number of elements of a tensor with this shape (1 for a scalar's empty shape). */
  public static int numel(int... shape) {
    long n = 1;
    for (int s : shape) {
      if (s < 0) {
        throw new IllegalArgumentException("shape " + format(shape) + " has a negative size");
      }
      n *= s;
      if (n > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "shape " + format(shape) + " has more than " + Integer.MAX_VALUE + " elements");
      }
    }
    return (int) n;
  }

  /** Row-major (C-order) strides for a contiguous tensor of this shape. */
  public static int[] contiguousStrides(int... shape) {
    int[] strides = new int[shape.length];
    int s = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      strides[i] = s;
      s *= Math.max(shape[i], 1);
    }
    return strides;
  }

  /** A shape as it appears in error messages, e.g. {@code [2,3]}. */
  public static String format(int... shape) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < shape.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(shape[i]);
    }
    return sb.append(']').toString();
  }

  /**
   * A shape that formats itself only when printed: for Guava's {@code checkArgument} messages, so
   * that a passing check builds no string on the hot path.
   */
  public static Object lazy(int... shape) {
    return new Object() {
      @Override
      public String toString() {
        return format(shape);
      }
    };
  }

  /**
   * A possibly negative dim index resolved against {@code rank}, or an error naming the op, e.g.
   * {@code sum: dim 3 is out of range for shape [2,3] (rank 2)}.
   */
  public static int normalizeDim(String op, int dim, int[] shape) {
    int rank = shape.length;
    int d = dim < 0 ? dim + rank : dim;
    if (d < 0 || d >= rank) {
      throw new IllegalArgumentException(
          op + ": dim " + dim + " is out of range for shape " + format(shape) + " (rank " + rank + ")");
    }
    return d;
  }

  /**
   * The shape two operands broadcast to under NumPy's rules, or an error such as {@code add: shapes
   * [2,3] and [4,3] cannot broadcast (dim 0: 2 vs 4)}.
   */
  public static int[] broadcast(String op, int[] a, int[] b) {
    int rank = Math.max(a.length, b.length);
    int[] out = new int[rank];
    for (int i = 0; i < rank; i++) {
      int ai = i - (rank - a.length);
      int bi = i - (rank - b.length);
      int da = ai >= 0 ? a[ai] : 1;
      int db = bi >= 0 ? b[bi] : 1;
      if (da != db && da != 1 && db != 1) {
        throw new IllegalArgumentException(
            op + ": shapes " + format(a) + " and " + format(b) + " cannot broadcast (dim " + i + ": "
                + da + " vs " + db + ")");
      }
      out[i] = da == 1 ? db : da;
    }
    return out;
  }

  static boolean equal(int[] a, int[] b) {
    return Arrays.equals(a, b);
  }
}
