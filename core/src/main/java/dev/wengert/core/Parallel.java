package dev.wengert.core;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * Runs a loop over {@code [0, n)} on Wengert's worker threads with a fixed partition: chunk
 * {@code i} of {@code t} always covers the same indices, so a kernel whose chunks write disjoint
 * outputs gives the same bits for any thread count. Nested calls (from any chunk, including the
 * one the calling thread runs itself) run serially on the thread that makes them, which keeps the
 * pool free of deadlocks and oversubscription.
 */
public final class Parallel {

  /** Body of a parallel loop: handles indices {@code [from, to)}. */
  @FunctionalInterface
  public interface RangeBody {
    void run(int from, int to);
  }

  private static volatile int threads = Runtime.getRuntime().availableProcessors();
  private static volatile ForkJoinPool pool = newPool(threads);

  /** Set on a non-worker thread while it runs its own chunk of a parallel loop. */
  private static final ThreadLocal<boolean[]> CALLER_IN_LOOP = ThreadLocal.withInitial(() -> new boolean[1]);

  private Parallel() {}

  /** The number of threads parallel loops use (default: all available processors). */
  public static int threads() {
    return threads;
  }

  /** Sets the number of threads parallel loops use; 1 runs everything on the calling thread. */
  public static synchronized void setThreads(int count) {
    checkArgument(count >= 1, "threads must be >= 1, got %s", count);
    if (count == threads) {
      return;
    }
    ForkJoinPool old = pool;
    pool = newPool(count);
    threads = count;
    old.shutdown();
  }

  /**
   * Splits {@code [0, n)} into at most {@link #threads()} contiguous chunks of at least {@code
   * grain} indices and runs them in parallel; the caller runs the first chunk.
   */
  public static void forRange(int n, int grain, RangeBody body) {
    int chunks = chunkCount(n, grain);
    if (chunks <= 1) {
      if (n > 0) {
        body.run(0, n);
      }
      return;
    }
    ForkJoinPool p = pool;
    ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[chunks];
    for (int c = 1; c < chunks; c++) {
      int from = chunkStart(n, chunks, c);
      int to = chunkStart(n, chunks, c + 1);
      tasks[c] = p.submit(() -> body.run(from, to));
    }
    boolean[] inLoop = CALLER_IN_LOOP.get();
    inLoop[0] = true;
    try {
      body.run(0, chunkStart(n, chunks, 1));
    } finally {
      inLoop[0] = false;
    }
    for (int c = 1; c < chunks; c++) {
      tasks[c].join();
    }
  }

  /** How many chunks {@link #forRange} uses for {@code n} indices and this grain. */
  public static int chunkCount(int n, int grain) {
    if (n <= 0 || threads == 1 || inWorker()) {
      return 1;
    }
    long byGrain = Math.max(1, n / (long) Math.max(1, grain));
    return (int) Math.min(threads, Math.min(byGrain, n));
  }

  /** First index of chunk {@code c} when {@code [0, n)} is split into {@code chunks} chunks. */
  public static int chunkStart(int n, int chunks, int c) {
    return (int) ((long) n * c / chunks);
  }

  private static boolean inWorker() {
    return Thread.currentThread() instanceof ForkJoinWorkerThread w && w.getPool() == pool
        || CALLER_IN_LOOP.get()[0];
  }

  private static ForkJoinPool newPool(int count) {
    return new ForkJoinPool(
        Math.max(1, count - 1),
        p -> {
          ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
          t.setName("wengert-worker-" + t.getPoolIndex());
          t.setDaemon(true);
          return t;
        },
        null,
        false);
  }
}
