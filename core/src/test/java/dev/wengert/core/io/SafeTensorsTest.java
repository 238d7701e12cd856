package dev.wengert.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wengert.core.DType;
import dev.wengert.core.Rng;
import dev.wengert.core.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {

  @TempDir Path dir;

  private static Map<String, Tensor> sample() {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("0.weight", Tensor.randn(new Rng(1), DType.FLOAT32, 4, 1, 3, 3));
    tensors.put("0.bias", Tensor.randn(new Rng(2), DType.FLOAT32, 4));
    tensors.put("state.step", Tensor.scalar(DType.FLOAT64, 25));
    tensors.put("empty", Tensor.zeros(DType.FLOAT64, 0, 3));
    return tensors;
  }

  @Test
  void roundTripIsBitIdenticalAndKeepsOrderAndMetadata() throws IOException {
    Path file = dir.resolve("model.safetensors");
    SafeTensors.write(file, sample(), Map.of("format", "pt", "epoch", "3"));
    SafeTensors.Contents read = SafeTensors.read(file);
    assertEquals(List.copyOf(sample().keySet()), List.copyOf(read.tensors().keySet()));
    sample().forEach((k, v) -> assertTrue(v.valueEquals(read.tensors().get(k)), k));
    assertEquals("3", read.metadata().get("epoch"));
    long headerLength = ByteBuffer.wrap(Files.readAllBytes(file), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(0, (8 + headerLength) % 8, "data starts 8-byte aligned");
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temporary file is left behind");
    }
  }

  @Test
  void overwritingReplacesTheFileAtomically() throws IOException {
    Path file = dir.resolve("w.safetensors");
    SafeTensors.write(file, Map.of("a", Tensor.ones(DType.FLOAT32, 2)), Map.of());
    SafeTensors.write(file, Map.of("a", Tensor.full(DType.FLOAT32, 7, 3)), Map.of());
    assertArrayEquals(new float[] {7, 7, 7}, SafeTensors.read(file).tensors().get("a").toFloatArray());
  }

  /** A file with the given header JSON and {@code dataBytes} bytes of data. */
  private Path file(String header, int dataBytes) throws IOException {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(json.length).put(json);
    Path file = dir.resolve("bad.safetensors");
    Files.write(file, b.array());
    return file;
  }

  private void assertRefused(Path file, String reason) {
    SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.read(file));
    assertTrue(e.getMessage().contains(reason), e.getMessage());
  }

  @Test
  void truncatedFileIsRefused() throws IOException {
    Path good = dir.resolve("good.safetensors");
    SafeTensors.write(good, sample(), Map.of());
    byte[] bytes = Files.readAllBytes(good);
    Path cut = dir.resolve("cut.safetensors");
    Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 5));
    assertRefused(cut, "go beyond the");
    Files.write(cut, java.util.Arrays.copyOf(bytes, 5));
    assertRefused(cut, "too short for the 8-byte header length");
  }

  @Test
  void headerLengthBeyondTheFileIsRefusedBeforeAllocating() throws IOException {
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1_000_000L).putLong(0);
    Path file = dir.resolve("huge.safetensors");
    Files.write(file, b.array());
    assertRefused(file, "goes beyond the end of the file");
    Files.write(file, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE).putLong(0).array());
    assertRefused(file, "is outside [2, 104857600]");
  }

  @Test
  void overlappingOffsetsAreRefused() throws IOException {
    assertRefused(
        file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12),
        "overlap");
  }

  @Test
  void unknownDtypeIsRefused() throws IOException {
    assertRefused(file("{\"a\":{\"dtype\":\"Q7\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "unsupported dtype 'Q7'");
  }

  @Test
  void shapeThatDoesNotMatchTheByteRangeIsRefused() throws IOException {
    assertRefused(
        file("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8),
        "tensor 'a': data_offsets [0, 8] hold 8 bytes but shape [3] of F32 needs 12");
  }

  @Test
  void trailingGarbageAndHolesAreRefused() throws IOException {
    assertRefused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 12), "the file holds 12");
    assertRefused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "belong to no tensor");
  }

  @Test
  void invalidJsonIsRefused() throws IOException {
    assertRefused(file("{\"a\":{\"dtype\":\"F32\"", 0), "not valid JSON");
    assertRefused(file("{\"a\": [1, 2]}", 0), "tensor 'a' is not an object");
    assertRefused(file("[1,2]", 0), "not a JSON object");
    assertRefused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,8]}}", 8), "appears twice");
  }

  @Test
  void readsTheFileNumpyWroteInTheReferenceFormat() throws Exception {
    Path file = Path.of(SafeTensorsTest.class.getResource("/golden/numpy.safetensors").toURI());
    SafeTensors.Contents read = SafeTensors.read(file);
    assertEquals(List.of("conv.weight", "conv.bias", "bn.running_var", "bn.num_batches_tracked"), List.copyOf(read.tensors().keySet()));
    Tensor weight = read.tensors().get("conv.weight");
    assertEquals(DType.FLOAT32, weight.dtype());
    assertArrayEquals(new int[] {2, 1, 3, 4}, weight.shape());
    assertEquals(23 / 8.0, weight.get(1, 0, 2, 3), 0);
    assertArrayEquals(new double[] {0.5, 1.0, 1.5, 2.0}, read.tensors().get("bn.running_var").toDoubleArray(), 0);
    assertEquals(12, read.tensors().get("bn.num_batches_tracked").item(), 0);
    assertEquals("pt", read.metadata().get("format"));
  }
}
