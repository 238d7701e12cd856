package dev.wengert.autodiff;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wengert.core.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class GradCheckTest {

  /** {@code y = x²} with a rule that is off by a factor at one element, as a buggy user op would be. */
  private static final class SquareWithWrongRule extends Op {
    @Override
    public String name() {
      return "square_wrong";
    }

    @Override
    protected Tensor forward(Tensor... in) {
      return in[0].square();
    }

    @Override
    protected Var[] backward(BackwardContext ctx, Var g) {
      Tensor factor = Tensor.full(g.dtype(), 2.0, g.shape());
      factor.set(2.2, 1);
      return new Var[] {g.mul(ctx.input(0)).mul(Var.constant(factor))};
    }
  }

  @Test
  void reportsTheWrongElementWithBothValues() {
    Var x = Var.of(new double[] {0.5, -1.0, 2.0}, 3);
    AssertionError e =
        assertThrows(AssertionError.class, () -> GradCheck.check("square_wrong", xs -> new SquareWithWrongRule().apply(xs.get(0)), x));
    assertTrue(e.getMessage().contains("square_wrong: gradient of input 0 (shape [3]) is wrong at element [1]"), e.getMessage());
    assertTrue(e.getMessage().contains("analytical") && e.getMessage().contains("numerical"), e.getMessage());
  }

  @Test
  void secondOrderCatchesARuleThatIsNotDifferentiable() {
    // The rule computes the right first derivative but from raw tensors, cutting the graph.
    Op detachedRule =
        new Op() {
          @Override
          public String name() {
            return "cube_detached_rule";
          }

          @Override
          protected Tensor forward(Tensor... in) {
            return in[0].pow(3);
          }

          @Override
          protected Var[] backward(BackwardContext ctx, Var g) {
            Tensor d = ctx.input(0).value().square().mul(3).mul(g.value());
            return new Var[] {Var.constant(d)};
          }
        };
    Var x = Var.of(new double[] {0.5, -1.0, 2.0}, 3);
    assertDoesNotThrow(() -> GradCheck.check("cube", xs -> detachedRule.apply(xs.get(0)), x));
    assertThrows(AssertionError.class, () -> GradCheck.checkSecondOrder("cube", xs -> detachedRule.apply(xs.get(0)), x));
  }

  @Test
  void refusesFloat32Inputs() {
    Var x = Var.parameter(Tensor.ones(dev.wengert.core.DType.FLOAT32, 2));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> GradCheck.check("f", xs -> xs.get(0).exp(), x));
    assertTrue(e.getMessage().contains("float64"), e.getMessage());
  }

  @Test
  void passesOnACompositeFunction() {
    Var a = Var.of(new double[] {0.3, -0.7, 1.1, 0.2, -0.4, 0.9}, 2, 3);
    Var b = Var.of(new double[] {0.5, 1.5, -0.5}, 3);
    GradCheck.check("tanh(a*b)+exp(a)", xs -> xs.get(0).mul(xs.get(1)).tanh().add(xs.get(0).exp()).sum(), a, b);
    GradCheck.checkSecondOrder("tanh(a*b)+exp(a)", xs -> xs.get(0).mul(xs.get(1)).tanh().add(xs.get(0).exp()).sum(), a, b);
  }
}
