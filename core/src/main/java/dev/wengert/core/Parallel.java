package dev.wengert.core;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a loop over {@code [0, n)} on Wengert's worker threads with a fixed partition: chunk
 * {@code i} of {@code t} always covers the same indices, so a kernel whose chunks write disjoint
 * outputs gives the same bits for any thread count. Nested calls (from any chunk, including the
 * one the calling thread runs itself) run serially on the thread that makes them, which keeps the
 * pool free of deadlocks and oversubscription; so does a call made while another thread's loop
 * holds the pool.
 *
 * <p>The workers spin for a while ({@link #SPIN_NANOS}) after each loop before they park, as
 * OpenMP's do: a training step or a benchmark runs many short loops separated by short serial
 * stretches (allocating the next output, a small op), and waking a parked thread costs far more
 * than the loops themselves (measured here: 70-80 µs per loop after a 100 µs pause, against 9 µs
 * while the worker spins).
 */
public final class Parallel {

  /** Body of a parallel loop: handles indices {@code [from, to)}. */
  @FunctionalInterface
  public interface RangeBody {
    void run(int from, int to);
  }

  /** How long an idle worker keeps polling for the next loop before it parks. */
  static final long SPIN_NANOS = 2_000_000;

  private static volatile int threads = Runtime.getRuntime().availableProcessors();
  private static volatile Pool pool = new Pool(threads);

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
    Pool old = pool;
    pool = new Pool(count);
    threads = count;
    old.shutdown();
  }

  /**
   * Splits {@code [0, n)} into at most {@link #threads()} contiguous chunks of at least {@code
   * grain} indices and runs them in parallel; the caller runs the first chunk.
   */
  public static void forRange(int n, int grain, RangeBody body) {
    int chunks = chunkCount(n, grain);
    Pool p = pool;
    if (chunks <= 1 || !p.acquire()) {
      if (n > 0) {
        body.run(0, n);
      }
      return;
    }
    try {
      p.run(n, chunks, body);
    } finally {
      p.release();
    }
  }

  /** How many chunks {@link #forRange} uses for {@code n} indices and this grain. */
  public static int chunkCount(int n, int grain) {
    long byGrain = Math.max(1, n / (long) Math.max(1, grain));
    // The thread-local look-up last: most calls (small loops, nested kernels) stop before it.
    if (n <= 0 || threads == 1 || byGrain == 1 || inWorker()) {
      return 1;
    }
    return (int) Math.min(threads, Math.min(byGrain, n));
  }

  /** First index of chunk {@code c} when {@code [0, n)} is split into {@code chunks} chunks. */
  public static int chunkStart(int n, int chunks, int c) {
    return (int) ((long) n * c / chunks);
  }

  private static boolean inWorker() {
    return Thread.currentThread() instanceof Worker || CALLER_IN_LOOP.get()[0];
  }

  /** One loop handed to the workers: worker {@code c} runs chunk {@code c}. */
  private static final class Loop {
    final int n;
    final int chunks;
    final RangeBody body;
    /** Worker chunks not finished yet. */
    final AtomicInteger pending;
    volatile Throwable failure;

    Loop(int n, int chunks, RangeBody body) {
      this.n = n;
      this.chunks = chunks;
      this.body = body;
      this.pending = new AtomicInteger(chunks - 1);
    }

    void runChunk(int c) {
      try {
        body.run(chunkStart(n, chunks, c), chunkStart(n, chunks, c + 1));
      } catch (Throwable t) {
        failure = t;
      } finally {
        pending.decrementAndGet();
      }
    }
  }

  /** {@code threads − 1} workers and the loop they are running, if any. */
  private static final class Pool {
    private final Worker[] workers;
    /** Held by the one thread whose loop the workers run. */
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile Loop current;
    private volatile boolean shutdown;

    Pool(int threads) {
      workers = new Worker[threads - 1];
      for (int i = 0; i < workers.length; i++) {
        workers[i] = new Worker(this, i + 1);
        workers[i].start();
      }
    }

    boolean acquire() {
      return busy.compareAndSet(false, true);
    }

    void release() {
      busy.set(false);
    }

    void run(int n, int chunks, RangeBody body) {
      Loop loop = new Loop(n, chunks, body);
      current = loop;
      for (int c = 1; c < chunks; c++) {
        workers[c - 1].wake();
      }
      boolean[] inLoop = CALLER_IN_LOOP.get();
      inLoop[0] = true;
      Throwable own = null;
      try {
        body.run(0, chunkStart(n, chunks, 1));
      } catch (Throwable t) {
        own = t;
      } finally {
        inLoop[0] = false;
      }
      // Wait even when the own chunk failed: no worker may still be using the caller's buffers.
      awaitWorkers(loop);
      Throwable failure = own != null ? own : loop.failure;
      if (failure instanceof RuntimeException e) {
        throw e;
      }
      if (failure instanceof Error e) {
        throw e;
      }
      if (failure != null) {
        throw new IllegalStateException(failure);
      }
    }

    private static void awaitWorkers(Loop loop) {
      long start = 0;
      for (int spins = 0; loop.pending.get() > 0; spins++) {
        if (spins < 1 << 12) {
          Thread.onSpinWait();
        } else if (start == 0) {
          start = System.nanoTime();
        } else if (System.nanoTime() - start < SPIN_NANOS) {
          Thread.yield();
        } else {
          LockSupport.parkNanos(20_000);
        }
      }
    }

    /** Waits for a running loop to end, keeps the pool from starting another, and ends the workers. */
    void shutdown() {
      while (!acquire()) {
        Thread.onSpinWait();
      }
      shutdown = true;
      for (Worker w : workers) {
        LockSupport.unpark(w);
      }
    }
  }

  /** A worker: runs its chunk of each new loop, polls for the next, parks when none comes. */
  private static final class Worker extends Thread {
    private final Pool pool;
    private final int chunk;
    private volatile boolean parked;

    Worker(Pool pool, int chunk) {
      super("wengert-worker-" + chunk);
      this.pool = pool;
      this.chunk = chunk;
      setDaemon(true);
    }

    void wake() {
      if (parked) {
        LockSupport.unpark(this);
      }
    }

    @Override
    public void run() {
      Loop seen = null;
      while (true) {
        Loop loop = pool.current;
        if (loop != seen) {
          seen = loop;
          if (chunk < loop.chunks) {
            loop.runChunk(chunk);
          }
        } else if (pool.shutdown) {
          return; // no loop can follow: shutdown holds the pool
        } else {
          idle(seen);
        }
      }
    }

    /** Polls until the pool's loop is not {@code seen} or it shuts down, for a while; then parks. */
    private void idle(Loop seen) {
      long start = System.nanoTime();
      for (int spins = 0; pool.current == seen && !pool.shutdown; spins++) {
        if ((spins & 63) != 0 || System.nanoTime() - start < SPIN_NANOS) {
          Thread.onSpinWait();
          continue;
        }
        // Announce the park, then look once more: a caller that published after this look
        // sees the flag and unparks.
        parked = true;
        if (pool.current == seen && !pool.shutdown) {
          LockSupport.park(this);
        }
        parked = false;
        return;
      }
    }
  }
}
