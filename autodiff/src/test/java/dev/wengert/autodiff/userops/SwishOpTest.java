package dev.wengert.autodiff.userops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wengert.autodiff.BackwardContext;
import dev.wengert.autodiff.GradCheck;
import dev.wengert.autodiff.Op;
import dev.wengert.autodiff.OpRegistry;
import dev.wengert.autodiff.OpSpec;
import dev.wengert.autodiff.Var;
import dev.wengert.core.DType;
import dev.wengert.core.Rng;
import dev.wengert.core.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A user adds an op from their own package, without touching any framework file. */
class SwishOpTest {

  /** {@code y = x · sigmoid(x)}. Rule: {@code dx = g · (s + x · s · (1 - s))}, {@code s = sigmoid(x)}. */
  static final class Swish extends Op {
    @Override
    public String name() {
      return "swish";
    }

    @Override
    protected Tensor forward(Tensor... in) {
      return in[0].mul(in[0].sigmoid());
    }

    @Override
    protected Var[] backward(BackwardContext ctx, Var g) {
      Var x = ctx.input(0);
      Var s = x.sigmoid();
      return new Var[] {g.mul(s.add(x.mul(s).mul(s.neg().add(1))))};
    }
  }

  static Var swish(Var x) {
    return new Swish().apply(x);
  }

  @Test
  void registersUsesAndGradchecksACustomOp() {
    OpRegistry.register(
        new OpSpec(
            "swish",
            1,
            "y = x*sigmoid(x); dx = g*(s + x*s*(1-s))",
            rng -> List.of(new OpSpec.Sample("[3,4]", xs -> swish(xs.get(0)), List.of(Var.parameter(Tensor.randn(rng, DType.FLOAT64, 3, 4)))))));
    assertEquals("swish", OpRegistry.get("swish").name());

    Var w = Var.parameter(Tensor.randn(new Rng(1), DType.FLOAT64, 4, 2));
    Var x = Var.constant(Tensor.randn(new Rng(2), DType.FLOAT64, 3, 4));
    Var loss = swish(x.matmul(w)).sum();
    loss.backward();
    assertEquals(8, w.grad().value().numel());

    for (OpSpec.Sample sample : OpRegistry.get("swish").samples().apply(new Rng(0))) {
      Var[] inputs = sample.inputs().toArray(new Var[0]);
      GradCheck.check("swish", sample.fn(), inputs);
      GradCheck.checkSecondOrder("swish", sample.fn(), inputs);
    }
  }
}
