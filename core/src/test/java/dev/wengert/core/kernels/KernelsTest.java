package dev.wengert.core.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wengert.core.Parallel;
import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The elementwise kernels and the choice of implementation. The core pom reruns this class with
 * each implementation and vector width forced.
 */
class KernelsTest {

  private static final Kernels KERNELS = Kernels.get();

  /** Lengths around every vector width, including 0 and 1, and one long enough to use threads. */
  private static final int[] LENGTHS = {
    0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65, 100, 257, 200_003
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
