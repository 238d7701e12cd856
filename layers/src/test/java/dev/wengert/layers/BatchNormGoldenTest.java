package dev.wengert.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wengert.autodiff.Var;
import dev.wengert.autodiff.golden.GoldenFixture;
import dev.wengert.core.DType;
import dev.wengert.core.Tensor;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** BatchNorm's training and evaluation outputs, gradients and running statistics equal PyTorch's. */
class BatchNormGoldenTest {

  @TestFactory
  Stream<DynamicTest> matchesPyTorch() {
    return GoldenFixture.cases("layers").stream().map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> check(c)));
  }

  private static void check(JsonNode c) {
    DType dtype = c.get("dtype").asText().equals("float32") ? DType.FLOAT32 : DType.FLOAT64;
    double tolerance = dtype == DType.FLOAT32 ? 1e-5 : 1e-10;
    int rank = c.get("input_shape").size();
    int channels = c.get("input_shape").get(1).asInt();
    BatchNorm bn = BatchNorm.of(channels, rank, 1e-5, 0.1, true, dtype);
    bn.namedParameters().get("weight").value().copyFrom(GoldenFixture.tensor(c.get("weight"), dtype));
    bn.namedParameters().get("bias").value().copyFrom(GoldenFixture.tensor(c.get("bias"), dtype));
    for (JsonNode step : c.get("steps")) {
      bn.train();
      bn.zeroGrad();
      Var x = Var.parameter(GoldenFixture.tensor(step.get("input"), dtype));
      Var y = bn.forward(x);
      y.backward(Var.constant(GoldenFixture.tensor(step.get("grad_output"), dtype)));
      assertClose("output", y.value(), step.get("output"), dtype, tolerance);
      assertClose("grad input", x.grad().value(), step.get("grad_input"), dtype, tolerance);
      assertClose("grad weight", bn.namedParameters().get("weight").grad().value(), step.get("grad_weight"), dtype, tolerance);
      assertClose("grad bias", bn.namedParameters().get("bias").grad().value(), step.get("grad_bias"), dtype, tolerance);
      assertClose("running mean", bn.stateDict().get("running_mean"), step.get("running_mean"), dtype, tolerance);
      assertClose("running var", bn.stateDict().get("running_var"), step.get("running_var"), dtype, tolerance);
    }
    bn.eval();
    Var y = bn.forward(Var.constant(GoldenFixture.tensor(c.get("eval").get("input"), dtype)));
    assertClose("eval output", y.value(), c.get("eval").get("output"), dtype, tolerance);
  }

  private static void assertClose(String what, Tensor actual, JsonNode expected, DType dtype, double tolerance) {
    double error = GoldenFixture.relativeError(actual, GoldenFixture.tensor(expected, dtype));
    assertTrue(error <= tolerance, what + ": relative error " + error);
  }
}
