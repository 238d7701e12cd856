package dev.wengert.examples.data;

import static com.google.common.base.Preconditions.checkArgument;

import dev.wengert.core.Tensor;

/**
 * Labelled greyscale images as unsigned bytes, with Fashion-MNIST's normalisation applied when a
 * batch is made: {@code (x/255 − 0.2860) / 0.3530}.
 */
public final class Dataset {

  public static final double MEAN = 0.2860;
  public static final double STD = 0.3530;
  public static final String[] CLASS_NAMES = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"
  };

  private final byte[] images;
  private final byte[] labels;
  private final int count;
  private final int rows;
  private final int cols;

  public Dataset(Idx.Array images, Idx.Array labels, String name) throws IdxFormatException {
    if (images.shape()[0] != labels.shape()[0]) {
      throw new IdxFormatException(
          name + ": " + images.shape()[0] + " images but " + labels.shape()[0] + " labels");
    }
    for (byte label : labels.data()) {
      if ((label & 0xFF) >= CLASS_NAMES.length) {
        throw new IdxFormatException(name + ": label " + (label & 0xFF) + " is not a class in [0, 10)");
      }
    }
    this.images = images.data();
    this.labels = labels.data();
    this.count = images.shape()[0];
    this.rows = images.shape()[1];
    this.cols = images.shape()[2];
  }

  private Dataset(byte[] images, byte[] labels, int count, int rows, int cols) {
    this.images = images;
    this.labels = labels;
    this.count = count;
    this.rows = rows;
    this.cols = cols;
  }

  /** {@code count} images of {@code rows x cols} pixels and their labels (each in [0, 10)), as given. */
  public static Dataset of(byte[] images, byte[] labels, int count, int rows, int cols) {
    checkArgument(images.length == count * rows * cols && labels.length == count,
        "dataset: %s pixels and %s labels for %s images of %sx%s", images.length, labels.length, count, rows, cols);
    return new Dataset(images, labels, count, rows, cols);
  }

  /** The first {@code n} examples (for quick runs and tests). */
  public Dataset first(int n) {
    checkArgument(n >= 1 && n <= count, "first: %s examples requested of %s", n, count);
    return new Dataset(
        java.util.Arrays.copyOf(images, n * rows * cols), java.util.Arrays.copyOf(labels, n), n, rows, cols);
  }

  public int size() {
    return count;
  }

  public int rows() {
    return rows;
  }

  public int cols() {
    return cols;
  }

  public int label(int i) {
    return labels[i] & 0xFF;
  }

  /** Pixel {@code (r, c)} of image {@code i}, in [0, 255]. */
  public int pixel(int i, int r, int c) {
    return images[(i * rows + r) * cols + c] & 0xFF;
  }

  /** The normalised images at {@code indices} as {@code [B, 1, rows, cols]} float32. */
  public Tensor images(int[] indices) {
    int plane = rows * cols;
    float[] out = new float[indices.length * plane];
    for (int b = 0; b < indices.length; b++) {
      checkArgument(indices[b] >= 0 && indices[b] < count, "image index %s out of range [0, %s)", indices[b], count);
      int src = indices[b] * plane;
      for (int p = 0; p < plane; p++) {
        out[b * plane + p] = normalise(images[src + p] & 0xFF);
      }
    }
    return Tensor.wrap(out, indices.length, 1, rows, cols);
  }

  /** The labels at {@code indices}, as class indices in a float32 tensor. */
  public Tensor labels(int[] indices) {
    float[] out = new float[indices.length];
    for (int b = 0; b < indices.length; b++) {
      out[b] = label(indices[b]);
    }
    return Tensor.wrap(out, indices.length);
  }

  static float normalise(int pixel) {
    return (float) ((pixel / 255.0 - MEAN) / STD);
  }
}
