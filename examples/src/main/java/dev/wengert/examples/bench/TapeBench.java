package dev.wengert.examples.bench;

import dev.wengert.autodiff.Var;
import dev.wengert.core.DType;
import dev.wengert.core.Parallel;
import dev.wengert.core.Tensor;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code wengert bench tape}: the cost of recording and replaying one op. A chain of elementwise
 * ops on a 1-element float64 var (cycling {@code x*1.0001, x+0.001, tanh, sin} from 0.5), then
 * backward; microseconds per op of forward + backward. Twin of {@code bench/reference/tape.py}.
 */
@Command(
    name = "tape",
    mixinStandardHelpOptions = true,
    description = "Forward+backward of a chain of 1-element ops, microseconds per op.")
public final class TapeBench implements Callable<Integer> {

  @Option(names = "--ops", defaultValue = "100000", description = "Chain length (default: ${DEFAULT-VALUE}).")
  int ops;

  @Option(names = "--threads", defaultValue = "2", description = "Threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--json", description = "One JSON object line.")
  boolean json;

  @Override
  public Integer call() {
    if (ops < 1 || threads < 1) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(this), "--ops and --threads must be >= 1");
    }
    Parallel.setThreads(threads);
    double seconds = Timing.medianSeconds(() -> runChain(ops), 3, 3, 1.0);
    double usPerOp = seconds / ops * 1e6;
    if (json) {
      System.out.printf(
          Locale.ROOT, "{\"bench\": \"tape\", \"ops\": %d, \"threads\": %d, \"us_per_op\": %.4f}%n", ops, threads, usPerOp);
    } else {
      System.out.printf(
          Locale.ROOT, "tape  ops=%d threads=%d  %.3f us/op (forward+backward, median)%n", ops, threads, usPerOp);
    }
    return 0;
  }

  static void runChain(int n) {
    Var x0 = Var.parameter(Tensor.full(DType.FLOAT64, 0.5, 1));
    Var x = x0;
    for (int i = 0; i < n; i++) {
      switch (i & 3) {
        case 0 -> x = x.mul(1.0001);
        case 1 -> x = x.add(0.001);
        case 2 -> x = x.tanh();
        default -> x = x.sin();
      }
    }
    x.sum().backward();
    if (!Double.isFinite(x0.grad().item())) {
      throw new IllegalStateException("tape chain produced a non-finite gradient");
    }
  }
}
