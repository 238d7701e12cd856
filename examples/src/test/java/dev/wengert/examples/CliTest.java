package dev.wengert.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user runs it: files written, bad input refused with one line and exit code 2. */
class CliTest {

  @TempDir Path dir;

  private record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.run(args);
      return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void trainWritesEveryFileOfTheRun() throws Exception {
    Path run = dir.resolve("run");
    Result r = run("train", "--model", "lenet5", "--epochs", "1", "--batch", "128", "--data", "embedded", "--json", "--out", run.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("\"final\": true"), r.out());
    for (String png : new String[] {"loss.png", "accuracy.png", "kernels.png"}) {
      assertNotNull(ImageIO.read(run.resolve(png).toFile()), png + " decodes");
    }
    assertEquals(2, Files.readAllLines(run.resolve("metrics.csv")).size());
    assertTrue(Files.readString(run.resolve("summary.txt")).contains("[1,6,28,28]"));
    Result eval = run("eval", "--checkpoint", run.toString(), "--data", "embedded");
    assertEquals(0, eval.code(), eval.err());
    assertTrue(eval.out().contains("lenet5: test loss"), eval.out());
    assertTrue(eval.out().contains("Ankle boot"), eval.out());
  }

  @Test
  void badInputIsOneLineWithExitCodeTwo() throws Exception {
    Result model = run("train", "--model", "resnet", "--data", "embedded", "--out", dir.resolve("x").toString());
    assertEquals(2, model.code());
    assertEquals("wengert train: unknown model 'resnet'; valid models: cnn-s, lenet5, cnn-bn", model.err().strip());
    Result lr = run("train", "--lr", "-1", "--data", "embedded", "--out", dir.resolve("y").toString());
    assertEquals(2, lr.code());
    assertTrue(lr.err().contains("--lr must be a positive number, got -1.0"), lr.err());
    Result data = run("train", "--data", dir.resolve("nothing").toString(), "--out", dir.resolve("z").toString());
    assertEquals(2, data.code());
    assertTrue(data.err().strip().endsWith("does not exist"), data.err());
    assertEquals(1, data.err().strip().lines().count());
    Files.writeString(dir.resolve("broken.safetensors"), "not a checkpoint at all");
    Result eval = run("eval", "--checkpoint", dir.resolve("broken.safetensors").toString());
    assertEquals(2, eval.code());
    assertTrue(eval.err().contains("header length"), eval.err());
  }

  @Test
  void summaryAndOpsList() {
    Result summary = run("summary", "--model", "cnn-s");
    assertEquals(0, summary.code());
    assertTrue(summary.out().contains("421,642"), summary.out());
    Result ops = run("ops");
    assertTrue(ops.out().contains("conv2d") && ops.out().contains("cross_entropy"), ops.out());
  }
}
