package dev.wengert.examples.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wengert.core.Tensor;
import dev.wengert.core.TensorScope;
import dev.wengert.examples.data.DataSource;
import dev.wengert.examples.data.Dataset;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TrainerTest {

  private static Dataset train;
  private static Dataset test;

  @BeforeAll
  static void load() throws IOException {
    DataSource.Loaded data = DataSource.load("embedded");
    train = data.train();
    test = data.test();
  }

  @Test
  void lenet5LearnsFromTheEmbeddedSubset() {
    TrainConfig config = new TrainConfig("lenet5", 1, 32, "adam", 1e-3, "none", 0, false, "embedded");
    Trainer trainer = new Trainer(config, train, test);
    double before = trainer.evaluate(test).loss();
    Trainer.EpochResult r = trainer.runEpoch(null);
    assertEquals(188, trainer.batchesPerEpoch());
    assertTrue(r.test().loss() < 0.6 * before, "test loss fell from " + before + " to " + r.test().loss());
    assertTrue(r.test().accuracy() > 0.6, "accuracy " + r.test().accuracy() + " beats chance (0.1) by far");
    long total = 0;
    for (long[] row : r.test().confusion()) {
      for (long v : row) {
        total += v;
      }
    }
    assertEquals(test.size(), total);
  }

  @Test
  void resumingFromSavedStateIsBitIdentical() {
    TrainConfig config = new TrainConfig("cnn-bn", 2, 100, "adam", 1e-3, "onecycle", 7, true, "embedded");
    Dataset small = train.first(300);
    Dataset smallTest = test.first(100);
    Trainer straight = new Trainer(config, small, smallTest);
    straight.runEpoch(null);
    Map<String, Tensor> savedTensors = copy(straight.stateTensors());
    Map<String, String> savedMeta = straight.stateMetadata();
    straight.runEpoch(null);

    Trainer resumed = new Trainer(config, small, smallTest);
    resumed.restore(savedTensors, savedMeta);
    assertEquals(1, resumed.epochsDone());
    resumed.runEpoch(null);
    assertSameWeights(straight, resumed);
  }

  /**
   * Each step runs in a {@link TensorScope} and reuses the previous step's memory; inside a
   * poisoning scope, that memory is NaN-filled before ops that write every element take it, so an
   * op that reads what it did not write changes the weights.
   */
  @Test
  void trainingInPoisonedReusedMemoryGivesTheSameWeights() {
    TrainConfig config = new TrainConfig("cnn-bn", 1, 50, "adam", 1e-3, "onecycle", 3, true, "embedded");
    Dataset small = train.first(300);
    Dataset smallTest = test.first(100);
    Trainer plain = new Trainer(config, small, smallTest);
    plain.runEpoch(null);
    Trainer poisoned = new Trainer(config, small, smallTest);
    try (TensorScope scope = TensorScope.openPoisoning()) {
      poisoned.runEpoch(null);
    }
    assertSameWeights(plain, poisoned);
  }

  private static void assertSameWeights(Trainer expected, Trainer actual) {
    Map<String, Tensor> a = expected.model().stateDict();
    Map<String, Tensor> b = actual.model().stateDict();
    for (String key : a.keySet()) {
      assertArrayEquals(a.get(key).toFloatArray(), b.get(key).toFloatArray(), key);
    }
  }

  private static Map<String, Tensor> copy(Map<String, Tensor> state) {
    Map<String, Tensor> out = new java.util.LinkedHashMap<>();
    state.forEach((k, v) -> out.put(k, v.copy()));
    return out;
  }
}
