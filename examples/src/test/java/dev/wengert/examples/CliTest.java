package dev.wengert.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wengert.core.io.SafeTensors;
import dev.wengert.examples.train.RunDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user runs it: files written, bad input refused with one line and exit code 2. */
class CliTest {

  @TempDir Path dir;

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }


  @Test
  void trainWritesEveryFileOfTheRun() throws Exception {
    Path run = dir.resolve("run");
    CliRun r = run("train", "--model", "lenet5", "--epochs", "1", "--batch", "128", "--data", "embedded", "--json", "--out", run.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("\"final\": true"), r.out());
    for (String png : new String[] {"loss.png", "accuracy.png", "kernels.png"}) {
      assertNotNull(ImageIO.read(run.resolve(png).toFile()), png + " decodes");
    }
    assertEquals(2, Files.readAllLines(run.resolve("metrics.csv")).size());
    assertTrue(Files.readString(run.resolve("summary.txt")).contains("[1,6,28,28]"));
    CliRun eval = run("eval", "--checkpoint", run.toString(), "--data", "embedded");
    assertEquals(0, eval.code(), eval.err());
    assertTrue(eval.out().contains("lenet5: test loss"), eval.out());
    assertTrue(eval.out().contains("Ankle boot"), eval.out());
  }

  @Test
  void badInputIsOneLineWithExitCodeTwo() throws Exception {
    CliRun model = run("train", "--model", "resnet", "--data", "embedded", "--out", dir.resolve("x").toString());
    assertEquals(2, model.code());
    assertEquals("wengert train: unknown model 'resnet'; valid models: cnn-s, lenet5, cnn-bn", model.err().strip());
    CliRun lr = run("train", "--lr", "-1", "--data", "embedded", "--out", dir.resolve("y").toString());
    assertEquals(2, lr.code());
    assertTrue(lr.err().contains("--lr must be a positive number, got -1.0"), lr.err());
    CliRun data = run("train", "--data", dir.resolve("nothing").toString(), "--out", dir.resolve("z").toString());
    assertEquals(2, data.code());
    assertTrue(data.err().strip().endsWith("does not exist"), data.err());
    assertEquals(1, data.err().strip().lines().count());
    Files.writeString(dir.resolve("broken.safetensors"), "not a checkpoint at all");
    CliRun eval = run("eval", "--checkpoint", dir.resolve("broken.safetensors").toString());
    assertEquals(2, eval.code());
    assertTrue(eval.err().contains("header length"), eval.err());
  }

  /** Trains one short epoch into {@code run}, then rewrites its checkpoint's metadata with {@code damage}. */
  private static Path trainAndDamage(Path run, java.util.function.Consumer<Map<String, String>> damage) throws Exception {
    CliRun first = run("train", "--model", "lenet5", "--epochs", "1", "--batch", "64", "--data", "embedded", "--limit-train", "128",
        "--limit-test", "64", "--json", "--out", run.toString());
    assertEquals(0, first.code(), first.err());
    Path checkpoint = run.resolve(RunDirectory.TRAINING);
    SafeTensors.Contents saved = SafeTensors.read(checkpoint);
    Map<String, String> metadata = new LinkedHashMap<>(saved.metadata());
    damage.accept(metadata);
    SafeTensors.write(checkpoint, saved.tensors(), metadata);
    return checkpoint;
  }

  @Test
  void resumeFromADamagedCheckpointIsOneLineNamingTheKey() throws Exception {
    Path run = dir.resolve("damaged");
    Path checkpoint = trainAndDamage(run, metadata -> metadata.remove("data_rng"));
    byte[] damaged = Files.readAllBytes(checkpoint);
    String metrics = Files.readString(run.resolve("metrics.csv"));

    CliRun resumed = run("train", "--resume", run.toString(), "--json");
    assertEquals(2, resumed.code(), resumed.err());
    assertEquals("wengert train: checkpoint metadata 'data_rng' is missing", resumed.err().strip());
    assertArrayEquals(damaged, Files.readAllBytes(checkpoint), "the damaged checkpoint is left for the user to inspect");
    assertEquals(metrics, Files.readString(run.resolve("metrics.csv")));
  }

  @Test
  void resumeWithADamagedSettingIsOneLineNamingTheKeyAndTouchesNothing() throws Exception {
    Path run = dir.resolve("damaged-setting");
    trainAndDamage(run, metadata -> metadata.put("limit_train", "x"));
    Map<String, byte[]> before = files(run);

    CliRun resumed = run("train", "--resume", run.toString(), "--json");
    assertEquals(2, resumed.code(), resumed.err());
    assertEquals("", resumed.out());
    assertEquals(List.of("wengert train: checkpoint metadata 'limit_train' must be a non-negative integer, got 'x'"),
        resumed.err().lines().toList());
    Map<String, byte[]> after = files(run);
    assertEquals(before.keySet(), after.keySet(), "no file added or removed");
    before.forEach((name, bytes) -> assertArrayEquals(bytes, after.get(name), name + " unchanged"));
  }

  /** Every file in {@code dir} by name, with its bytes. */
  private static Map<String, byte[]> files(Path dir) throws java.io.IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> list = Files.list(dir)) {
      for (Path p : list.toList()) {
        out.put(p.getFileName().toString(), Files.readAllBytes(p));
      }
    }
    return out;
  }

  @Test
  void summaryAndOpsList() {
    CliRun summary = run("summary", "--model", "cnn-s");
    assertEquals(0, summary.code());
    assertTrue(summary.out().contains("421,642"), summary.out());
    CliRun ops = run("ops");
    assertTrue(ops.out().contains("conv2d") && ops.out().contains("cross_entropy"), ops.out());
  }
}
