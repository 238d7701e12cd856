package dev.wengert.examples.experiments;

import dev.wengert.core.Rng;

/**
 * The synthetic data of {@code wengert invariance}: 28×28 images of Gaussian noise (σ = 0.3) holding
 * one 5×5 pattern at a random place in a given region. Class 1 is the ice cream: a bright scoop
 * (value 1.0, rows 0–1) on a dimmer cone (0.6, rows 2–4, narrowing to a tip); class 0 is the same
 * shape upside down (the cone's tip on top), so telling them apart needs the arrangement of the
 * parts, not their presence. Each pattern's brightness is scaled by a random factor in [0.8, 1.2].
 */
final class IceCreamImages {

  static final int SIZE = 28;
  static final int PATTERN = 5;
  static final double NOISE = 0.3;

  /** The ice cream, row by row: 2 = scoop, 1 = cone. */
  private static final int[][] ICE_CREAM = {
    {0, 2, 2, 2, 0},
    {2, 2, 2, 2, 2},
    {1, 1, 1, 1, 1},
    {0, 1, 1, 1, 0},
    {0, 0, 1, 0, 0},
  };

  /** Where a pattern's top-left corner may go: rows and columns in {@code [from, to]}. */
  enum Region {
    /** Inside the top-left quadrant: corner at 0–9. */
    TOP_LEFT(0, SIZE / 2 - PATTERN),
    /** Just past it: corner at 10–13, 1 to 4 pixels further down and right than any top-left position. */
    NEAR(SIZE / 2 - PATTERN + 1, SIZE / 2 - 1),
    /** Inside the bottom-right quadrant: corner at 14–23. */
    BOTTOM_RIGHT(SIZE / 2, SIZE - PATTERN);

    final int from;
    final int to;

    Region(int from, int to) {
      this.from = from;
      this.to = to;
    }
  }

  private IceCreamImages() {}

  /** {@code n} images, half of each class in random order, with patterns in {@code region}. */
  static LabelledImages generate(int n, Region region, Rng rng) {
    float[] pixels = new float[n * SIZE * SIZE];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 2;
    }
    rng.shuffle(labels);
    for (int i = 0; i < n; i++) {
      int base = i * SIZE * SIZE;
      for (int p = 0; p < SIZE * SIZE; p++) {
        pixels[base + p] = (float) (NOISE * rng.nextGaussian());
      }
      int top = region.from + rng.nextInt(region.to - region.from + 1);
      int left = region.from + rng.nextInt(region.to - region.from + 1);
      double gain = 0.8 + 0.4 * rng.nextDouble();
      for (int r = 0; r < PATTERN; r++) {
        int[] shapeRow = ICE_CREAM[labels[i] == 1 ? r : PATTERN - 1 - r];
        for (int c = 0; c < PATTERN; c++) {
          double value = shapeRow[c] == 2 ? 1.0 : shapeRow[c] == 1 ? 0.6 : 0;
          pixels[base + (top + r) * SIZE + left + c] += (float) (gain * value);
        }
      }
    }
    return new LabelledImages(pixels, labels, 1, SIZE, SIZE);
  }
}
