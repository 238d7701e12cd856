package dev.wengert.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Whole-file writes that never leave a half-written file: the content goes to a temporary file in
 * the target's directory, is forced to disk, and is renamed over the target. A crash at any point
 * leaves either the old file or the new one.
 */
public final class AtomicFiles {

  /** Writes a file's content to an open channel. */
  @FunctionalInterface
  public interface Content {
    void writeTo(FileChannel out) throws IOException;
  }

  /**
   * A test hook for crash tests: with {@code -Dwengert.io.pauseBeforeRenameMillis=N}, every write
   * waits {@code N} ms between the finished temporary file and the rename, so a test can kill the
   * process at exactly that point.
   */
  private static final long PAUSE_BEFORE_RENAME_MILLIS = Long.getLong("wengert.io.pauseBeforeRenameMillis", 0);

  private AtomicFiles() {}

  /** Replaces {@code target} with {@code bytes} atomically. */
  public static void write(Path target, byte[] bytes) throws IOException {
    write(target, out -> writeFully(out, ByteBuffer.wrap(bytes)));
  }

  /** Replaces {@code target} with what {@code content} writes, atomically. */
  public static void write(Path target, Content content) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
    try {
      try {
        // Temporary files are created private; the result should be as readable as any file.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      } catch (UnsupportedOperationException e) {
        // Not a POSIX file system: keep its default permissions.
      }
      try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        content.writeTo(out);
        out.force(true);
      }
      pauseForCrashTests();
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      forceDirectory(dir);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void pauseForCrashTests() throws IOException {
    if (PAUSE_BEFORE_RENAME_MILLIS > 0) {
      try {
        Thread.sleep(PAUSE_BEFORE_RENAME_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted before renaming the written file");
      }
    }
  }

  /** Writes all of {@code buffer}. */
  public static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      out.write(buffer);
    }
  }

  /** Makes the rename durable where the platform allows opening a directory. */
  private static void forceDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Some file systems cannot open or force a directory; the rename itself is still atomic.
    }
  }
}
