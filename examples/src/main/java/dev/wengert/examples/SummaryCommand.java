package dev.wengert.examples;

import dev.wengert.core.Rng;
import dev.wengert.examples.train.Models;
import dev.wengert.layers.Summary;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wengert summary}: a model's layer table, shapes from the conv formula. */
@Command(name = "summary", mixinStandardHelpOptions = true, description = "Print a model's layers: output shapes, parameters, MACs.")
public final class SummaryCommand implements Callable<Integer> {

  @Option(names = "--model", defaultValue = "cnn-s", description = "cnn-s, lenet5 or cnn-bn (default: ${DEFAULT-VALUE}).")
  String model;

  @Override
  public Integer call() {
    System.out.print(Summary.of(Models.create(model, new Rng(0)), 1, 1, 28, 28));
    return 0;
  }
}
