package dev.wengert.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wengert.autodiff.Var;
import dev.wengert.core.DType;
import dev.wengert.core.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class SchedulerTest {

  private static Sgd sgd(int groups) {
    ParamGroup[] specs = new ParamGroup[groups];
    for (int i = 0; i < groups; i++) {
      specs[i] = ParamGroup.of(Var.parameter(Tensor.zeros(DType.FLOAT64, 2)));
    }
    return new Sgd(List.of(specs), Sgd.options(0.1).momentum(0.9));
  }

  private static String message(Executable executable) {
    return assertThrows(IllegalArgumentException.class, executable).getMessage();
  }

  @Test
  void badArgumentsAreRejected() {
    assertEquals("StepLR: stepSize must be > 0, got 0", message(() -> new StepLR(sgd(1), 0, 0.5)));
    assertEquals("StepLR: gamma must be finite and > 0, got 0.0", message(() -> new StepLR(sgd(1), 3, 0)));
    assertEquals("MultiStepLR: milestones must be >= 0, got [3, -1]",
        message(() -> new MultiStepLR(sgd(1), new int[] {3, -1}, 0.1)));
    assertEquals("ExponentialLR: gamma must be finite and > 0, got NaN",
        message(() -> new ExponentialLR(sgd(1), Double.NaN)));
    assertEquals("CosineAnnealingLR: tMax must be > 0, got 0", message(() -> new CosineAnnealingLR(sgd(1), 0, 0)));
    assertEquals("CosineAnnealingLR: etaMin must be finite and >= 0, got -0.1",
        message(() -> new CosineAnnealingLR(sgd(1), 10, -0.1)));
    assertEquals("LinearLR: startFactor must be in (0, 1], got 0.0", message(() -> new LinearLR(sgd(1), 0, 1, 5)));
    assertEquals("LinearLR: endFactor must be in [0, 1], got 1.5", message(() -> new LinearLR(sgd(1), 0.5, 1.5, 5)));
    assertEquals("LinearLR: totalIters must be > 0, got 0", message(() -> new LinearLR(sgd(1), 0.5, 1, 0)));
    assertEquals("OneCycleLR: totalSteps must be > 0, got 0",
        message(() -> new OneCycleLR(sgd(1), OneCycleLR.options(0.1, 0))));
    assertEquals("OneCycleLR: maxLr must be finite and > 0, got [-0.1]",
        message(() -> new OneCycleLR(sgd(1), OneCycleLR.options(-0.1, 10))));
    assertEquals("OneCycleLR: expected 1 or 2 values of maxLr (one per group), got 3",
        message(() -> new OneCycleLR(sgd(2), OneCycleLR.options(new double[] {0.1, 0.2, 0.3}, 10))));
    assertEquals("OneCycleLR: pctStart must be in [0, 1], got 1.5",
        message(() -> new OneCycleLR(sgd(1), OneCycleLR.options(0.1, 10).pctStart(1.5))));
    assertEquals(
        "OneCycleLR: pctStart 0.05 of 10 total steps leaves a phase without steps (phase ends at step -0.5, "
            + "after step 0.0); use more steps or a pctStart further from 0 and 1",
        message(() -> new OneCycleLR(sgd(1), OneCycleLR.options(0.1, 10).pctStart(0.05))));
    assertEquals("OneCycleLR: need 0 <= baseMomentum <= maxMomentum, got baseMomentum 0.95 and maxMomentum 0.85",
        message(() -> new OneCycleLR(sgd(1), OneCycleLR.options(0.1, 10).baseMomentum(0.95).maxMomentum(0.85))));
    Adagrad adagrad = new Adagrad(ParamGroup.of(Var.parameter(Tensor.zeros(DType.FLOAT64, 2))), Adagrad.options());
    assertEquals(
        "OneCycleLR: cycleMomentum needs an optimizer with momentum or beta1, but Adagrad has "
            + "[lr, lr_decay, weight_decay, eps]; pass cycleMomentum(false)",
        message(() -> new OneCycleLR(adagrad, OneCycleLR.options(0.1, 10))));
    new OneCycleLR(adagrad, OneCycleLR.options(0.1, 10).cycleMomentum(false));
  }

  @Test
  void oneCycleStopsAfterTotalSteps() {
    OneCycleLR scheduler = new OneCycleLR(sgd(1), OneCycleLR.options(0.1, 5));
    for (int i = 0; i < 5; i++) {
      scheduler.step();
    }
    IllegalStateException e = assertThrows(IllegalStateException.class, scheduler::step);
    assertEquals("OneCycleLR: step() was called 6 times after construction, more than its 5 total steps", e.getMessage());
    assertEquals(5, scheduler.lastEpoch());
  }

  @Test
  void stateDictRoundTripsAndRejectsMismatches() {
    Sgd sgd = sgd(2);
    CosineAnnealingLR scheduler = new CosineAnnealingLR(sgd, 7, 0.001);
    for (int i = 0; i < 4; i++) {
      scheduler.step();
    }
    Map<String, Tensor> state = scheduler.stateDict();
    assertEquals(List.of("last_epoch", "step_count", "base_lrs", "last_lr"), List.copyOf(state.keySet()));
    assertEquals(4.0, state.get("last_epoch").item());
    assertEquals(5.0, state.get("step_count").item());

    Sgd other = sgd(2);
    CosineAnnealingLR restored = new CosineAnnealingLR(other, 7, 0.001);
    other.loadStateDict(sgd.stateDict());
    restored.loadStateDict(state);
    assertEquals(4, restored.lastEpoch());
    assertArrayEquals(scheduler.lastLr(), restored.lastLr());
    scheduler.step();
    restored.step();
    assertArrayEquals(scheduler.lastLr(), restored.lastLr());

    CosineAnnealingLR oneGroup = new CosineAnnealingLR(sgd(1), 7, 0.001);
    assertEquals(
        "CosineAnnealingLR.loadStateDict: the state dict does not fit this scheduler (1 groups): "
            + "base_lrs has shape [2], expected [1]; last_lr has shape [2], expected [1]",
        message(() -> oneGroup.loadStateDict(state)));
    Map<String, Tensor> bad = new LinkedHashMap<>(state);
    bad.remove("step_count");
    bad.put("gamma", Tensor.scalar(DType.FLOAT64, 0.5));
    assertEquals(
        "CosineAnnealingLR.loadStateDict: the state dict does not fit this scheduler (2 groups): "
            + "unexpected key gamma; missing key step_count",
        message(() -> restored.loadStateDict(bad)));
    Map<String, Tensor> late = new LinkedHashMap<>(state);
    late.put("last_epoch", Tensor.scalar(DType.FLOAT64, 50));
    OneCycleLR oneCycle = new OneCycleLR(sgd(2), OneCycleLR.options(0.1, 20));
    assertEquals("OneCycleLR.loadStateDict: last_epoch 50 is past the schedule's 20 total steps",
        message(() -> oneCycle.loadStateDict(late)));
  }

  @Test
  void schedulersChainThroughTheGroupsLearningRate() {
    Sgd sgd = sgd(1);
    LinearLR warmup = new LinearLR(sgd, 0.5, 1.0, 2);
    ExponentialLR decay = new ExponentialLR(sgd, 0.5);
    assertEquals(0.05, sgd.groups().get(0).lr(), 1e-15);
    warmup.step();
    decay.step();
    assertEquals(0.1 * 0.75 * 0.5, sgd.groups().get(0).lr(), 1e-15);
  }
}
