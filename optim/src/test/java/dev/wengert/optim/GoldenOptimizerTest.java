package dev.wengert.optim;

import dev.wengert.autodiff.golden.GoldenFixture;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wengert.core.DType;
import dev.wengert.core.Tensor;
import dev.wengert.core.TensorScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every "optimizer" case of optim.json (tools/golden/optim.py): 25 steps fed PyTorch's gradients, the
 * parameters after every step compared with PyTorch's, in float64 and in float32; also the learning
 * rate of every step and the total norm that gradient clipping returned.
 */
class GoldenOptimizerTest {

  static final double FLOAT64_TOLERANCE = 1e-10;
  static final double FLOAT32_TOLERANCE = 1e-6;
  static final double LR_TOLERANCE = 1e-12;

  private static final List<String> SUMMARY = new ArrayList<>();

  @TestFactory
  Stream<DynamicTest> matchesPyTorch() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : GoldenFixture.cases("optim")) {
      if (c.get("kind").asText().equals("optimizer")) {
        tests.add(DynamicTest.dynamicTest(c.get("name").asText() + " float64", () -> check(c, DType.FLOAT64, false)));
        tests.add(DynamicTest.dynamicTest(c.get("name").asText() + " float32", () -> check(c, DType.FLOAT32, false)));
        tests.add(DynamicTest.dynamicTest(
            c.get("name").asText() + " float64, each step in a TensorScope", () -> check(c, DType.FLOAT64, true)));
      }
    }
    return tests.stream();
  }

  /** With {@code scoped}, each step runs in its own poisoning scope: the state must outlive them. */
  private static void check(JsonNode c, DType dtype, boolean scoped) {
    String name = c.get("name").asText();
    boolean f64 = dtype == DType.FLOAT64;
    JsonNode expected = c.get(dtype.toString());
    JsonNode reference64 = c.get("float64");
    FixtureRun run = new FixtureRun(c, dtype, null);
    double worstParam = 0;
    double worstLr = 0;
    double worstNorm = 0;
    int steps = c.get("grads").size();
    for (int k = 0; k < steps; k++) {
      try (TensorScope scope = scoped ? TensorScope.openPoisoning() : null) {
        FixtureRun.StepRecord record = run.step();
        JsonNode lrs = reference64.get("lrs").get(k);
        for (int g = 0; g < lrs.size(); g++) {
          worstLr = Math.max(worstLr, GoldenFixture.relativeError(record.lrs()[g], lrs.get(g).asDouble()));
        }
        if (reference64.has("norms")) {
          worstNorm = Math.max(
              worstNorm, GoldenFixture.relativeError(record.norm(), reference64.get("norms").get(k).asDouble()));
        }
        List<Tensor> values = run.values();
        for (int i = 0; i < values.size(); i++) {
          Tensor want = GoldenFixture.tensor(expected.get("params").get(k).get(i), DType.FLOAT64);
          double error = GoldenFixture.error(values.get(i), want);
          worstParam = Math.max(worstParam, error);
          String param = FixtureRun.PARAM_NAMES.get(i);
          Tensor actual = values.get(i);
          int step = k + 1;
          assertTrue(
              error <= (f64 ? FLOAT64_TOLERANCE : FLOAT32_TOLERANCE),
              () -> String.format(
                  "%s %s: %s after step %d differs from PyTorch by %.3g%\nactual   %s%\nexpected %s",
                  name, dtype, param, step, error, actual, want));
        }
      }
    }
    double paramError = worstParam;
    double lrError = worstLr;
    double normError = worstNorm;
    assertTrue(lrError <= LR_TOLERANCE, () -> name + ": learning rates differ by " + lrError);
    assertTrue(
        normError <= (f64 ? FLOAT64_TOLERANCE : FLOAT32_TOLERANCE),
        () -> name + " " + dtype + ": clipped total norms differ by " + normError);
    synchronized (SUMMARY) {
      SUMMARY.add(String.format(
          Locale.ROOT, "%-40s %-7s params %.2e  lr %.2e  norm %.2e", name, dtype, paramError, lrError, normError));
    }
  }

  @AfterAll
  static void printSummary() {
    System.out.println("optim golden: worst error per case (max|a-b| / max(1, max|b|) over all steps)");
    SUMMARY.stream().sorted().forEach(System.out::println);
  }
}
