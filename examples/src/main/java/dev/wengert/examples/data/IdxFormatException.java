package dev.wengert.examples.data;

import java.io.IOException;

/** An IDX file that cannot be read; the message is one line saying why. */
public final class IdxFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public IdxFormatException(String message) {
    super(message);
  }

  public IdxFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
