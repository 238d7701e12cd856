package dev.wengert.examples.experiments;

import dev.wengert.core.Parallel;
import dev.wengert.examples.train.RunDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import picocli.CommandLine.Option;

/** The options every experiment shares (a picocli mixin): seed, threads, run directory and quick mode. */
public final class ExperimentOptions {

  @Option(names = "--seed", defaultValue = "0", description = "Seed of every random choice (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--threads", description = "Threads (default: all cores); results do not depend on it.")
  Integer threads;

  @Option(names = "--out", description = "Run directory (default: runs/<date-time>-<experiment>).")
  Path out;

  @Option(names = "--quick", description = "A tiny run that finishes in a few seconds (for tests).")
  boolean quick;

  /** Sets the thread count and creates the run directory. */
  RunDirectory start(String experiment) throws IOException {
    if (threads != null && threads < 1) {
      throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
    }
    Parallel.setThreads(threads != null ? threads : Runtime.getRuntime().availableProcessors());
    Path dir = out != null
        ? out
        : Path.of("runs", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss")) + "-" + experiment);
    return new RunDirectory(dir);
  }
}
