package dev.wengert.layers;

import dev.wengert.autodiff.Var;
import java.util.List;

/** Modules applied in order; children are named {@code 0, 1, 2, …} as in PyTorch's {@code nn.Sequential}. */
public final class Sequential extends Module {
  private final List<Module> layers;

  public Sequential(Module... layers) {
    this.layers = List.of(layers);
    for (int i = 0; i < layers.length; i++) {
      registerModule(Integer.toString(i), layers[i]);
    }
  }

  public List<Module> layers() {
    return layers;
  }

  @Override
  public Var forward(Var x) {
    Var y = x;
    for (Module layer : layers) {
      y = layer.forward(y);
    }
    return y;
  }

  @Override
  public int[] outputShape(int[] inputShape) {
    int[] shape = inputShape;
    for (Module layer : layers) {
      shape = layer.outputShape(shape);
    }
    return shape;
  }

  @Override
  public long multiplyAccumulates(int[] inputShape) {
    long total = 0;
    int[] shape = inputShape;
    for (Module layer : layers) {
      total += layer.multiplyAccumulates(shape);
      shape = layer.outputShape(shape);
    }
    return total;
  }

  @Override
  public String toString() {
    return "Sequential(" + layers.size() + " layers)";
  }
}
