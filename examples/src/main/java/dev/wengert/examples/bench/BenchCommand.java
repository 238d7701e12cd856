package dev.wengert.examples.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code wengert bench <what>}: speed measurements. Each subcommand has a PyTorch twin in {@code
 * bench/reference/<what>.py}, and {@code bench/compare <what>} runs both side by side.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks; compare with PyTorch via bench/compare <what>.",
    subcommands = {GemmBench.class, TapeBench.class, ConvBench.class})
public final class BenchCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
