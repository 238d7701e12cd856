package dev.wengert.examples.train;

import dev.wengert.core.io.AtomicFiles;
import dev.wengert.core.io.SafeTensors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run's files. Every write is atomic (temporary file, then rename), so a crash leaves each file
 * either as it was or complete:
 *
 * <ul>
 *   <li>{@code training.safetensors}: everything {@code --resume} needs (model, optimizer,
 *       scheduler, generators, settings), one self-contained file;
 *   <li>{@code model.safetensors}: the weights with PyTorch's state-dict keys, for users;
 *   <li>{@code metrics.csv} (the same for the same seed), {@code timing.csv}, {@code summary.txt} and the PNG charts.
 * </ul>
 */
public final class RunDirectory {

  public static final String TRAINING = "training.safetensors";
  public static final String MODEL = "model.safetensors";
  public static final String METRICS = "metrics.csv";
  public static final String TIMING = "timing.csv";
  private static final String METRICS_HEADER = "epoch,train_loss,train_acc,test_loss,test_acc";
  private static final String TIMING_HEADER = "epoch,seconds";

  private final Path dir;

  /** Opens (or creates) a run directory, removing temporary files a crashed write left behind. */
  public RunDirectory(Path dir) throws IOException {
    this.dir = dir;
    Files.createDirectories(dir);
    try (var leftovers = Files.newDirectoryStream(dir, ".*.tmp")) {
      for (Path p : leftovers) {
        Files.deleteIfExists(p);
      }
    }
  }

  public Path path() {
    return dir;
  }

  /** Saves the state after an epoch: the resume file first, then the user's weights. */
  public void saveCheckpoint(Trainer trainer) throws IOException {
    SafeTensors.write(dir.resolve(TRAINING), trainer.stateTensors(), trainer.stateMetadata());
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", "pt");
    meta.put("model", trainer.config().model());
    meta.put("epoch", Integer.toString(trainer.epochsDone()));
    SafeTensors.write(dir.resolve(MODEL), trainer.model().stateDict(), meta);
  }

  /** The metrics rows so far (empty for a new run). */
  public List<String> metricsRows() throws IOException {
    return rows(METRICS);
  }

  private List<String> rows(String name) throws IOException {
    Path file = dir.resolve(name);
    if (!Files.exists(file)) {
      return new ArrayList<>();
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    return new ArrayList<>(lines.subList(Math.min(1, lines.size()), lines.size()));
  }

  /**
   * Records an epoch: its figures in {@code metrics.csv} (which depends only on the seed and
   * settings, so the same run twice gives the same file) and its duration in {@code timing.csv}.
   * A resumed run replaces rows of epochs it repeats. Returns the metrics rows.
   */
  public List<String> appendMetrics(Trainer.EpochResult r) throws IOException {
    List<String> metrics = appendRow(METRICS, METRICS_HEADER, r.epoch(), String.format(
        Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f", r.epoch(), r.trainLoss(), r.trainAccuracy(), r.test().loss(), r.test().accuracy()));
    appendRow(TIMING, TIMING_HEADER, r.epoch(), String.format(Locale.ROOT, "%d,%.3f", r.epoch(), r.seconds()));
    return metrics;
  }

  private List<String> appendRow(String name, String header, int epoch, String row) throws IOException {
    List<String> rows = rows(name);
    while (rows.size() >= epoch) {
      rows.remove(rows.size() - 1);
    }
    rows.add(row);
    StringBuilder sb = new StringBuilder(header).append('\n');
    rows.forEach(line -> sb.append(line).append('\n'));
    writeAtomically(dir.resolve(name), sb.toString().getBytes(StandardCharsets.UTF_8));
    return rows;
  }

  /** Writes {@code bytes} to {@code file} through a temporary file and a rename. */
  public static void writeAtomically(Path file, byte[] bytes) throws IOException {
    AtomicFiles.write(file, bytes);
  }

  /** The resume state of the run in {@code dir} (its directory or its training file). */
  public static SafeTensors.Contents readTraining(Path dirOrFile) throws IOException {
    Path file = Files.isDirectory(dirOrFile) ? dirOrFile.resolve(TRAINING) : dirOrFile;
    if (!Files.exists(file)) {
      throw new IOException("no checkpoint to resume: " + file + " does not exist");
    }
    return SafeTensors.read(file);
  }

  /** The weights in {@code dirOrFile} (a run directory or a model file). */
  public static SafeTensors.Contents readModel(Path dirOrFile) throws IOException {
    Path file = Files.isDirectory(dirOrFile) ? dirOrFile.resolve(MODEL) : dirOrFile;
    if (!Files.exists(file)) {
      throw new IOException("no weights: " + file + " does not exist");
    }
    return SafeTensors.read(file);
  }
}
