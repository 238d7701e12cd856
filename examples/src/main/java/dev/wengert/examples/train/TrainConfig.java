package dev.wengert.examples.train;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

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

  // What a valid setting is, stated once: the constructor applies these rules to a new run's settings
  // (naming the command line's options) and fromMetadata to a resumed run's (naming the checkpoint's keys).
  private static final Rule<String> MODEL_NAME = Rule.oneOf(Models.NAMES);
  private static final Rule<String> OPTIMIZER_NAME = Rule.oneOf(OPTIMIZERS);
  private static final Rule<String> SCHEDULE_NAME = Rule.oneOf(SCHEDULES);
  private static final Rule<Integer> AT_LEAST_ONE = new Rule<>("an integer >= 1", n -> n >= 1);
  private static final Rule<Double> POSITIVE = new Rule<>("a positive number", x -> x > 0 && Double.isFinite(x));
  private static final Rule<Integer> NOT_NEGATIVE = new Rule<>("a non-negative integer", n -> n >= 0);

  // The checkpoint metadata keys.
  private static final String MODEL = "model";
  private static final String EPOCHS = "epochs";
  private static final String BATCH = "batch";
  private static final String OPTIMIZER = "optimizer";
  private static final String LR = "lr";
  private static final String SCHEDULE = "schedule";
  private static final String SEED = "seed";
  private static final String AUGMENT = "augment";
  private static final String DATA = "data";
  private static final String LIMIT_TRAIN = "limit_train";
  private static final String LIMIT_TEST = "limit_test";

  public TrainConfig {
    checkArgument(MODEL_NAME.accepts(model), "unknown model '%s'; valid models: %s", model, String.join(", ", Models.NAMES));
    checkArgument(OPTIMIZER_NAME.accepts(optimizer), "unknown optimizer '%s'; valid optimizers: %s", optimizer, String.join(", ", OPTIMIZERS));
    checkArgument(SCHEDULE_NAME.accepts(schedule), "unknown schedule '%s'; valid schedules: %s", schedule, String.join(", ", SCHEDULES));
    AT_LEAST_ONE.check("--epochs", epochs);
    AT_LEAST_ONE.check("--batch", batch);
    POSITIVE.check("--lr", lr);
    NOT_NEGATIVE.check("--limit-train", limitTrain);
    NOT_NEGATIVE.check("--limit-test", limitTest);
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

  /** As checkpoint metadata (strings); {@link #fromMetadata} reads them back to an equal config. */
  public Map<String, String> toMetadata() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(MODEL, model);
    m.put(EPOCHS, Integer.toString(epochs));
    m.put(BATCH, Integer.toString(batch));
    m.put(OPTIMIZER, optimizer);
    m.put(LR, Double.toString(lr));
    m.put(SCHEDULE, schedule);
    m.put(SEED, Long.toString(seed));
    m.put(AUGMENT, Boolean.toString(augment));
    m.put(DATA, data);
    m.put(LIMIT_TRAIN, Integer.toString(limitTrain));
    m.put(LIMIT_TEST, Integer.toString(limitTest));
    return m;
  }

  /**
   * From checkpoint metadata, all or nothing: every key is checked with the rules a new run's
   * settings obey, and any that is missing, malformed or out of range is named, with its value, in
   * one IllegalArgumentException (problems joined by "; ", as {@link Trainer#restore} reports them).
   * {@code limit_train} and {@code limit_test} may be absent (checkpoints written before they
   * existed); they then mean the whole data set, 0. Other keys (the trainer's state) are ignored here.
   */
  public static TrainConfig fromMetadata(Map<String, String> m) {
    checkNotNull(m, "metadata");
    List<String> problems = new ArrayList<>();
    String model = MODEL_NAME.read(m, MODEL, s -> s, problems);
    Integer epochs = AT_LEAST_ONE.read(m, EPOCHS, Integer::parseInt, problems);
    Integer batch = AT_LEAST_ONE.read(m, BATCH, Integer::parseInt, problems);
    String optimizer = OPTIMIZER_NAME.read(m, OPTIMIZER, s -> s, problems);
    Double lr = POSITIVE.read(m, LR, Double::parseDouble, problems);
    String schedule = SCHEDULE_NAME.read(m, SCHEDULE, s -> s, problems);
    Long seed = CheckpointMetadata.value(m, SEED, "a 64-bit integer", Long::parseLong, problems);
    Boolean augment = CheckpointMetadata.value(m, AUGMENT, "true or false", CheckpointMetadata::parseBoolean, problems);
    String data = CheckpointMetadata.value(m, DATA, "text", s -> s, problems);
    Integer limitTrain = NOT_NEGATIVE.readOrDefault(m, LIMIT_TRAIN, 0, Integer::parseInt, problems);
    Integer limitTest = NOT_NEGATIVE.readOrDefault(m, LIMIT_TEST, 0, Integer::parseInt, problems);
    CheckpointMetadata.refuseIfAny(problems);
    return new TrainConfig(model, epochs, batch, optimizer, lr, schedule, seed, augment, data, limitTrain, limitTest);
  }

  /** The valid values of a setting, and how to say what they are ({@code expected}, e.g. "an integer >= 1"). */
  private record Rule<T>(String expected, Predicate<T> test) {

    static Rule<String> oneOf(List<String> names) {
      return new Rule<>("one of " + String.join(", ", names), names::contains);
    }

    boolean accepts(T value) {
      return test.test(value);
    }

    /** For a new run: refuses {@code value} with an IllegalArgumentException saying what {@code option} must be. */
    void check(String option, T value) {
      checkArgument(accepts(value), "%s must be %s, got %s", option, expected, value);
    }

    /** For a resumed run: {@code metadata[key]} parsed and accepted, or null with a problem naming key and value. */
    T read(Map<String, String> metadata, String key, Function<String, T> parse, List<String> problems) {
      return CheckpointMetadata.value(metadata, key, expected, text -> {
        T value = parse.apply(text);
        checkArgument(accepts(value));
        return value;
      }, problems);
    }

    /** As {@link #read}, but {@code ifAbsent} when the key is absent. */
    T readOrDefault(Map<String, String> metadata, String key, T ifAbsent, Function<String, T> parse, List<String> problems) {
      return metadata.containsKey(key) ? read(metadata, key, parse, problems) : ifAbsent;
    }
  }
}
