package dev.wengert.examples.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link TrainConfig#fromMetadata}, which {@code wengert train --resume} rebuilds the run's settings
 * with: a checkpoint's settings round-trip, and each bad one (missing, malformed, out of range, an
 * unknown name) is refused in one IllegalArgumentException that names the key and its value.
 */
class TrainConfigTest {

  /** Every setting away from its default, so a round trip that dropped one would show. */
  private static final TrainConfig CONFIG =
      new TrainConfig("cnn-bn", 7, 33, "adamw", 3.0e-4, "onecycle", -1234567890123L, true, "/data/fashion", 500, 60);

  private static final List<String> KEYS = List.of(
      "model", "epochs", "batch", "optimizer", "lr", "schedule", "seed", "augment", "data", "limit_train", "limit_test");

  @Test
  void metadataRoundTrips() {
    Map<String, String> metadata = CONFIG.toMetadata();
    assertEquals(KEYS, List.copyOf(metadata.keySet()));
    assertEquals(CONFIG, TrainConfig.fromMetadata(metadata));
    for (String model : Models.NAMES) {
      for (String optimizer : TrainConfig.OPTIMIZERS) {
        for (String schedule : TrainConfig.SCHEDULES) {
          TrainConfig config = new TrainConfig(
              model, 1, 1, optimizer, TrainConfig.defaultLr(optimizer), schedule, 0, false, "embedded", 0, 0);
          assertEquals(config, TrainConfig.fromMetadata(config.toMetadata()));
        }
      }
    }
  }

  @Test
  void aTrainersCheckpointMetadataRoundTrips() {
    // The trainer adds its own keys (epochs_done, data_rng, dropout_rng.i), which fromMetadata leaves to restore.
    Map<String, String> metadata = new LinkedHashMap<>(CONFIG.toMetadata());
    metadata.put("epochs_done", "3");
    metadata.put("data_rng", "42");
    metadata.put("dropout_rng.0", "43");
    assertEquals(CONFIG, TrainConfig.fromMetadata(metadata));
  }

  @ParameterizedTest
  @ValueSource(strings = {"model", "epochs", "batch", "optimizer", "lr", "schedule", "seed", "augment", "data"})
  void aMissingKeyIsNamed(String key) {
    assertRefused(m -> m.remove(key), "checkpoint metadata '" + key + "' is missing");
  }

  @Test
  void checkpointsFromBeforeTheLimitsTrainOnTheWholeDataSet() {
    Map<String, String> metadata = CONFIG.toMetadata();
    metadata.remove("limit_train");
    metadata.remove("limit_test");
    TrainConfig config = TrainConfig.fromMetadata(metadata);
    assertEquals(0, config.limitTrain());
    assertEquals(0, config.limitTest());
    assertEquals(CONFIG.model(), config.model());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    // malformed
    "epochs      | two      | an integer >= 1",
    "epochs      | 1.5      | an integer >= 1",
    "epochs      | ''       | an integer >= 1",
    "batch       | 0x40     | an integer >= 1",
    "batch       | 99999999999 | an integer >= 1",
    "lr          | fast     | a positive number",
    "seed        | 1e3      | a 64-bit integer",
    "seed        | 99999999999999999999 | a 64-bit integer",
    "augment     | yes      | true or false",
    "augment     | TRUE     | true or false",
    "augment     | ''       | true or false",
    "limit_train | x        | a non-negative integer",
    "limit_test  | 10%      | a non-negative integer",
    // out of range
    "epochs      | 0        | an integer >= 1",
    "epochs      | -3       | an integer >= 1",
    "batch       | 0        | an integer >= 1",
    "lr          | 0.0      | a positive number",
    "lr          | -0.01    | a positive number",
    "lr          | NaN      | a positive number",
    "lr          | Infinity | a positive number",
    "limit_train | -1       | a non-negative integer",
    "limit_test  | -64      | a non-negative integer",
    // unknown names
    "model       | resnet   | one of cnn-s, lenet5, cnn-bn",
    "model       | CNN-S    | one of cnn-s, lenet5, cnn-bn",
    "optimizer   | rmsprop  | one of sgd, adam, adamw",
    "schedule    | step     | one of none, cosine, onecycle",
  })
  void aBadValueIsNamedWithItsKey(String key, String value, String expected) {
    assertRefused(m -> m.put(key, value), "checkpoint metadata '" + key + "' must be " + expected + ", got '" + value + "'");
  }

  @Test
  void everyBadKeyIsNamedInOneMessage() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainConfig.fromMetadata(damaged(m -> {
      m.remove("model");
      m.put("limit_train", "x");
      m.put("augment", "yes");
      m.put("lr", "-1");
    })));
    assertEquals(
        "checkpoint metadata 'model' is missing; "
            + "checkpoint metadata 'lr' must be a positive number, got '-1'; "
            + "checkpoint metadata 'augment' must be true or false, got 'yes'; "
            + "checkpoint metadata 'limit_train' must be a non-negative integer, got 'x'",
        e.getMessage());
  }

  @Test
  void aLongValueIsShortenedToKeepTheMessageOneLine() {
    assertRefused(m -> m.put("model", "m".repeat(10_000)),
        "checkpoint metadata 'model' must be one of cnn-s, lenet5, cnn-bn, got '" + "m".repeat(37) + "...'");
  }

  @Test
  void aNewRunsSettingsObeyTheSameRules() {
    assertEquals("--epochs must be an integer >= 1, got 0", refusal(() -> withEpochs(0)));
    assertEquals("--batch must be an integer >= 1, got 0",
        refusal(() -> new TrainConfig("lenet5", 1, 0, "adam", 1e-3, "none", 0, false, "embedded")));
    assertEquals("--lr must be a positive number, got NaN",
        refusal(() -> new TrainConfig("lenet5", 1, 1, "adam", Double.NaN, "none", 0, false, "embedded")));
    assertEquals("--limit-test must be a non-negative integer, got -1",
        refusal(() -> new TrainConfig("lenet5", 1, 1, "adam", 1e-3, "none", 0, false, "embedded", 0, -1)));
    assertEquals("unknown schedule 'step'; valid schedules: none, cosine, onecycle",
        refusal(() -> new TrainConfig("lenet5", 1, 1, "adam", 1e-3, "step", 0, false, "embedded")));
  }

  private static TrainConfig withEpochs(int epochs) {
    return new TrainConfig("lenet5", epochs, 1, "adam", 1e-3, "none", 0, false, "embedded");
  }

  private static String refusal(Runnable create) {
    return assertThrows(IllegalArgumentException.class, create::run).getMessage();
  }

  /** The config's metadata, damaged; fromMetadata must refuse it with exactly {@code message}. */
  private static void assertRefused(Consumer<Map<String, String>> damage, String message) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TrainConfig.fromMetadata(damaged(damage)));
    assertEquals(message, e.getMessage());
  }

  private static Map<String, String> damaged(Consumer<Map<String, String>> damage) {
    Map<String, String> metadata = new LinkedHashMap<>(CONFIG.toMetadata());
    damage.accept(metadata);
    return metadata;
  }
}
