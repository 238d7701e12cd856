package dev.wengert.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wengert.autodiff.Var;
import dev.wengert.autodiff.ops.Conv2dOptions;
import dev.wengert.core.DType;
import dev.wengert.core.Rng;
import dev.wengert.core.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModuleTest {

  /** The cnn-s model of the examples, layer for layer as PyTorch's nn.Sequential. */
  static Sequential cnnS(Rng rng) {
    return new Sequential(
        new Conv2d(1, 32, 3, Conv2dOptions.defaults().padding(1), rng),
        Activation.relu(),
        Pool2d.max(2),
        new Conv2d(32, 64, 3, Conv2dOptions.defaults().padding(1), rng),
        Activation.relu(),
        Pool2d.max(2),
        new Flatten(),
        new Linear(3136, 128, rng),
        Activation.relu(),
        new Linear(128, 10, rng));
  }

  @Test
  void stateDictKeysAndShapesAreThoseOfPyTorch() {
    Map<String, Tensor> state = cnnS(new Rng(0)).stateDict();
    assertEquals(List.of("0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "9.weight", "9.bias"), List.copyOf(state.keySet()));
    assertArrayEquals(new int[] {32, 1, 3, 3}, state.get("0.weight").shape());
    assertArrayEquals(new int[] {128, 3136}, state.get("7.weight").shape());
    Sequential withBn = new Sequential(new Conv2d(1, 4, 3, Conv2dOptions.defaults(), new Rng(1)), BatchNorm.batchNorm2d(4));
    assertEquals(
        List.of("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked"),
        List.copyOf(withBn.stateDict().keySet()));
  }

  @Test
  void loadStateDictRoundTripsAndListsEveryProblemAtOnce() {
    Sequential a = cnnS(new Rng(1));
    Sequential b = cnnS(new Rng(2));
    b.loadStateDict(a.stateDict(), true);
    a.stateDict().forEach((k, v) -> assertTrue(v.valueEquals(b.stateDict().get(k)), k));

    Map<String, Tensor> broken = new LinkedHashMap<>(a.stateDict());
    broken.remove("3.bias");
    broken.put("extra.weight", Tensor.zeros(DType.FLOAT32, 1));
    broken.put("9.weight", Tensor.zeros(DType.FLOAT32, 10, 64));
    Tensor before = b.stateDict().get("0.weight").copy();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(broken, true));
    assertTrue(e.getMessage().contains("missing keys: [3.bias]"), e.getMessage());
    assertTrue(e.getMessage().contains("unexpected keys: [extra.weight]"), e.getMessage());
    assertTrue(e.getMessage().contains("9.weight: checkpoint [10,64] vs model [10,128]"), e.getMessage());
    assertTrue(before.valueEquals(b.stateDict().get("0.weight")), "nothing changes when loading fails");
  }

  @Test
  void trainEvalAndZeroGradReachEveryChild() {
    Sequential model = cnnS(new Rng(3));
    model.eval();
    model.apply(m -> assertFalse(m.isTraining()));
    model.train();
    model.apply(m -> assertTrue(m.isTraining()));
    Var x = Var.constant(Tensor.randn(new Rng(4), DType.FLOAT32, 2, 1, 28, 28));
    model.forward(x).sum().backward();
    assertTrue(model.parameters().stream().allMatch(p -> p.grad() != null));
    model.zeroGrad();
    assertTrue(model.parameters().stream().allMatch(p -> p.grad() == null));
  }

  @Test
  void defaultInitialisationHasPyTorchsBounds() {
    Linear linear = new Linear(400, 120, new Rng(5));
    double bound = 1 / Math.sqrt(400);
    double[] w = linear.weight().value().toDoubleArray();
    double max = 0;
    for (double v : w) {
      max = Math.max(max, Math.abs(v));
    }
    assertTrue(max <= bound && max > 0.95 * bound, "max |w| = " + max + ", bound " + bound);
    double[] b = linear.bias().value().toDoubleArray();
    for (double v : b) {
      assertTrue(Math.abs(v) <= bound);
    }
    Tensor k = Init.kaimingNormal(new Rng(6), DType.FLOAT64, 0, 256, 64, 3, 3);
    double std = Math.sqrt(k.var(new int[0], 1, false).item());
    assertEquals(Math.sqrt(2.0 / (64 * 9)), std, 0.002);
    assertEquals(0, Init.xavierUniform(new Rng(7), DType.FLOAT64, 1, 3, 4).mean().item(), 0.5);
  }

  @Test
  void summaryUsesTheConvFormulaAndCountsParameters() {
    String table = Summary.of(cnnS(new Rng(8)), 1, 1, 28, 28);
    assertTrue(table.contains("[1,32,28,28]"), table);
    assertTrue(table.contains("[1,64,7,7]"), table);
    assertTrue(table.contains("[1,3136]"), table);
    assertTrue(table.contains("421,642"), table);
    assertTrue(table.contains("320"), table);
    // conv1: 32 maps of 28x28, 9 MACs each.
    assertTrue(table.contains(String.format("%,d", 32L * 28 * 28 * 9)), table);
  }

  @Test
  void customModuleInAFewLines() {
    Module scale =
        new Module() {
          private final Var factor = registerParameter("factor", Tensor.full(DType.FLOAT64, 2.0, 1));

          @Override
          public Var forward(Var x) {
            return x.mul(factor);
          }

          @Override
          public int[] outputShape(int[] inputShape) {
            return inputShape;
          }
        };
    Var y = scale.forward(Var.constant(Tensor.of(new double[] {1, 2, 3}, 3)));
    y.sum().backward();
    assertEquals(6, scale.namedParameters().get("factor").grad().item(), 0);
  }
}
