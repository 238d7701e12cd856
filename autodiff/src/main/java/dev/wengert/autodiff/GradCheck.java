package dev.wengert.autodiff;

import static com.google.common.base.Preconditions.checkArgument;

import dev.wengert.core.DType;
import dev.wengert.core.Rng;
import dev.wengert.core.Shapes;
import dev.wengert.core.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Checks Jacobian rules against float64 central differences, for use in anyone's tests. The
 * output is projected on a fixed random vector {@code v}, so one backward pass gives {@code vᵀJ},
 * which is compared element by element with {@code (vᵀf(x + eps·e) - vᵀf(x - eps·e)) / 2eps}. An
 * element passes when {@code |analytical - numerical| <= atol + rtol·|numerical|} (PyTorch's
 * defaults: eps 1e-6, atol 1e-5, rtol 1e-3).
 */
public final class GradCheck {

  public static final double DEFAULT_EPS = 1e-6;
  public static final double DEFAULT_ATOL = 1e-5;
  public static final double DEFAULT_RTOL = 1e-3;

  private GradCheck() {}

  /** Checks first derivatives of {@code fn} at {@code inputs}; throws {@link AssertionError} naming the worst element. */
  public static void check(String name, Function<List<Var>, Var> fn, Var... inputs) {
    check(name, fn, DEFAULT_EPS, DEFAULT_ATOL, DEFAULT_RTOL, inputs);
  }

  /** {@link #check(String, Function, Var...)} with explicit tolerances. */
  public static void check(
      String name, Function<List<Var>, Var> fn, double eps, double atol, double rtol, Var... inputs) {
    List<Var> in = validate(name, inputs);
    Var output = fn.apply(in);
    Tensor projection = Tensor.randn(new Rng(name.hashCode()), DType.FLOAT64, output.shape());
    List<Var> differentiable = requiringGrad(in);
    if (differentiable.isEmpty()) {
      return;
    }
    if (!output.requiresGrad()) {
      throw new AssertionError(name + ": output does not depend on any input that requires grad");
    }
    List<Var> analytical =
        Autodiff.grad(List.of(output), List.of(Var.constant(projection)), differentiable, false, false, true);
    int k = 0;
    for (int i = 0; i < in.size(); i++) {
      if (!in.get(i).requiresGrad()) {
        continue;
      }
      compare(name, i, in, fn, projection, analytical.get(k++).value(), eps, atol, rtol);
    }
  }

  /**
   * Checks second derivatives, as PyTorch's gradgradcheck: the function {@code (x, v) -> Σᵢ <wᵢ,
   * ∂(vᵀf)/∂xᵢ>}, with the gradient recorded through {@code createGraph} and fixed random {@code
   * wᵢ}, is itself checked with {@link #check} with respect to the inputs and the seed {@code v}.
   * This exercises every rule's own backward, including for linear ops whose Hessian is zero.
   */
  public static void checkSecondOrder(String name, Function<List<Var>, Var> fn, Var... inputs) {
    List<Var> in = validate(name, inputs);
    Var probe = fn.apply(in);
    Var seed = Var.parameter(Tensor.randn(new Rng(name.hashCode() + 1L), DType.FLOAT64, probe.shape()));
    List<Tensor> weights = new ArrayList<>();
    Rng rng = new Rng(name.hashCode() + 2L);
    for (Var v : requiringGrad(in)) {
      weights.add(Tensor.randn(rng, DType.FLOAT64, v.shape()));
    }
    int n = inputs.length;
    Function<List<Var>, Var> gradientProjection =
        all -> {
          List<Var> xs = all.subList(0, n);
          Var out = fn.apply(xs);
          List<Var> grads = Autodiff.grad(List.of(out), List.of(all.get(n)), requiringGrad(xs), true, true, true);
          Var total = null;
          for (int i = 0; i < grads.size(); i++) {
            Var term = grads.get(i).mul(Var.constant(weights.get(i))).sum();
            total = total == null ? term : total.add(term);
          }
          return total;
        };
    Var[] withSeed = java.util.Arrays.copyOf(inputs, n + 1);
    withSeed[n] = seed;
    check(name + " (second order)", gradientProjection, withSeed);
  }

  private static List<Var> validate(String name, Var[] inputs) {
    checkArgument(inputs.length > 0, "%s: no inputs", name);
    for (int i = 0; i < inputs.length; i++) {
      checkArgument(
          inputs[i].dtype() == DType.FLOAT64,
          "%s: input %s is %s; gradient checks need float64 inputs", name, i, inputs[i].dtype());
    }
    return List.of(inputs);
  }

  private static List<Var> requiringGrad(List<Var> in) {
    List<Var> out = new ArrayList<>();
    for (Var v : in) {
      if (v.requiresGrad()) {
        out.add(v);
      }
    }
    return out;
  }

  private static void compare(
      String name,
      int inputIndex,
      List<Var> in,
      Function<List<Var>, Var> fn,
      Tensor projection,
      Tensor analytical,
      double eps,
      double atol,
      double rtol) {
    Tensor x = in.get(inputIndex).value();
    double[] exact = analytical.toDoubleArray();
    int[] shape = x.shape();
    int[] index = new int[shape.length];
    for (int flat = 0; flat < x.numel(); flat++) {
      unravel(flat, shape, index);
      double original = x.get(index);
      x.set(original + eps, index);
      double plus = project(fn, in, projection);
      x.set(original - eps, index);
      double minus = project(fn, in, projection);
      x.set(original, index);
      double numerical = (plus - minus) / (2 * eps);
      double error = Math.abs(exact[flat] - numerical);
      if (!(error <= atol + rtol * Math.abs(numerical))) {
        throw new AssertionError(
            String.format(
                Locale.ROOT,
                "%s: gradient of input %d (shape %s) is wrong at element %s: analytical %.10g, numerical %.10g,"
                    + " abs error %.3g, rel error %.3g",
                name, inputIndex, Shapes.format(shape), Shapes.format(index), exact[flat], numerical, error,
                error / Math.max(Math.abs(numerical), 1e-300)));
      }
    }
  }

  /** {@code vᵀf(x)}; recorded like any call, since {@code fn} may itself differentiate (second order). */
  private static double project(Function<List<Var>, Var> fn, List<Var> in, Tensor projection) {
    return fn.apply(in).value().mul(projection).sum().item();
  }

  private static void unravel(int flat, int[] shape, int[] index) {
    for (int d = shape.length - 1; d >= 0; d--) {
      index[d] = flat % shape[d];
      flat /= shape[d];
    }
  }
}
