package dev.wengert.examples;

import dev.wengert.core.Parallel;
import dev.wengert.core.kernels.Kernels;
import dev.wengert.core.io.SafeTensors;
import dev.wengert.examples.data.DataSource;
import dev.wengert.examples.data.Dataset;
import dev.wengert.examples.train.Charts;
import dev.wengert.examples.train.RunDirectory;
import dev.wengert.examples.train.TrainConfig;
import dev.wengert.examples.train.Trainer;
import dev.wengert.layers.Summary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wengert train}: trains a small CNN on Fashion-MNIST end to end. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = "Train a CNN on Fashion-MNIST (the full set when installed, else the embedded subset).")
public final class TrainCommand implements Callable<Integer> {

  /**
   * Warm-up steps of 16 images. Measured on cnn-s with the full data set: 10 steps take the first
   * epoch from 23.1 s to 22.0 s and the whole run from 24.4 s to 23.8 s (30 steps: 21.9 s, 24.2 s).
   */
  private static final int WARM_UP_STEPS = 10;

  @Option(names = "--model", defaultValue = "cnn-s", description = "cnn-s, lenet5 or cnn-bn (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--epochs", defaultValue = "2", description = "Epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch", defaultValue = "64", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--optimizer", description = "sgd, adam or adamw (default: sgd with momentum 0.9 for cnn-s, adam otherwise).")
  String optimizer;

  @Option(names = "--lr", description = "Learning rate (default: 0.01 for sgd, 1e-3 for adam/adamw).")
  Double lr;

  @Option(names = "--schedule", defaultValue = "none", description = "none, cosine or onecycle (default: ${DEFAULT-VALUE}).")
  String schedule;

  @Option(names = "--augment", description = "Random crops (padding 2) and horizontal flips.")
  boolean augment;

  @Option(names = "--threads", description = "Threads (default: all cores).")
  Integer threads;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of every random choice (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--data", defaultValue = "auto", description = "auto, embedded, or a directory with the four IDX files (default: ${DEFAULT-VALUE}).")
  String data;

  @Option(names = "--limit-train", description = "Use only the first N training images (quick runs).")
  Integer limitTrain;

  @Option(names = "--limit-test", description = "Use only the first N test images (quick runs).")
  Integer limitTest;

  @Option(names = "--out", description = "Run directory (default: runs/<date-time>-<model>).")
  Path out;

  @Option(names = "--resume", description = "Continue the run in this directory from its last completed epoch.")
  Path resume;

  @Option(names = "--json", description = "One JSON object per epoch and a final one, instead of the progress bar.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (threads != null && threads < 1) {
      throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
    }
    Parallel.setThreads(threads != null ? threads : Runtime.getRuntime().availableProcessors());
    TrainConfig config;
    SafeTensors.Contents saved = null;
    RunDirectory run;
    if (resume != null) {
      saved = RunDirectory.readTraining(resume);
      config = TrainConfig.fromMetadata(saved.metadata());
      run = new RunDirectory(resume);
    } else {
      String opt = optimizer != null ? optimizer : TrainConfig.defaultOptimizer(model);
      config = new TrainConfig(
          model, epochs, batch, opt, lr != null ? lr : TrainConfig.defaultLr(opt), schedule, seed, augment, data,
          limitTrain != null ? limitTrain : 0, limitTest != null ? limitTest : 0);
      run = new RunDirectory(out != null ? out : defaultRunDir(model));
    }
    // The JIT compiles the kernels while the data set loads (see Trainer.warmUp).
    TrainConfig warmUpConfig = config;
    Thread warmUp = new Thread(() -> Trainer.warmUp(warmUpConfig, WARM_UP_STEPS), "wengert-warm-up");
    warmUp.setDaemon(true);
    warmUp.start();
    // On bad data the error ends the command at once; the daemon warm-up thread does not hold it.
    DataSource.Loaded loaded = DataSource.load(config.data()).limited(config.limitTrain(), config.limitTest());
    warmUp.join();
    Trainer trainer = new Trainer(config, loaded.train(), loaded.test());
    if (saved != null) {
      trainer.restore(saved.tensors(), saved.metadata());
    }
    int epochsBefore = trainer.epochsDone();
    info("data: " + loaded.description());
    info("model: " + config.model() + ", optimizer: " + config.optimizer() + " lr " + config.lr() + ", schedule: " + config.schedule()
        + ", batch " + config.batch() + ", threads " + Parallel.threads() + ", kernels: " + Kernels.get().description()
        + ", run directory: " + run.path());
    String summary = Summary.of(trainer.model(), 1, 1, loaded.train().rows(), loaded.train().cols());
    RunDirectory.writeAtomically(run.path().resolve("summary.txt"), summary.getBytes(StandardCharsets.UTF_8));

    Trainer.EpochResult last = null;
    double secondsTotal = 0;
    while (trainer.epochsDone() < config.epochs()) {
      Trainer.EpochResult r = json ? trainer.runEpoch(null) : withProgressBar(trainer);
      last = r;
      secondsTotal += r.seconds();
      run.saveCheckpoint(trainer);
      List<String> rows = run.appendMetrics(r);
      Charts.writeCurves(run.path(), rows);
      Charts.writeKernels(run.path().resolve("kernels.png"), trainer.model().stateDict().get("0.weight"), 12);
      if (json) {
        System.out.printf(
            Locale.ROOT,
            "{\"epoch\": %d, \"train_loss\": %.6f, \"train_acc\": %.6f, \"test_loss\": %.6f, \"test_acc\": %.6f, \"seconds\": %.3f}%n",
            r.epoch(), r.trainLoss(), r.trainAccuracy(), r.test().loss(), r.test().accuracy(), r.seconds());
      } else {
        System.out.printf(
            Locale.ROOT,
            "epoch %d/%d  train loss %.4f  train acc %.2f%%  test loss %.4f  test acc %.2f%%  %.1f s%n",
            r.epoch(), config.epochs(), r.trainLoss(), 100 * r.trainAccuracy(), r.test().loss(), 100 * r.test().accuracy(), r.seconds());
      }
      System.out.flush();
    }
    Trainer.Evaluation finalEvaluation = last != null ? last.test() : trainer.evaluate(loaded.test());
    if (json) {
      int epochsRun = trainer.epochsDone() - epochsBefore;
      System.out.printf(
          Locale.ROOT,
          "{\"final\": true, \"model\": \"%s\", \"epochs\": %d, \"test_acc\": %.6f, \"seconds_per_epoch\": %.3f,"
              + " \"peak_rss_mb\": %.1f, \"run\": \"%s\"}%n",
          config.model(), trainer.epochsDone(), finalEvaluation.accuracy(), epochsRun == 0 ? 0 : secondsTotal / epochsRun,
          peakRssMegabytes(), run.path().toString().replace("\\", "/"));
    } else {
      System.out.print(ConfusionMatrix.format(finalEvaluation.confusion()));
      System.out.println("run directory: " + run.path());
    }
    return 0;
  }

  private Trainer.EpochResult withProgressBar(Trainer trainer) {
    String task = "epoch " + (trainer.epochsDone() + 1) + "/" + trainer.config().epochs();
    try (ProgressBar bar =
        new ProgressBarBuilder()
            .setTaskName(task)
            .setInitialMax(trainer.batchesPerEpoch())
            .setStyle(ProgressBarStyle.ASCII)
            .setUpdateIntervalMillis(250)
            .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
            .build()) {
      return trainer.runEpoch((done, total, loss, accuracy, imagesPerSecond) -> {
        bar.stepTo(done);
        bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f acc %.2f%% %.0f img/s", loss, 100 * accuracy, imagesPerSecond));
      });
    }
  }

  private void info(String line) {
    if (!json) {
      System.out.println(line);
    }
  }

  /** The process's peak resident memory (Linux's VmHWM), or -1 where /proc is not available. */
  static double peakRssMegabytes() {
    try {
      for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (java.io.IOException | NumberFormatException e) {
      // Not Linux: no figure.
    }
    return -1;
  }

  private static Path defaultRunDir(String model) {
    return Path.of("runs", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss")) + "-" + model);
  }
}
