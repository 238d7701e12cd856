package dev.wengert.examples.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wengert.core.Tensor;
import dev.wengert.core.io.SafeTensors;
import dev.wengert.examples.Main;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training process killed with SIGKILL, in the middle of an epoch or of a checkpoint write,
 * resumes with {@code --resume} and ends with the same weights as a run that was never killed; the
 * run directory never holds a half-written checkpoint that loads.
 */
class ResumeAfterKillTest {

  private static final String[] RUN = {
    "train", "--model", "lenet5", "--epochs", "3", "--batch", "32", "--data", "embedded", "--limit-train", "3000",
    "--limit-test", "200", "--threads", "2", "--json"
  };

  @TempDir Path dir;

  @Test
  void killedMidEpochResumesBitIdentically() throws Exception {
    Path reference = uninterrupted();
    Path run = dir.resolve("killed-mid-epoch");
    Process child = start(run, 0);
    waitFor(() -> Files.exists(run.resolve("training.safetensors")), child);
    Thread.sleep(200);
    kill(child);
    assertResumesTo(run, reference);
  }

  @Test
  void killedDuringACheckpointWriteKeepsThePreviousCheckpoint() throws Exception {
    Path reference = uninterrupted();
    Path run = dir.resolve("killed-mid-write");
    Process child = start(run, 1500);
    // Wait for the first checkpoint, then for the temporary file of the next write.
    waitFor(() -> Files.exists(run.resolve("training.safetensors")) && Files.exists(run.resolve("metrics.csv")), child);
    waitFor(() -> temporaryFiles(run).size() > 0, child);
    kill(child);
    assertTrue(!temporaryFiles(run).isEmpty(), "killed while a temporary file was pending");
    SafeTensors.Contents checkpoint = SafeTensors.read(run.resolve("training.safetensors"));
    assertTrue(Integer.parseInt(checkpoint.metadata().get("epochs_done")) >= 1, "the last complete checkpoint loads");
    assertResumesTo(run, reference);
  }

  private Path uninterrupted() {
    Path reference = dir.resolve("reference");
    assertEquals(0, Main.run(concat(RUN, "--out", reference.toString())));
    return reference;
  }

  private static void assertResumesTo(Path run, Path reference) throws Exception {
    assertEquals(0, Main.run("train", "--resume", run.toString(), "--json"));
    Map<String, Tensor> expected = SafeTensors.read(reference.resolve("model.safetensors")).tensors();
    Map<String, Tensor> actual = SafeTensors.read(run.resolve("model.safetensors")).tensors();
    assertEquals(expected.keySet(), actual.keySet());
    for (String key : expected.keySet()) {
      assertArrayEquals(expected.get(key).toFloatArray(), actual.get(key).toFloatArray(), key);
    }
    assertEquals(Files.readString(reference.resolve("metrics.csv")), Files.readString(run.resolve("metrics.csv")));
  }

  private static Process start(Path run, long pauseBeforeRenameMillis) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--add-modules");
    command.add("jdk.incubator.vector");
    command.add("-Dwengert.io.pauseBeforeRenameMillis=" + pauseBeforeRenameMillis);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(List.of(concat(RUN, "--out", run.toString())));
    return new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(new File(run + ".err")).start();
  }

  private static void waitFor(BooleanSupplier condition, Process child) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!condition.getAsBoolean()) {
      assertTrue(child.isAlive(), "the training process ended before it could be killed");
      assertTrue(System.nanoTime() < deadline, "timed out waiting for the training process");
      Thread.sleep(5);
    }
  }

  private static void kill(Process child) throws Exception {
    child.destroyForcibly();
    assertTrue(child.waitFor(30, TimeUnit.SECONDS));
  }

  private static List<Path> temporaryFiles(Path run) {
    try (Stream<Path> files = Files.list(run)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
    } catch (java.io.IOException e) {
      return List.of();
    }
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
