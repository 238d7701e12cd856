package dev.wengert.core.io;

import java.io.IOException;

/** A safetensors file that cannot be read: the message says what is wrong and where. */
public final class SafeTensorsException extends IOException {
  private static final long serialVersionUID = 1L;

  public SafeTensorsException(String message) {
    super(message);
  }

  public SafeTensorsException(String message, Throwable cause) {
    super(message, cause);
  }
}
