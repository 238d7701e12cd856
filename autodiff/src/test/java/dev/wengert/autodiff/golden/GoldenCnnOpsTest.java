package dev.wengert.autodiff.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wengert.autodiff.Var;
import dev.wengert.autodiff.ops.Conv2dOptions;
import dev.wengert.autodiff.ops.Losses;
import dev.wengert.autodiff.ops.Reduction;
import dev.wengert.autodiff.ops.Ops;
import dev.wengert.core.DType;
import dev.wengert.core.PaddingMode;
import dev.wengert.core.PoolGeometry;
import dev.wengert.core.Tensor;
import dev.wengert.core.TensorScope;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Forward values and gradients of the CNN ops equal PyTorch's (tools/golden/cnn_ops.py) for a grid
 * of options: float32 within 1e-5 and float64 within 1e-10, relative to the largest value; the
 * pooling ops, which add in PyTorch's order, bit for bit. Also when every tensor reuses memory
 * released by a previous run, NaN-filled (a poisoning {@link TensorScope}).
 */
class GoldenCnnOpsTest {

  /** Ops whose values and gradients equal PyTorch's exactly (same operations in the same order). */
  private static final Set<String> EXACT =
      Set.of("max_pool2d", "adaptive_max_pool2d", "avg_pool2d", "adaptive_avg_pool2d");

  /** PyTorch computes an adaptive average pool to 1x1 as {@code mean}, whose summation order is its own. */
  private static boolean exact(JsonNode c) {
    JsonNode size = c.get("params").get("output_size");
    boolean toMean = c.get("op").asText().equals("adaptive_avg_pool2d") && size.get(0).asInt() == 1 && size.get(1).asInt() == 1;
    return EXACT.contains(c.get("op").asText()) && !toMean;
  }

  /** Each fixture op, applied with its PyTorch parameters to the named inputs. */
  private static final Map<String, BiFunction<JsonNode, Map<String, Var>, Var>> OPS = new LinkedHashMap<>();

  static {
    OPS.put("conv2d", (p, in) -> Ops.conv2d(in.get("input"), in.get("weight"), in.get("bias"), convOptions(p)));
    OPS.put(
        "conv_transpose2d",
        (p, in) -> {
          int[] outputPadding = pair(p.get("output_padding"));
          return Ops.convTranspose2d(
              in.get("input"), in.get("weight"), in.get("bias"), convOptions(p), outputPadding[0], outputPadding[1]);
        });
    OPS.put(
        "pad",
        (p, in) -> {
          JsonNode pad = p.get("pad");
          return Ops.pad(
              in.get("input"), pad.get(2).asInt(), pad.get(3).asInt(), pad.get(0).asInt(), pad.get(1).asInt(),
              paddingMode(p.get("mode").asText()));
        });
  }

  static {
    OPS.put("max_pool2d", (p, in) -> Ops.maxPool2d(in.get("input"), poolGeometry(p)));
    OPS.put(
        "avg_pool2d",
        (p, in) -> Ops.avgPool2d(in.get("input"), poolGeometry(p), p.get("count_include_pad").asBoolean()));
    OPS.put(
        "adaptive_avg_pool2d",
        (p, in) -> Ops.adaptiveAvgPool2d(in.get("input"), pair(p.get("output_size"))[0], pair(p.get("output_size"))[1]));
    OPS.put(
        "adaptive_max_pool2d",
        (p, in) -> Ops.adaptiveMaxPool2d(in.get("input"), pair(p.get("output_size"))[0], pair(p.get("output_size"))[1]));
  }

  static {
    OPS.put("cross_entropy", (p, in) -> Losses.crossEntropy(in.get("logits"), in.get("target").value(), classOptions(p, in)));
    OPS.put("nll_loss", (p, in) -> Losses.nllLoss(in.get("log_probs"), in.get("target").value(), classOptions(p, in)));
    OPS.put("mse_loss", (p, in) -> Losses.mseLoss(in.get("input"), in.get("target"), reduction(p)));
    OPS.put("l1_loss", (p, in) -> Losses.l1Loss(in.get("input"), in.get("target"), reduction(p)));
    OPS.put(
        "huber_loss", (p, in) -> Losses.huberLoss(in.get("input"), in.get("target"), p.get("delta").asDouble(), reduction(p)));
    OPS.put(
        "smooth_l1_loss",
        (p, in) -> Losses.smoothL1Loss(in.get("input"), in.get("target"), p.get("beta").asDouble(), reduction(p)));
    OPS.put(
        "binary_cross_entropy_with_logits",
        (p, in) -> Losses.binaryCrossEntropyWithLogits(
            in.get("logits"), in.get("target"), valueOrNull(in.get("weight")), valueOrNull(in.get("pos_weight")), reduction(p)));
    OPS.put(
        "kl_div",
        (p, in) -> Losses.klDiv(in.get("input"), in.get("target"), p.get("log_target").asBoolean(), reduction(p)));
  }

