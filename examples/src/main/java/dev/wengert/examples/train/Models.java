package dev.wengert.examples.train;

import dev.wengert.autodiff.ops.Conv2dOptions;
import dev.wengert.core.Rng;
import dev.wengert.layers.Activation;
import dev.wengert.layers.BatchNorm;
import dev.wengert.layers.Conv2d;
import dev.wengert.layers.Dropout;
import dev.wengert.layers.Flatten;
import dev.wengert.layers.Linear;
import dev.wengert.layers.Pool2d;
import dev.wengert.layers.Sequential;
import java.util.List;

/**
 * The example models, layer for layer as the PyTorch reference ({@code bench/reference/train.py}),
 * so their state dicts have the same keys, shapes and layouts and results compare.
 */
public final class Models {

  /** The model names {@code --model} accepts. */
  public static final List<String> NAMES = List.of("cnn-s", "lenet5", "cnn-bn");

  private Models() {}

  /** A fresh model, initialised from {@code rng}; an error listing the valid names for an unknown one. */
  public static Sequential create(String name, Rng rng) {
    Conv2dOptions same = Conv2dOptions.defaults().padding(1);
    return switch (name) {
      case "cnn-s" -> new Sequential(
          new Conv2d(1, 32, 3, same, rng), Activation.relu(), Pool2d.max(2),
          new Conv2d(32, 64, 3, same, rng), Activation.relu(), Pool2d.max(2),
          new Flatten(), new Linear(3136, 128, rng), Activation.relu(), new Linear(128, 10, rng));
      case "lenet5" -> new Sequential(
          new Conv2d(1, 6, 5, Conv2dOptions.defaults().padding(2), rng), Activation.relu(), Pool2d.max(2),
          new Conv2d(6, 16, 5, Conv2dOptions.defaults(), rng), Activation.relu(), Pool2d.max(2),
          new Flatten(), new Linear(400, 120, rng), Activation.relu(), new Linear(120, 84, rng), Activation.relu(),
          new Linear(84, 10, rng));
      case "cnn-bn" -> new Sequential(
          new Conv2d(1, 32, 3, same, rng), BatchNorm.batchNorm2d(32), Activation.relu(), Pool2d.max(2),
          new Conv2d(32, 64, 3, same, rng), BatchNorm.batchNorm2d(64), Activation.relu(), Pool2d.max(2),
          new Flatten(), new Linear(3136, 128, rng), Activation.relu(), new Dropout(0.25, rng.split()),
          new Linear(128, 10, rng));
      default -> throw new IllegalArgumentException("unknown model '" + name + "'; valid models: " + String.join(", ", NAMES));
    };
  }
}
