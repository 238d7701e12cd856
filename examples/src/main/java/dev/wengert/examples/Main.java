package dev.wengert.examples;

import dev.wengert.examples.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code wengert} command line: training, experiments and benchmarks. */
@Command(
    name = "wengert",
    mixinStandardHelpOptions = true,
    version = "Wengert 0.1.0",
    description = "Reverse-mode autodiff and CNNs in pure Java.",
    subcommands = {OpsCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code (2 for bad usage, as picocli does). */
  public static int run(String... args) {
    return new CommandLine(new Main()).execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
