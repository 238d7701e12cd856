package dev.wengert.optim;

import dev.wengert.autodiff.golden.GoldenFixture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wengert.core.DType;
import dev.wengert.core.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * For every "optimizer" case of optim.json, in both dtypes: 10 steps, then the state dicts of the
 * optimizer (and scheduler) loaded into fresh ones over copies of the parameters, then 15 more steps,
 * give bit-identical parameters and learning rates to 25 uninterrupted steps; and the saved state dict
 * is a copy that later steps do not change.
 */
class ResumeTest {

  private static final int SAVE_AFTER = 10;

  @TestFactory
  Stream<DynamicTest> resumingIsBitIdentical() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : GoldenFixture.cases("optim")) {
      if (c.get("kind").asText().equals("optimizer")) {
        for (DType dtype : DType.values()) {
          tests.add(DynamicTest.dynamicTest(c.get("name").asText() + " " + dtype, () -> check(c, dtype)));
        }
      }
    }
    return tests.stream();
  }

  private static void check(JsonNode c, DType dtype) {
    String name = c.get("name").asText() + " " + dtype;
    int steps = c.get("grads").size();
    FixtureRun straight = new FixtureRun(c, dtype, null);
    List<double[]> straightLrs = new ArrayList<>();
    for (int k = 0; k < steps; k++) {
      straightLrs.add(straight.step().lrs());
    }

    FixtureRun first = new FixtureRun(c, dtype, null);
    for (int k = 0; k < SAVE_AFTER; k++) {
      first.step();
    }
    Map<String, Tensor> optimizerState = first.optimizer.stateDict();
    Map<String, Tensor> schedulerState = first.scheduler == null ? null : first.scheduler.stateDict();
    List<Tensor> saved = new ArrayList<>();
    for (Map.Entry<String, Tensor> e : optimizerState.entrySet()) {
      saved.add(e.getValue().copy());
    }

    FixtureRun resumed = new FixtureRun(c, dtype, first.values());
    resumed.optimizer.loadStateDict(optimizerState);
    if (schedulerState != null) {
      resumed.scheduler.loadStateDict(schedulerState);
    }
    resumed.nextStep = SAVE_AFTER;
    for (int k = SAVE_AFTER; k < steps; k++) {
      first.step();
      assertArrayEquals(straightLrs.get(k), resumed.step().lrs(), name + ": learning rates of step " + (k + 1));
    }
    for (int i = 0; i < FixtureRun.PARAM_NAMES.size(); i++) {
      String param = FixtureRun.PARAM_NAMES.get(i);
      assertTrue(
          resumed.values().get(i).valueEquals(straight.values().get(i)),
          () -> name + ": resumed " + param + " differs from the uninterrupted run");
      assertTrue(
          first.values().get(i).valueEquals(straight.values().get(i)),
          () -> name + ": saving the state changed the run's " + param);
    }
    int j = 0;
    for (Map.Entry<String, Tensor> e : optimizerState.entrySet()) {
      Tensor before = saved.get(j++);
      assertTrue(e.getValue().valueEquals(before), () -> name + ": " + e.getKey() + " changed after it was saved");
    }
  }
}
