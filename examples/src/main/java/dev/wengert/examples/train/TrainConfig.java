package dev.wengert.examples.train;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Everything that determines a training run; saved in its checkpoints so {@code --resume}
 * continues with exactly the same settings.
 */
public record TrainConfig(
    String model,
    int epochs,
    int batch,
    String optimizer,
    double lr,
    String schedule,
    long seed,
    boolean augment,
    String data,
    int limitTrain,
    int limitTest) {

  public static final List<String> OPTIMIZERS = List.of("sgd", "adam", "adamw");
  public static final List<String> SCHEDULES = List.of("none", "cosine", "onecycle");

  public TrainConfig {
    checkArgument(Models.NAMES.contains(model), "unknown model '%s'; valid models: %s", model, String.join(", ", Models.NAMES));
    checkArgument(OPTIMIZERS.contains(optimizer), "unknown optimizer '%s'; valid optimizers: %s", optimizer, String.join(", ", OPTIMIZERS));
    checkArgument(SCHEDULES.contains(schedule), "unknown schedule '%s'; valid schedules: %s", schedule, String.join(", ", SCHEDULES));
    checkArgument(epochs >= 1, "--epochs must be >= 1, got %s", epochs);
    checkArgument(batch >= 1, "--batch must be >= 1, got %s", batch);
    checkArgument(lr > 0 && Double.isFinite(lr), "--lr must be a positive number, got %s", lr);
    checkArgument(limitTrain >= 0 && limitTest >= 0, "--limit-train and --limit-test must not be negative, got %s and %s", limitTrain, limitTest);
  }

  /** A run on the whole data set. */
  public TrainConfig(
      String model, int epochs, int batch, String optimizer, double lr, String schedule, long seed, boolean augment, String data) {
    this(model, epochs, batch, optimizer, lr, schedule, seed, augment, data, 0, 0);
  }

  /** The recipe of the PyTorch reference: SGD 0.01 with momentum 0.9 for cnn-s, Adam 1e-3 otherwise. */
  public static String defaultOptimizer(String model) {
    return model.equals("cnn-s") ? "sgd" : "adam";
  }

  public static double defaultLr(String optimizer) {
    return optimizer.equals("sgd") ? 0.01 : 1e-3;
  }

  /** As checkpoint metadata (strings). */
  public Map<String, String> toMetadata() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("model", model);
    m.put("epochs", Integer.toString(epochs));
    m.put("batch", Integer.toString(batch));
    m.put("optimizer", optimizer);
    m.put("lr", Double.toString(lr));
    m.put("schedule", schedule);
    m.put("seed", Long.toString(seed));
    m.put("augment", Boolean.toString(augment));
    m.put("data", data);
    m.put("limit_train", Integer.toString(limitTrain));
    m.put("limit_test", Integer.toString(limitTest));
    return m;
  }

  /** From checkpoint metadata; an IllegalArgumentException names a setting that is missing or not a number. */
  public static TrainConfig fromMetadata(Map<String, String> m) {
    return new TrainConfig(
        setting(m, "model", s -> s), setting(m, "epochs", Integer::parseInt), setting(m, "batch", Integer::parseInt),
        setting(m, "optimizer", s -> s), setting(m, "lr", Double::parseDouble), setting(m, "schedule", s -> s),
        setting(m, "seed", Long::parseLong), setting(m, "augment", Boolean::parseBoolean), setting(m, "data", s -> s),
        Integer.parseInt(m.getOrDefault("limit_train", "0")), Integer.parseInt(m.getOrDefault("limit_test", "0")));
  }

  private static <T> T setting(Map<String, String> m, String key, Function<String, T> parse) {
    String value = m.get(key);
    checkArgument(value != null, "the checkpoint's settings lack '%s'", key);
    try {
      return parse.apply(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the checkpoint's setting " + key + "='" + value + "' is not a number", e);
    }
  }

}
