package dev.wengert.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.wengert.core.Shapes;
import dev.wengert.core.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Any bytes given to {@link SafeTensors#read} either load (as tensors whose shapes hold exactly
 * their values) or are refused with a {@link SafeTensorsException} that says what is wrong; never
 * another exception, an OutOfMemoryError or a hang. Without {@code JAZZER_FUZZ} the seed corpus in
 * {@code SafeTensorsFuzzTestInputs/readsOrRefuses} runs as a regression test; {@code .ci/fuzz}
 * fuzzes for a bounded time.
 */
class SafeTensorsFuzzTest {

  /**
   * One file for every input, in memory where Linux offers it: writing a small file to disk costs
   * some 20 times more than reading it, and the reader takes a path.
   */
  private static final Path FILE = createTempFile();

  private static Path createTempFile() {
    try {
      Path shm = Path.of("/dev/shm");
      Path dir = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
      Path file = Files.createTempFile(dir, "wengert-fuzz-", ".safetensors");
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "30s")
  void readsOrRefuses(byte[] bytes) throws IOException {
    Files.write(FILE, bytes);
    SafeTensors.Contents contents;
    try {
      contents = SafeTensors.read(FILE);
    } catch (SafeTensorsException e) {
      String message = e.getMessage();
      assertTrue(message != null && message.length() > FILE.toString().length() + 2, "a refusal says why: " + message);
      return;
    }
    for (Map.Entry<String, Tensor> e : contents.tensors().entrySet()) {
      Tensor t = e.getValue();
      assertEquals(Shapes.numel(t.shape()), t.toDoubleArray().length, e.getKey());
    }
  }
}
