package dev.wengert.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wengert.autodiff.ops.Ops;
import dev.wengert.core.DType;
import dev.wengert.core.Rng;
import dev.wengert.core.Tensor;
import java.util.function.UnaryOperator;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

class FunctionalTest {

  private static final double EPS = 1e-6;

  /** Central differences of f's flattened output, column j per input element j. */
  private static DMatrixRMaj numericalJacobian(UnaryOperator<Var> f, Tensor x) {
    Tensor point = x.copy();
    int n = point.numel();
    int m = f.apply(Var.constant(point)).value().numel();
    DMatrixRMaj jacobian = new DMatrixRMaj(m, n);
    int[] shape = point.shape();
    for (int j = 0; j < n; j++) {
      Tensor plus = point.copy().reshape(n);
      plus.set(plus.get(j) + EPS, j);
      Tensor minus = point.copy().reshape(n);
      minus.set(minus.get(j) - EPS, j);
      double[] fp = f.apply(Var.constant(plus.reshape(shape))).value().toDoubleArray();
      double[] fm = f.apply(Var.constant(minus.reshape(shape))).value().toDoubleArray();
      for (int i = 0; i < m; i++) {
        jacobian.set(i, j, (fp[i] - fm[i]) / (2 * EPS));
      }
    }
    return jacobian;
  }

  private static void assertMatrixClose(DMatrixRMaj expected, DMatrixRMaj actual, double tolerance) {
    assertEquals(expected.numRows, actual.numRows);
    assertEquals(expected.numCols, actual.numCols);
    for (int i = 0; i < expected.data.length; i++) {
      assertEquals(expected.data[i], actual.data[i], tolerance, "element " + i);
    }
  }

  @Test
  void jacobianOfSoftmaxMatchesFiniteDifferences() {
    Tensor x = Tensor.randn(new Rng(3), DType.FLOAT64, 2, 3);
    UnaryOperator<Var> f = v -> Ops.softmax(v, 1);
    DMatrixRMaj jacobian = Functional.jacobian(f, x);
    assertMatrixClose(numericalJacobian(f, x), jacobian, 1e-8);
    // Rows of different samples do not interact.
    assertEquals(0.0, jacobian.get(0, 3), 0.0);
  }

  @Test
  void hessianMatchesTheJacobianOfTheGradient() {
    Tensor x = Tensor.randn(new Rng(5), DType.FLOAT64, 4);
    UnaryOperator<Var> f = v -> v.tanh().mul(v).sum().add(v.pow(3).sum());
    DMatrixRMaj hessian = Functional.hessian(f, x);
    UnaryOperator<Var> gradient = v -> {
      Var leaf = Var.parameter(v.value().copy());
      return Autodiff.grad(f.apply(leaf), java.util.List.of(leaf), false).get(0);
    };
    assertMatrixClose(numericalJacobian(gradient, x), hessian, 1e-7);
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        assertEquals(hessian.get(i, j), hessian.get(j, i), 1e-12, "symmetric");
      }
    }
  }
}
