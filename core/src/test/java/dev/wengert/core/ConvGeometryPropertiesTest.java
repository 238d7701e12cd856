package dev.wengert.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link ConvGeometry#outputSize} against the formula {@code floor((n − k' + pb + pa)/s) + 1}, {@code
 * k' = d(k−1) + 1}, computed exactly with BigInteger, over the whole int range (overflow included):
 * every call returns the formula's value or throws an IllegalArgumentException that says why.
 */
class ConvGeometryPropertiesTest {

  /** Small values mostly, and now and then the edges of the int range. */
  @Provide
  Arbitrary<Integer> sizes() {
    Arbitrary<Integer> tiny = Arbitraries.integers().between(-1, 4);
    Arbitrary<Integer> small = Arbitraries.integers().between(5, 40);
    Arbitrary<Integer> nearMax = Arbitraries.integers().between(Integer.MAX_VALUE - 3, Integer.MAX_VALUE);
    Arbitrary<Integer> nearMin = Arbitraries.integers().between(Integer.MIN_VALUE, Integer.MIN_VALUE + 3);
    Arbitrary<Integer> any = Arbitraries.integers();
    return Arbitraries.frequencyOf(Tuple.of(6, tiny), Tuple.of(4, small), Tuple.of(1, nearMax), Tuple.of(1, nearMin), Tuple.of(1, any));
  }

  @Property(tries = 2000)
  void outputSizeIsTheFormulaOrAClearError(
      @ForAll("sizes") int n,
      @ForAll("sizes") int k,
      @ForAll("sizes") int padBefore,
      @ForAll("sizes") int padAfter,
      @ForAll("sizes") int s,
      @ForAll("sizes") int d,
      @ForAll boolean ceilMode) {
    if (n < 0 || k < 1 || padBefore < 0 || padAfter < 0 || s < 1 || d < 1) {
      String message = refusal(n, k, padBefore, padAfter, s, d, ceilMode);
      assertTrue(message.contains("must be >= "), message);
      return;
    }
    BigInteger effective = BigInteger.valueOf(d).multiply(BigInteger.valueOf(k - 1L)).add(BigInteger.ONE);
    BigInteger span = BigInteger.valueOf(n).add(BigInteger.valueOf(padBefore)).add(BigInteger.valueOf(padAfter)).subtract(effective);
    BigInteger[] qr = span.divideAndRemainder(BigInteger.valueOf(s));
    BigInteger steps = qr[0];
    if (qr[1].signum() != 0 && (span.signum() < 0) != ceilMode) {
      steps = steps.add(BigInteger.valueOf(ceilMode ? 1 : -1));
    }
    BigInteger expected = steps.add(BigInteger.ONE);
    if (expected.signum() <= 0) {
      String message = refusal(n, k, padBefore, padAfter, s, d, ceilMode);
      assertTrue(message.contains((ceilMode ? "ceil((" : "floor((") + n + " - ") && message.contains(" = " + expected + " <= 0"), message);
      return;
    }
    // Ceil mode drops a last window that would start past the input and the left padding.
    if (ceilMode && expected.subtract(BigInteger.ONE).multiply(BigInteger.valueOf(s)).compareTo(BigInteger.valueOf((long) n + padBefore)) >= 0) {
      expected = expected.subtract(BigInteger.ONE);
    }
    if (expected.signum() > 0 && expected.bitLength() < 32) {
      assertEquals(expected.intValueExact(), ConvGeometry.outputSize("conv2d", "height", n, k, padBefore, padAfter, s, d, ceilMode));
    } else {
      String message = refusal(n, k, padBefore, padAfter, s, d, ceilMode);
      assertTrue(message.contains(expected.signum() > 0 ? "is too large" : "<= 0"), message);
    }
  }

  /** The message of the IllegalArgumentException (that exact type) that {@code outputSize} throws. */
  private static String refusal(int n, int k, int padBefore, int padAfter, int s, int d, boolean ceilMode) {
    IllegalArgumentException e = assertThrowsExactly(
        IllegalArgumentException.class,
        () -> ConvGeometry.outputSize("conv2d", "height", n, k, padBefore, padAfter, s, d, ceilMode));
    assertTrue(e.getMessage().startsWith("conv2d: "), e.getMessage());
    return e.getMessage();
  }

  @Example
  void ceilModeNeverReturnsAnEmptyOutput() {
    // ceil((0 - 1)/2) + 1 = 1 window, which starts past the empty input and is dropped: 0 windows.
    IllegalArgumentException e = assertThrowsExactly(
        IllegalArgumentException.class, () -> ConvGeometry.outputSize("max_pool2d", "height", 0, 1, 0, 0, 2, 1, true));
    assertTrue(e.getMessage().startsWith("max_pool2d: output height = ceil((0 - 1 + 2*0)/2) + 1 = 0 <= 0"), e.getMessage());
  }

  @Property(tries = 500)
  void samePaddingKeepsTheSizeAtStrideOne(
      @ForAll @IntRange(min = 0, max = 1000) int n,
      @ForAll @IntRange(min = 1, max = 50) int k,
      @ForAll @IntRange(min = 1, max = 50) int d) {
    int[] pads = ConvGeometry.samePadding(k, d);
    assertEquals((long) d * (k - 1), (long) pads[0] + pads[1]);
    assertTrue(pads[1] - pads[0] == 0 || pads[1] - pads[0] == 1, "the odd pixel goes after");
    if (n + pads[0] + pads[1] >= (long) d * (k - 1) + 1) {
      assertEquals(n, ConvGeometry.outputSize("conv2d", "height", n, k, pads[0], pads[1], 1, d));
    }
  }

  @Property(tries = 1000)
  void poolGeometryAllowsPaddingUpToHalfTheDilatedKernel(
      @ForAll("sizes") int kernel, @ForAll("sizes") int dilation, @ForAll("sizes") int padding) {
    Assume.that(kernel >= 1 && dilation >= 1 && padding >= 0);
    long effective = (long) dilation * (kernel - 1) + 1;
    if (2L * padding <= effective) {
      PoolGeometry geo = new PoolGeometry(kernel, 1, 1, 1, padding, 0, dilation, 1, false);
      assertEquals(padding, geo.padH());
    } else {
      IllegalArgumentException e = assertThrowsExactly(
          IllegalArgumentException.class, () -> new PoolGeometry(kernel, 1, 1, 1, padding, 0, dilation, 1, false));
      assertTrue(e.getMessage().startsWith("pool2d: padding (" + padding + ", 0) must be at most half of the kernel (" + effective + ", 1)"), e.getMessage());
    }
  }
}