  static Tensor valueOrNull(Var v) {
    return v == null ? null : v.value();
  }

  static Reduction reduction(JsonNode p) {
    return switch (p.get("reduction").asText()) {
      case "none" -> Reduction.NONE;
      case "sum" -> Reduction.SUM;
      case "mean" -> Reduction.MEAN;
      case "batchmean" -> Reduction.BATCH_MEAN;
      default -> throw new IllegalArgumentException(p.get("reduction").asText());
    };
  }

  static Losses.ClassOptions classOptions(JsonNode p, Map<String, Var> in) {
    JsonNode ignore = p.get("ignore_index");
    return new Losses.ClassOptions(
        reduction(p),
        valueOrNull(in.get("weight")),
        ignore == null || ignore.isNull() ? null : ignore.asInt(),
        p.has("label_smoothing") ? p.get("label_smoothing").asDouble() : 0);
  }

  static PoolGeometry poolGeometry(JsonNode p) {
    int[] kernel = pair(p.get("kernel"));
    int[] stride = pair(p.get("stride"));
    int[] padding = pair(p.get("padding"));
    int[] dilation = p.has("dilation") ? pair(p.get("dilation")) : new int[] {1, 1};
    return new PoolGeometry(
        kernel[0], kernel[1], stride[0], stride[1], padding[0], padding[1], dilation[0], dilation[1],
        p.get("ceil_mode").asBoolean());
  }

  static int[] pair(JsonNode node) {
    return new int[] {node.get(0).asInt(), node.get(1).asInt()};
  }

  static PaddingMode paddingMode(String torchName) {
    return switch (torchName) {
      case "zeros", "constant" -> PaddingMode.ZERO;
      case "replicate" -> PaddingMode.REPLICATE;
      case "reflect" -> PaddingMode.REFLECT;
      case "circular" -> PaddingMode.CIRCULAR;
      default -> throw new IllegalArgumentException("unknown padding mode " + torchName);
    };
  }

  static Conv2dOptions convOptions(JsonNode p) {
    int[] stride = pair(p.get("stride"));
    int[] dilation = pair(p.get("dilation"));
    Conv2dOptions o = Conv2dOptions.defaults().stride(stride[0], stride[1]).dilation(dilation[0], dilation[1])
        .groups(p.get("groups").asInt());
    if (p.has("padding_mode")) {
      o = o.paddingMode(paddingMode(p.get("padding_mode").asText()));
    }
    JsonNode padding = p.get("padding");
    if (padding.isTextual()) {
      return padding.asText().equals("same") ? o.paddingSame() : o.paddingValid();
    }
    int[] pads = pair(padding);
    return o.padding(pads[0], pads[1]);
  }

  @TestFactory
  Stream<DynamicTest> matchesPyTorch() {
    return GoldenFixture.cases("cnn_ops").stream()
        .map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> check(c)));
  }

  @TestFactory
  Stream<DynamicTest> matchesPyTorchInReusedMemory() {
    return GoldenFixture.cases("cnn_ops").stream()
        .map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> {
          try (TensorScope warmUp = TensorScope.openPoisoning()) {
            check(c);
          }
          try (TensorScope reused = TensorScope.openPoisoning()) {
            check(c);
          }
        }));
  }

  private static void check(JsonNode c) {
    DType dtype = c.get("dtype").asText().equals("float32") ? DType.FLOAT32 : DType.FLOAT64;
    double tolerance = exact(c) ? 0 : dtype == DType.FLOAT32 ? 1e-5 : 1e-10;
    JsonNode grads = c.get("grads");
    Map<String, Var> in = new LinkedHashMap<>();
    GoldenFixture.tensors(c.get("inputs"), dtype)
        .forEach((k, t) -> in.put(k, grads.has(k) ? Var.parameter(t) : Var.constant(t)));
    Var out = OPS.get(c.get("op").asText()).apply(c.get("params"), in);
    assertClose("output", out.value(), GoldenFixture.tensor(c.get("output"), dtype), tolerance);
    out.backward(Var.constant(GoldenFixture.tensor(c.get("grad_output"), dtype)));
    grads.fieldNames().forEachRemaining(name -> {
      Var v = in.get(name);
      assertNotNull(v.grad(), "no gradient for " + name);
      assertClose("grad " + name, v.grad().value(), GoldenFixture.tensor(grads.get(name), dtype), tolerance);
    });
  }

  private static void assertClose(String what, Tensor actual, Tensor expected, double tolerance) {
    assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
    double error = GoldenFixture.relativeError(actual, expected);
    assertTrue(error <= tolerance, what + ": relative error " + error + " > " + tolerance);
  }
}
