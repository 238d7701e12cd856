package dev.wengert.examples.train;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.wengert.autodiff.Autodiff;
import dev.wengert.autodiff.Tape;
import dev.wengert.autodiff.Var;
import dev.wengert.autodiff.ops.Losses;
import dev.wengert.autodiff.ops.Reduction;
import dev.wengert.core.Rng;
import dev.wengert.core.Tensor;
import dev.wengert.core.TensorScope;
import dev.wengert.examples.data.Dataset;
import dev.wengert.layers.Dropout;
import dev.wengert.layers.Sequential;
import dev.wengert.optim.Adam;
import dev.wengert.optim.AdamW;
import dev.wengert.optim.CosineAnnealingLR;
import dev.wengert.optim.LrScheduler;
import dev.wengert.optim.OneCycleLR;
import dev.wengert.optim.Optimizer;
import dev.wengert.optim.ParamGroup;
import dev.wengert.optim.Sgd;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One training run: the model, its optimizer and schedule, and the generators for shuffling,
 * augmentation and dropout. Everything that decides the next step is in {@link #state()}, so a run
 * restored from it continues bit for bit.
 */
public final class Trainer {

  /** Mini-batch progress, for a progress bar. */
  public interface Progress {
    void batch(int done, int total, double loss, double accuracy, double imagesPerSecond);
  }

  /** Loss, accuracy and the confusion matrix ({@code [true][predicted]}) of one pass over a data set. */
  public record Evaluation(double loss, double accuracy, long[][] confusion) {}

  /** One epoch's figures. */
  public record EpochResult(int epoch, double trainLoss, double trainAccuracy, Evaluation test, double seconds) {}

  private static final int EVAL_BATCH = 250;

  private static final String MODEL_PREFIX = "model.";
  private static final String OPTIMIZER_PREFIX = "optimizer.";
  private static final String SCHEDULER_PREFIX = "scheduler.";
  private static final String EPOCHS_DONE = "epochs_done";
  private static final String DATA_RNG = "data_rng";
  private static final String DROPOUT_RNG_PREFIX = "dropout_rng.";

  /** The model, its optimizer and schedule, and the data generator: what {@link #restore} replaces as one. */
  private record Components(Sequential model, Optimizer optimizer, LrScheduler scheduler, Rng dataRng) {

    /** As a new run of {@code config} starts them. */
    static Components create(TrainConfig config, int batchesPerEpoch) {
      Rng seeds = new Rng(config.seed());
      Sequential model = Models.create(config.model(), seeds.split());
      Rng dataRng = seeds.split();
      Optimizer optimizer = createOptimizer(config, model.parameters());
      return new Components(model, optimizer, createScheduler(config, optimizer, batchesPerEpoch), dataRng);
    }
  }

  private final TrainConfig config;
  private final Dataset train;
  private final Dataset test;
  // Not final: restore() swaps in restored ones, all together, only once they are complete.
  private Sequential model;
  private Optimizer optimizer;
  private LrScheduler scheduler;
  private Rng dataRng;
  private int epochsDone;

  public Trainer(TrainConfig config, Dataset train, Dataset test) {
    this.config = config;
    this.train = train;
    this.test = test;
    adopt(Components.create(config, batchesPerEpoch()), 0);
  }

  private void adopt(Components components, int epochs) {
    this.model = components.model();
    this.optimizer = components.optimizer();
    this.scheduler = components.scheduler();
    this.dataRng = components.dataRng();
    this.epochsDone = epochs;
  }

  private static Optimizer createOptimizer(TrainConfig config, List<Var> params) {
    ParamGroup group = ParamGroup.of(params);
    return switch (config.optimizer()) {
      case "sgd" -> new Sgd(group, Sgd.options(config.lr()).momentum(0.9));
      case "adam" -> new Adam(group, Adam.options().lr(config.lr()));
      case "adamw" -> new AdamW(group, AdamW.options().lr(config.lr()));
      default -> throw new IllegalArgumentException("unknown optimizer " + config.optimizer());
    };
  }

  private static LrScheduler createScheduler(TrainConfig config, Optimizer optimizer, int batchesPerEpoch) {
    return switch (config.schedule()) {
      case "cosine" -> new CosineAnnealingLR(optimizer, config.epochs() * batchesPerEpoch, 0);
      case "onecycle" -> new OneCycleLR(optimizer, OneCycleLR.options(config.lr(), config.epochs() * batchesPerEpoch));
      default -> null;
    };
  }

  public Sequential model() {
    return model;
  }

  public TrainConfig config() {
    return config;
  }

  public int epochsDone() {
    return epochsDone;
  }

  public int batchesPerEpoch() {
    return (train.size() + config.batch() - 1) / config.batch();
  }

  /** Trains one epoch, then evaluates on the test set. */
  public EpochResult runEpoch(Progress progress) {
    long start = System.nanoTime();
    model.train();
    int[] order = new int[train.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    dataRng.shuffle(order);
    int batches = batchesPerEpoch();
    double lossSum = 0;
    long correct = 0;
    int seen = 0;
    for (int b = 0; b < batches; b++) {
      int from = b * config.batch();
      int[] indices = java.util.Arrays.copyOfRange(order, from, Math.min(order.length, from + config.batch()));
      StepResult result;
      try (TensorScope scope = TensorScope.open()) { // the step's tensors reuse the previous step's memory
        Tensor images = train.images(indices);
        if (config.augment()) {
          Augment.apply(images, dataRng);
        }
        result = step(images, train.labels(indices));
      }
      double batchLoss = result.loss();
      correct += result.correct();
      if (scheduler != null) {
        scheduler.step();
      }
      lossSum += batchLoss * indices.length;
      seen += indices.length;
      if (progress != null) {
        double elapsed = (System.nanoTime() - start) / 1e9;
        progress.batch(b + 1, batches, lossSum / seen, (double) correct / seen, seen / Math.max(elapsed, 1e-9));
      }
    }
    Evaluation evaluation = evaluate(test);
    epochsDone++;
    return new EpochResult(epochsDone, lossSum / seen, (double) correct / seen, evaluation, (System.nanoTime() - start) / 1e9);
  }

  /** A training step's mean loss over its batch and its number of correct predictions. */
  private record StepResult(double loss, long correct) {}

  /** One optimizer step on a batch. */
  private StepResult step(Tensor images, Tensor labels) {
    StepResult result;
    try (Tape tape = Tape.open()) {
      Var logits = model.forward(Var.constant(images));
      Var loss = Losses.crossEntropy(logits, labels);
      loss.backward();
      result = new StepResult(loss.item(), countCorrect(logits.value(), labels));
    }
    optimizer.step();
    optimizer.zeroGrad();
    return result;
  }

  /**
   * Trains a throwaway copy of {@code config}'s model for {@code steps} small batches of random
   * 28x28 images (and evaluates it once), so that the JIT compiles the hot kernels before a run
   * starts: until it does, Vector API code runs many times slower (measured: the first 10 steps
   * of cnn-s took 1.8 s instead of 0.2 s). Meant to run while the data set loads; it shares no
   * state with any other trainer, so a run's results do not depend on it.
   */
  public static void warmUp(TrainConfig config, int steps) {
    int batch = 16;
    Rng rng = new Rng(config.seed() ^ 0x5EEDL);
    byte[] pixels = new byte[batch * 28 * 28];
    byte[] classes = new byte[batch];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) rng.nextInt(256);
    }
    for (int i = 0; i < batch; i++) {
      classes[i] = (byte) rng.nextInt(Dataset.CLASS_NAMES.length);
    }
    Dataset random = Dataset.of(pixels, classes, batch, 28, 28);
    Trainer trainer = new Trainer(config, random, random);
    int[] all = new int[batch];
    for (int i = 0; i < batch; i++) {
      all[i] = i;
    }
    Tensor images = random.images(all);
    Tensor labels = random.labels(all);
    trainer.model.train();
    for (int i = 0; i < steps; i++) {
      trainer.step(images, labels);
    }
    trainer.evaluate(random);
  }

  /** Loss, accuracy and confusion matrix on {@code data}, in evaluation mode without recording. */
  public Evaluation evaluate(Dataset data) {
    boolean wasTraining = model.isTraining();
    model.eval();
    long[][] confusion = new long[Dataset.CLASS_NAMES.length][Dataset.CLASS_NAMES.length];
    double lossSum = 0;
    long correct = 0;
    try (Autodiff.Scope s = Autodiff.noGrad()) {
      for (int from = 0; from < data.size(); from += EVAL_BATCH) {
        int[] indices = new int[Math.min(EVAL_BATCH, data.size() - from)];
        for (int i = 0; i < indices.length; i++) {
          indices[i] = from + i;
        }
        try (TensorScope scope = TensorScope.open()) {
          Tensor labels = data.labels(indices);
          Var logits = model.forward(Var.constant(data.images(indices)));
          lossSum += Losses.crossEntropy(logits, labels, Losses.ClassOptions.defaults().withReduction(Reduction.SUM)).item();
          Tensor predicted = logits.value().argmax(1, false);
          for (int i = 0; i < indices.length; i++) {
            int truth = (int) labels.get(i);
            int guess = (int) predicted.get(i);
            confusion[truth][guess]++;
            if (truth == guess) {
              correct++;
            }
          }
        }
      }
    }
    if (wasTraining) {
      model.train();
    }
    return new Evaluation(lossSum / data.size(), (double) correct / data.size(), confusion);
  }

  private static long countCorrect(Tensor logits, Tensor labels) {
    Tensor predicted = logits.argmax(1, false);
    long correct = 0;
    for (int i = 0; i < labels.numel(); i++) {
      if (predicted.get(i) == labels.get(i)) {
        correct++;
      }
    }
    return correct;
  }

  // ---------------------------------------------------------------- state for checkpoints

  /** Tensors of the whole training state: model (incl. buffers), optimizer and scheduler. */
  public Map<String, Tensor> stateTensors() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    model.stateDict().forEach((k, v) -> out.put(MODEL_PREFIX + k, v));
    optimizer.stateDict().forEach((k, v) -> out.put(OPTIMIZER_PREFIX + k, v));
    if (scheduler != null) {
      scheduler.stateDict().forEach((k, v) -> out.put(SCHEDULER_PREFIX + k, v));
    }
    return out;
  }

  /** The generators' states and the epoch count, as metadata strings. */
  public Map<String, String> stateMetadata() {
    Map<String, String> m = new LinkedHashMap<>(config.toMetadata());
    m.put(EPOCHS_DONE, Integer.toString(epochsDone));
    m.put(DATA_RNG, Long.toString(dataRng.state()));
    List<Dropout> dropouts = dropouts(model);
    for (int i = 0; i < dropouts.size(); i++) {
      m.put(DROPOUT_RNG_PREFIX + i, Long.toString(dropouts.get(i).rng().state()));
    }
    return m;
  }

  /**
   * Restores what {@link #stateTensors} and {@link #stateMetadata} saved, all or nothing: the state is
   * loaded into a newly built model, optimizer and schedule, and only when every part fits do they
   * replace this trainer's (so take {@link #model()} after restoring). A checkpoint that does not fit
   * gives one IllegalArgumentException naming every key that is missing, unexpected, misshapen or
   * malformed; then, as after any other failure, this trainer is exactly as before.
   */
  public void restore(Map<String, Tensor> tensors, Map<String, String> metadata) {
    checkNotNull(tensors, "tensors");
    checkNotNull(metadata, "metadata");
    List<String> problems = new ArrayList<>();
    Integer epochs = CheckpointMetadata.value(
        metadata, EPOCHS_DONE, "a non-negative integer", CheckpointMetadata::parseNonNegativeInt, problems);
    Long dataRngState = CheckpointMetadata.value(metadata, DATA_RNG, "a 64-bit integer", Long::parseLong, problems);

    Components restored = Components.create(config, batchesPerEpoch());
    // Each loadStateDict checks its whole part before changing anything; the fresh components keep
    // this trainer's own untouched even when a later part or the metadata turns out not to fit.
    loadPart(problems, MODEL_PREFIX, "model '" + config.model() + "'",
        () -> restored.model().loadStateDict(prefixed(tensors, MODEL_PREFIX), true));
    loadPart(problems, OPTIMIZER_PREFIX, "optimizer '" + config.optimizer() + "'",
        () -> restored.optimizer().loadStateDict(prefixed(tensors, OPTIMIZER_PREFIX)));
    if (restored.scheduler() != null) {
      loadPart(problems, SCHEDULER_PREFIX, "schedule '" + config.schedule() + "'",
          () -> restored.scheduler().loadStateDict(prefixed(tensors, SCHEDULER_PREFIX)));
    }
    checkNoStrayTensors(tensors, restored.scheduler() != null, problems);

    List<Dropout> dropouts = dropouts(restored.model());
    List<Long> dropoutStates = new ArrayList<>();
    for (int i = 0; i < dropouts.size(); i++) {
      dropoutStates.add(
          CheckpointMetadata.value(metadata, DROPOUT_RNG_PREFIX + i, "a 64-bit integer", Long::parseLong, problems));
    }
    checkNoStrayDropoutStates(metadata, dropouts.size(), problems);

    CheckpointMetadata.refuseIfAny(problems);
    restored.dataRng().setState(dataRngState);
    for (int i = 0; i < dropouts.size(); i++) {
      dropouts.get(i).rng().setState(dropoutStates.get(i));
    }
    adopt(restored, epochs);
  }

  /** Loads one part of the state, recording its loader's refusal under the part's key prefix. */
  private static void loadPart(List<String> problems, String prefix, String part, Runnable load) {
    try {
      load.run();
    } catch (IllegalArgumentException e) {
      problems.add("checkpoint tensors " + prefix + "* do not fit " + part + ": " + e.getMessage());
    }
  }

  /** Tensors no part loads would otherwise be ignored silently; they mean the file is not this run's. */
  private void checkNoStrayTensors(Map<String, Tensor> tensors, boolean hasScheduler, List<String> problems) {
    List<String> stray = new ArrayList<>();
    for (String key : tensors.keySet()) {
      boolean known = key.startsWith(MODEL_PREFIX) || key.startsWith(OPTIMIZER_PREFIX)
          || (hasScheduler && key.startsWith(SCHEDULER_PREFIX));
      if (!known) {
        stray.add(key);
      }
    }
    if (!stray.isEmpty()) {
      problems.add("checkpoint tensors " + stray + " belong to no part of this run's state (model.*, optimizer.*"
          + (hasScheduler ? ", scheduler.*)" : "; schedule '" + config.schedule() + "' keeps no scheduler.*)"));
    }
  }

  /** Every dropout_rng.i must belong to one of the model's dropout layers, in order. */
  private void checkNoStrayDropoutStates(Map<String, String> metadata, int dropoutCount, List<String> problems) {
    TreeSet<String> stray = new TreeSet<>();
    for (String key : metadata.keySet()) {
      if (key.startsWith(DROPOUT_RNG_PREFIX)) {
        String index = key.substring(DROPOUT_RNG_PREFIX.length());
        if (!index.matches("0|[1-9][0-9]{0,8}") || Integer.parseInt(index) >= dropoutCount) {
          stray.add(key);
        }
      }
    }
    if (!stray.isEmpty()) {
      problems.add("checkpoint metadata " + stray + " name dropout generators that model '" + config.model()
          + "' does not have (it has " + dropoutCount + " dropout layer" + (dropoutCount == 1 ? "" : "s") + ")");
    }
  }

  private static List<Dropout> dropouts(Sequential model) {
    List<Dropout> out = new ArrayList<>();
    model.apply(m -> {
      if (m instanceof Dropout d) {
        out.add(d);
      }
    });
    return out;
  }

  private static Map<String, Tensor> prefixed(Map<String, Tensor> tensors, String prefix) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    tensors.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        out.put(k.substring(prefix.length()), v);
      }
    });
    return out;
  }
}
