package dev.wengert.examples.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Any bytes given to {@link Idx#read}, plain or gzipped, either load (as an array whose shape holds
 * exactly its values) or are refused with an {@link IdxFormatException} of one line that starts
 * with the file's name; never another exception, an OutOfMemoryError or a hang. Labels (1 dim) and
 * images (3 dims) each have a target and a seed corpus under {@code IdxFuzzTestInputs/}.
 */
class IdxFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void readsLabelsOrRefuses(byte[] bytes) throws IOException {
    readsOrRefuses(bytes, 1);
  }

  @FuzzTest(maxDuration = "30s")
  void readsImagesOrRefuses(byte[] bytes) throws IOException {
    readsOrRefuses(bytes, 3);
  }

  private static void readsOrRefuses(byte[] bytes, int dims) throws IOException {
    Idx.Array array;
    try {
      array = Idx.read(new ByteArrayInputStream(bytes), "fuzz.idx", dims);
    } catch (IdxFormatException e) {
      String message = e.getMessage();
      assertTrue(message != null && message.startsWith("fuzz.idx: ") && message.length() > 10, "a refusal says why: " + message);
      assertFalse(message.contains("\n"), "one line: " + message);
      return;
    }
    assertEquals(dims, array.shape().length);
    long elements = 1;
    for (int size : array.shape()) {
      elements *= size;
    }
    assertEquals(elements, array.data().length);
  }
}
