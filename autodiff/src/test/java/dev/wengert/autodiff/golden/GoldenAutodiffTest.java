package dev.wengert.autodiff.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wengert.autodiff.Autodiff;
import dev.wengert.autodiff.Var;
import dev.wengert.autodiff.ops.Ops;
import dev.wengert.core.DType;
import dev.wengert.core.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Forward values, gradients, Hessian-vector products and gradient penalties of composite functions
 * match PyTorch's (tools/golden/autodiff.py) to 1e-10 in float64.
 */
class GoldenAutodiffTest {

  private static final double TOLERANCE = 1e-10;

  /** Each fixture's expression, written with Wengert's ops; inputs by name. */
  private static final Map<String, Function<Map<String, Var>, Var>> EXPRESSIONS = new LinkedHashMap<>();

  static {
    Function<Map<String, Var>, Var> mlpTanh =
        v -> v.get("x").matmul(v.get("w")).add(v.get("b")).tanh().mul(v.get("y")).sum();
    EXPRESSIONS.put("mlp_tanh", mlpTanh);
    EXPRESSIONS.put("hvp_mlp_tanh", mlpTanh);
    EXPRESSIONS.put(
        "two_layer_softmax_xent",
        v -> {
          Var hidden = v.get("x").matmul(v.get("w1")).add(v.get("b1")).relu();
          Var logits = hidden.matmul(v.get("w2")).add(v.get("b2"));
          return v.get("t").neg().mul(Ops.logSoftmax(logits, 1)).sum(new int[] {1}, false).mean();
        });
    EXPRESSIONS.put(
        "attention",
        v -> {
          Var scores = v.get("q").matmul(v.get("k").transpose(0, 1)).mul(0.5);
          return Ops.softmax(scores, 1).matmul(v.get("v")).mul(v.get("y")).sum();
        });
    EXPRESSIONS.put(
        "activations",
        v -> {
          Var x = v.get("x");
          Var y = v.get("y");
          return x.relu().mul(Ops.leakyRelu(y, 0.1))
              .add(Ops.elu(x, 1.0).mul(Ops.gelu(y)))
              .add(x.sigmoid().mul(Ops.softplus(y, 1, 20)))
              .sum();
        });
    EXPRESSIONS.put(
        "pow_abs_sqrt_log",
        v -> {
          Var x = v.get("x");
          Var y = v.get("y");
          Var first = x.abs().add(0.5).pow(1.5);
          Var second = y.pow(2).add(1).sqrt().div(x.neg().exp().add(1));
          Var third = y.pow(2).add(1).log().mul(x);
          return first.add(second).sub(third).sum();
        });
    EXPRESSIONS.put(
        "where_clamp",
        v -> {
          Var x = v.get("x");
          Tensor positive = x.value().gt(0);
          return Ops.where(positive, x.pow(2), x.mul(-0.5)).mul(Ops.clamp(v.get("y"), -0.5, 0.5)).sum();
        });
    EXPRESSIONS.put(
        "reductions",
        v -> {
          Var x = v.get("x");
          return Ops.max(x, new int[] {1}, false).sum()
              .add(Ops.min(x, new int[] {0}, false).sum().mul(2))
              .add(x.mean().mul(3))
              .add(x.mean(new int[] {1}, false).mul(v.get("y")).sum());
        });
    EXPRESSIONS.put(
        "cat_slice_permute_reshape",
        v -> {
          Var rows = Ops.slice(Ops.concat(0, v.get("x"), v.get("y")), 0, 1, 4, 1);
          return rows.mul(v.get("z").permute(1, 0, 2).reshape(3, 4)).sum();
        });
    EXPRESSIONS.put(
        "stack_expand_broadcast",
        v -> {
          Var x = v.get("x");
          Var y = v.get("y");
          Var b = v.get("b");
          Var stacked = Ops.stack(1, x, y).mul(b.reshape(1, 1, 4).expand(3, 2, 4)).sum();
          return stacked.add(x.sub(b).div(y.pow(2).add(1)).sum());
        });
    EXPRESSIONS.put(
        "broadcast_rows_cols",
        v -> v.get("x").add(v.get("r")).mul(v.get("c")).div(v.get("w").pow(2).add(2)).sum());
    EXPRESSIONS.put(
        "fan_out_matmul",
        v -> {
          Var x = v.get("x");
          return x.matmul(x.transpose(0, 1)).mul(v.get("m")).sum().add(x.exp().mul(x).sum());
        });
    Function<Map<String, Var>, Var> logSoftmaxDot = v -> Ops.logSoftmax(v.get("x"), 1).mul(v.get("t")).sum();
    EXPRESSIONS.put("log_softmax_dot", logSoftmaxDot);
    EXPRESSIONS.put("hvp_log_softmax_dot", logSoftmaxDot);
    EXPRESSIONS.put("hvp_cube", v -> v.get("x").pow(3).sum());
    EXPRESSIONS.put("hvp_tanh", v -> v.get("x").tanh().sum());
    EXPRESSIONS.put(
        "hvp_smooth_activations",
        v -> {
          Var x = v.get("x");
          return Ops.gelu(x).add(Ops.elu(x, 1.0).mul(x.sigmoid())).add(Ops.softplus(x, 1, 20).pow(2)).sum();
        });
    EXPRESSIONS.put(
        "hvp_softmax_matmul", v -> Ops.softmax(v.get("x").matmul(v.get("w")), 1).mul(v.get("t")).sum());
    EXPRESSIONS.put(
        "grad_penalty_tanh",
        v -> {
          Var x = v.get("x");
          Var inner = x.matmul(v.get("w")).add(v.get("b")).tanh().sum();
          Var g = Autodiff.grad(inner, List.of(x), true).get(0);
          return g.pow(2).sum();
        });
    EXPRESSIONS.put(
        "grad_penalty_softplus_mlp",
        v -> {
          Var x = v.get("x");
          Var inner = Ops.softplus(x.matmul(v.get("w1")), 1, 20).matmul(v.get("w2")).sum();
          Var g = Autodiff.grad(inner, List.of(x), true).get(0);
          return g.pow(2).sum().add(x.mul(g).sum());
        });
  }

