package dev.wengert.examples.bench;

import dev.wengert.core.Parallel;
import dev.wengert.core.kernels.Kernels;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code wengert bench gemm}: float32 {@code C = A·B} on square matrices, in GFLOPS ({@code 2n³/t}
 * for the median of the timed runs). Twin of {@code bench/reference/gemm.py}.
 */
@Command(
    name = "gemm",
    mixinStandardHelpOptions = true,
    description = "float32 matrix multiply C = A*B (square, no transposes), GFLOPS.")
public final class GemmBench implements Callable<Integer> {

  @Option(
      names = "--sizes",
      split = ",",
      defaultValue = "256,512,1024,2048",
      description = "Matrix sizes n (comma-separated; default: ${DEFAULT-VALUE}).")
  List<Integer> sizes;

  @Option(
      names = "--threads",
      description = "Threads (default: all processors).")
  Integer threads;

  @Option(
      names = "--repeats",
      description = "Timed runs per size (default: as many as fit in about a second, at least 3).")
  Integer repeats;

  @Option(names = "--json", description = "One JSON object per line.")
  boolean json;

  /** Warm-up budget per size, and the time budget of the timed runs. */
  private static final long WARMUP_NANOS = 500_000_000L;

  private static final long TIMED_NANOS = 1_000_000_000L;

  @Override
  public Integer call() {
    int threadCount = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    Parallel.setThreads(threadCount);
    Kernels kernels = Kernels.get();
    if (!json) {
      System.out.println("# kernels: " + kernels.description());
    }
    for (int n : sizes) {
      if (n < 1) {
        throw new IllegalArgumentException("sizes must be >= 1, got " + n);
      }
      double gflops = measure(kernels, n);
      if (json) {
        System.out.printf(
            Locale.ROOT,
            "{\"op\": \"gemm\", \"m\": %d, \"n\": %d, \"k\": %d, \"threads\": %d, \"gflops\": %.2f}%n",
            n, n, n, threadCount, gflops);
      } else {
        System.out.printf(
            Locale.ROOT,
            "gemm  m=%d n=%d k=%d threads=%d  %.1f GFLOPS%n",
            n, n, n, threadCount, gflops);
      }
      System.out.flush();
    }
    return 0;
  }

  private double measure(Kernels kernels, int n) {
    SplittableRandom random = new SplittableRandom(42);
    float[] a = new float[n * n];
    float[] b = new float[n * n];
    float[] c = new float[n * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) random.nextDouble(-1, 1);
      b[i] = (float) random.nextDouble(-1, 1);
    }
    Runnable run = () -> kernels.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);

    long start = System.nanoTime();
    for (int i = 0; i < 3 || System.nanoTime() - start < WARMUP_NANOS; i++) {
      run.run();
    }
    int maxRuns = repeats != null ? repeats : 1000;
    long[] times = new long[maxRuns];
    int runs = 0;
    long timedStart = System.nanoTime();
    while (runs < maxRuns
        && (repeats != null || runs < 3 || System.nanoTime() - timedStart < TIMED_NANOS)) {
      long t0 = System.nanoTime();
      run.run();
      times[runs++] = System.nanoTime() - t0;
    }
    long[] done = Arrays.copyOf(times, runs);
    Arrays.sort(done);
    double median = runs % 2 == 1 ? done[runs / 2] : (done[runs / 2 - 1] + done[runs / 2]) / 2.0;
    return 2.0 * n * n * n / median;
  }
}
