package dev.wengert.examples.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wengert.core.DType;
import dev.wengert.core.Rng;
import dev.wengert.core.Tensor;
import dev.wengert.core.io.SafeTensors;
import dev.wengert.examples.data.Dataset;
import dev.wengert.examples.data.Idx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Trainer#restore} is all or nothing: a damaged checkpoint is refused with a message naming
 * what is wrong, and the trainer keeps its weights, optimizer state, schedule, generators and epoch
 * count to the byte. Every damage is applied to the checkpoint of a trainer one epoch further on, so
 * a restore that applied part of it would show.
 */
class TrainerRestoreTest {

  /** cnn-bn for its dropout layer and buffers; Adam and 1cycle for optimizer and scheduler state. */
  private static final TrainConfig CONFIG = new TrainConfig("cnn-bn", 5, 4, "adam", 1e-3, "onecycle", 11, false, "embedded");

  private static Dataset data;
  private static Map<String, Tensor> savedTensors;
  private static Map<String, String> savedMetadata;

  @TempDir static Path dir;

  @BeforeAll
  static void saveACheckpointTwoEpochsIn() throws IOException {
    data = randomImages(8);
    Trainer source = new Trainer(CONFIG, data, data);
    source.runEpoch(null);
    source.runEpoch(null);
    savedTensors = copy(source.stateTensors());
    savedMetadata = source.stateMetadata();
  }

