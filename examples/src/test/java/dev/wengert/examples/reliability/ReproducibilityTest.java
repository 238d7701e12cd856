package dev.wengert.examples.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wengert.core.Parallel;
import dev.wengert.core.Tensor;
import dev.wengert.examples.Main;
import dev.wengert.examples.data.DataSource;
import dev.wengert.examples.train.TrainConfig;
import dev.wengert.examples.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same seed gives the same bits, whatever the thread count, and the same run twice the same metrics. */
class ReproducibilityTest {

  @TempDir Path dir;

  private static Map<String, Tensor> train(int threads, String model) throws Exception {
    int previous = Parallel.threads();
    Parallel.setThreads(threads);
    try {
      DataSource.Loaded data = DataSource.load("embedded").limited(6000, 200);
      Trainer trainer = new Trainer(new TrainConfig(model, 1, 32, "adam", 1e-3, "none", 3, false, "embedded"), data.train(), data.test());
      trainer.runEpoch(null);
      return trainer.model().stateDict();
    } finally {
      Parallel.setThreads(previous);
    }
  }

  @Test
  void oneAndTwoThreadsGiveBitIdenticalWeights() throws Exception {
    Map<String, Tensor> one = train(1, "lenet5");
    Map<String, Tensor> two = train(2, "lenet5");
    for (String key : one.keySet()) {
      assertArrayEquals(one.get(key).toFloatArray(), two.get(key).toFloatArray(), key + " after 188 steps");
    }
  }

  @Test
  void theSameRunTwiceWritesTheSameMetrics() throws Exception {
    String[] args = {"train", "--model", "cnn-bn", "--epochs", "2", "--batch", "64", "--data", "embedded", "--limit-train", "640",
        "--limit-test", "100", "--augment", "--json"};
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    assertEquals(0, Main.run(concat(args, "--out", a.toString())));
    assertEquals(0, Main.run(concat(args, "--out", b.toString())));
    assertEquals(Files.readString(a.resolve("metrics.csv")), Files.readString(b.resolve("metrics.csv")));
    assertArrayEquals(Files.readAllBytes(a.resolve("model.safetensors")), Files.readAllBytes(b.resolve("model.safetensors")));
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
