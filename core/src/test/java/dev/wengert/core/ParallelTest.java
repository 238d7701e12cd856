package dev.wengert.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ParallelTest {

  private int original;

  @BeforeEach
  void threeThreads() {
    original = Parallel.threads();
    Parallel.setThreads(3);
  }

  @AfterEach
  void restore() {
    Parallel.setThreads(original);
  }

  @Test
  void everyIndexRunsOnceInTheFixedChunks() {
    int n = 1000;
    int[] runs = new int[n];
    List<int[]> chunks = new ArrayList<>();
    Parallel.forRange(n, 1, (from, to) -> {
      synchronized (chunks) {
        chunks.add(new int[] {from, to});
      }
      for (int i = from; i < to; i++) {
        runs[i]++;
      }
    });
    int[] ones = new int[n];
    java.util.Arrays.fill(ones, 1);
    assertArrayEquals(ones, runs);
    chunks.sort((a, b) -> Integer.compare(a[0], b[0]));
    assertEquals(3, chunks.size());
    for (int c = 0; c < 3; c++) {
      assertArrayEquals(
          new int[] {Parallel.chunkStart(n, 3, c), Parallel.chunkStart(n, 3, c + 1)}, chunks.get(c));
    }
  }

  @Test
  void chunksRunOnSeveralThreadsAndNestedLoopsOnTheirOwn() {
    Set<Thread> outer = ConcurrentHashMap.newKeySet();
    Set<String> nestedOnOtherThread = ConcurrentHashMap.newKeySet();
    // Repeated: the workers park between some of the loops and spin between others.
    for (int round = 0; round < 200; round++) {
      Parallel.forRange(3, 1, (from, to) -> {
        Thread me = Thread.currentThread();
        outer.add(me);
        Parallel.forRange(100, 1, (f, t) -> {
          if (Thread.currentThread() != me) {
            nestedOnOtherThread.add(f + ".." + t);
          }
        });
      });
      if (round % 50 == 0) {
        LockSupportSleep.sleepMillis(5);
      }
    }
    assertEquals(3, outer.size());
    assertTrue(nestedOnOtherThread.isEmpty(), nestedOnOtherThread.toString());
  }

  @Test
  void aFailureInAnyChunkReachesTheCallerAfterEveryChunkEnded() {
    for (int failing = 0; failing < 3; failing++) {
      int chunk = failing;
      int[] finished = new int[1];
      IllegalStateException thrown = assertThrows(IllegalStateException.class, () ->
          Parallel.forRange(3, 1, (from, to) -> {
            if (from == chunk) {
              throw new IllegalStateException("chunk " + chunk);
            }
            LockSupportSleep.sleepMillis(20);
            synchronized (finished) {
              finished[0]++;
            }
          }));
      assertEquals("chunk " + chunk, thrown.getMessage());
      synchronized (finished) {
        assertEquals(2, finished[0], "the other chunks ended before the caller returned");
      }
    }
    // The pool still works afterwards.
    int[] runs = new int[30];
    Parallel.forRange(30, 1, (from, to) -> {
      for (int i = from; i < to; i++) {
        runs[i]++;
      }
    });
    assertEquals(30, java.util.Arrays.stream(runs).sum());
  }

  @Test
  void callersOnSeveralThreadsAtOnceAllGetTheirLoopsDone() throws Exception {
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try {
      List<Future<long[]>> results = new ArrayList<>();
      for (int c = 0; c < 4; c++) {
        results.add(callers.submit(() -> {
          long[] sums = new long[500];
          for (int r = 0; r < sums.length; r++) {
            long[] parts = new long[1000];
            Parallel.forRange(1000, 1, (from, to) -> {
              for (int i = from; i < to; i++) {
                parts[i] = i;
              }
            });
            sums[r] = java.util.Arrays.stream(parts).sum();
          }
          return sums;
        }));
      }
      long[] expected = new long[500];
      java.util.Arrays.fill(expected, 999L * 1000 / 2);
      for (Future<long[]> f : results) {
        assertArrayEquals(expected, f.get(60, TimeUnit.SECONDS));
      }
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void changingTheThreadCountWhileLoopsRunLosesNoChunk() throws Exception {
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try {
      Future<Long> loops = caller.submit(() -> {
        long done = 0;
        for (int r = 0; r < 3000; r++) {
          int[] runs = new int[64];
          Parallel.forRange(64, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
              runs[i]++;
            }
          });
          done += java.util.Arrays.stream(runs).sum();
        }
        return done;
      });
      for (int i = 0; !loops.isDone(); i++) {
        Parallel.setThreads(2 + i % 2);
      }
      assertEquals(3000L * 64, loops.get(60, TimeUnit.SECONDS));
    } finally {
      caller.shutdownNow();
    }
  }

  @Test
  void oneThreadRunsEverythingOnTheCaller() {
    Parallel.setThreads(1);
    Thread me = Thread.currentThread();
    Thread[] ran = new Thread[1];
    Parallel.forRange(1000, 1, (from, to) -> {
      assertEquals(0, from);
      assertEquals(1000, to);
      ran[0] = Thread.currentThread();
    });
    assertSame(me, ran[0]);
  }

  /** Sleeps without a checked exception. */
  private static final class LockSupportSleep {
    static void sleepMillis(long millis) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
