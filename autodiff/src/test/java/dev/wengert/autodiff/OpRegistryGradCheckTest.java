package dev.wengert.autodiff;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.wengert.core.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every registered op, on every one of its samples, passes first- and second-order gradient checks. */
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
    }
    return DynamicContainer.dynamicContainer(spec.name(), tests);
  }
}
