package dev.wengert.examples.train;

import dev.wengert.autodiff.Autodiff;
import dev.wengert.autodiff.Tape;
import dev.wengert.autodiff.Var;
import dev.wengert.autodiff.ops.Losses;
import dev.wengert.autodiff.ops.Reduction;
import dev.wengert.core.Rng;
import dev.wengert.core.Tensor;
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

  private final TrainConfig config;
  private final Dataset train;
  private final Dataset test;
  private final Sequential model;
  private final Optimizer optimizer;
  private final LrScheduler scheduler;
  private final Rng dataRng;
  private int epochsDone;

  public Trainer(TrainConfig config, Dataset train, Dataset test) {
    this.config = config;
    this.train = train;
    this.test = test;
    Rng seeds = new Rng(config.seed());
    this.model = Models.create(config.model(), seeds.split());
    this.dataRng = seeds.split();
    this.optimizer = optimizer(config, model.parameters());
    this.scheduler = scheduler(config, optimizer, batchesPerEpoch());
  }

  private static Optimizer optimizer(TrainConfig config, List<Var> params) {
    ParamGroup group = ParamGroup.of(params);
    return switch (config.optimizer()) {
      case "sgd" -> new Sgd(group, Sgd.options(config.lr()).momentum(0.9));
      case "adam" -> new Adam(group, Adam.options().lr(config.lr()));
      case "adamw" -> new AdamW(group, AdamW.options().lr(config.lr()));
      default -> throw new IllegalArgumentException("unknown optimizer " + config.optimizer());
    };
  }

  private static LrScheduler scheduler(TrainConfig config, Optimizer optimizer, int batchesPerEpoch) {
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
      Tensor images = train.images(indices);
      if (config.augment()) {
        Augment.apply(images, dataRng);
      }
      Tensor labels = train.labels(indices);
      double batchLoss;
      try (Tape tape = Tape.open()) {
        Var logits = model.forward(Var.constant(images));
        Var loss = Losses.crossEntropy(logits, labels);
        loss.backward();
        batchLoss = loss.item();
        correct += countCorrect(logits.value(), labels);
      }
      optimizer.step();
      optimizer.zeroGrad();
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
    model.stateDict().forEach((k, v) -> out.put("model." + k, v));
    optimizer.stateDict().forEach((k, v) -> out.put("optimizer." + k, v));
    if (scheduler != null) {
      scheduler.stateDict().forEach((k, v) -> out.put("scheduler." + k, v));
    }
    return out;
  }

  /** The generators' states and the epoch count, as metadata strings. */
  public Map<String, String> stateMetadata() {
    Map<String, String> m = new LinkedHashMap<>(config.toMetadata());
    m.put("epochs_done", Integer.toString(epochsDone));
    m.put("data_rng", Long.toString(dataRng.state()));
    List<Dropout> dropouts = dropouts();
    for (int i = 0; i < dropouts.size(); i++) {
      m.put("dropout_rng." + i, Long.toString(dropouts.get(i).rng().state()));
    }
    return m;
  }

  /** Restores what {@link #stateTensors} and {@link #stateMetadata} saved. */
  public void restore(Map<String, Tensor> tensors, Map<String, String> metadata) {
    model.loadStateDict(prefixed(tensors, "model."), true);
    optimizer.loadStateDict(prefixed(tensors, "optimizer."));
    if (scheduler != null) {
      scheduler.loadStateDict(prefixed(tensors, "scheduler."));
    }
    epochsDone = Integer.parseInt(metadata.get("epochs_done"));
    dataRng.setState(Long.parseLong(metadata.get("data_rng")));
    List<Dropout> dropouts = dropouts();
    for (int i = 0; i < dropouts.size(); i++) {
      dropouts.get(i).rng().setState(Long.parseLong(metadata.get("dropout_rng." + i)));
    }
  }

  private List<Dropout> dropouts() {
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
