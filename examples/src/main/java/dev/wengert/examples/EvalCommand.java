package dev.wengert.examples;

import dev.wengert.core.Parallel;
import dev.wengert.core.Rng;
import dev.wengert.core.io.SafeTensors;
import dev.wengert.examples.data.DataSource;
import dev.wengert.examples.train.Models;
import dev.wengert.examples.train.RunDirectory;
import dev.wengert.examples.train.TrainConfig;
import dev.wengert.examples.train.Trainer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wengert eval}: test accuracy and confusion matrix of saved weights. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Evaluate saved weights on the test set.")
public final class EvalCommand implements Callable<Integer> {

  @Option(names = "--checkpoint", required = true, description = "A run directory or a model .safetensors file.")
  Path checkpoint;

  @Option(names = "--data", defaultValue = "auto", description = "auto, embedded, or a directory with the IDX files (default: ${DEFAULT-VALUE}).")
  String data;

  @Override
  public Integer call() throws Exception {
    SafeTensors.Contents weights = RunDirectory.readModel(checkpoint);
    String model = weights.metadata().get("model");
    if (model == null || !Models.NAMES.contains(model)) {
      throw new IllegalArgumentException(checkpoint + ": the weights do not name a known model (metadata 'model' = " + model + ")");
    }
    Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    DataSource.Loaded loaded = DataSource.load(data);
    TrainConfig config = new TrainConfig(model, 1, 64, TrainConfig.defaultOptimizer(model), 0.01, "none", 0, false, data);
    Trainer trainer = new Trainer(config, loaded.train(), loaded.test());
    trainer.model().loadStateDict(weights.tensors(), true);
    Trainer.Evaluation e = trainer.evaluate(loaded.test());
    System.out.println("data: " + loaded.description());
    System.out.printf(Locale.ROOT, "%s: test loss %.4f, test accuracy %.2f%%%n", model, e.loss(), 100 * e.accuracy());
    System.out.print(ConfusionMatrix.format(e.confusion()));
    return 0;
  }
}
