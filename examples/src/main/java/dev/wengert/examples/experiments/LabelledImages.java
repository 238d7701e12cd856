package dev.wengert.examples.experiments;

import static com.google.common.base.Preconditions.checkArgument;

import dev.wengert.core.Tensor;

/** Synthetic labelled images {@code [n, channels, rows, cols]} as float32 values, made in memory. */
final class LabelledImages {

  private final float[] pixels;
  private final int[] labels;
  private final int channels;
  private final int rows;
  private final int cols;

  LabelledImages(float[] pixels, int[] labels, int channels, int rows, int cols) {
    checkArgument(pixels.length == labels.length * channels * rows * cols,
        "LabelledImages: %s values for %s images of %sx%sx%s", pixels.length, labels.length, channels, rows, cols);
    this.pixels = pixels;
    this.labels = labels;
    this.channels = channels;
    this.rows = rows;
    this.cols = cols;
  }

  int size() {
    return labels.length;
  }

  int label(int i) {
    return labels[i];
  }

  /** Value {@code (channel, row, col)} of image {@code i}. */
  double value(int i, int channel, int row, int col) {
    return pixels[((i * channels + channel) * rows + row) * cols + col];
  }

  /** The images at {@code indices} as {@code [B, channels, rows, cols]}. */
  Tensor images(int[] indices) {
    int size = channels * rows * cols;
    float[] out = new float[indices.length * size];
    for (int b = 0; b < indices.length; b++) {
      System.arraycopy(pixels, indices[b] * size, out, b * size, size);
    }
    return Tensor.wrap(out, indices.length, channels, rows, cols);
  }

  /** The labels at {@code indices} as class indices in a float32 tensor. */
  Tensor labels(int[] indices) {
    float[] out = new float[indices.length];
    for (int b = 0; b < indices.length; b++) {
      out[b] = labels[indices[b]];
    }
    return Tensor.wrap(out, indices.length);
  }

  /** Channel {@code channel} of image {@code i} as a 2-D array. */
  double[][] plane(int i, int channel) {
    double[][] out = new double[rows][cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        out[r][c] = value(i, channel, r, c);
      }
    }
    return out;
  }
}
