package dev.wengert.autodiff;

import static com.google.common.base.Preconditions.checkArgument;

import dev.wengert.core.DType;
import dev.wengert.core.Shapes;
import dev.wengert.core.Tensor;
import java.util.List;
import java.util.function.UnaryOperator;
import org.ejml.data.DMatrixRMaj;

/**
 * Whole derivative matrices of small functions, for research and checking: one reverse pass per
 * output element (Jacobian) or per gradient element (Hessian). Inputs and outputs are flattened
 * in row-major order.
 */
public final class Functional {

  private Functional() {}

  /** {@code J[i][j] = ∂f(x)ᵢ / ∂xⱼ}, an {@code numel(f(x)) × numel(x)} matrix. */
  public static DMatrixRMaj jacobian(UnaryOperator<Var> f, Tensor x) {
    Var input = Var.parameter(x.to(DType.FLOAT64).copy());
    Var output = f.apply(input);
    int m = output.value().numel();
    int n = input.value().numel();
    DMatrixRMaj jacobian = new DMatrixRMaj(m, n);
    if (!output.requiresGrad()) {
      return jacobian;
    }
    for (int i = 0; i < m; i++) {
      Var row = Autodiff.grad(List.of(output), List.of(oneHot(output.shape(), i)), List.of(input), true, false, true).get(0);
      double[] values = row.value().toDoubleArray();
      System.arraycopy(values, 0, jacobian.data, i * n, n);
    }
    return jacobian;
  }

  /** {@code H[i][j] = ∂²f(x) / ∂xᵢ∂xⱼ} of a scalar function, an {@code numel(x) × numel(x)} matrix. */
  public static DMatrixRMaj hessian(UnaryOperator<Var> f, Tensor x) {
    Var input = Var.parameter(x.to(DType.FLOAT64).copy());
    Var output = f.apply(input);
    checkArgument(
        output.value().numel() == 1,
        "hessian: f must return a scalar, got shape %s", Shapes.lazy(output.shape()));
    int n = input.value().numel();
    DMatrixRMaj hessian = new DMatrixRMaj(n, n);
    if (!output.requiresGrad()) {
      return hessian;
    }
    Var gradient = Autodiff.grad(output, List.of(input), true).get(0);
    if (!gradient.requiresGrad()) {
      return hessian;
    }
    for (int i = 0; i < n; i++) {
      Var row = Autodiff.grad(List.of(gradient), List.of(oneHot(gradient.shape(), i)), List.of(input), true, false, true).get(0);
      System.arraycopy(row.value().toDoubleArray(), 0, hessian.data, i * n, n);
    }
    return hessian;
  }

  private static Var oneHot(int[] shape, int flatIndex) {
    double[] data = new double[Shapes.numel(shape)];
    data[flatIndex] = 1;
    return Var.constant(Tensor.of(data, shape));
  }
}
