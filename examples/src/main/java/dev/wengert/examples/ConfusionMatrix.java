package dev.wengert.examples;

import dev.wengert.examples.data.Dataset;
import java.util.Locale;

/** The confusion matrix with class names, and each class's accuracy. */
final class ConfusionMatrix {

  private ConfusionMatrix() {}

  /** Rows are true classes, columns predicted ones. */
  static String format(long[][] confusion) {
    String[] names = Dataset.CLASS_NAMES;
    StringBuilder sb = new StringBuilder("confusion matrix (rows: true class, columns: predicted)\n");
    sb.append(String.format(Locale.ROOT, "%-12s", ""));
    for (int c = 0; c < names.length; c++) {
      sb.append(String.format(Locale.ROOT, "%6d", c));
    }
    sb.append("   accuracy\n");
    for (int t = 0; t < names.length; t++) {
      sb.append(String.format(Locale.ROOT, "%d %-10s", t, names[t]));
      long total = 0;
      for (int p = 0; p < names.length; p++) {
        sb.append(String.format(Locale.ROOT, "%6d", confusion[t][p]));
        total += confusion[t][p];
      }
      sb.append(String.format(Locale.ROOT, "   %6.2f%%%n", total == 0 ? 0 : 100.0 * confusion[t][t] / total));
    }
    return sb.toString();
  }
}
