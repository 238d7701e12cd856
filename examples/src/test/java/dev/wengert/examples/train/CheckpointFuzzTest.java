package dev.wengert.examples.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.wengert.autodiff.Autodiff;
import dev.wengert.autodiff.Var;
import dev.wengert.autodiff.ops.Conv2dOptions;
import dev.wengert.core.DType;
import dev.wengert.core.Rng;
import dev.wengert.core.Tensor;
import dev.wengert.core.io.SafeTensors;
import dev.wengert.core.io.SafeTensorsException;
import dev.wengert.examples.data.Dataset;
import dev.wengert.examples.data.Idx;
import dev.wengert.layers.Activation;
import dev.wengert.layers.BatchNorm;
import dev.wengert.layers.Conv2d;
import dev.wengert.layers.Dropout;
import dev.wengert.layers.Flatten;
import dev.wengert.layers.Linear;
import dev.wengert.layers.Pool2d;
import dev.wengert.layers.Sequential;
import dev.wengert.optim.Adam;
import dev.wengert.optim.OneCycleLR;
import dev.wengert.optim.ParamGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whatever a user's checkpoint file holds, loading it either succeeds or is refused with a {@link
 * SafeTensorsException} (the file is not valid safetensors) or an {@link IllegalArgumentException}
 * (valid safetensors whose state does not fit), each with a message; never another exception, an
 * OutOfMemoryError or a hang. Three loaders, each a fuzz target with a seed corpus under {@code
 * CheckpointFuzzTestInputs/}:
 *
 * <ul>
 *   <li>{@code wengert train --resume}: {@link RunDirectory#readTraining}, {@link
 *       TrainConfig#fromMetadata}, a {@link Trainer} and {@link Trainer#restore};
 *   <li>weights: {@link RunDirectory#readModel} and {@code loadStateDict} into a small CNN with
 *       every kind of layer that has state, then a forward pass;
 *   <li>optimizer and schedule: Adam and OneCycleLR state for that small CNN.
 * </ul>
 *
 * <p>Real checkpoints of the example models are too large for a seed corpus (lenet5's weights
 * alone are 247 kB), so {@link #realCheckpointsLoadAndDamagedOnesAreRefused} saves some and
 * checks them and damaged copies with the same contract.
 */
class CheckpointFuzzTest {

  private static final Path DIR = createTempDirectory();

  /** Two blank 28×28 images: enough for a {@link Trainer}, which restore never runs. */
  private static final Dataset TINY = tinyDataset();

  /** The small CNN for weights, reused: a refused load changes nothing, an accepted one only values. */
  private static final Sequential SMALL = smallModel();

  /** In memory where Linux offers it: writing a small file to disk costs more than loading it. */
  private static Path createTempDirectory() {
    try {
      Path shm = Path.of("/dev/shm");
      Path parent = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
      Path dir = Files.createTempDirectory(parent, "wengert-fuzz-");
      // Deleted in reverse order of registration: the files, then the directory.
      dir.toFile().deleteOnExit();
      dir.resolve(RunDirectory.TRAINING).toFile().deleteOnExit();
      dir.resolve(RunDirectory.MODEL).toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Dataset tinyDataset() {
    try {
      return new Dataset(new Idx.Array(new int[] {2, 28, 28}, new byte[2 * 28 * 28]), new Idx.Array(new int[] {2}, new byte[] {0, 1}), "tiny");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Conv, batch norm (with buffers), pooling, dropout and linear layers for [N, 1, 4, 4] inputs. */
  private static Sequential smallModel() {
    Rng rng = new Rng(3);
    return new Sequential(
        new Conv2d(1, 2, 3, Conv2dOptions.defaults().padding(1), rng), BatchNorm.batchNorm2d(2), Activation.relu(),
        Pool2d.max(2), new Flatten(), new Dropout(0.5, rng.split()), new Linear(8, 3, rng));
  }

  @FuzzTest(maxDuration = "30s")
  void resumesTrainingOrRefuses(byte[] bytes) throws IOException {
    Files.write(DIR.resolve(RunDirectory.TRAINING), bytes);
    try {
      resume(DIR);
    } catch (SafeTensorsException | IllegalArgumentException e) {
      assertSaysWhy(e);
    }
  }

  @FuzzTest(maxDuration = "30s")
  void loadsWeightsOrRefuses(byte[] bytes) throws IOException {
    Files.write(DIR.resolve(RunDirectory.MODEL), bytes);
    try {
      SMALL.loadStateDict(RunDirectory.readModel(DIR).tensors(), true);
    } catch (SafeTensorsException | IllegalArgumentException e) {
      assertSaysWhy(e);
      return;
    }
    SMALL.eval();
    try (Autodiff.Scope s = Autodiff.noGrad()) {
      Var out = SMALL.forward(Var.constant(Tensor.ones(DType.FLOAT32, 2, 1, 4, 4)));
      assertArrayEquals(new int[] {2, 3}, out.shape());
    }
  }

  @FuzzTest(maxDuration = "30s")
  void restoresOptimizerOrRefuses(byte[] bytes) throws IOException {
    Files.write(DIR.resolve(RunDirectory.TRAINING), bytes);
    Adam adam = new Adam(ParamGroup.of(SMALL.parameters()), Adam.options().lr(1e-3));
    OneCycleLR schedule = new OneCycleLR(adam, OneCycleLR.options(0.01, 10));
    try {
      Map<String, Tensor> tensors = RunDirectory.readTraining(DIR).tensors();
      adam.loadStateDict(prefixed(tensors, "optimizer."));
      schedule.loadStateDict(prefixed(tensors, "scheduler."));
    } catch (SafeTensorsException | IllegalArgumentException e) {
      assertSaysWhy(e);
    }
  }

  /** What {@code wengert train --resume} does before training on. */
  private static Trainer resume(Path dir) throws IOException {
    SafeTensors.Contents saved = RunDirectory.readTraining(dir);
    Trainer trainer = new Trainer(TrainConfig.fromMetadata(saved.metadata()), TINY, TINY);
    trainer.restore(saved.tensors(), saved.metadata());
    return trainer;
  }

  private static Map<String, Tensor> prefixed(Map<String, Tensor> tensors, String prefix) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    tensors.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        out.put(k.substring(prefix.length()), v);
      }
    });
    return out;
  }

  private static void assertSaysWhy(Exception e) {
    String message = e.getMessage();
    assertTrue(message != null && !message.isBlank(), () -> "a refusal says why: " + e);
  }

  @Test
  void realCheckpointsLoadAndDamagedOnesAreRefused(@TempDir Path run) throws IOException {
    for (String model : new String[] {"lenet5", "cnn-bn"}) {
      TrainConfig config = new TrainConfig(model, 10, 2, "adam", 1e-3, "onecycle", 5, false, "embedded");
      Trainer trainer = new Trainer(config, TINY, TINY);
      trainer.runEpoch(null);
      new RunDirectory(run).saveCheckpoint(trainer);
      Trainer resumed = resume(run);
      Map<String, Tensor> saved = trainer.stateTensors();
      Map<String, Tensor> restored = resumed.stateTensors();
      assertEquals(saved.keySet(), restored.keySet());
      saved.forEach((key, value) -> assertTrue(value.valueEquals(restored.get(key)), key));
      assertEquals(1, resumed.epochsDone());
      byte[] good = Files.readAllBytes(run.resolve(RunDirectory.TRAINING));
      long headerEnd = 8 + ByteBuffer.wrap(good, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
      for (int cut : new int[] {0, 7, 9, (int) headerEnd - 1, (int) headerEnd, good.length - 1}) {
        resumesTrainingOrRefuses(Arrays.copyOf(good, cut));
      }
      Rng rng = new Rng(model.hashCode());
      for (int i = 0; i < 40; i++) {
        byte[] damaged = good.clone();
        damaged[rng.nextInt((int) headerEnd)] ^= (byte) (1 << rng.nextInt(8));
        resumesTrainingOrRefuses(damaged);
      }
    }
  }
}
