package dev.wengert.core;

/** Element type of a {@link Tensor}: float32 is the fast path, float64 serves gradient checks and research. */
public enum DType {
  FLOAT32("float32", 4),
  FLOAT64("float64", 8);

  private final String displayName;
  private final int byteSize;

  DType(String displayName, int byteSize) {
    this.displayName = displayName;
    this.byteSize = byteSize;
  }

  /** Bytes per element. */
  public int byteSize() {
    return byteSize;
  }

  /** The NumPy/PyTorch name, e.g. {@code float32}. */
  @Override
  public String toString() {
    return displayName;
  }
}
