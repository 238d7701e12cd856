package dev.wengert.examples.bench;

import java.util.Arrays;

/**
 * Benchmark timing shared by the bench commands and mirrored by bench/reference/*.py: warm-up
 * runs, then timed runs until both a minimum count and a minimum duration are reached; the median
 * is reported, since the machine is shared and noisy.
 */
final class Timing {

  private Timing() {}

  /** Median seconds of one {@code run}, after {@code warmups} untimed runs. */
  static double medianSeconds(Runnable run, int warmups, int minRuns, double minSeconds) {
    return medianSeconds(run, warmups, 0, minRuns, minSeconds);
  }

  /**
   * Median seconds of one {@code run}, after untimed runs until both {@code warmups} runs and
   * {@code warmupSeconds} have passed.
   */
  static double medianSeconds(Runnable run, int warmups, double warmupSeconds, int minRuns, double minSeconds) {
    long warmupBegin = System.nanoTime();
    for (int i = 0; i < warmups || (System.nanoTime() - warmupBegin) / 1e9 < warmupSeconds; i++) {
      run.run();
    }
    double[] times = new double[16];
    int count = 0;
    long begin = System.nanoTime();
    while (count < minRuns || (System.nanoTime() - begin) / 1e9 < minSeconds) {
      long start = System.nanoTime();
      run.run();
      double seconds = (System.nanoTime() - start) / 1e9;
      if (count == times.length) {
        times = Arrays.copyOf(times, count * 2);
      }
      times[count++] = seconds;
    }
    double[] sorted = Arrays.copyOf(times, count);
    Arrays.sort(sorted);
    return count % 2 == 1 ? sorted[count / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2;
  }
}
