package dev.wengert.examples;

import dev.wengert.examples.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code wengert} command line: training, experiments and benchmarks. */
@Command(
    name = "wengert",
    mixinStandardHelpOptions = true,
    version = "Wengert 0.1.0",
    description = "Reverse-mode autodiff and CNNs in pure Java. --debug (anywhere) shows stack traces.",
    subcommands = {
      TrainCommand.class,
      EvalCommand.class,
      SummaryCommand.class,
      OpsCommand.class,
      BenchCommand.class,
      dev.wengert.examples.experiments.EdgesCommand.class, dev.wengert.examples.experiments.InvarianceCommand.class,
      dev.wengert.examples.experiments.RgbCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /**
   * Runs the command line and returns its exit code: 0 on success, 2 for bad usage or bad input
   * (one line on stderr; the stack trace only with {@code --debug}).
   */
  public static int run(String... args) {
    System.setProperty("java.awt.headless", "true");
    boolean debug = java.util.Arrays.asList(args).contains("--debug");
    String[] rest = java.util.Arrays.stream(args).filter(a -> !a.equals("--debug")).toArray(String[]::new);
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (debug) {
        e.printStackTrace(cmd.getErr());
      } else {
        cmd.getErr().println("wengert " + cmd.getCommandName() + ": " + oneLine(e));
      }
      return 2;
    });
    return cli.execute(rest);
  }

  private static String oneLine(Throwable e) {
    String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    return message.replace('\n', ' ');
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
