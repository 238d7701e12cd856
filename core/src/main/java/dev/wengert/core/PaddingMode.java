package dev.wengert.core;

/**
 * How {@link Padding} fills the border. The examples pad {@code [a, b, c, d]} by 2 on each side;
 * in 2-D each coordinate is mapped independently, which decides what the corners hold.
 */
public enum PaddingMode {
  /** Zeros: {@code [0, 0 | a, b, c, d | 0, 0]}. */
  ZERO,
  /**
   * The nearest edge value ("same value"): {@code [a, a | a, b, c, d | d, d]}. Each coordinate is
   * clamped into range, so a corner region takes the corner pixel.
   */
  REPLICATE,
  /**
   * Mirror about the edge without repeating it, as PyTorch's and NumPy's {@code reflect}: {@code
   * [c, b | a, b, c, d | c, b]}. Needs padding smaller than the size of the dim.
   */
  REFLECT,
  /**
   * Wrap around, as on a torus: {@code [c, d | a, b, c, d | a, b]}. Needs padding no larger than the
   * size of the dim.
   */
  CIRCULAR;

  /** The lower-case name used in messages, e.g. {@code reflect}. */
  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
