package dev.wengert.examples.experiments;

import dev.wengert.autodiff.Autodiff;
import dev.wengert.autodiff.Tape;
import dev.wengert.autodiff.Var;
import dev.wengert.autodiff.ops.Losses;
import dev.wengert.core.Rng;
import dev.wengert.core.Tensor;
import dev.wengert.layers.Sequential;
import dev.wengert.optim.Adam;
import dev.wengert.optim.ParamGroup;
import java.util.Arrays;

/** Mini-batch training with Adam and cross entropy, and evaluation, for the synthetic experiments. */
final class Classifiers {

  private static final int EVAL_BATCH = 500;

  private Classifiers() {}

  /**
   * Trains {@code model} for {@code epochs} passes over {@code data}, shuffled by {@code rng};
   * returns the mean training loss of the last epoch.
   */
  static double train(Sequential model, LabelledImages data, int epochs, int batch, double lr, Rng rng) {
    Adam optimizer = new Adam(ParamGroup.of(model.parameters()), Adam.options().lr(lr));
    model.train();
    int[] order = new int[data.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    double lastLoss = Double.NaN;
    for (int epoch = 0; epoch < epochs; epoch++) {
      rng.shuffle(order);
      double lossSum = 0;
      for (int from = 0; from < order.length; from += batch) {
        int[] indices = Arrays.copyOfRange(order, from, Math.min(order.length, from + batch));
        try (Tape tape = Tape.open()) {
          Var loss = Losses.crossEntropy(model.forward(Var.constant(data.images(indices))), data.labels(indices));
          loss.backward();
          lossSum += loss.item() * indices.length;
        }
        optimizer.step();
        optimizer.zeroGrad();
      }
      lastLoss = lossSum / order.length;
    }
    return lastLoss;
  }

  /** The predicted class of every image in {@code data}. */
  static int[] predict(Sequential model, LabelledImages data) {
    model.eval();
    int[] predicted = new int[data.size()];
    try (Autodiff.Scope s = Autodiff.noGrad()) {
      for (int from = 0; from < data.size(); from += EVAL_BATCH) {
        int[] indices = new int[Math.min(EVAL_BATCH, data.size() - from)];
        for (int i = 0; i < indices.length; i++) {
          indices[i] = from + i;
        }
        Tensor argmax = model.forward(Var.constant(data.images(indices))).value().argmax(1, false);
        for (int i = 0; i < indices.length; i++) {
          predicted[from + i] = (int) argmax.get(i);
        }
      }
    }
    return predicted;
  }

  /** The fraction of {@code data} that {@code model} classifies correctly. */
  static double accuracy(Sequential model, LabelledImages data) {
    int[] predicted = predict(model, data);
    int correct = 0;
    for (int i = 0; i < predicted.length; i++) {
      if (predicted[i] == data.label(i)) {
        correct++;
      }
    }
    return (double) correct / predicted.length;
  }
}
