package dev.wengert.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import dev.wengert.autodiff.Var;
import dev.wengert.core.DType;
import dev.wengert.core.Rng;
import dev.wengert.core.Shapes;
import dev.wengert.core.Tensor;
import dev.wengert.optim.MultiPassOptimizers.MultiPassAdagrad;
import dev.wengert.optim.MultiPassOptimizers.MultiPassAdam;
import dev.wengert.optim.MultiPassOptimizers.MultiPassRmsProp;
import dev.wengert.optim.MultiPassOptimizers.MultiPassSgd;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The one-pass updates give the same bits as the multi-pass tensor-op updates they replaced ({@link
 * MultiPassOptimizers}), for every optimizer and option combination, in both dtypes, and do not depend
 * on the layout of the parameter or the gradient.
 */
class FusedUpdateTest {

  private static final int STEPS = 6;

  /** More than two parallel grains, so that a parameter's update is split across threads. */
  private static final int LARGE = 2 * FusedUpdate.GRAIN + 7;

  /** An optimizer under test and the multi-pass reference over other parameters, with its hyperparameters. */
  private record Case(
      String name,
      Function<ParamGroup, Optimizer> fused,
      BiFunction<ParamGroup, Map<String, Double>, Optimizer> multiPass) {}

  private static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    for (boolean maximize : new boolean[] {false, true}) {
      for (double wd : new double[] {0, 0.07}) {
        String common = " wd=" + wd + " maximize=" + maximize;
        for (double[] momentumDampening : new double[][] {{0, 0}, {0.9, 0}, {0.9, 0.3}}) {
          for (boolean nesterov : new boolean[] {false, true}) {
            double momentum = momentumDampening[0];
            double dampening = momentumDampening[1];
            if (nesterov && (momentum == 0 || dampening != 0)) {
              continue;
            }
            cases.add(new Case(
                "Sgd momentum=" + momentum + " dampening=" + dampening + " nesterov=" + nesterov + common,
                g -> new Sgd(g, Sgd.options(0.013).momentum(momentum).dampening(dampening).weightDecay(wd)
                    .nesterov(nesterov).maximize(maximize)),
                (g, h) -> new MultiPassSgd(List.of(g), h, nesterov, maximize)));
          }
        }
        for (boolean amsgrad : new boolean[] {false, true}) {
          cases.add(new Case(
              "Adam amsgrad=" + amsgrad + common,
              g -> new Adam(g, Adam.options().lr(0.013).betas(0.85, 0.995).eps(1e-6).weightDecay(wd)
                  .amsgrad(amsgrad).maximize(maximize)),
              (g, h) -> new MultiPassAdam(List.of(g), h, amsgrad, maximize, false)));
          cases.add(new Case(
              "AdamW amsgrad=" + amsgrad + common,
              g -> new AdamW(g, AdamW.options().lr(0.013).betas(0.85, 0.995).eps(1e-6).weightDecay(wd)
                  .amsgrad(amsgrad).maximize(maximize)),
              (g, h) -> new MultiPassAdam(List.of(g), h, amsgrad, maximize, true)));
        }
        for (double momentum : new double[] {0, 0.8}) {
          for (boolean centered : new boolean[] {false, true}) {
            cases.add(new Case(
                "RmsProp momentum=" + momentum + " centered=" + centered + common,
                g -> new RmsProp(g, RmsProp.options().lr(0.013).alpha(0.97).eps(1e-6).weightDecay(wd)
                    .momentum(momentum).centered(centered).maximize(maximize)),
                (g, h) -> new MultiPassRmsProp(List.of(g), h, centered, maximize)));
          }
        }
        for (double lrDecay : new double[] {0, 0.01}) {
          for (double initial : new double[] {0, 0.1}) {
            cases.add(new Case(
                "Adagrad lr_decay=" + lrDecay + " initial=" + initial + common,
                g -> new Adagrad(g, Adagrad.options().lr(0.013).lrDecay(lrDecay).eps(1e-6).weightDecay(wd)
                    .initialAccumulatorValue(initial).maximize(maximize)),
                (g, h) -> new MultiPassAdagrad(List.of(g), h, initial, maximize)));
          }
        }
      }
    }
    return cases;
  }

  @TestFactory
  Stream<DynamicTest> bitIdenticalToTheMultiPassUpdates() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Case c : cases()) {
      for (DType dtype : DType.values()) {
        tests.add(DynamicTest.dynamicTest(c.name() + " " + dtype, () -> checkBitIdentical(c, dtype)));
      }
    }
    return tests.stream();
  }

  /**
   * Both optimizers over equal parameters (one small, one offset into a larger array, one split across
   * threads), fed equal gradients for several steps while the learning rate changes (the second
   * parameter has none every third step); after every step all parameters and state have equal bits.
   */
  private static void checkBitIdentical(Case c, DType dtype) {
    String name = c.name() + " " + dtype + ": ";
    Rng rng = new Rng(c.name().hashCode());
    List<Tensor> initial = List.of(spread(rng, dtype, 3, 5), offsetSpread(rng, dtype, 5, 3), spread(rng, dtype, LARGE));
    List<Var> fusedParams = new ArrayList<>();
    List<Var> referenceParams = new ArrayList<>();
    for (Tensor t : initial) {
      fusedParams.add(Var.parameter(t == initial.get(1) ? t : t.copy())); // keeps the offset of the second
      referenceParams.add(Var.parameter(t.copy()));
    }
    Optimizer fused = c.fused().apply(ParamGroup.of(fusedParams));
    Optimizer reference = c.multiPass().apply(ParamGroup.of(referenceParams), fused.groups().get(0).hyperparameters());
    for (int step = 1; step <= STEPS; step++) {
      for (int i = 0; i < initial.size(); i++) {
        Tensor grad = i == 1 && step % 3 == 0 ? null : offsetSpread(rng, dtype, initial.get(i).shape());
        fusedParams.get(i).setGrad(grad == null ? null : Var.constant(grad));
        referenceParams.get(i).setGrad(grad == null ? null : Var.constant(grad.copy()));
      }
      fused.step();
      reference.step();
      for (int i = 0; i < initial.size(); i++) {
        assertSameBits(
            referenceParams.get(i).value(), fusedParams.get(i).value(), name + "param " + i + " after step " + step);
      }
      Map<String, Tensor> want = reference.stateDict();
      Map<String, Tensor> got = fused.stateDict();
      assertEquals(want.keySet(), got.keySet(), name + "state after step " + step);
      for (String key : want.keySet()) {
        assertSameBits(want.get(key), got.get(key), name + key + " after step " + step);
      }
      double lr = fused.groups().get(0).lr() * 0.9; // as a scheduler would
      fused.groups().get(0).lr(lr);
      reference.groups().get(0).lr(lr);
    }
  }

  @Test
  void stridedParametersAndGradientsGiveTheContiguousBits() {
    for (Case c : cases()) {
      for (DType dtype : DType.values()) {
        Rng rng = new Rng(7);
        Tensor start = spread(rng, dtype, 6, 4);
        Var strided = Var.parameter(start.t().copy().t()); // [6, 4] with transposed strides
        Var contiguous = Var.parameter(start.copy());
        assertFalse(strided.value().isContiguous());
        Optimizer onStrided = c.fused().apply(ParamGroup.of(strided));
        Optimizer onContiguous = c.fused().apply(ParamGroup.of(contiguous));
        for (int step = 0; step < 3; step++) {
          Tensor grad = spread(rng, dtype, 4, 6);
          Tensor gradCopy = grad.copy();
          strided.setGrad(Var.constant(grad.t()));
          contiguous.setGrad(Var.constant(grad.t().copy()));
          onStrided.step();
          onContiguous.step();
          assertSameBits(contiguous.value(), strided.value(), c.name() + " " + dtype + " step " + step);
          assertSameBits(gradCopy, grad, c.name() + " " + dtype + ": the gradient was written");
        }
      }
    }
  }

  /** Values of either sign over 17 binades, with some zeros, so that roundings and fma show. */
  private static Tensor spread(Rng rng, DType dtype, int... shape) {
    int n = Shapes.numel(shape);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = rng.nextInt(20) == 0 ? 0 : Math.scalb(rng.nextGaussian(), rng.nextInt(17) - 8);
    }
    return Tensor.of(v, shape).to(dtype);
  }

  /** {@link #spread} values in a contiguous view that starts 3 elements into its array. */
  private static Tensor offsetSpread(Rng rng, DType dtype, int... shape) {
    int n = Shapes.numel(shape);
    return spread(rng, dtype, n + 3).narrow(0, 3, n).view(shape);
  }

  /** Same shape and, element by element, the same raw bits. */
  private static void assertSameBits(Tensor want, Tensor got, String what) {
    assertEquals(want.dtype(), got.dtype(), what);
    assertArrayEquals(want.shape(), got.shape(), what);
    int n = want.numel();
    if (want.dtype() == DType.FLOAT32) {
      float[] a = want.toFloatArray();
      float[] b = got.toFloatArray();
      for (int i = 0; i < n; i++) {
        if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
          fail(what + ": element " + i + " is " + b[i] + ", expected " + a[i]);
        }
      }
    } else {
      double[] a = want.toDoubleArray();
      double[] b = got.toDoubleArray();
      for (int i = 0; i < n; i++) {
        if (Double.doubleToRawLongBits(a[i]) != Double.doubleToRawLongBits(b[i])) {
          fail(what + ": element " + i + " is " + b[i] + ", expected " + a[i]);
        }
      }
    }
  }
}
