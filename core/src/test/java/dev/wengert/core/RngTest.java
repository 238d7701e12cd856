package dev.wengert.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.UniformRealDistribution;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RngTest {

  @Test
  void isSplitMix64() {
    Rng rng = new Rng(0);
    assertEquals(0xE220A8397B1DCDAFL, rng.nextLong());
    assertEquals(0x6E789E6AA1B965F4L, rng.nextLong());
    assertEquals(0x06C45D188009454FL, rng.nextLong());
  }

  @Test
  void sameSeedSameSequenceAndStateResumes() {
    Rng a = new Rng(42);
    Rng b = new Rng(42);
    for (int i = 0; i < 100; i++) {
      assertEquals(a.nextLong(), b.nextLong());
    }
    assertNotEquals(new Rng(1).nextLong(), new Rng(2).nextLong());
    a.nextGaussian();
    Rng resumed = Rng.fromState(a.state());
    for (int i = 0; i < 10; i++) {
      assertEquals(a.nextDouble(), resumed.nextDouble());
    }
  }

  @Test
  void splitIsDeterministicAndIndependentOfTheParent() {
    Rng parent = new Rng(5);
    Rng child = parent.split();
    Rng again = new Rng(5).split();
    assertEquals(child.nextLong(), again.nextLong());
    assertNotEquals(parent.nextLong(), child.nextLong());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 10, 1000, 1 << 30, Integer.MAX_VALUE})
  void nextIntStaysInBounds(int bound) {
    Rng rng = new Rng(bound);
    for (int i = 0; i < 2000; i++) {
      int x = rng.nextInt(bound);
      assertTrue(x >= 0 && x < bound, () -> x + " for bound " + bound);
    }
  }

  @Test
  void nextIntIsUniform() {
    Rng rng = new Rng(9);
    int bound = 10;
    long[] counts = new long[bound];
    for (int i = 0; i < 100_000; i++) {
      counts[rng.nextInt(bound)]++;
    }
    double[] expected = new double[bound];
    Arrays.fill(expected, 10_000);
    double p = new ChiSquareTest().chiSquareTest(expected, counts);
    assertTrue(p > 1e-3, () -> "chi-square p-value " + p + " for " + Arrays.toString(counts));
    // A bound just above 2^31 / 2 would show modulo bias: values below 2^32 mod bound twice as likely.
    Rng big = new Rng(10);
    int b = (1 << 30) + (1 << 29);
    long low = 0;
    for (int i = 0; i < 100_000; i++) {
      if (big.nextInt(b) < (1 << 30)) {
        low++;
      }
    }
    assertEquals(100_000 * (2.0 / 3), low, 1000);
    assertEquals(
        "bound must be positive, got 0", assertThrows(IllegalArgumentException.class, () -> rng.nextInt(0)).getMessage());
  }

  @Test
  void doublesAndFloatsAreUniformOnTheHalfOpenUnitInterval() {
    Rng rng = new Rng(11);
    double[] d = new double[50_000];
    double[] f = new double[50_000];
    for (int i = 0; i < d.length; i++) {
      d[i] = rng.nextDouble();
      f[i] = rng.nextFloat();
      assertTrue(d[i] >= 0 && d[i] < 1);
      assertTrue(f[i] >= 0 && f[i] < 1);
    }
    KolmogorovSmirnovTest ks = new KolmogorovSmirnovTest();
    assertTrue(ks.kolmogorovSmirnovTest(new UniformRealDistribution(0, 1), d) > 1e-3);
    assertTrue(ks.kolmogorovSmirnovTest(new UniformRealDistribution(0, 1), f) > 1e-3);
  }

  @Test
  void gaussiansAreStandardNormalAndFinite() {
    Rng rng = new Rng(12);
    double[] g = new double[50_000];
    for (int i = 0; i < g.length; i++) {
      g[i] = rng.nextGaussian();
      assertTrue(Double.isFinite(g[i]));
    }
    assertTrue(new KolmogorovSmirnovTest().kolmogorovSmirnovTest(new NormalDistribution(0, 1), g) > 1e-3);
  }

  @Test
  void shuffleIsASeededPermutation() {
    int[] values = new int[50];
    Arrays.setAll(values, i -> i);
    int[] a = values.clone();
    int[] b = values.clone();
    new Rng(3).shuffle(a);
    new Rng(3).shuffle(b);
    assertArrayEquals(a, b);
    assertTrue(!Arrays.equals(values, a));
    int[] sorted = a.clone();
    Arrays.sort(sorted);
    assertArrayEquals(values, sorted);
    // Every position receives every value about equally often over many shuffles of 4.
    long[][] counts = new long[4][4];
    Rng rng = new Rng(4);
    for (int trial = 0; trial < 40_000; trial++) {
      int[] small = {0, 1, 2, 3};
      rng.shuffle(small);
      for (int pos = 0; pos < 4; pos++) {
        counts[pos][small[pos]]++;
      }
    }
    for (long[] row : counts) {
      for (long c : row) {
        assertEquals(10_000, c, 400);
      }
    }
    new Rng(1).shuffle(new int[0]);
  }
}
