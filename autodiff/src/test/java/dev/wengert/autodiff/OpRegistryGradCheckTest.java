package dev.wengert.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wengert.core.Rng;
import dev.wengert.core.Tensor;
import dev.wengert.core.TensorScope;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every registered op, on every one of its samples, passes first- and second-order gradient checks,
 * and gives the same bits when its outputs reuse memory (in a poisoning {@link TensorScope}, where
 * an element an op leaves unwritten is NaN).
 */
class OpRegistryGradCheckTest {

  @TestFactory
  Stream<DynamicNode> everyRegisteredOp() {
    return OpRegistry.all().stream().map(OpRegistryGradCheckTest::checksFor);
  }

  private static DynamicContainer checksFor(OpSpec spec) {
    List<OpSpec.Sample> samples = spec.samples().apply(new Rng(spec.name().hashCode()));
    List<DynamicNode> tests = new ArrayList<>();
    tests.add(
        DynamicTest.dynamicTest(
            "has samples", () -> assertFalse(samples.isEmpty(), spec.name() + " is registered without samples")));
    for (OpSpec.Sample sample : samples) {
      String name = spec.name() + " " + sample.description();
      Var[] inputs = sample.inputs().toArray(new Var[0]);
      tests.add(DynamicTest.dynamicTest(sample.description() + " first order", () -> GradCheck.check(name, sample.fn(), inputs)));
      tests.add(
          DynamicTest.dynamicTest(
              sample.description() + " second order", () -> GradCheck.checkSecondOrder(name, sample.fn(), inputs)));
      tests.add(DynamicTest.dynamicTest(sample.description() + " in reused memory", () -> checkReusedMemory(sample)));
    }
    return DynamicContainer.dynamicContainer(spec.name(), tests);
  }

  private static void checkReusedMemory(OpSpec.Sample sample) {
    List<Tensor> fresh = valueAndGradients(sample);
    try (TensorScope warmUp = TensorScope.openPoisoning()) {
      valueAndGradients(sample);
    }
    try (TensorScope reused = TensorScope.openPoisoning()) {
      List<Tensor> again = valueAndGradients(sample);
      assertEquals(fresh.size(), again.size());
      for (int i = 0; i < fresh.size(); i++) {
        assertTrue(again.get(i).valueEquals(fresh.get(i)), "result " + i + " (0: output, then gradients of each order)");
      }
    }
  }

  /** The output, its gradients for a random seed, and the gradients of those for another. */
  private static List<Tensor> valueAndGradients(OpSpec.Sample sample) {
    List<Var> inputs = sample.inputs().stream().filter(Var::requiresGrad).toList();
    Var out = sample.fn().apply(sample.inputs());
    List<Tensor> results = new ArrayList<>(List.of(out.value().copy()));
    if (inputs.isEmpty()) {
      return results;
    }
    Rng rng = new Rng(7);
    Var seed = Var.constant(Tensor.randn(rng, out.dtype(), out.shape()));
    List<Var> grads = Autodiff.grad(List.of(out), List.of(seed), inputs, true, true, true);
    List<Var> recorded = new ArrayList<>();
    List<Var> secondSeeds = new ArrayList<>();
    for (Var g : grads) {
      results.add(g.value().copy());
      if (g.requiresGrad()) {
        recorded.add(g);
        secondSeeds.add(Var.constant(Tensor.randn(rng, g.dtype(), g.shape())));
      }
    }
    if (!recorded.isEmpty()) {
      for (Var g2 : Autodiff.grad(recorded, secondSeeds, inputs, false, false, true)) {
        results.add(g2.value().copy());
      }
    }
    return results;
  }
}
