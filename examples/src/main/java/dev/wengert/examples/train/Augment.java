package dev.wengert.examples.train;

import dev.wengert.core.Rng;
import dev.wengert.core.Tensor;

/**
 * Training-time augmentation of a {@code [B, 1, H, W]} batch in place: a random crop of the image
 * padded by {@link #PAD} pixels of background (the normalised zero), and a horizontal flip with
 * probability one half.
 */
final class Augment {
  static final int PAD = 2;

  private Augment() {}

  static void apply(Tensor batch, Rng rng) {
    int n = batch.size(0);
    int h = batch.size(2);
    int w = batch.size(3);
    float[] data = batch.floatData();
    float[] plane = new float[h * w];
    float background = (float) (-dev.wengert.examples.data.Dataset.MEAN / dev.wengert.examples.data.Dataset.STD);
    for (int b = 0; b < n; b++) {
      int base = batch.offset() + b * h * w;
      System.arraycopy(data, base, plane, 0, h * w);
      int dy = rng.nextInt(2 * PAD + 1) - PAD;
      int dx = rng.nextInt(2 * PAD + 1) - PAD;
      boolean flip = rng.nextInt(2) == 1;
      for (int r = 0; r < h; r++) {
        for (int c = 0; c < w; c++) {
          int sr = r + dy;
          int sc = (flip ? w - 1 - c : c) + dx;
          data[base + r * w + c] = sr >= 0 && sr < h && sc >= 0 && sc < w ? plane[sr * w + sc] : background;
        }
      }
    }
    batch.markModified();
  }
}