  @TestFactory
  Stream<DynamicTest> matchesPyTorch() {
    return GoldenFixture.cases("autodiff").stream()
        .map(c -> DynamicTest.dynamicTest(c.get("name").asText() + ": " + c.get("expression").asText(), () -> check(c)));
  }

  private static void check(JsonNode c) {
    String name = c.get("name").asText();
    Function<Map<String, Var>, Var> expression = EXPRESSIONS.get(name);
    assertTrue(expression != null, "no Java expression for fixture case " + name);
    Map<String, Var> vars = new LinkedHashMap<>();
    JsonNode grads = c.get("grads");
    GoldenFixture.tensors(c.get("inputs"), DType.FLOAT64)
        .forEach((k, t) -> vars.put(k, grads.has(k) ? Var.parameter(t) : Var.constant(t)));
    Var out = expression.apply(vars);
    assertClose(name + " output", out.value(), GoldenFixture.tensor(c.get("output"), DType.FLOAT64));

    List<String> names = new ArrayList<>();
    grads.fieldNames().forEachRemaining(names::add);
    List<Var> wrt = names.stream().map(vars::get).toList();
    boolean hvp = c.has("hvp");
    List<Var> g = Autodiff.grad(out, wrt, hvp);
    for (int i = 0; i < names.size(); i++) {
      assertClose(name + " grad " + names.get(i), g.get(i).value(), GoldenFixture.tensor(grads.get(names.get(i)), DType.FLOAT64));
    }
    if (hvp) {
      Var dot = null;
      for (int i = 0; i < names.size(); i++) {
        Tensor v = GoldenFixture.tensor(c.get("v").get(names.get(i)), DType.FLOAT64);
        Var term = g.get(i).mul(Var.constant(v)).sum();
        dot = dot == null ? term : dot.add(term);
      }
      List<Var> hv = Autodiff.grad(dot, wrt, false);
      for (int i = 0; i < names.size(); i++) {
        assertClose(name + " hvp " + names.get(i), hv.get(i).value(), GoldenFixture.tensor(c.get("hvp").get(names.get(i)), DType.FLOAT64));
      }
    }
  }

  private static void assertClose(String what, Tensor actual, Tensor expected) {
    assertEquals(
        java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(actual.shape()), what + " shape");
    double error = GoldenFixture.relativeError(actual, expected);
    assertTrue(error <= TOLERANCE, what + ": relative error " + error + "\nexpected " + expected + "\nactual   " + actual);
  }
}
