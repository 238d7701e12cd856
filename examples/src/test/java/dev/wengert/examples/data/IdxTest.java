package dev.wengert.examples.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class IdxTest {

  private static byte[] idx(int magic, int[] dims, int dataBytes) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + dataBytes);
    b.putInt(magic);
    for (int d : dims) {
      b.putInt(d);
    }
    for (int i = 0; i < dataBytes; i++) {
      b.put((byte) i);
    }
    return b.array();
  }

  private static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(raw);
    }
    return out.toByteArray();
  }

  private static void assertRefused(byte[] bytes, int dims, String reason) {
    IdxFormatException e =
        assertThrows(IdxFormatException.class, () -> Idx.read(new ByteArrayInputStream(bytes), "f", dims));
    assertTrue(e.getMessage().startsWith("f: ") && e.getMessage().contains(reason), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), "one line");
  }

  @Test
  void readsPlainAndGzippedFiles() throws IOException {
    byte[] raw = idx(0x00000803, new int[] {2, 2, 3}, 12);
    for (byte[] bytes : new byte[][] {raw, gzip(raw)}) {
      Idx.Array a = Idx.read(new ByteArrayInputStream(bytes), "f", 3);
      assertArrayEquals(new int[] {2, 2, 3}, a.shape());
      assertEquals(11, a.data()[11]);
    }
  }

  @Test
  void refusesCorruptFiles() throws IOException {
    byte[] good = idx(0x00000803, new int[] {2, 2, 3}, 12);
    assertRefused(idx(0x00000903, new int[] {2, 2, 3}, 12), 3, "bad magic number 0x00000903");
    assertRefused(idx(0x00000801, new int[] {12}, 12), 3, "has 1 dims, expected 3");
    assertRefused(java.util.Arrays.copyOf(good, good.length - 1), 3, "truncated");
    assertRefused(gzip(java.util.Arrays.copyOf(good, good.length - 1)), 3, "truncated");
    assertRefused(java.util.Arrays.copyOf(good, good.length + 2), 3, "has bytes after the 12 values");
    assertRefused(idx(0x00000803, new int[] {-1, 2, 3}, 0), 3, "negative size -1 in dim 0");
    assertRefused(idx(0x00000803, new int[] {65536, 65536, 65536}, 0), 3, "declares more than");
    byte[] gz = gzip(good);
    gz[gz.length / 2] ^= 0x55;
    assertThrows(IdxFormatException.class, () -> Idx.read(new ByteArrayInputStream(gz), "f", 3));
  }

  @Test
  void embeddedSubsetIsStratified() throws IOException {
    DataSource.Loaded data = DataSource.load("embedded");
    assertEquals(6000, data.train().size());
    assertEquals(1000, data.test().size());
    int[] counts = new int[10];
    for (int i = 0; i < data.test().size(); i++) {
      counts[data.test().label(i)]++;
    }
    for (int c : counts) {
      assertEquals(100, c);
    }
    float[] first = data.train().images(new int[] {0}).toFloatArray();
    assertEquals((float) ((0 / 255.0 - Dataset.MEAN) / Dataset.STD), first[0], 1e-6f);
  }

  @Test
  void missingDirectoryIsOneClearLine() {
    IdxFormatException e = assertThrows(IdxFormatException.class, () -> DataSource.load("/nonexistent/data"));
    assertEquals("data directory /nonexistent/data does not exist", e.getMessage());
  }
}
