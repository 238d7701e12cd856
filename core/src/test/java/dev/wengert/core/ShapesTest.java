package dev.wengert.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ShapesTest {

  @Test
  void numelCountsElementsWithOneForAScalar() {
    assertEquals(1, Shapes.numel());
    assertEquals(24, Shapes.numel(2, 3, 4));
    assertEquals(0, Shapes.numel(5, 0, 7));
  }

  @Test
  void numelRejectsOverflowAndNegativeSizes() {
    IllegalArgumentException big =
        assertThrows(IllegalArgumentException.class, () -> Shapes.numel(1 << 16, 1 << 16));
    assertEquals("shape [65536,65536] has more than 2147483647 elements", big.getMessage());
    IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> Shapes.numel(-2, -3));
    assertEquals("shape [-2,-3] has a negative size", negative.getMessage());
  }

  @Test
  void contiguousStridesAreRowMajorAndTreatZeroAsOne() {
    assertArrayEquals(new int[] {12, 4, 1}, Shapes.contiguousStrides(2, 3, 4));
    assertArrayEquals(new int[] {}, Shapes.contiguousStrides());
    assertArrayEquals(new int[] {2, 2, 1}, Shapes.contiguousStrides(3, 0, 2));
  }

  @Test
  void formatWritesCompactBrackets() {
    assertEquals("[2,3]", Shapes.format(2, 3));
    assertEquals("[]", Shapes.format());
    assertEquals("[7]", Shapes.format(7));
  }

  @Test
  void normalizeDimResolvesNegativeDimsAndNamesTheOp() {
    int[] shape = {2, 3};
    assertEquals(1, Shapes.normalizeDim("sum", -1, shape));
    assertEquals(0, Shapes.normalizeDim("sum", -2, shape));
    assertEquals(1, Shapes.normalizeDim("sum", 1, shape));
    assertEquals(
        "sum: dim 3 is out of range for shape [2,3] (rank 2)",
        assertThrows(IllegalArgumentException.class, () -> Shapes.normalizeDim("sum", 3, shape)).getMessage());
    assertEquals(
        "mean: dim -3 is out of range for shape [2,3] (rank 2)",
        assertThrows(IllegalArgumentException.class, () -> Shapes.normalizeDim("mean", -3, shape)).getMessage());
    assertEquals(
        "size: dim 0 is out of range for shape [] (rank 0)",
        assertThrows(IllegalArgumentException.class, () -> Shapes.normalizeDim("size", 0, new int[0])).getMessage());
  }

  static Stream<Arguments> broadcastable() {
    return Stream.of(
        Arguments.of(new int[] {3, 1}, new int[] {1, 4}, new int[] {3, 4}),
        Arguments.of(new int[] {5}, new int[] {2, 1, 5}, new int[] {2, 1, 5}),
        Arguments.of(new int[] {}, new int[] {2, 3}, new int[] {2, 3}),
        Arguments.of(new int[] {2, 3}, new int[] {}, new int[] {2, 3}),
        Arguments.of(new int[] {}, new int[] {}, new int[] {}),
        Arguments.of(new int[] {0}, new int[] {1}, new int[] {0}),
        Arguments.of(new int[] {2, 0}, new int[] {2, 1}, new int[] {2, 0}),
        Arguments.of(new int[] {1, 0}, new int[] {3, 1}, new int[] {3, 0}),
        Arguments.of(new int[] {4, 1, 3}, new int[] {2, 1}, new int[] {4, 2, 3}),
        Arguments.of(new int[] {2, 3}, new int[] {2, 3}, new int[] {2, 3}));
  }

  @ParameterizedTest
  @MethodSource("broadcastable")
  void broadcastFollowsNumPy(int[] a, int[] b, int[] expected) {
    assertArrayEquals(expected, Shapes.broadcast("add", a, b));
    assertArrayEquals(expected, Shapes.broadcast("add", b, a));
  }

  static Stream<Arguments> notBroadcastable() {
    return Stream.of(
        Arguments.of(new int[] {2, 3}, new int[] {4, 3}, "add: shapes [2,3] and [4,3] cannot broadcast (dim 0: 2 vs 4)"),
        Arguments.of(new int[] {0}, new int[] {2}, "add: shapes [0] and [2] cannot broadcast (dim 0: 0 vs 2)"),
        Arguments.of(
            new int[] {3}, new int[] {2, 4}, "add: shapes [3] and [2,4] cannot broadcast (dim 1: 3 vs 4)"));
  }

  @ParameterizedTest
  @MethodSource("notBroadcastable")
  void broadcastErrorNamesOpShapesAndDim(int[] a, int[] b, String message) {
    assertEquals(message, assertThrows(IllegalArgumentException.class, () -> Shapes.broadcast("add", a, b)).getMessage());
  }
}
