package dev.wengert.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wengert.autodiff.ops.Ops;
import dev.wengert.core.DType;
import dev.wengert.core.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Behaviour of the tape as a PyTorch user expects it: accumulation, release, scopes, hooks, versions, errors. */
class VarBackwardTest {

  private static Var vector(double... values) {
    return Var.of(values, values.length);
  }

  @Test
  void gradientsAccumulateAcrossBackwardCallsUntilZeroed() {
    Var x = vector(1, 2, 3);
    x.mul(x).sum().backward();
    x.mul(x).sum().backward();
    assertArrayEquals(new double[] {4, 8, 12}, x.grad().value().toDoubleArray());
    x.zeroGrad();
    assertNull(x.grad());
    x.mul(3).sum().backward();
    assertArrayEquals(new double[] {3, 3, 3}, x.grad().value().toDoubleArray());
  }

  @Test
  void aSecondBackwardNeedsRetainGraph() {
    Var x = vector(1, 2);
    Var loss = x.exp().sum();
    loss.backward(Var.constant(Tensor.scalar(DType.FLOAT64, 1)), true, false);
    loss.backward();
    assertArrayEquals(new double[] {2 * Math.exp(1), 2 * Math.exp(2)}, x.grad().value().toDoubleArray(), 1e-12);
    IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
    assertTrue(e.getMessage().contains("second time") && e.getMessage().contains("retainGraph"), e.getMessage());
  }

  @Test
  void tapeListsEntriesAndIsEmptyAfterBackwardAndClose() {
    Var w = vector(0.5, -0.5);
    try (Tape tape = Tape.open()) {
      Var loss = w.tanh().mul(w).sum();
      assertEquals(List.of("tanh", "mul", "sum"), tape.opNames());
      String dot = tape.toDot();
      assertTrue(dot.startsWith("digraph tape {") && dot.contains("tanh\\n[2]") && dot.contains("fillcolor"), dot);
      loss.backward();
      assertEquals(0, tape.size());
    }
    try (Tape tape = Tape.open()) {
      w.exp().sum();
      assertEquals(1 + 1, tape.size());
      try (Tape inner = Tape.open()) {
        w.log();
        assertEquals(1, inner.size());
        assertEquals(2, tape.size());
      }
      assertEquals(tape, Tape.current());
    }
    assertNull(Tape.current());
  }

  @Test
  void noGradRecordsNothing() {
    Var x = vector(1, 2);
    try (Tape tape = Tape.open();
        Autodiff.Scope scope = Autodiff.noGrad()) {
      Var y = x.exp();
      assertFalse(y.requiresGrad());
      assertFalse(Autodiff.isGradEnabled());
      assertEquals(0, tape.size());
      try (Autodiff.Scope again = Autodiff.enableGrad()) {
        assertTrue(x.exp().requiresGrad());
      }
    }
    assertTrue(Autodiff.isGradEnabled());
  }

  @Test
  void detachCutsTheGraphAndRetainGradKeepsIntermediates() {
    Var x = vector(1, 2);
    Var hidden = x.mul(x).retainGrad();
    Var cut = x.exp().detach();
    hidden.mul(Var.constant(Tensor.of(new double[] {3, 4}, 2))).add(cut).sum().backward();
    assertArrayEquals(new double[] {3, 4}, hidden.grad().value().toDoubleArray());
    assertArrayEquals(new double[] {6, 16}, x.grad().value().toDoubleArray());
    Var other = x.mul(x);
    other.sum().backward();
    assertNull(other.grad(), "an intermediate keeps no grad unless retainGrad");
  }

  @Test
  void hooksSeeAndReplaceTheTotalGradient() {
    Var x = vector(1, 2);
    List<double[]> seen = new ArrayList<>();
    Var.HookHandle handle = x.registerHook(g -> {
      seen.add(g.value().toDoubleArray());
      return g.mul(10);
    });
    x.mul(x).add(x).sum().backward();
    assertEquals(1, seen.size(), "the hook runs once, on the summed gradient");
    assertArrayEquals(new double[] {3, 5}, seen.get(0));
    assertArrayEquals(new double[] {30, 50}, x.grad().value().toDoubleArray());
    handle.remove();
    x.zeroGrad();
    x.sum().backward();
    assertArrayEquals(new double[] {1, 1}, x.grad().value().toDoubleArray());
  }

  @Test
  void inPlaceChangeOfASavedValueIsDetected() {
    Var x = vector(0.1, 0.2);
    Var y = x.exp();
    Var loss = y.sum();
    y.value().addInPlace(1.0);
    IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
    assertTrue(
        e.getMessage().contains("modified by an in-place operation")
            && e.getMessage().contains("exp")
            && e.getMessage().contains("version 1; expected version 0"),
        e.getMessage());
  }

