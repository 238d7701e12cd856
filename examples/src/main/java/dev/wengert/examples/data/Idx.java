package dev.wengert.examples.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The IDX format of MNIST and Fashion-MNIST: a big-endian magic number {@code 0x0000TTDD} (type
 * {@code TT}, 0x08 for unsigned bytes, and {@code DD} dims), the dims as big-endian 32-bit sizes,
 * then the data. Gzipped files are recognised by their own magic bytes. Only unsigned-byte arrays
 * are read; anything else, a truncated file or trailing bytes is refused with a one-line reason.
 */
public final class Idx {

  /** Files larger than this are refused (the full Fashion-MNIST training images are 47 MB). */
  private static final long MAX_ELEMENTS = 1L << 30;

  private Idx() {}

  /** An unsigned-byte array: its shape and values (row-major). */
  public record Array(int[] shape, byte[] data) {
    public int count() {
      return shape[0];
    }
  }

  /** Reads one IDX array of {@code expectedDims} dims from {@code in} (gzipped or not); {@code name} names it in errors. */
  public static Array read(InputStream in, String name, int expectedDims) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(in);
    buffered.mark(2);
    int b0 = buffered.read();
    int b1 = buffered.read();
    buffered.reset();
    InputStream raw = buffered;
    if (b0 == 0x1f && b1 == 0x8b) {
      try {
        raw = new GZIPInputStream(buffered, 1 << 16);
      } catch (ZipException e) {
        throw new IdxFormatException(name + ": broken gzip header (" + e.getMessage() + ")", e);
      } catch (EOFException e) {
        throw new IdxFormatException(name + ": truncated: the file ends inside its gzip header", e);
      }
    }
    try {
      return parse(new DataInputStream(raw), name, expectedDims);
    } catch (EOFException e) {
      throw new IdxFormatException(name + ": truncated: the file ends before its declared size", e);
    } catch (ZipException e) {
      throw new IdxFormatException(name + ": corrupt gzip data (" + e.getMessage() + ")", e);
    }
  }

  private static Array parse(DataInputStream in, String name, int expectedDims) throws IOException {
    int magic = in.readInt();
    int type = (magic >>> 8) & 0xFF;
    int dims = magic & 0xFF;
    if ((magic >>> 16) != 0 || type != 0x08) {
      throw new IdxFormatException(
          name + ": bad magic number 0x" + String.format("%08x", magic) + " (expected 0x000008" + String.format("%02x", expectedDims)
              + ", unsigned bytes in " + expectedDims + " dims)");
    }
    if (dims != expectedDims) {
      throw new IdxFormatException(name + ": has " + dims + " dims, expected " + expectedDims);
    }
    int[] shape = new int[dims];
    long elements = 1;
    for (int d = 0; d < dims; d++) {
      shape[d] = in.readInt();
      if (shape[d] < 0) {
        throw new IdxFormatException(name + ": negative size " + shape[d] + " in dim " + d);
      }
      elements *= shape[d];
      if (elements > MAX_ELEMENTS) {
        throw new IdxFormatException(name + ": declares more than " + MAX_ELEMENTS + " values");
      }
    }
    // Read what is there rather than allocate the declared size first: a 16-byte header must not cost a gigabyte.
    byte[] data = in.readNBytes((int) elements);
    if (data.length < elements) {
      throw new EOFException();
    }
    if (in.read() != -1) {
      throw new IdxFormatException(name + ": has bytes after the " + elements + " values its header declares");
    }
    return new Array(shape, data);
  }
}
