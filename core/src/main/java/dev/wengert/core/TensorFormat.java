package dev.wengert.core;

import java.util.Locale;

/**
 * NumPy-style text for tensors: nested brackets, one shared width and precision, and "..." in
 * place of the middle of any dim longer than {@code 2 * EDGE_ITEMS} once the tensor has more than
 * {@code THRESHOLD} elements.
 */
final class TensorFormat {

  private static final int THRESHOLD = 1000;
  private static final int EDGE_ITEMS = 3;
  private static final String PREFIX = "tensor(";

  private TensorFormat() {}

  static String format(Tensor t) {
    boolean summarise = t.numel > THRESHOLD;
    double[] values = t.toDoubleArray();
    Style style = Style.of(values);
    StringBuilder sb = new StringBuilder(PREFIX);
    if (t.rank() == 0) {
      sb.append(style.format(values[0]));
    } else if (t.numel == 0) {
      sb.append("[]");
    } else {
      appendDim(sb, t, values, 0, 0, style, summarise);
    }
    sb.append(", dtype=").append(t.dtype);
    if (summarise || t.numel == 0) {
      sb.append(", shape=").append(Shapes.format(t.shape));
    }
    return sb.append(')').toString();
  }

  /**
   * Appends dim {@code dim} of the block starting at row-major position {@code base}. Elements of the
   * last dim are separated by ", "; outer dims put each sub-block on its own line, with one blank
   * line per further level of nesting, aligned under the opening bracket.
   */
  private static void appendDim(
      StringBuilder sb, Tensor t, double[] values, int dim, int base, Style style, boolean summarise) {
    int size = t.shape[dim];
    int innerCount = 1;
    for (int d = dim + 1; d < t.rank(); d++) {
      innerCount *= t.shape[d];
    }
    boolean innermost = dim == t.rank() - 1;
    String separator =
        innermost ? ", " : "," + "\n".repeat(t.rank() - 1 - dim) + " ".repeat(PREFIX.length() + dim + 1);
    boolean cut = summarise && size > 2 * EDGE_ITEMS;
    sb.append('[');
    for (int i = 0; i < size; i++) {
      if (cut && i == EDGE_ITEMS) {
        sb.append("...").append(separator);
        i = size - EDGE_ITEMS;
      }
      if (innermost) {
        sb.append(style.format(values[base + i]));
      } else {
        appendDim(sb, t, values, dim + 1, base + i * innerCount, style, summarise);
      }
      if (i < size - 1) {
        sb.append(separator);
      }
    }
    sb.append(']');
  }

  /** One number format for the whole tensor, as NumPy chooses it. */
  private record Style(boolean integral, boolean scientific, int width) {

    static Style of(double[] values) {
      boolean integral = true;
      double maxAbs = 0;
      double minAbs = Double.POSITIVE_INFINITY;
      for (double v : values) {
        if (!Double.isFinite(v)) {
          continue;
        }
        integral &= v == Math.rint(v);
        double a = Math.abs(v);
        maxAbs = Math.max(maxAbs, a);
        if (a > 0) {
          minAbs = Math.min(minAbs, a);
        }
      }
      boolean scientific = maxAbs >= 1e8 || (!integral && minAbs < 1e-4) || (maxAbs / minAbs > 1e6 && !integral);
      Style plain = new Style(integral, scientific, 0);
      int width = 0;
      for (double v : values) {
        width = Math.max(width, plain.raw(v).length());
      }
      return new Style(integral, scientific, width);
    }

    String raw(double v) {
      if (Double.isNaN(v)) {
        return "nan";
      }
      if (Double.isInfinite(v)) {
        return v > 0 ? "inf" : "-inf";
      }
      if (scientific) {
        return String.format(Locale.ROOT, "%.4e", v);
      }
      if (integral) {
        return String.format(Locale.ROOT, "%.0f.", v);
      }
      return String.format(Locale.ROOT, "%.4f", v);
    }

    String format(double v) {
      String s = raw(v);
      return " ".repeat(Math.max(0, width - s.length())) + s;
    }
  }
}
