package dev.wengert.autodiff.golden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wengert.core.DType;
import dev.wengert.core.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the PyTorch golden fixtures that tools/golden/*.py write into src/test/resources/golden. */
public final class GoldenFixture {

  private GoldenFixture() {}

  /** The cases of {@code golden/<name>.json} on the test class path. */
  public static List<JsonNode> cases(String name) {
    String resource = "/golden/" + name + ".json";
    try (InputStream in = GoldenFixture.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing fixture " + resource + "; run tools/golden/" + name + ".py");
      }
      JsonNode root = new ObjectMapper().readTree(in);
      List<JsonNode> cases = new ArrayList<>();
      root.get("cases").forEach(cases::add);
      return cases;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A {@code {"shape": [...], "data": [...]}} node as a tensor of {@code dtype}. */
  public static Tensor tensor(JsonNode node, DType dtype) {
    JsonNode shapeNode = node.get("shape");
    int[] shape = new int[shapeNode.size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = shapeNode.get(i).asInt();
    }
    JsonNode data = node.get("data");
    double[] values = new double[data.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = data.get(i).asDouble();
    }
    return Tensor.of(values, shape).to(dtype);
  }

  /** Every entry of an object of tensors, in file order. */
  public static Map<String, Tensor> tensors(JsonNode node, DType dtype) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), tensor(e.getValue(), dtype));
    }
    return out;
  }

  /** The largest |a - b| divided by the largest |b| (norm-wise relative error, 0 for equal tensors). */
  public static double relativeError(Tensor actual, Tensor expected) {
    double[] a = actual.toDoubleArray();
    double[] b = expected.toDoubleArray();
    if (a.length != b.length) {
      return Double.POSITIVE_INFINITY;
    }
    double diff = 0;
    double scale = 0;
    for (int i = 0; i < a.length; i++) {
      diff = Math.max(diff, Math.abs(a[i] - b[i]));
      scale = Math.max(scale, Math.abs(b[i]));
    }
    return scale == 0 ? diff : diff / scale;
  }

  /** A JSON text as a tree. */
  public static JsonNode parse(String json) {
    try {
      return new ObjectMapper().readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code max|a − b| / max(1, max|b|)}: the absolute error for values of order one, relative for larger ones. */
  public static double error(Tensor actual, Tensor expected) {
    double[] a = actual.toDoubleArray();
    double[] b = expected.toDoubleArray();
    if (a.length != b.length) {
      return Double.POSITIVE_INFINITY;
    }
    double diff = 0;
    double scale = 1;
    for (int i = 0; i < a.length; i++) {
      diff = Math.max(diff, Math.abs(a[i] - b[i]));
      scale = Math.max(scale, Math.abs(b[i]));
    }
    return diff / scale;
  }

  /** {@code |a − b| / max(|a|, |b|)}, 0 when both are 0. */
  public static double relativeError(double actual, double expected) {
    double scale = Math.max(Math.abs(actual), Math.abs(expected));
    return scale == 0 ? 0 : Math.abs(actual - expected) / scale;
  }
}