  /** Labelled noise: enough for epochs of two batches. */
  private static Dataset randomImages(int n) throws IOException {
    Rng rng = new Rng(5);
    byte[] pixels = new byte[n * 28 * 28];
    byte[] labels = new byte[n];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) rng.nextInt(256);
    }
    for (int i = 0; i < n; i++) {
      labels[i] = (byte) (i % 10);
    }
    return new Dataset(new Idx.Array(new int[] {n, 28, 28}, pixels), new Idx.Array(new int[] {n}, labels), "noise");
  }

  /** A trainer one epoch in: its optimizer has moments, its generators have moved. */
  private static Trainer trainerOneEpochIn() {
    Trainer trainer = new Trainer(CONFIG, data, data);
    trainer.runEpoch(null);
    return trainer;
  }

  @Test
  void anUndamagedCheckpointRestoresEverything() {
    Trainer trainer = trainerOneEpochIn();
    byte[] before = snapshot(trainer);
    trainer.restore(savedTensors, savedMetadata);
    assertEquals(2, trainer.epochsDone());
    assertFalse(Arrays.equals(before, snapshot(trainer)), "the checkpoint differs from the trainer it is restored into");
    assertArrayEquals(snapshot(savedTensors, savedMetadata), snapshot(trainer));
  }

  @Test
  void missingMetadataKeyIsNamed() {
    assertRefusedAndUnchanged(
        (tensors, metadata) -> metadata.remove("data_rng"), "checkpoint metadata 'data_rng' is missing");
    assertRefusedAndUnchanged(
        (tensors, metadata) -> metadata.remove("epochs_done"), "checkpoint metadata 'epochs_done' is missing");
    assertRefusedAndUnchanged(
        (tensors, metadata) -> metadata.remove("dropout_rng.0"), "checkpoint metadata 'dropout_rng.0' is missing");
  }

  @Test
  void nonNumericMetadataIsNamedWithItsValue() {
    assertRefusedAndUnchanged(
        (tensors, metadata) -> metadata.put("epochs_done", "two"),
        "checkpoint metadata 'epochs_done' must be a non-negative integer, got 'two'");
    assertRefusedAndUnchanged(
        (tensors, metadata) -> metadata.put("data_rng", "0x1f"),
        "checkpoint metadata 'data_rng' must be a 64-bit integer, got '0x1f'");
    assertRefusedAndUnchanged(
        (tensors, metadata) -> metadata.put("dropout_rng.0", "99999999999999999999"),
        "checkpoint metadata 'dropout_rng.0' must be a 64-bit integer, got '99999999999999999999'");
  }

  @Test
  void negativeEpochCountIsNamedWithItsValue() {
    assertRefusedAndUnchanged(
        (tensors, metadata) -> metadata.put("epochs_done", "-1"),
        "checkpoint metadata 'epochs_done' must be a non-negative integer, got '-1'");
  }

  @Test
  void aLongValueIsShortenedToKeepTheMessageOneLine() {
    String refusal = assertRefusedAndUnchanged(
        (tensors, metadata) -> metadata.put("data_rng", "x".repeat(10_000)), "checkpoint metadata 'data_rng' must be");
    assertTrue(refusal.length() < 200, refusal);
  }

  @Test
  void dropoutGeneratorsTheModelDoesNotHaveAreNamed() {
    assertRefusedAndUnchanged(
        (tensors, metadata) -> metadata.put("dropout_rng.1", "7"),
        "checkpoint metadata [dropout_rng.1] name dropout generators that model 'cnn-bn' does not have (it has 1 dropout layer)");
    assertRefusedAndUnchanged((tensors, metadata) -> metadata.put("dropout_rng.x", "7"), "[dropout_rng.x]");
  }

  @Test
  void missingModelTensorIsNamed() {
    assertRefusedAndUnchanged(
        (tensors, metadata) -> tensors.remove("model.0.weight"),
        "checkpoint tensors model.* do not fit model 'cnn-bn'", "missing keys: [0.weight]");
  }

  @Test
  void optimizerTensorOfWrongShapeIsNamed() {
    assertRefusedAndUnchanged(
        (tensors, metadata) -> tensors.put("optimizer.state.0.exp_avg", Tensor.zeros(DType.FLOAT32, 3)),
        "checkpoint tensors optimizer.* do not fit optimizer 'adam'", "state.0.exp_avg: [3], expected [32,1,3,3]");
  }

  @Test
  void schedulerStateThatDoesNotFitIsNamed() {
    assertRefusedAndUnchanged(
        (tensors, metadata) -> tensors.put("scheduler.last_epoch", Tensor.scalar(DType.FLOAT64, 1e6)),
        "checkpoint tensors scheduler.* do not fit schedule 'onecycle'", "last_epoch");
  }

  @Test
  void tensorsOfNoPartAreNamed() {
    assertRefusedAndUnchanged(
        (tensors, metadata) -> tensors.put("ema.0.weight", Tensor.zeros(DType.FLOAT32, 1)),
        "checkpoint tensors [ema.0.weight] belong to no part of this run's state");
  }

  @Test
  void everyProblemIsNamedInOneMessage() {
    assertRefusedAndUnchanged(
        (tensors, metadata) -> {
          metadata.remove("data_rng");
          metadata.put("epochs_done", "x");
          tensors.remove("model.0.weight");
        },
        "'epochs_done' must be a non-negative integer, got 'x'", "'data_rng' is missing", "missing keys: [0.weight]");
  }

  /**
   * A failure restore cannot foresee (here the maps themselves fail, at each of their uses in turn)
   * leaves the trainer as it was, too.
   */
  @Test
  void aFailureAtAnyPointLeavesTheTrainerAsItWas() {
    Trainer trainer = trainerOneEpochIn();
    byte[] before = snapshot(trainer);
    for (int uses = 0; ; uses++) {
      try {
        trainer.restore(new FailingMap<>(savedTensors, uses), new FailingMap<>(savedMetadata, uses));
      } catch (InjectedFailure e) {
        assertArrayEquals(before, snapshot(trainer), "after a failure at use " + uses);
        continue;
      }
      assertTrue(uses > 2, "the restore used its maps " + uses + " times");
      assertArrayEquals(snapshot(savedTensors, savedMetadata), snapshot(trainer));
      return;
    }
  }

  /** Damages a copy of the two-epoch checkpoint; restoring it must fail naming {@code fragments} and change nothing. */
  private static String assertRefusedAndUnchanged(Damage damage, String... fragments) {
    Map<String, Tensor> tensors = new LinkedHashMap<>(savedTensors);
    Map<String, String> metadata = new LinkedHashMap<>(savedMetadata);
    damage.apply(tensors, metadata);
    Trainer trainer = trainerOneEpochIn();
    byte[] before = snapshot(trainer);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> trainer.restore(tensors, metadata));
    assertArrayEquals(before, snapshot(trainer), () -> "nothing restored after: " + e.getMessage());
    assertEquals(1, trainer.epochsDone());
    for (String fragment : fragments) {
      assertTrue(e.getMessage().contains(fragment), () -> "'" + fragment + "' in: " + e.getMessage());
    }
    return e.getMessage();
  }

  @FunctionalInterface
  private interface Damage {
    void apply(Map<String, Tensor> tensors, Map<String, String> metadata);
  }

  /** The trainer's whole resumable state (weights, buffers, optimizer, schedule, generators, epoch) as file bytes. */
  private static byte[] snapshot(Trainer trainer) {
    return snapshot(trainer.stateTensors(), trainer.stateMetadata());
  }

  private static byte[] snapshot(Map<String, Tensor> tensors, Map<String, String> metadata) {
    try {
      Path file = Files.createTempFile(dir, "state", ".safetensors");
      SafeTensors.write(file, tensors, metadata);
      byte[] bytes = Files.readAllBytes(file);
      Files.delete(file);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Tensor> copy(Map<String, Tensor> state) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    state.forEach((k, v) -> out.put(k, v.copy()));
    return out;
  }

  private static final class InjectedFailure extends RuntimeException {
    InjectedFailure() {
      super("injected failure");
    }
  }

  /** A read-only map that fails after {@code uses} uses (every read of an AbstractMap goes through entrySet). */
  private static final class FailingMap<V> extends AbstractMap<String, V> {
    private final Map<String, V> contents;
    private int usesLeft;

    FailingMap(Map<String, V> contents, int uses) {
      this.contents = contents;
      this.usesLeft = uses;
    }

    @Override
    public Set<Entry<String, V>> entrySet() {
      if (usesLeft-- == 0) {
        throw new InjectedFailure();
      }
      return contents.entrySet();
    }
  }
}
