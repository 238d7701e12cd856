package dev.wengert.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wengert.autodiff.Var;
import dev.wengert.core.DType;
import dev.wengert.core.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class OptimizerTest {

  private static Var w() {
    return Var.parameter(Tensor.of(new double[] {1, -2, 3, -4, 5, -6}, 2, 3));
  }

  private static Var b() {
    return Var.parameter(Tensor.of(new double[] {0.5, -0.5, 1}, 3));
  }

  private static void giveGrads(List<Var> params) {
    for (Var p : params) {
      p.setGrad(Var.constant(p.value().mul(0.1).add(0.01)));
    }
  }

  private static String message(Executable executable) {
    return assertThrows(IllegalArgumentException.class, executable).getMessage();
  }

  @Test
  void stateDictNamesEveryEntry() {
    Var w = w();
    Var b = b();
    Adam adam = new Adam(
        List.of(ParamGroup.of(w), ParamGroup.of(b).lr(0.5).weightDecay(0.1)), Adam.options().amsgrad(true));
    giveGrads(List.of(w, b));
    adam.step();
    assertEquals(
        List.of(
            "state.0.step", "state.0.exp_avg", "state.0.exp_avg_sq", "state.0.max_exp_avg_sq",
            "state.1.step", "state.1.exp_avg", "state.1.exp_avg_sq", "state.1.max_exp_avg_sq",
            "group.0.lr", "group.0.beta1", "group.0.beta2", "group.0.eps", "group.0.weight_decay",
            "group.1.lr", "group.1.beta1", "group.1.beta2", "group.1.eps", "group.1.weight_decay"),
        List.copyOf(adam.stateDict().keySet()));
    Map<String, Tensor> state = adam.stateDict();
    assertEquals(DType.FLOAT64, state.get("state.1.step").dtype());
    assertEquals(0, state.get("state.1.step").rank());
    assertEquals(1.0, state.get("state.1.step").item());
    assertEquals(0.5, state.get("group.1.lr").item());
    assertEquals(0.1, state.get("group.1.weight_decay").item());
    assertEquals(0.0, state.get("group.0.weight_decay").item());
  }

  @Test
  void parametersWithoutGradientsAreSkipped() {
    Var w = w();
    Var b = b();
    Tensor before = b.value().copy();
    Adam adam = new Adam(ParamGroup.of(w, b), Adam.options());
    giveGrads(List.of(w));
    adam.step();
    assertTrue(b.value().valueEquals(before));
    assertFalse(adam.stateDict().containsKey("state.1.step"));
    assertTrue(adam.stateDict().containsKey("state.0.step"));
    adam.zeroGrad();
    assertNull(w.grad());
  }

  @Test
  void gradientsAreReadNotWritten() {
    Var w = w();
    Tensor grad = Tensor.of(new double[] {1, 2, 3}, 1, 3).expand(2, 3);
    w.setGrad(Var.constant(grad));
    new Sgd(ParamGroup.of(w), Sgd.options(0.1).momentum(0.9).weightDecay(0.1).nesterov(true)).step();
    assertTrue(grad.valueEquals(Tensor.of(new double[] {1, 2, 3}, 1, 3).expand(2, 3)));
  }

  @Test
  void sgdStateAppearsWithMomentumAndAdagradStateAtConstruction() {
    Sgd sgd = new Sgd(ParamGroup.of(w()), Sgd.options(0.1));
    assertEquals(List.of("group.0.lr", "group.0.momentum", "group.0.dampening", "group.0.weight_decay"),
        List.copyOf(sgd.stateDict().keySet()));
    Var w = w();
    Adagrad adagrad = new Adagrad(ParamGroup.of(w), Adagrad.options().initialAccumulatorValue(0.25));
    assertEquals(0.0, adagrad.stateDict().get("state.0.step").item());
    assertTrue(adagrad.stateDict().get("state.0.sum").valueEquals(Tensor.full(DType.FLOAT64, 0.25, 2, 3)));
  }

  @Test
  void groupsTakeDefaultsAndOverrides() {
    Var w = w();
    Var b = b();
    Sgd sgd = new Sgd(List.of(ParamGroup.of(w), ParamGroup.of(b).lr(0.01).set("momentum", 0.5)),
        Sgd.options(0.1).momentum(0.9).weightDecay(1e-4));
    assertEquals(0.1, sgd.groups().get(0).lr());
    assertEquals(0.9, sgd.groups().get(0).get(Sgd.MOMENTUM));
    assertEquals(0.01, sgd.groups().get(1).lr());
    assertEquals(0.5, sgd.groups().get(1).get(Sgd.MOMENTUM));
    assertEquals(1e-4, sgd.groups().get(1).weightDecay());
    assertEquals(List.of(w, b), sgd.params());
    sgd.groups().get(1).lr(0.02);
    assertEquals(0.02, sgd.groups().get(1).lr());
  }

  @Test
  void badHyperparametersAreRejected() {
    assertEquals("Sgd group 0: lr must be >= 0, got -0.1", message(() -> new Sgd(ParamGroup.of(w()), Sgd.options(-0.1))));
    assertEquals("Sgd group 0: momentum must be >= 0, got -0.5",
        message(() -> new Sgd(ParamGroup.of(w()), Sgd.options(0.1).momentum(-0.5))));
    assertEquals("Sgd group 0: weight_decay must be >= 0, got -1.0",
        message(() -> new Sgd(ParamGroup.of(w()), Sgd.options(0.1).weightDecay(-1))));
    assertEquals("Sgd group 0: nesterov needs momentum > 0 and dampening 0, got momentum 0.0 and dampening 0.0",
        message(() -> new Sgd(ParamGroup.of(w()), Sgd.options(0.1).nesterov(true))));
    assertEquals("Sgd group 0: nesterov needs momentum > 0 and dampening 0, got momentum 0.9 and dampening 0.1",
        message(() -> new Sgd(ParamGroup.of(w()), Sgd.options(0.1).momentum(0.9).dampening(0.1).nesterov(true))));
    assertEquals("Adam group 0: beta1 must be in [0, 1), got 1.0",
        message(() -> new Adam(ParamGroup.of(w()), Adam.options().betas(1.0, 0.999))));
    assertEquals("Adam group 0: beta2 must be in [0, 1), got -0.1",
        message(() -> new Adam(ParamGroup.of(w()), Adam.options().betas(0.9, -0.1))));
    assertEquals("Adam group 0: eps must be >= 0, got -1.0E-8",
        message(() -> new Adam(ParamGroup.of(w()), Adam.options().eps(-1e-8))));
    assertEquals("Adam group 0: lr must be >= 0, got NaN",
        message(() -> new Adam(ParamGroup.of(w()), Adam.options().lr(Double.NaN))));
    assertEquals("AdamW group 0: weight_decay must be >= 0, got -0.01",
        message(() -> new AdamW(ParamGroup.of(w()), AdamW.options().weightDecay(-0.01))));
    assertEquals("RmsProp group 0: alpha must be >= 0, got -0.9",
        message(() -> new RmsProp(ParamGroup.of(w()), RmsProp.options().alpha(-0.9))));
    assertEquals("RmsProp group 0: momentum must be >= 0, got -1.0",
        message(() -> new RmsProp(ParamGroup.of(w()), RmsProp.options().momentum(-1))));
    assertEquals("Adagrad group 0: lr_decay must be >= 0, got -0.1",
        message(() -> new Adagrad(ParamGroup.of(w()), Adagrad.options().lrDecay(-0.1))));
    assertEquals("Adagrad: initial_accumulator_value must be >= 0, got -1.0",
        message(() -> new Adagrad(ParamGroup.of(w()), Adagrad.options().initialAccumulatorValue(-1))));
  }

  @Test
  void badGroupsAreRejected() {
    assertEquals("Sgd group 1: lr must be >= 0, got -1.0",
        message(() -> new Sgd(List.of(ParamGroup.of(w()), ParamGroup.of(b()).lr(-1)), Sgd.options(0.1))));
    assertEquals(
        "Sgd group 0: unknown hyperparameter 'beta1'; Sgd has [lr, momentum, dampening, weight_decay]",
        message(() -> new Sgd(ParamGroup.of(w()).set("beta1", 0.5), Sgd.options(0.1))));
    Var w = w();
    assertEquals("Adam: a parameter of shape [2,3] appears twice (in groups 0 and 1)",
        message(() -> new Adam(List.of(ParamGroup.of(w), ParamGroup.of(w)), Adam.options())));
    assertEquals("Adam: no parameters to optimize", message(() -> new Adam(ParamGroup.of(), Adam.options())));
    assertEquals("Adam: no parameter groups", message(() -> new Adam(List.of(), Adam.options())));
    Var computed = w.mul(2.0);
    assertTrue(message(() -> new Adam(ParamGroup.of(computed), Adam.options())).startsWith(
        "Adam group 0: parameter 0 (shape [2,3]) is not a leaf"));
  }

  @Test
  void changesToAttachedGroupsAreChecked() {
    Sgd sgd = new Sgd(ParamGroup.of(w()), Sgd.options(0.1).momentum(0.9).nesterov(true));
    ParamGroup group = sgd.groups().get(0);
    assertEquals("Sgd group 0: lr must be >= 0, got -1.0", message(() -> group.lr(-1)));
    assertEquals(0.1, group.lr());
    assertEquals("Sgd group 0: nesterov needs momentum > 0 and dampening 0, got momentum 0.0 and dampening 0.0",
        message(() -> group.set(Sgd.MOMENTUM, 0)));
    assertEquals("Sgd group 0: unknown hyperparameter 'eps'; Sgd has [lr, momentum, dampening, weight_decay]",
        message(() -> group.set("eps", 1e-8)));
    assertEquals("Sgd group 0: no hyperparameter 'beta1'; it has [lr, momentum, dampening, weight_decay]",
        message(() -> group.get("beta1")));
  }

  @Test
  void gradientOfAnotherDtypeIsRejected() {
    Var w = w();
    w.setGrad(Var.constant(Tensor.zeros(DType.FLOAT32, 2, 3)));
    Sgd sgd = new Sgd(ParamGroup.of(w), Sgd.options(0.1));
    assertEquals("Sgd: parameter 0 (shape [2,3]) is float64 but its gradient is float32", message(sgd::step));
  }

  private static Adam trainedAdam() {
    Var w = w();
    Var b = b();
    Adam adam = new Adam(List.of(ParamGroup.of(w), ParamGroup.of(b)), Adam.options());
    giveGrads(List.of(w, b));
    adam.step();
    return adam;
  }

  @Test
  void loadStateDictListsEveryProblemAndChangesNothing() {
    Adam adam = trainedAdam();
    Map<String, Tensor> before = adam.stateDict();
    Map<String, Tensor> bad = new LinkedHashMap<>(before);
    bad.remove("group.1.eps");
    bad.remove("state.0.exp_avg_sq");
    bad.put("state.2.exp_avg", Tensor.zeros(DType.FLOAT64, 3));
    bad.put("state.0.momentum_buffer", Tensor.zeros(DType.FLOAT64, 2, 3));
    bad.put("optimizer", Tensor.zeros(DType.FLOAT64));
    bad.put("state.1.exp_avg", Tensor.zeros(DType.FLOAT64, 3, 1));
    bad.put("group.0.lr", Tensor.zeros(DType.FLOAT64, 1));
    assertEquals(
        "Adam.loadStateDict: the state dict does not fit this optimizer (2 parameters in 2 groups): "
            + "missing keys [state.0.exp_avg_sq, state.1.exp_avg, group.0.lr, group.1.eps]; "
            + "unexpected keys [state.2.exp_avg, state.0.momentum_buffer, optimizer]; "
            + "wrong shapes [state.1.exp_avg: [3,1], expected [3], group.0.lr: [1], expected []]",
        message(() -> adam.loadStateDict(bad)));
    assertStateEquals(before, adam.stateDict());
  }

  @Test
  void loadStateDictChecksHyperparameterValues() {
    Adam adam = trainedAdam();
    Map<String, Tensor> before = adam.stateDict();
    Map<String, Tensor> bad = new LinkedHashMap<>(before);
    bad.put("group.1.beta2", Tensor.scalar(DType.FLOAT64, 1.5));
    assertEquals("Adam group 1 in the state dict: beta2 must be in [0, 1), got 1.5",
        message(() -> adam.loadStateDict(bad)));
    assertStateEquals(before, adam.stateDict());
  }

  @Test
  void loadStateDictRejectsAnotherOptimizersState() {
    Var w = w();
    Var b = b();
    Sgd sgd = new Sgd(ParamGroup.of(w, b), Sgd.options(0.1).momentum(0.9));
    giveGrads(List.of(w, b));
    sgd.step();
    Adam adam = new Adam(ParamGroup.of(w(), b()), Adam.options());
    String message = message(() -> adam.loadStateDict(sgd.stateDict()));
    assertTrue(message.contains("missing keys [group.0.beta1, group.0.beta2, group.0.eps]"), message);
    assertTrue(message.contains(
        "unexpected keys [state.0.momentum_buffer, state.1.momentum_buffer, group.0.momentum, group.0.dampening]"),
        message);
  }

  @Test
  void loadStateDictRestoresExactlyAndConvertsDtype() {
    Adam adam = trainedAdam();
    Map<String, Tensor> saved = adam.stateDict();
    Adam fresh = new Adam(List.of(ParamGroup.of(w()), ParamGroup.of(b())), Adam.options().lr(0.5));
    fresh.loadStateDict(saved);
    assertStateEquals(saved, fresh.stateDict());
    assertEquals(1e-3, fresh.groups().get(0).lr());

    Var w32 = Var.parameter(Tensor.zeros(DType.FLOAT32, 2, 3));
    Var b32 = Var.parameter(Tensor.zeros(DType.FLOAT32, 3));
    Adam adam32 = new Adam(List.of(ParamGroup.of(w32), ParamGroup.of(b32)), Adam.options());
    adam32.loadStateDict(saved);
    assertEquals(DType.FLOAT32, adam32.stateDict().get("state.0.exp_avg").dtype());
    assertTrue(adam32.stateDict().get("state.0.exp_avg").valueEquals(saved.get("state.0.exp_avg").to(DType.FLOAT32)));
  }

  private static void assertStateEquals(Map<String, Tensor> expected, Map<String, Tensor> actual) {
    assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()));
    for (Map.Entry<String, Tensor> e : expected.entrySet()) {
      assertTrue(e.getValue().valueEquals(actual.get(e.getKey())), e.getKey());
    }
  }
}