  @Test
  void inPlaceChangeOfAValueTheRuleDoesNotNeedIsFine() {
    Var a = vector(1, 2);
    Var b = vector(3, 4);
    Var loss = a.add(b).sum();
    b.value().mulInPlace(2.0);
    loss.backward();
    assertArrayEquals(new double[] {1, 1}, a.grad().value().toDoubleArray());
  }

  @Test
  void anomalyModeNamesTheOpAndTheLineThatRecordedIt() {
    try (Autodiff.Scope anomaly = Autodiff.detectAnomaly()) {
      ArithmeticException forward = assertThrows(ArithmeticException.class, () -> vector(-1, 2).log());
      assertTrue(forward.getMessage().contains("log produced NaN"), forward.getMessage());
      assertTrue(forward.getMessage().contains("VarBackwardTest"), forward.getMessage());

      Var x = vector(0, 4);
      Var loss = x.sqrt().sum();
      ArithmeticException backward = assertThrows(ArithmeticException.class, loss::backward);
      assertTrue(backward.getMessage().contains("in the backward of sqrt (recorded at dev.wengert.autodiff.VarBackwardTest"), backward.getMessage());
      assertTrue(backward.getMessage().contains("VarBackwardTest.java"), backward.getMessage());
    }
  }

  @Test
  void badCallsGetClearErrors() {
    Var m = Var.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
    IllegalArgumentException nonScalar = assertThrows(IllegalArgumentException.class, () -> m.exp().backward());
    assertTrue(nonScalar.getMessage().contains("output of shape [2,3] is not a scalar"), nonScalar.getMessage());

    Var f = Var.parameter(Tensor.ones(DType.FLOAT32, 2, 3));
    IllegalArgumentException mix = assertThrows(IllegalArgumentException.class, () -> m.add(f));
    assertTrue(mix.getMessage().contains("add: dtypes float64 and float32 differ"), mix.getMessage());

    Var unrelated = vector(1, 2);
    Var loss = m.sum();
    IllegalArgumentException unused =
        assertThrows(IllegalArgumentException.class, () -> Autodiff.grad(loss, List.of(unrelated), false));
    assertTrue(unused.getMessage().contains("not on the graph"), unused.getMessage());
    Var zeros =
        Autodiff.grad(
                List.of(m.sum()), List.of(Var.constant(Tensor.scalar(DType.FLOAT64, 1))), List.of(unrelated), false, false, true)
            .get(0);
    assertArrayEquals(new double[] {0, 0}, zeros.value().toDoubleArray());

    IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> Ops.matmul(m, m));
    assertTrue(shape.getMessage().contains("matmul: shapes [2,3] and [2,3]"), shape.getMessage());
  }

  @Test
  void secondDerivatives() {
    double[] xs = {-1.5, 0.3, 2.0};
    Var x = vector(xs);
    Var dx = Autodiff.grad(x.pow(3).sum(), List.of(x), true).get(0);
    Var d2x = Autodiff.grad(dx.sum(), List.of(x), false).get(0);
    for (int i = 0; i < xs.length; i++) {
      assertEquals(3 * xs[i] * xs[i], dx.value().getFlat(i), 1e-12);
      assertEquals(6 * xs[i], d2x.value().getFlat(i), 1e-12);
    }
    Var t = vector(xs);
    Var dt = Autodiff.grad(t.tanh().sum(), List.of(t), true).get(0);
    Var d2t = Autodiff.grad(dt.sum(), List.of(t), false).get(0);
    for (int i = 0; i < xs.length; i++) {
      double th = Math.tanh(xs[i]);
      assertEquals(-2 * th * (1 - th * th), d2t.value().getFlat(i), 1e-12);
    }
  }

  @Test
  void hessianVectorProduct() {
    // f(x) = sum(x0 * x1^2 + exp(x0)); H = [[e^x0, 2x1], [2x1, 2x0]]
    Var x = vector(0.5, -2);
    Var x0 = Ops.narrow(x, 0, 0, 1);
    Var x1 = Ops.narrow(x, 0, 1, 1);
    Var f = x0.mul(x1.pow(2)).add(x0.exp()).sum();
    Var g = Autodiff.grad(f, List.of(x), true).get(0);
    Tensor v = Tensor.of(new double[] {1, 3}, 2);
    Var hv = Autodiff.grad(g.mul(Var.constant(v)).sum(), List.of(x), false).get(0);
    assertArrayEquals(
        new double[] {Math.exp(0.5) * 1 + 2 * -2 * 3, 2 * -2 * 1 + 2 * 0.5 * 3}, hv.value().toDoubleArray(), 1e-12);
  }
}
