package dev.wengert.layers;

import dev.wengert.core.Shapes;
import java.util.Locale;
import java.util.Map;

/**
 * A model's layer table: each layer's output shape (from the layers' geometry, e.g. the conv
 * formula via ConvGeometry, without running the model), its parameter count and multiply-
 * accumulates, and the totals.
 */
public final class Summary {

  private Summary() {}

  /** The table for {@code model} applied to an input of {@code inputShape}. */
  public static String of(Module model, int... inputShape) {
    StringBuilder sb = new StringBuilder();
    String header = String.format(Locale.ROOT, "%-6s %-58s %-18s %12s %16s%n", "layer", "type", "output shape", "params", "MACs");
    sb.append(header).append("-".repeat(header.length() - 1)).append('\n');
    sb.append(String.format(Locale.ROOT, "%-6s %-58s %-18s %12s %16s%n", "", "input", Shapes.format(inputShape), "", ""));
    Map<String, Module> children = model.children();
    long params = 0;
    long macs = 0;
    int[] shape = inputShape;
    if (children.isEmpty()) {
      children = Map.of("", model);
    }
    for (Map.Entry<String, Module> e : children.entrySet()) {
      Module layer = e.getValue();
      long layerMacs = layer.multiplyAccumulates(shape);
      shape = layer.outputShape(shape);
      long layerParams = layer.parameterCount();
      params += layerParams;
      macs += layerMacs;
      sb.append(String.format(
          Locale.ROOT, "%-6s %-58s %-18s %,12d %,16d%n", e.getKey(), layer, Shapes.format(shape), layerParams, layerMacs));
    }
    sb.append("-".repeat(header.length() - 1)).append('\n');
    sb.append(String.format(Locale.ROOT, "%-6s %-58s %-18s %,12d %,16d%n", "total", "", Shapes.format(shape), params, macs));
    return sb.toString();
  }
}
