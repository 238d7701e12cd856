package dev.wengert.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConvGeometryTest {

  @ParameterizedTest(name = "n={0} k={1} p={2} s={3} d={4} -> {5}")
  @CsvSource({
    "6, 3, 0, 1, 1, 4",
    "7, 3, 0, 2, 1, 3",
    "6, 3, 0, 2, 1, 2", // (6-3)/2 = 1.5 floored
    "5, 3, 1, 1, 1, 5",
    "28, 5, 2, 1, 1, 28",
    "28, 5, 0, 1, 1, 24",
    "32, 3, 1, 2, 1, 16",
    "1, 1, 0, 1, 1, 1",
    "3, 5, 1, 1, 1, 1", // padding makes the kernel fit exactly
    "7, 3, 0, 1, 2, 3", // effective kernel 5
    "10, 3, 3, 2, 3, 5", // effective kernel 7: floor((10+6-7)/2)+1
    "5, 3, 2, 1, 2, 5", // dilation 2 with 'same' padding
  })
  void outputSizeTable(int n, int k, int p, int s, int d, int expected) {
    assertEquals(expected, ConvGeometry.outputSize(n, k, p, s, d));
    assertEquals(expected, ConvGeometry.outputSize("conv2d", "height", n, k, p, s, d));
    assertEquals(expected, ConvGeometry.outputSize("conv2d", "height", n, k, p, p, s, d));
  }

  @ParameterizedTest(name = "n={0} k={1} pb={2} pa={3} s={4} -> {5}")
  @CsvSource({
    "5, 4, 1, 2, 1, 5", // 'same' padding for an even kernel
    "5, 3, 0, 1, 2, 2", // floor((5+0+1-3)/2)+1
    "6, 3, 1, 0, 2, 3",
  })
  void asymmetricPadding(int n, int k, int pb, int pa, int s, int expected) {
    assertEquals(expected, ConvGeometry.outputSize("conv2d", "width", n, k, pb, pa, s, 1));
  }

  @ParameterizedTest(name = "n={0} k={1} p={2} s={3}: floor {4}, ceil {5}")
  @CsvSource({
    "5, 2, 0, 2, 2, 3", // ceil(3/2)+1 = 3: the last window overhangs the input
    "4, 2, 0, 2, 2, 2", // exact division: no difference
    "6, 3, 1, 2, 3, 4",
    "5, 2, 1, 2, 3, 3", // ceil gives 4, but window 4 would start at 6 >= 5+1 (in the right padding): dropped
    "3, 4, 0, 2, 0, 1", // floor: kernel does not fit (0 = error); ceil: PyTorch gives one overhanging window
  })
  void ceilMode(int n, int k, int p, int s, int floorOut, int ceilOut) {
    if (floorOut > 0) {
      assertEquals(floorOut, ConvGeometry.outputSize("max_pool2d", "height", n, k, p, p, s, 1, false));
    }
    assertEquals(ceilOut, ConvGeometry.outputSize("max_pool2d", "height", n, k, p, p, s, 1, true));
  }

  @Test
  void kernelLargerThanInputShowsTheFormula() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> ConvGeometry.outputSize("conv2d", "height", 3, 5, 0, 1, 1));
    assertEquals(
        "conv2d: output height = floor((3 - 5 + 2*0)/1) + 1 = -1 <= 0: "
            + "a kernel of height 5 does not fit an input of height 3 with padding 0",
        e.getMessage());
  }

  @Test
  void dilatedFailureShowsTheEffectiveKernel() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> ConvGeometry.outputSize("conv2d", "width", 4, 3, 0, 2, 2));
    assertEquals(
        "conv2d: output width = floor((4 - (2*(3-1)+1) + 2*0)/2) + 1 = 0 <= 0: "
            + "a kernel of width 3 with dilation 2 (effective 5) does not fit an input of width 4 with padding 0",
        e.getMessage());
  }

  @Test
  void negativeNumeratorIsFlooredNotTruncated() {
    // (3 - 6)/2 = -1.5: floor gives -2 (output -1); truncation would give -1 (output 0).
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ConvGeometry.outputSize(3, 6, 0, 2, 1));
    assertEquals(
        "outputSize: output size = floor((3 - 6 + 2*0)/2) + 1 = -1 <= 0: "
            + "a kernel of size 6 does not fit an input of size 3 with padding 0",
        e.getMessage());
  }

  @Test
  void asymmetricFailureNamesBothPads() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ConvGeometry.outputSize("avg_pool2d", "width", 2, 5, 1, 0, 1, 1, true));
    assertEquals(
        "avg_pool2d: output width = ceil((2 - 5 + 1 + 0)/1) + 1 = -1 <= 0: "
            + "a kernel of width 5 does not fit an input of width 2 with padding 1 before and 0 after",
        e.getMessage());
  }

  @Test
  void invalidArgumentsNameTheParameter() {
    assertMessage("conv2d: kernel size (height) must be >= 1, got 0", () -> ConvGeometry.outputSize("conv2d", "height", 5, 0, 0, 1, 1));
    assertMessage("conv2d: stride (width) must be >= 1, got 0", () -> ConvGeometry.outputSize("conv2d", "width", 5, 3, 0, 0, 1));
    assertMessage("conv2d: dilation (width) must be >= 1, got 0", () -> ConvGeometry.outputSize("conv2d", "width", 5, 3, 0, 1, 0));
    assertMessage("conv2d: padding (height) must be >= 0, got -1", () -> ConvGeometry.outputSize("conv2d", "height", 5, 3, -1, 1, 1));
    assertMessage("outputSize: input size must be >= 0, got -2", () -> ConvGeometry.outputSize(-2, 3, 0, 1, 1));
  }

  @ParameterizedTest(name = "k={0} d={1} -> ({2}, {3})")
  @CsvSource({"3, 1, 1, 1", "4, 1, 1, 2", "3, 2, 2, 2", "1, 1, 0, 0", "5, 1, 2, 2", "2, 3, 1, 2"})
  void samePadding(int k, int d, int before, int after) {
    assertArrayEquals(new int[] {before, after}, ConvGeometry.samePadding(k, d));
    // At stride 1 'same' padding keeps the size.
    assertEquals(9, ConvGeometry.outputSize("conv2d", "height", 9, k, before, after, 1, d));
  }

  private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
  }
}
