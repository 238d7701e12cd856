package dev.wengert.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wengert.autodiff.Var;
import dev.wengert.core.DType;
import dev.wengert.core.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClippingTest {

  private static Var withGrad(double... grad) {
    Var p = Var.parameter(Tensor.zeros(DType.FLOAT64, grad.length));
    p.setGrad(Var.constant(Tensor.of(grad, grad.length)));
    return p;
  }

  @Test
  void clipsTheTotalNormAndLeavesTheOldGradientAlone() {
    Var a = withGrad(3, 0);
    Var b = withGrad(0, 4);
    Var none = Var.parameter(Tensor.zeros(DType.FLOAT64, 2));
    Tensor oldGrad = a.grad().value();
    double total = Clipping.clipGradNorm(List.of(a, b, none), 1.0);
    assertEquals(5.0, total);
    double coef = 1.0 / (5.0 + 1e-6);
    assertTrue(a.grad().value().valueEquals(Tensor.of(new double[] {3 * coef, 0}, 2)));
    assertTrue(b.grad().value().valueEquals(Tensor.of(new double[] {0, 4 * coef}, 2)));
    assertTrue(oldGrad.valueEquals(Tensor.of(new double[] {3, 0}, 2)));
    assertEquals(null, none.grad());
  }

  @Test
  void normsBelowTheLimitAreKept() {
    Var a = withGrad(-3, 1);
    Var grad = a.grad();
    assertEquals(3.0, Clipping.clipGradNorm(List.of(a), 10, Double.POSITIVE_INFINITY));
    assertEquals(4.0, Clipping.clipGradNorm(List.of(a), 10, 1));
    assertSame(grad, a.grad());
    assertEquals(0.0, Clipping.clipGradNorm(List.of(Var.parameter(Tensor.zeros(DType.FLOAT64, 2))), 1));
  }

  @Test
  void clipsValues() {
    Var a = withGrad(-3, 0.25, 2);
    Clipping.clipGradValue(List.of(a), 0.5);
    assertTrue(a.grad().value().valueEquals(Tensor.of(new double[] {-0.5, 0.25, 0.5}, 3)));
  }

  @Test
  void badArgumentsAreRejected() {
    List<Var> params = List.of(withGrad(1, 2));
    assertEquals("clipGradNorm: maxNorm must be >= 0, got -1.0",
        assertThrows(IllegalArgumentException.class, () -> Clipping.clipGradNorm(params, -1)).getMessage());
    assertEquals("clipGradNorm: normType must be > 0 or Double.POSITIVE_INFINITY, got 0.0",
        assertThrows(IllegalArgumentException.class, () -> Clipping.clipGradNorm(params, 1, 0)).getMessage());
    assertEquals("clipGradValue: clipValue must be >= 0, got -0.5",
        assertThrows(IllegalArgumentException.class, () -> Clipping.clipGradValue(params, -0.5)).getMessage());
  }
}
