package dev.wengert.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wengert.autodiff.Var;
import dev.wengert.core.DType;
import dev.wengert.core.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The layer's state and bookkeeping around the fused op: buffers, batch counter, modes, no affine. */
class BatchNormTest {

  /** Two channels, four values each: means 2.5 and 25, unbiased variances 5/3 and 500/3. */
  private static Var fourByTwo() {
    return Var.constant(Tensor.of(new double[] {1, 10, 2, 20, 3, 30, 4, 40}, 4, 2));
  }

  @Test
  void trainingMovesTheRunningStatisticsAndCountsBatchesEvaluationDoesNeither() {
    BatchNorm bn = BatchNorm.of(2, 2, 1e-5, 0.1, true, DType.FLOAT64);
    bn.forward(fourByTwo());
    bn.forward(fourByTwo());
    Map<String, Tensor> state = bn.stateDict();
    assertEquals(List.of("weight", "bias", "running_mean", "running_var", "num_batches_tracked"), List.copyOf(state.keySet()));
    double m0 = 0.1 * 2.5 * (1 + 0.9);
    double m1 = 0.1 * 25 * (1 + 0.9);
    assertArrayEquals(new double[] {m0, m1}, state.get("running_mean").toDoubleArray(), 1e-14);
    double v0 = 0.81 + 0.1 * 5 / 3.0 * (1 + 0.9);
    double v1 = 0.81 + 0.1 * 500 / 3.0 * (1 + 0.9);
    assertArrayEquals(new double[] {v0, v1}, state.get("running_var").toDoubleArray(), 1e-12);
    assertEquals(2.0, state.get("num_batches_tracked").item());

    bn.eval();
    Var y = bn.forward(fourByTwo());
    assertEquals(2.0, bn.stateDict().get("num_batches_tracked").item());
    assertArrayEquals(new double[] {m0, m1}, bn.stateDict().get("running_mean").toDoubleArray(), 1e-14);
    assertEquals((1 - m0) / Math.sqrt(v0 + 1e-5), y.value().get(0, 0), 1e-14);
    assertEquals((40 - m1) / Math.sqrt(v1 + 1e-5), y.value().get(3, 1), 1e-14);
  }

  @Test
  void withoutAffineParametersOnlyTheBuffersAreState() {
    BatchNorm bn = BatchNorm.of(2, 3, 1e-5, 0.1, false, DType.FLOAT32);
    assertTrue(bn.parameters().isEmpty());
    assertEquals(List.of("running_mean", "running_var", "num_batches_tracked"), List.copyOf(bn.stateDict().keySet()));
    Var x = Var.parameter(Tensor.of(new float[] {1, 2, 3, 10, 20, 30, 4, 5, 6, 40, 50, 60}, 2, 2, 3));
    Var y = bn.forward(x);
    // channel 0 holds 1..6 and channel 1 holds 10..60: variances 35/12 and 3500/12
    assertEquals(-2.5 / Math.sqrt(35 / 12.0 + 1e-5), y.value().get(0, 0, 0), 1e-6);
    assertEquals(25 / Math.sqrt(3500 / 12.0 + 1e-5), y.value().get(1, 1, 2), 1e-6);
    y.sum().backward();
    assertArrayEquals(new double[12], x.grad().value().toDoubleArray(), 1e-6, "a constant gradient has zero mean-free part");
  }

  @Test
  void wrongInputNamesTheLayer() {
    BatchNorm bn = BatchNorm.batchNorm2d(3);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> bn.forward(Var.constant(Tensor.zeros(DType.FLOAT32, 2, 4, 5, 5))));
    assertTrue(e.getMessage().contains("BatchNorm2d(3, eps=1.0E-5, momentum=0.1): expects input of rank 4 with 3 channels"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> bn.forward(Var.constant(Tensor.zeros(DType.FLOAT32, 1, 3, 1, 1))));
    assertTrue(e.getMessage().contains("training needs more than one value per channel"), e.getMessage());
  }
}
