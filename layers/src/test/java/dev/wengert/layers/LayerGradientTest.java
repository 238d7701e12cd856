package dev.wengert.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wengert.autodiff.GradCheck;
import dev.wengert.autodiff.Var;
import dev.wengert.autodiff.ops.Conv2dOptions;
import dev.wengert.core.DType;
import dev.wengert.core.PaddingMode;
import dev.wengert.core.Rng;
import dev.wengert.core.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every layer's gradients (input and parameters) pass the float64 gradient check. */
class LayerGradientTest {

  private static DynamicTest check(String name, Module layer, int... inputShape) {
    return DynamicTest.dynamicTest(name, () -> {
      Var x = Var.parameter(Tensor.randn(new Rng(name.hashCode()), DType.FLOAT64, inputShape));
      List<Var> inputs = new ArrayList<>();
      inputs.add(x);
      inputs.addAll(layer.parameters());
      GradCheck.check(name, xs -> layer.forward(xs.get(0)), inputs.toArray(new Var[0]));
    });
  }

  @TestFactory
  Stream<DynamicTest> layers() {
    Rng rng = new Rng(11);
    return Stream.of(
        check("Linear", new Linear(4, 3, true, DType.FLOAT64, rng), 2, 4),
        check("Conv2d stride 2 reflect", new Conv2d(2, 3, 3, 3, Conv2dOptions.defaults().stride(2).padding(1).paddingMode(PaddingMode.REFLECT), true, DType.FLOAT64, rng), 2, 2, 5, 5),
        check("Conv2d groups same", new Conv2d(4, 4, 2, 2, Conv2dOptions.defaults().groups(2).paddingSame(), false, DType.FLOAT64, rng), 1, 4, 4, 4),
        check("BatchNorm2d train", BatchNorm.of(3, 4, 1e-5, 0.1, true, DType.FLOAT64), 4, 3, 2, 2),
        check("BatchNorm2d eval", (BatchNorm) BatchNorm.of(3, 4, 1e-5, 0.1, true, DType.FLOAT64).eval(), 2, 3, 2, 2),
        check("BatchNorm1d train", BatchNorm.of(5, 2, 1e-5, 0.1, true, DType.FLOAT64), 6, 5),
        check("Pool2d max", Pool2d.max(2), 1, 2, 4, 4),
        check("Pool2d adaptive avg", Pool2d.adaptiveAvg(2, 3), 1, 2, 5, 7),
        check("Flatten", new Flatten(), 2, 3, 2, 2),
        check("GELU", Activation.gelu(), 3, 4),
        check("Sequential", new Sequential(new Linear(3, 5, true, DType.FLOAT64, rng), Activation.tanh(), new Linear(5, 2, true, DType.FLOAT64, rng)), 4, 3));
  }

  @Test
  void dropoutZeroesAboutPAndScalesTheRestInTrainingOnly() {
    Dropout dropout = new Dropout(0.25, new Rng(3));
    Var x = Var.constant(Tensor.ones(DType.FLOAT64, 100_000));
    double[] y = dropout.forward(x).value().toDoubleArray();
    int zeros = 0;
    for (double v : y) {
      if (v == 0) {
        zeros++;
      } else {
        assertEquals(1 / 0.75, v, 1e-15);
      }
    }
    assertEquals(0.25, zeros / 100_000.0, 0.005);
    double[] again = new Dropout(0.25, new Rng(3)).forward(x).value().toDoubleArray();
    assertTrue(java.util.Arrays.equals(y, again), "the same seed gives the same mask");
    dropout.eval();
    assertTrue(dropout.forward(x) == x, "evaluation is the identity");
  }
}
