package dev.wengert.layers;

import dev.wengert.autodiff.Var;
import dev.wengert.autodiff.ops.Ops;
import java.util.function.UnaryOperator;

/** An elementwise activation without parameters: ReLU, LeakyReLU, GELU, Sigmoid or Tanh. */
public final class Activation extends Module {
  private static final String RELU = "ReLU()";

  private final String name;
  private final UnaryOperator<Var> fn;

  private Activation(String name, UnaryOperator<Var> fn) {
    this.name = name;
    this.fn = fn;
  }

  public static Activation relu() {
    return new Activation(RELU, Ops::relu);
  }

  public static Activation leakyRelu(double negativeSlope) {
    return new Activation("LeakyReLU(" + negativeSlope + ")", x -> Ops.leakyRelu(x, negativeSlope));
  }

  /** GELU with the exact normal CDF. */
  public static Activation gelu() {
    return new Activation("GELU()", Ops::gelu);
  }

  public static Activation sigmoid() {
    return new Activation("Sigmoid()", Ops::sigmoid);
  }

  public static Activation tanh() {
    return new Activation("Tanh()", Ops::tanh);
  }

  @Override
  public Var forward(Var x) {
    return fn.apply(x);
  }

  /** Whether this is ReLU, which {@link Sequential} may apply after a max pooling that follows it. */
  boolean isRelu() {
    return name.equals(RELU);
  }

  @Override
  public int[] outputShape(int[] inputShape) {
    return inputShape.clone();
  }

  @Override
  public String toString() {
    return name;
  }
}
