package dev.wengert.core.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wengert.core.Parallel;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The elementwise kernels and the choice of implementation. The core pom reruns this class with
 * each implementation and vector width forced.
 */
class KernelsTest {

  private static final Kernels KERNELS = Kernels.get();

  /** Lengths around every vector width, including 0 and 1, and one long enough to use threads. */
  private static final int[] LENGTHS = {
    0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65, 100, 127, 128, 129, 136, 257, 1000, 200_003
  };

  private static final int X_OFF = 3;
  private static final int Y_OFF = 5;
  private static final int OUT_OFF = 1;

  private static float[] random(SplittableRandom random, int length) {
    float[] x = new float[length];
    for (int i = 0; i < length; i++) {
      x[i] = (float) random.nextDouble(-2, 2);
    }
    return x;
  }

  @Test
  void implementationMatchesTheSystemProperties() {
    String description = KERNELS.description();
    String expected = System.getProperty("wengert.expect.kernels");
    if (expected != null) {
      assertTrue(description.startsWith(expected), description + " should start with " + expected);
    }
    if ("scalar".equals(System.getProperty(KernelsProvider.KERNELS_PROPERTY))) {
      assertEquals("scalar", description);
    }
    String bits = System.getProperty(KernelsProvider.VECTOR_BITS_PROPERTY);
    if (bits != null && description.startsWith("vector")) {
      assertTrue(description.contains(bits + "-bit"), description + " should mention " + bits);
    }
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      assertEquals("scalar", description);
    }
  }

  @Test
  void axpy() {
    SplittableRandom random = new SplittableRandom(1);
    for (int n : LENGTHS) {
      float[] x = random(random, X_OFF + n + 2);
      float[] y = random(random, Y_OFF + n + 2);
      float[] expected = y.clone();
      for (int i = 0; i < n; i++) {
        expected[Y_OFF + i] = Math.fma(-1.25f, x[X_OFF + i], y[Y_OFF + i]);
      }
      KERNELS.axpy(n, -1.25f, x, X_OFF, y, Y_OFF);
      assertArrayEquals(expected, y, "n=" + n);
    }
  }

  @Test
  void addAndMul() {
    SplittableRandom random = new SplittableRandom(2);
    for (int n : LENGTHS) {
      float[] x = random(random, X_OFF + n + 2);
      float[] y = random(random, Y_OFF + n + 2);
      float[] sum = random(random, OUT_OFF + n + 2);
      float[] product = sum.clone();
      float[] expectedSum = sum.clone();
      float[] expectedProduct = sum.clone();
      for (int i = 0; i < n; i++) {
        expectedSum[OUT_OFF + i] = x[X_OFF + i] + y[Y_OFF + i];
        expectedProduct[OUT_OFF + i] = x[X_OFF + i] * y[Y_OFF + i];
      }
      KERNELS.add(n, x, X_OFF, y, Y_OFF, sum, OUT_OFF);
      KERNELS.mul(n, x, X_OFF, y, Y_OFF, product, OUT_OFF);
      assertArrayEquals(expectedSum, sum, "add n=" + n);
      assertArrayEquals(expectedProduct, product, "mul n=" + n);
    }
  }

  /**
   * The Adam step gives the scalar kernel's values bit for bit (PyTorch's roundings, checked against
   * PyTorch in optim's golden tests) for every option, on values with NaNs, infinities, signed zeros,
   * subnormals and a wide range of magnitudes.
   */
  @Test
  void adamGivesTheScalarBitsForEveryOption() {
    SplittableRandom random = new SplittableRandom(21);
    float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, Float.MIN_VALUE, 1e30f};
    for (int options = 0; options < 16; options++) {
      boolean maximize = (options & 1) != 0;
      boolean decoupled = (options & 2) != 0;
      boolean l2 = (options & 4) != 0;
      boolean amsgrad = (options & 8) != 0;
      Kernels.AdamStep step = new Kernels.AdamStep(
          0.9f, 0.1f, 0.999f, (float) 0.001, (float) Math.sqrt(1 - Math.pow(0.999, 3)), 1e-8f,
          (float) (-1e-3 / (1 - Math.pow(0.9, 3))), maximize, decoupled, 0.99f, l2, 0.01f);
      for (int n : new int[] {0, 1, 7, 16, 17, 33, 100, 1000}) {
        float[][] arrays = new float[5][X_OFF + n];
        for (float[] a : arrays) {
          for (int i = 0; i < a.length; i++) {
            double magnitude = Math.pow(10, -random.nextInt(12));
            a[i] = random.nextInt(20) == 0 ? specials[random.nextInt(specials.length)]
                : (float) (random.nextDouble(-1, 1) * magnitude);
          }
        }
        for (int a = 3; a < 5; a++) { // second moments are never negative
          for (int i = 0; i < arrays[a].length; i++) {
            arrays[a][i] = Math.abs(arrays[a][i]);
          }
        }
        float[][] expected = new float[5][];
        for (int a = 0; a < 5; a++) {
          expected[a] = arrays[a].clone();
        }
        new ScalarKernels().adam(n, step, expected[0], X_OFF, expected[1], X_OFF, expected[2], X_OFF, expected[3], X_OFF,
            amsgrad ? expected[4] : null, X_OFF);
        KERNELS.adam(n, step, arrays[0], X_OFF, arrays[1], X_OFF, arrays[2], X_OFF, arrays[3], X_OFF,
            amsgrad ? arrays[4] : null, X_OFF);
        for (int a = 0; a < 5; a++) {
          for (int i = 0; i < arrays[a].length; i++) {
            // Bits, so signed zeros count; NaNs are equal whatever their payload (Java does not fix it).
            assertEquals(Float.floatToIntBits(expected[a][i]), Float.floatToIntBits(arrays[a][i]),
                "array " + a + " element " + i + " n=" + n + " options " + Integer.toBinaryString(options));
          }
        }
      }
    }
  }

  @Test
  void interleavePutsTwoPhasesBackTogether() {
    SplittableRandom random = new SplittableRandom(12);
    for (int n : LENGTHS) {
      float[] x = random(random, X_OFF + n + 2);
      float[] y = random(random, Y_OFF + n + 2);
      float[] out = random(random, OUT_OFF + 2 * n + 3);
      float[] expected = out.clone();
      for (int i = 0; i < n; i++) {
        expected[OUT_OFF + 2 * i] = x[X_OFF + i];
        expected[OUT_OFF + 2 * i + 1] = y[Y_OFF + i];
      }
      KERNELS.interleave(n, x, X_OFF, y, Y_OFF, out, OUT_OFF);
      assertArrayEquals(expected, out, "interleave n=" + n);
    }
  }

  @Test
  void copyRowsCopiesEachRowAndNothingElse() {
    SplittableRandom random = new SplittableRandom(17);
    int rows = 3;
    for (int n : LENGTHS) {
      int srcStride = n + 3;
      int dstStride = n + 1;
      float[] src = random(random, X_OFF + (rows - 1) * srcStride + n); // ends where the last row does
      float[] dst = random(random, OUT_OFF + rows * dstStride + 2);
      float[] expected = dst.clone();
      for (int r = 0; r < rows; r++) {
        System.arraycopy(src, X_OFF + r * srcStride, expected, OUT_OFF + r * dstStride, n);
      }
      KERNELS.copyRows(rows, n, src, X_OFF, srcStride, dst, OUT_OFF, dstStride);
      assertArrayEquals(expected, dst, "n=" + n);
    }
  }

  @Test
  void deinterleaveSplitsRowsIntoTheirTwoPhases() {
    SplittableRandom random = new SplittableRandom(13);
    int rows = 3;
    for (int n : LENGTHS) {
      int xStride = 2 * n + 5;
      int dstStride = n + 2;
      float[] x = random(random, X_OFF + (rows - 1) * xStride + 2 * n); // ends where the last pair does
      float[] even = random(random, Y_OFF + rows * dstStride + 2);
      float[] odd = random(random, OUT_OFF + rows * dstStride + 3);
      float[] expectedEven = even.clone();
      float[] expectedOdd = odd.clone();
      for (int r = 0; r < rows; r++) {
        for (int i = 0; i < n; i++) {
          expectedEven[Y_OFF + r * dstStride + i] = x[X_OFF + r * xStride + 2 * i];
          expectedOdd[OUT_OFF + r * dstStride + i] = x[X_OFF + r * xStride + 2 * i + 1];
        }
      }
      KERNELS.deinterleave(rows, n, x, X_OFF, xStride, even, Y_OFF, odd, OUT_OFF, dstStride);
      assertArrayEquals(expectedEven, even, "even n=" + n);
      assertArrayEquals(expectedOdd, odd, "odd n=" + n);
    }
  }

  @Test
  void elementwiseInPlace() {
    float[] x = random(new SplittableRandom(3), 1001);
    float[] expected = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      expected[i] = x[i] + x[i];
    }
    KERNELS.add(x.length, x, 0, x, 0, x, 0);
    assertArrayEquals(expected, x);
  }

  @Test
  void relu() {
    SplittableRandom random = new SplittableRandom(4);
    for (int n : LENGTHS) {
      float[] x = random(random, X_OFF + n + 2);
      for (int i = X_OFF; i < X_OFF + n; i += 7) {
        x[i] = Float.NaN;
      }
      if (n > 3) {
        x[X_OFF + 1] = Float.POSITIVE_INFINITY;
        x[X_OFF + 2] = Float.NEGATIVE_INFINITY;
        x[X_OFF + 3] = -0f;
      }
      float[] out = random(random, OUT_OFF + n + 2);
      float[] expected = out.clone();
      for (int i = 0; i < n; i++) {
        expected[OUT_OFF + i] = Math.max(x[X_OFF + i], 0f);
      }
      KERNELS.relu(n, x, X_OFF, out, OUT_OFF);
      assertArrayEquals(expected, out, "n=" + n); // NaN stays NaN, -0 becomes +0
      if (n > 0) {
        assertTrue(Float.isNaN(out[OUT_OFF]), "relu(NaN) must be NaN");
      }
    }
  }

  @Test
  void reluBackward() {
    SplittableRandom random = new SplittableRandom(7);
    for (int n : LENGTHS) {
      float[] g = random(random, X_OFF + n + 2);
      float[] y = random(random, Y_OFF + n + 2);
      for (int i = 0; i < n; i += 5) {
        g[X_OFF + i] = Float.NaN;
      }
      for (int i = 1; i < n; i += 6) {
        y[Y_OFF + i] = i % 4 == 1 ? Float.NaN : -0f;
      }
      float[] out = random(random, OUT_OFF + n + 2);
      float[] expected = out.clone();
      for (int i = 0; i < n; i++) {
        expected[OUT_OFF + i] = y[Y_OFF + i] > 0 ? g[X_OFF + i] : 0f;
      }
      KERNELS.reluBackward(n, g, X_OFF, y, Y_OFF, out, OUT_OFF);
      assertArrayEquals(expected, out, "n=" + n);
    }
  }

  /** Overlapping runs added run after run: each element gets its runs' values in run order. */
  @Test
  void addRunsAddsEachRunInOrder() {
    SplittableRandom random = new SplittableRandom(10);
    for (int len : new int[] {1, 7, 16, 17, 40, 224}) {
      int runs = 9;
      float[] src = random(random, X_OFF + runs * len);
      int[] starts = new int[runs];
      for (int r = 0; r < runs; r++) {
        starts[r] = OUT_OFF + random.nextInt(3 * len / 2 + 1); // neighbours overlap
      }
      float[] dst = random(random, OUT_OFF + 3 * len + 2);
      float[] expected = dst.clone();
      for (int r = 0; r < runs; r++) {
        for (int i = 0; i < len; i++) {
          expected[starts[r] + i] = expected[starts[r] + i] + src[X_OFF + r * len + i];
        }
      }
      KERNELS.addRuns(runs, len, src, X_OFF, dst, starts);
      assertArrayEquals(expected, dst, "len=" + len);
    }
  }

  /**
   * Max pooling against a plain scan of each window, for widths around every vector length, odd
   * sizes, and planes that end exactly at the array's end (where the vector kernel must not read
   * past it). Values are drawn from a few so that ties are common: with NaNs (which send a vector
   * of windows to the scalar rule), without (the vector rule), and with infinities of both signs
   * (whose sum is a NaN, though no value is).
   */
  @ParameterizedTest
  @MethodSource("poolValues")
  void maxPool2x2(float[] values) {
    SplittableRandom random = new SplittableRandom(8);
    for (PoolSize size : PoolSize.all()) {
      int planes = size.planes();
      int h = size.h();
      int w = size.w();
      int outH = h / 2;
      int outW = w / 2;
      float[] x = new float[X_OFF + planes * h * w + size.slack()];
      for (int i = 0; i < x.length; i++) {
        x[i] = values[random.nextInt(values.length)];
      }
      int outSize = planes * outH * outW;
      float[] y = new float[OUT_OFF + outSize + 3];
      int[] argmax = new int[Y_OFF + outSize + 3];
      float[] expectedY = y.clone();
      int[] expectedArgmax = argmax.clone();
      for (int p = 0; p < planes; p++) {
        for (int i = 0; i < outH; i++) {
          for (int j = 0; j < outW; j++) {
            int best = -1;
            for (int r = 2 * i; r < 2 * i + 2; r++) {
              for (int c = 2 * j; c < 2 * j + 2; c++) {
                float v = x[X_OFF + p * h * w + r * w + c];
                float b = best < 0 ? 0f : x[X_OFF + p * h * w + best];
                if (best < 0 || v > b || (Float.isNaN(v) && !Float.isNaN(b))) {
                  best = r * w + c;
                }
              }
            }
            int o = p * outH * outW + i * outW + j;
            expectedArgmax[Y_OFF + o] = best;
            expectedY[OUT_OFF + o] = x[X_OFF + p * h * w + best];
          }
        }
      }
      KERNELS.maxPool2x2(planes, x, X_OFF, h, w, outH, outW, y, OUT_OFF, argmax, Y_OFF);
      assertArrayEquals(expectedArgmax, argmax, size.toString());
      assertArrayEquals(expectedY, y, size.toString());
    }
  }

  /**
   * Average pooling against PyTorch's order written out ({@code (((0 + a) + b) + c) + d) / 4} in
   * float32), compared bit for bit, with signed zeros, infinities and NaNs among the values and
   * the same sizes as {@link #maxPool2x2}.
   */
  @ParameterizedTest
  @MethodSource("poolValues")
  void avgPool2x2(float[] values) {
    SplittableRandom random = new SplittableRandom(9);
    for (PoolSize size : PoolSize.all()) {
      int planes = size.planes();
      int h = size.h();
      int w = size.w();
      int outH = h / 2;
      int outW = w / 2;
      float[] x = new float[X_OFF + planes * h * w + size.slack()];
      for (int i = 0; i < x.length; i++) {
        x[i] = values[random.nextInt(values.length)] * (float) random.nextDouble(0.5, 2);
      }
      float[] y = new float[OUT_OFF + planes * outH * outW + 3];
      float[] expected = y.clone();
      for (int p = 0; p < planes; p++) {
        for (int i = 0; i < outH; i++) {
          for (int j = 0; j < outW; j++) {
            int at = X_OFF + p * h * w + 2 * i * w + 2 * j;
            float sum = 0f + x[at];
            sum = sum + x[at + 1];
            sum = sum + x[at + w];
            sum = sum + x[at + w + 1];
            expected[OUT_OFF + p * outH * outW + i * outW + j] = sum / 4f;
          }
        }
      }
      KERNELS.avgPool2x2(planes, x, X_OFF, h, w, outH, outW, y, OUT_OFF);
      assertArrayEquals(expected, y, size.toString());
    }
  }

  /**
   * The 2x2 pooling kernels' sizes: widths around every vector length, odd sizes, and planes that
   * end exactly at the array's end ({@code slack} 0), where a vector kernel must not read past it.
   */
  private record PoolSize(int planes, int h, int w, int slack) {
    static List<PoolSize> all() {
      List<PoolSize> sizes = new ArrayList<>();
      for (int planes : new int[] {1, 3}) {
        for (int h : new int[] {2, 3, 5, 28}) {
          for (int w : new int[] {2, 3, 4, 5, 14, 15, 28, 31, 32, 33, 34, 64, 65, 100}) {
            for (int slack : new int[] {0, 40}) {
              sizes.add(new PoolSize(planes, h, w, slack));
            }
          }
        }
      }
      return sizes;
    }

    @Override
    public String toString() {
      return planes + " planes of " + h + "x" + w + ", slack " + slack;
    }
  }

  static Stream<float[]> poolValues() {
    return Stream.of(
        new float[] {0f, 1f, 2f, Float.NaN},
        new float[] {0f, 1f, 2f, -0f},
        new float[] {-1f, 3f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY});
  }

  @Test
  void sumIsAccurateAndInTheDocumentedOrder() {
    SplittableRandom random = new SplittableRandom(5);
    for (int n : LENGTHS) {
      float[] x = random(random, X_OFF + n + 2);
      double sum = KERNELS.sum(n, x, X_OFF);
      // The same bits as the reference order, whatever the implementation and vector width.
      assertEquals(Double.doubleToLongBits(ScalarKernels.sumFixedOrder(n, x, X_OFF)),
          Double.doubleToLongBits(sum), "n=" + n);
      BigDecimal exact = BigDecimal.ZERO;
      for (int i = 0; i < n; i++) {
        exact = exact.add(new BigDecimal(x[X_OFF + i]));
      }
      assertEquals(exact.doubleValue(), sum, 1e-12 * Math.max(1, n), "n=" + n);
    }
  }

  /**
   * A batch norm's sums about the mean: the same bits as the documented order (the scalar loop)
   * under every implementation and vector width, and accurate against exact arithmetic.
   */
  @Test
  void sumsAboutTheMeanAreAccurateAndInTheDocumentedOrder() {
    SplittableRandom random = new SplittableRandom(9);
    int gOff = 5;
    for (int n : LENGTHS) {
      float[] x = random(random, X_OFF + n + 2);
      float[] g = random(random, gOff + n + 1);
      double mean = random.nextDouble(-0.5, 0.5);
      double squares = KERNELS.squaredDeviations(n, x, X_OFF, mean);
      double dot = KERNELS.dotAboutMean(n, g, gOff, x, X_OFF, mean);
      assertEquals(Double.doubleToLongBits(ScalarKernels.fixedOrder(
              ScalarKernels.Term.SQUARED_DEVIATION, n, null, 0, x, X_OFF, mean)),
          Double.doubleToLongBits(squares), "squares n=" + n);
      assertEquals(Double.doubleToLongBits(ScalarKernels.fixedOrder(
              ScalarKernels.Term.PRODUCT_ABOUT_MEAN, n, g, gOff, x, X_OFF, mean)),
          Double.doubleToLongBits(dot), "dot n=" + n);
      BigDecimal exactSquares = BigDecimal.ZERO;
      BigDecimal exactDot = BigDecimal.ZERO;
      BigDecimal m = new BigDecimal(mean);
      for (int i = 0; i < n; i++) {
        BigDecimal d = new BigDecimal(x[X_OFF + i]).subtract(m);
        exactSquares = exactSquares.add(d.multiply(d));
        exactDot = exactDot.add(new BigDecimal(g[gOff + i]).multiply(d));
      }
      assertEquals(exactSquares.doubleValue(), squares, 1e-12 * Math.max(1, n), "squares n=" + n);
      assertEquals(exactDot.doubleValue(), dot, 1e-12 * Math.max(1, n), "dot n=" + n);
    }
  }

  @Test
  void sumDoesNotDependOnThreads() {
    float[] x = random(new SplittableRandom(6), 300_001);
    int original = Parallel.threads();
    try {
      Parallel.setThreads(1);
      double one = KERNELS.sum(x.length, x, 0);
      Parallel.setThreads(2);
      double two = KERNELS.sum(x.length, x, 0);
      assertEquals(Double.doubleToLongBits(one), Double.doubleToLongBits(two));
    } finally {
      Parallel.setThreads(original);
    }
  }

  @Test
  void addRowsAddsEachColumnInRowOrder() {
    SplittableRandom random = new SplittableRandom(7);
    for (int rows : new int[] {0, 1, 3, 17}) {
      for (int n : new int[] {0, 1, 3, 4, 7, 8, 9, 15, 16, 17, 33, 100}) {
        int stride = n + 5;
        float[] x = random(random, X_OFF + rows * stride + 1);
        double[] acc = new double[OUT_OFF + n + 2];
        for (int j = 0; j < acc.length; j++) {
          acc[j] = random.nextDouble(-1, 1);
        }
        double[] expected = acc.clone();
        for (int r = 0; r < rows; r++) {
          for (int j = 0; j < n; j++) {
            expected[OUT_OFF + j] += x[X_OFF + r * stride + j];
          }
        }
        KERNELS.addRows(rows, n, x, X_OFF, stride, acc, OUT_OFF);
        assertArrayEquals(expected, acc, rows + " rows of " + n); // exact: the same additions
      }
    }
  }

  /** Inputs around every edge of the float exponential: zeros, the normal range's ends, overflow, underflow, NaN. */
  private static final float[] EXP_EDGES = {
    0f, -0f, 1f, -1f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-30f, -87f, Math.nextDown(-87f), Math.nextUp(-87f), 88f,
    Math.nextUp(88f), 88.72f, 88.73f, 89f, -87.4f, -100f, -103.3f, -103.98f, -104f, -110f, -1e30f, 1e30f,
    Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN, Float.intBitsToFloat(0x7fc00123), Float.MAX_VALUE, -Float.MAX_VALUE
  };

  private static void assertExpBits(float[] x, int xOff, float[] out, int outOff, int n, String where) {
    for (int i = 0; i < n; i++) {
      float expected = (float) Math.exp(x[xOff + i]);
      float actual = out[outOff + i];
      if (Float.floatToRawIntBits(expected) != Float.floatToRawIntBits(actual) && !(Float.isNaN(expected) && Float.isNaN(actual))) {
        throw new AssertionError(where + ": exp(" + x[xOff + i] + ") = " + actual + ", expected the bits of " + expected);
      }
    }
  }

  @Test
  void expGivesTheBitsOfMathExpRoundedToFloat() {
    SplittableRandom random = new SplittableRandom(8);
    for (int n : LENGTHS) {
      float[] x = new float[X_OFF + n + 2];
      for (int i = 0; i < x.length; i++) {
        x[i] = i % 7 == 0 ? EXP_EDGES[random.nextInt(EXP_EDGES.length)] : (float) random.nextDouble(-100, 100);
      }
      float[] out = random(random, OUT_OFF + n + 2);
      float[] untouched = out.clone();
      KERNELS.exp(n, x, X_OFF, out, OUT_OFF);
      assertExpBits(x, X_OFF, out, OUT_OFF, n, "n=" + n);
      assertEquals(untouched[0], out[0], "nothing before the output");
      assertEquals(untouched[OUT_OFF + n], out[OUT_OFF + n], "nothing after the output");
    }
    // Ranges a softmax meets, every float bit pattern, and in place.
    for (int trial = 0; trial < 40; trial++) {
      float[] x = new float[1 << 16];
      for (int i = 0; i < x.length; i++) {
        x[i] = switch (trial % 4) {
          case 0 -> (float) random.nextDouble(-10, 0);
          case 1 -> (float) random.nextDouble(-90, 90);
          case 2 -> Float.intBitsToFloat(random.nextInt());
          default -> (float) random.nextDouble(-1e-3, 1e-3);
        };
      }
      float[] in = x.clone();
      KERNELS.exp(x.length, x, 0, x, 0);
      assertExpBits(in, 0, x, 0, in.length, "trial " + trial + " in place");
    }
  }

  @Test
  void sumIsExactOnSmallIntegers() {
    float[] x = new float[1000];
    for (int i = 0; i < x.length; i++) {
      x[i] = i;
    }
    assertEquals(499_500.0, KERNELS.sum(x.length, x, 0));
    assertEquals(0.0, KERNELS.sum(0, x, 0));
    assertEquals(999.0, KERNELS.sum(1, x, 999));
  }
}
