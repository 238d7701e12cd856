package dev.wengert.examples.experiments;

import dev.wengert.core.Rng;

/**
 * The synthetic data of {@code wengert rgb}: 32×32 RGB images (values about [0, 1]) of one filled
 * circle, square or triangle in red, green or blue on a dark noisy background. The class is shape ×
 * colour ({@code 3·shape + colour}, 9 classes, balanced). Size (half-size 5–9 pixels), position and
 * the exact colour (the main channel in [0.7, 1], the others in [0, 0.35]) vary at random; every
 * pixel gets Gaussian noise (σ = 0.06) on each channel.
 */
final class ColouredShapes {

  static final int SIZE = 32;
  static final String[] SHAPES = {"circle", "square", "triangle"};
  static final String[] COLOURS = {"red", "green", "blue"};
  static final int CLASSES = SHAPES.length * COLOURS.length;

  private ColouredShapes() {}

  static String className(int label) {
    return COLOURS[label % COLOURS.length] + " " + SHAPES[label / COLOURS.length];
  }

  static LabelledImages generate(int n, Rng rng) {
    int plane = SIZE * SIZE;
    float[] pixels = new float[n * 3 * plane];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % CLASSES;
    }
    rng.shuffle(labels);
    for (int i = 0; i < n; i++) {
      int shape = labels[i] / COLOURS.length;
      int colourIndex = labels[i] % COLOURS.length;
      double[] colour = new double[3];
      for (int ch = 0; ch < 3; ch++) {
        colour[ch] = ch == colourIndex ? 0.7 + 0.3 * rng.nextDouble() : 0.35 * rng.nextDouble();
      }
      int half = 5 + rng.nextInt(5);
      int cy = half + rng.nextInt(SIZE - 2 * half);
      int cx = half + rng.nextInt(SIZE - 2 * half);
      for (int r = 0; r < SIZE; r++) {
        for (int c = 0; c < SIZE; c++) {
          boolean inside = inside(shape, r - cy, c - cx, half);
          for (int ch = 0; ch < 3; ch++) {
            double base = inside ? colour[ch] : 0.15;
            pixels[(i * 3 + ch) * plane + r * SIZE + c] = (float) (base + 0.06 * rng.nextGaussian());
          }
        }
      }
    }
    return new LabelledImages(pixels, labels, 3, SIZE, SIZE);
  }

  /**
   * Whether offset {@code (dy, dx)} from the centre is inside the shape of half-size {@code h}: a
   * disc of radius h, a square of half-side 0.89h (the disc's area), or an upward triangle with its
   * apex h above the centre and a base 2.4h wide h below it.
   */
  private static boolean inside(int shape, int dy, int dx, int h) {
    return switch (shape) {
      case 0 -> dy * dy + dx * dx <= h * h;
      case 1 -> Math.abs(dy) <= 0.89 * h && Math.abs(dx) <= 0.89 * h;
      default -> dy >= -h && dy <= h && Math.abs(dx) <= 1.2 * h * (dy + h) / (2.0 * h);
    };
  }
}
