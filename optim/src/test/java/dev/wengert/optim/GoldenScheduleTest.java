package dev.wengert.optim;

import dev.wengert.autodiff.golden.GoldenFixture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wengert.autodiff.Var;
import dev.wengert.core.DType;
import dev.wengert.core.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every "schedule" case of optim.json: the learning rate (and the cycled momentum or beta1) of two
 * groups after construction and after each of 30 steps, compared with PyTorch's.
 */
class GoldenScheduleTest {

  @TestFactory
  Stream<DynamicTest> matchesPyTorch() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : GoldenFixture.cases("optim")) {
      if (c.get("kind").asText().equals("schedule")) {
        tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> check(c)));
      }
    }
    return tests.stream();
  }

  private static final List<String> SUMMARY = new ArrayList<>();

  @AfterAll
  static void printSummary() {
    System.out.println("optim golden schedules: worst relative error of lr and momentum over 31 values");
    SUMMARY.stream().sorted().forEach(System.out::println);
  }

  private static void check(JsonNode c) {
    String name = c.get("name").asText();
    double worstLr = 0;
    double worstMomentum = 0;
    List<ParamGroup> groups = new ArrayList<>();
    for (JsonNode lr : c.get("group_lrs")) {
      groups.add(ParamGroup.of(Var.parameter(Tensor.zeros(DType.FLOAT64, 2))).lr(lr.asDouble()));
    }
    JsonNode spec = c.get("optimizer").asText().equals("sgd")
        ? GoldenFixture.parse("{\"type\": \"sgd\", \"options\": {\"lr\": 0.1}}")
        : GoldenFixture.parse("{\"type\": \"" + c.get("optimizer").asText() + "\", \"options\": {}}");
    Optimizer optimizer = FixtureRun.optimizer(spec, groups);
    LrScheduler scheduler = FixtureRun.scheduler(c.get("scheduler"), optimizer);
    String momentum = optimizer.groups().get(0).has(Adam.BETA1) ? Adam.BETA1 : Sgd.MOMENTUM;
    JsonNode lrs = c.get("lrs");
    for (int k = 0; k < lrs.size(); k++) {
      if (k > 0) {
        optimizer.step();
        scheduler.step();
      }
      double[] actual = scheduler.lastLr();
      assertEquals(lrs.get(k).size(), actual.length, name);
      for (int g = 0; g < actual.length; g++) {
        double want = lrs.get(k).get(g).asDouble();
        double error = GoldenFixture.relativeError(actual[g], want);
        worstLr = Math.max(worstLr, error);
        int step = k;
        int group = g;
        assertTrue(
            error <= GoldenOptimizerTest.LR_TOLERANCE,
            () -> String.format("%s: lr of group %d after %d steps is %s, PyTorch's %s", name, group, step,
                actual[group], want));
        if (c.has("momenta")) {
          double m = optimizer.groups().get(g).get(momentum);
          double wantM = c.get("momenta").get(k).get(g).asDouble();
          worstMomentum = Math.max(worstMomentum, GoldenFixture.relativeError(m, wantM));
          assertTrue(
              GoldenFixture.relativeError(m, wantM) <= GoldenOptimizerTest.LR_TOLERANCE,
              () -> String.format("%s: %s of group %d after %d steps is %s, PyTorch's %s", name, momentum, group,
                  step, m, wantM));
        }
      }
    }
    synchronized (SUMMARY) {
      SUMMARY.add(String.format(Locale.ROOT, "%-34s lr %.2e  momentum %.2e", name, worstLr, worstMomentum));
    }
  }
}
