package dev.wengert.core.io;

import static com.google.common.base.Preconditions.checkArgument;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.wengert.core.DType;
import dev.wengert.core.Shapes;
import dev.wengert.core.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (what PyTorch users save weights in): an 8-byte little-endian header
 * length {@code N}, {@code N} bytes of JSON mapping each name to {@code {"dtype", "shape",
 * "data_offsets": [begin, end]}} (offsets into the data that follows) plus an optional {@code
 * "__metadata__"} of strings, then the raw little-endian data.
 *
 * <p>Writes are atomic: a temporary file in the target's directory is written, forced to disk and
 * renamed over the target, so a crash leaves the previous file intact. Reads validate everything
 * before allocating tensors (header size, JSON, dtypes, shapes against byte ranges, ranges inside
 * the file, no overlaps, no gaps, no trailing bytes) and refuse a bad file with a {@link
 * SafeTensorsException} that says what is wrong and where; never an OutOfMemoryError or an index
 * exception.
 */
public final class SafeTensors {

  /** Headers larger than this are refused before anything is read into memory. */
  public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

  private static final String METADATA = "__metadata__";
  private static final JsonFactory JSON =
      JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).build()).build();

  private SafeTensors() {}

  /** Tensors by name, in file order, and the file's metadata. */
  public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

  /** Writes {@code tensors} (in map order) and {@code metadata} to {@code path} atomically. */
  public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
    byte[] header = header(tensors, metadata);
    AtomicFiles.write(path, out -> {
      AtomicFiles.writeFully(out, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip());
      AtomicFiles.writeFully(out, ByteBuffer.wrap(header));
      for (Tensor t : tensors.values()) {
        AtomicFiles.writeFully(out, data(t));
      }
    });
  }

  /** Reads and validates {@code path}. */
  public static Contents read(Path path) throws IOException {
    try (FileChannel in = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = in.size();
      if (size < 8) {
        throw new SafeTensorsException(path + ": " + size + " bytes is too short for the 8-byte header length");
      }
      ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(in, lengthBytes, 0);
      long headerLength = lengthBytes.flip().getLong();
      if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
        throw new SafeTensorsException(
            path + ": header length " + Long.toUnsignedString(headerLength) + " is outside [2, " + MAX_HEADER_BYTES + "]");
      }
      if (headerLength > size - 8) {
        throw new SafeTensorsException(
            path + ": header length " + headerLength + " goes beyond the end of the file (" + size + " bytes)");
      }
      ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
      readFully(in, headerBytes, 8);
      long dataStart = 8 + headerLength;
      Header header = parseHeader(path, headerBytes.array(), size - dataStart);
      Map<String, Tensor> tensors = new LinkedHashMap<>();
      for (Entry e : header.entries) {
        ByteBuffer raw = ByteBuffer.allocate((int) (e.end - e.begin)).order(ByteOrder.LITTLE_ENDIAN);
        readFully(in, raw, dataStart + e.begin);
        tensors.put(e.name, decode(e, raw.flip()));
      }
      return new Contents(tensors, header.metadata);
    }
  }

  /** One tensor's entry in the header. */
  private record Entry(String name, String dtype, int[] shape, long begin, long end) {}

  private record Header(List<Entry> entries, Map<String, String> metadata) {}

  private static Header parseHeader(Path path, byte[] bytes, long dataLength) throws SafeTensorsException {
    List<Entry> entries = new ArrayList<>();
    Map<String, String> metadata = new LinkedHashMap<>();
    try (JsonParser p = JSON.createParser(bytes)) {
      expect(path, p.nextToken() == JsonToken.START_OBJECT, "the header is not a JSON object");
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        if (name.equals(METADATA)) {
          readMetadata(path, p, metadata);
          continue;
        }
        for (Entry e : entries) {
          expect(path, !e.name.equals(name), "tensor '" + name + "' appears twice");
        }
        entries.add(readEntry(path, p, name, dataLength));
      }
      expect(path, p.currentToken() == JsonToken.END_OBJECT, "the header JSON has content after its object");
      JsonToken trailing = p.nextToken();
      expect(path, trailing == null, "the header JSON has content after its object");
    } catch (SafeTensorsException e) {
      throw e;
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new SafeTensorsException(path + ": the header is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new SafeTensorsException(path + ": the header cannot be parsed: " + e.getMessage(), e);
    }
    List<Entry> byOffset = new ArrayList<>(entries);
    byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    long covered = 0;
    for (Entry e : byOffset) {
      if (e.begin < covered) {
        throw new SafeTensorsException(path + ": tensor '" + e.name + "' data_offsets [" + e.begin + ", " + e.end + "] overlap the previous tensor's data (ends at " + covered + ")");
      }
      if (e.begin > covered) {
        throw new SafeTensorsException(path + ": bytes [" + covered + ", " + e.begin + ") of the data belong to no tensor");
      }
      covered = e.end;
    }
    if (covered != dataLength) {
      throw new SafeTensorsException(
          path + ": the tensors cover " + covered + " bytes of data but the file holds " + dataLength + " after the header");
    }
    return new Header(entries, metadata);
  }

  private static void readMetadata(Path path, JsonParser p, Map<String, String> metadata) throws IOException {
    expect(path, p.nextToken() == JsonToken.START_OBJECT, "__metadata__ is not an object");
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      expect(path, p.nextToken() == JsonToken.VALUE_STRING, "__metadata__ value of '" + key + "' is not a string");
      metadata.put(key, p.getText());
    }
  }

  private static Entry readEntry(Path path, JsonParser p, String name, long dataLength) throws IOException {
    String at = "tensor '" + name + "'";
    expect(path, p.nextToken() == JsonToken.START_OBJECT, at + " is not an object");
    String dtype = null;
    int[] shape = null;
    long[] offsets = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "dtype" -> {
          expect(path, value == JsonToken.VALUE_STRING, at + ": dtype is not a string");
          dtype = p.getText();
          expect(path, elementSize(dtype) > 0, at + ": unsupported dtype '" + dtype + "' (F32, F64, I64, I32 are read)");
        }
        case "shape" -> shape = readShape(path, p, at, value);
        case "data_offsets" -> offsets = readOffsets(path, p, at, value);
        default -> throw new SafeTensorsException(path + ": " + at + " has an unknown field '" + field + "'");
      }
    }
    expect(path, dtype != null && shape != null && offsets != null, at + " lacks one of dtype, shape, data_offsets");
    long begin = offsets[0];
    long end = offsets[1];
    expect(path, begin <= end, at + ": data_offsets [" + begin + ", " + end + "] are reversed");
    expect(path, end <= dataLength, at + ": data_offsets [" + begin + ", " + end + "] go beyond the " + dataLength + " bytes of data");
    long elements = 1;
    for (int s : shape) {
      elements *= s;
      expect(path, elements <= Integer.MAX_VALUE, at + ": shape " + Shapes.format(shape) + " has too many elements");
    }
    long needed = elements * elementSize(dtype);
    expect(
        path,
        needed == end - begin,
        at + ": data_offsets [" + begin + ", " + end + "] hold " + (end - begin) + " bytes but shape " + Shapes.format(shape)
            + " of " + dtype + " needs " + needed);
    return new Entry(name, dtype, shape, begin, end);
  }

  private static int[] readShape(Path path, JsonParser p, String at, JsonToken value) throws IOException {
    expect(path, value == JsonToken.START_ARRAY, at + ": shape is not an array");
    List<Integer> dims = new ArrayList<>();
    while (p.nextToken() == JsonToken.VALUE_NUMBER_INT) {
      long d = p.getLongValue();
      expect(path, d >= 0 && d <= Integer.MAX_VALUE, at + ": shape has an invalid size " + d);
      expect(path, dims.size() < 32, at + ": shape has more than 32 dims");
      dims.add((int) d);
    }
    expect(path, p.currentToken() == JsonToken.END_ARRAY, at + ": shape holds something other than sizes");
    return dims.stream().mapToInt(Integer::intValue).toArray();
  }

  private static long[] readOffsets(Path path, JsonParser p, String at, JsonToken value) throws IOException {
    expect(path, value == JsonToken.START_ARRAY, at + ": data_offsets is not an array");
    long[] offsets = new long[2];
    for (int i = 0; i < 2; i++) {
      expect(path, p.nextToken() == JsonToken.VALUE_NUMBER_INT, at + ": data_offsets must be two integers");
      offsets[i] = p.getLongValue();
      expect(path, offsets[i] >= 0, at + ": data_offsets must not be negative");
    }
    expect(path, p.nextToken() == JsonToken.END_ARRAY, at + ": data_offsets must be two integers");
    return offsets;
  }

  private static void expect(Path path, boolean condition, String problem) throws SafeTensorsException {
    if (!condition) {
      throw new SafeTensorsException(path + ": " + problem);
    }
  }

  private static int elementSize(String dtype) {
    return switch (dtype) {
      case "F32", "I32" -> 4;
      case "F64", "I64" -> 8;
      default -> -1;
    };
  }

  private static Tensor decode(Entry e, ByteBuffer raw) {
    int n = Math.toIntExact((e.end - e.begin) / elementSize(e.dtype));
    switch (e.dtype) {
      case "F32": {
        float[] values = new float[n];
        raw.asFloatBuffer().get(values);
        return Tensor.wrap(values, e.shape);
      }
      case "F64": {
        double[] values = new double[n];
        raw.asDoubleBuffer().get(values);
        return Tensor.wrap(values, e.shape);
      }
      case "I64": {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
          values[i] = raw.getLong();
        }
        return Tensor.wrap(values, e.shape);
      }
      default: {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
          values[i] = raw.getInt();
        }
        return Tensor.wrap(values, e.shape);
      }
    }
  }

  private static byte[] header(Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(bytes)) {
      g.writeStartObject();
      if (!metadata.isEmpty()) {
        g.writeObjectFieldStart(METADATA);
        for (Map.Entry<String, String> m : metadata.entrySet()) {
          g.writeStringField(m.getKey(), m.getValue());
        }
        g.writeEndObject();
      }
      long offset = 0;
      for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
        checkArgument(!e.getKey().equals(METADATA), "a tensor cannot be named %s", METADATA);
        Tensor t = e.getValue();
        long bytesOf = (long) t.numel() * t.dtype().byteSize();
        g.writeObjectFieldStart(e.getKey());
        g.writeStringField("dtype", t.dtype() == DType.FLOAT32 ? "F32" : "F64");
        g.writeArrayFieldStart("shape");
        for (int s : t.shape()) {
          g.writeNumber(s);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("data_offsets");
        g.writeNumber(offset);
        g.writeNumber(offset + bytesOf);
        g.writeEndArray();
        g.writeEndObject();
        offset += bytesOf;
      }
      g.writeEndObject();
    }
    // Pad with spaces so the data starts 8-byte aligned, as the reference implementation does.
    while ((bytes.size() + 8) % 8 != 0) {
      bytes.write(' ');
    }
    return bytes.toByteArray();
  }

  private static ByteBuffer data(Tensor t) {
    ByteBuffer buffer = ByteBuffer.allocate(t.numel() * t.dtype().byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    if (t.dtype() == DType.FLOAT32) {
      buffer.asFloatBuffer().put(t.toFloatArray());
    } else {
      buffer.asDoubleBuffer().put(t.toDoubleArray());
    }
    return buffer;
  }

  private static void readFully(FileChannel in, ByteBuffer buffer, long position) throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      int n = in.read(buffer, at);
      if (n < 0) {
        throw new SafeTensorsException("unexpected end of file at byte " + at);
      }
      at += n;
    }
  }
}
