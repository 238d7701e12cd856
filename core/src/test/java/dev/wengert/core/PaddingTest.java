package dev.wengert.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PaddingTest {

  private static final double[][] X = {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}};

  private static Tensor x3x3(DType dtype) {
    return matrix(X).to(dtype);
  }

  private static Tensor matrix(double[][] rows) {
    int h = rows.length;
    int w = rows[0].length;
    double[] flat = new double[h * w];
    for (int i = 0; i < h; i++) {
      System.arraycopy(rows[i], 0, flat, i * w, w);
    }
    return Tensor.of(flat, h, w);
  }

  private static void assertMatrix(double[][] expected, Tensor actual) {
    assertEquals(Shapes.format(expected.length, expected[0].length), Shapes.format(actual.shape()));
    double[] flat = actual.toDoubleArray();
    for (int i = 0; i < expected.length; i++) {
      double[] row = new double[expected[i].length];
      System.arraycopy(flat, i * row.length, row, 0, row.length);
      assertArrayEquals(expected[i], row, "row " + i);
    }
  }

  // ---------------------------------------------------------------- forward, by hand

  @ParameterizedTest
  @EnumSource(DType.class)
  void zero(DType dtype) {
    assertMatrix(
        new double[][] {
          {0, 0, 0, 0, 0},
          {0, 1, 2, 3, 0},
          {0, 4, 5, 6, 0},
          {0, 7, 8, 9, 0},
          {0, 0, 0, 0, 0},
        },
        Padding.pad(x3x3(dtype), 1, 1, 1, 1, PaddingMode.ZERO));
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void replicate(DType dtype) {
    assertMatrix(
        new double[][] {
          {1, 1, 2, 3, 3},
          {1, 1, 2, 3, 3},
          {4, 4, 5, 6, 6},
          {7, 7, 8, 9, 9},
          {7, 7, 8, 9, 9},
        },
        Padding.pad(x3x3(dtype), 1, 1, 1, 1, PaddingMode.REPLICATE));
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void reflect(DType dtype) {
    // Corner (-1, -1) mirrors to (1, 1).
    assertMatrix(
        new double[][] {
          {5, 4, 5, 6, 5},
          {2, 1, 2, 3, 2},
          {5, 4, 5, 6, 5},
          {8, 7, 8, 9, 8},
          {5, 4, 5, 6, 5},
        },
        Padding.pad(x3x3(dtype), 1, 1, 1, 1, PaddingMode.REFLECT));
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void circular(DType dtype) {
    // Corner (-1, -1) wraps to (2, 2).
    assertMatrix(
        new double[][] {
          {9, 7, 8, 9, 7},
          {3, 1, 2, 3, 1},
          {6, 4, 5, 6, 4},
          {9, 7, 8, 9, 7},
          {3, 1, 2, 3, 1},
        },
        Padding.pad(x3x3(dtype), 1, 1, 1, 1, PaddingMode.CIRCULAR));
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void dtypeIsKept(DType dtype) {
    assertEquals(dtype, Padding.pad(x3x3(dtype), 1, 0, 0, 1, PaddingMode.REFLECT).dtype());
  }

  @Test
  void asymmetricReflect() {
    assertMatrix(
        new double[][] {
          {7, 8, 9, 8},
          {4, 5, 6, 5},
          {1, 2, 3, 2},
          {4, 5, 6, 5},
          {7, 8, 9, 8},
        },
        Padding.pad(x3x3(DType.FLOAT64), 2, 0, 0, 1, PaddingMode.REFLECT));
  }

  @Test
  void asymmetricReplicateOnANonSquareInput() {
    Tensor x = matrix(new double[][] {{1, 2, 3}, {4, 5, 6}});
    assertMatrix(
        new double[][] {
          {1, 1, 1, 1, 2, 3, 3},
          {4, 4, 4, 4, 5, 6, 6},
          {4, 4, 4, 4, 5, 6, 6},
          {4, 4, 4, 4, 5, 6, 6},
        },
        Padding.pad(x, 0, 2, 3, 1, PaddingMode.REPLICATE));
  }

  @Test
  void asymmetricCircularUpToTheFullWidth() {
    Tensor x = matrix(new double[][] {{1, 2, 3}, {4, 5, 6}}).to(DType.FLOAT32);
    assertMatrix(
        new double[][] {
          {4, 5, 6, 4, 5, 6},
          {1, 2, 3, 1, 2, 3},
          {4, 5, 6, 4, 5, 6},
        },
        Padding.pad(x, 1, 0, 0, 3, PaddingMode.CIRCULAR));
  }

  @Test
  void asymmetricZero() {
    assertMatrix(
        new double[][] {
          {0, 0, 0, 0, 0},
          {0, 0, 0, 0, 0},
          {1, 2, 3, 0, 0},
          {4, 5, 6, 0, 0},
          {7, 8, 9, 0, 0},
        },
        Padding.pad(x3x3(DType.FLOAT32), 2, 0, 0, 2, PaddingMode.ZERO));
  }

  @ParameterizedTest
  @EnumSource(PaddingMode.class)
  void noPaddingIsACopy(PaddingMode mode) {
    Tensor x = x3x3(DType.FLOAT64);
    Tensor y = Padding.pad(x, 0, 0, 0, 0, mode);
    assertFalse(y.sharesStorageWith(x));
    assertEquals(x.toString(), y.toString());
  }

  // ---------------------------------------------------------------- layouts

  @ParameterizedTest
  @EnumSource(PaddingMode.class)
  void nonContiguousInputs(PaddingMode mode) {
    Tensor expected = Padding.pad(x3x3(DType.FLOAT64), 2, 1, 1, 2, mode);
    Tensor transposed = matrix(new double[][] {{1, 4, 7}, {2, 5, 8}, {3, 6, 9}}).t();
    assertFalse(transposed.isContiguous());
    assertMatrixEquals(expected, Padding.pad(transposed, 2, 1, 1, 2, mode));

    // A 3x3 window with a non-zero offset into a 4x5 storage.
    Tensor big =
        matrix(new double[][] {{0, 0, 0, 0, 0}, {0, 1, 2, 3, 0}, {0, 4, 5, 6, 0}, {0, 7, 8, 9, 0}})
            .to(DType.FLOAT32);
    Tensor window = big.narrow(0, 1, 3).narrow(1, 1, 3);
    assertMatrixEquals(expected.to(DType.FLOAT32), Padding.pad(window, 2, 1, 1, 2, mode));
    assertMatrixEquals(expected.to(DType.FLOAT32), Padding.pad(window.contiguous(), 2, 1, 1, 2, mode));
  }

  @ParameterizedTest
  @EnumSource(PaddingMode.class)
  void everyPlaneIsPaddedOnItsOwn(PaddingMode mode) {
    Rng rng = new Rng(7);
    for (DType dtype : DType.values()) {
      Tensor x = Tensor.randn(rng, dtype, 2, 3, 3, 4);
      Tensor y = Padding.pad(x, 1, 2, 2, 1, mode);
      assertArrayEquals(new int[] {2, 3, 6, 7}, y.shape());
      for (int n = 0; n < 2; n++) {
        for (int c = 0; c < 3; c++) {
          Tensor plane = x.select(0, n).select(0, c);
          assertMatrixEquals(Padding.pad(plane, 1, 2, 2, 1, mode), y.select(0, n).select(0, c));
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(PaddingMode.class)
  void manyPlanesRunInParallelWithTheSameResult(PaddingMode mode) {
    // 4*16 planes of 34x34 outputs: enough work to be split over threads.
    Tensor x = Tensor.randn(new Rng(11), DType.FLOAT32, 4, 16, 32, 32);
    Tensor y = Padding.pad(x, 1, 1, 2, 0, mode);
    Tensor g = Padding.padBackward(y, x.shape(), 1, 1, 2, 0, mode);
    for (int n = 0; n < 4; n++) {
      for (int c = 0; c < 16; c++) {
        Tensor plane = x.select(0, n).select(0, c);
        Tensor planeOut = Padding.pad(plane, 1, 1, 2, 0, mode);
        assertMatrixEquals(planeOut, y.select(0, n).select(0, c));
        assertMatrixEquals(
            Padding.padBackward(planeOut, plane.shape(), 1, 1, 2, 0, mode), g.select(0, n).select(0, c));
      }
    }
  }

  @Test
  void rankThreeAndFiveWork() {
    Tensor x3 = Tensor.arange(DType.FLOAT64, 12).reshape(2, 2, 3);
    assertArrayEquals(new int[] {2, 3, 5}, Padding.pad(x3, 1, 0, 1, 1, PaddingMode.REPLICATE).shape());
    Tensor x5 = Tensor.arange(DType.FLOAT64, 24).reshape(1, 2, 2, 2, 3);
    Tensor y5 = Padding.pad(x5, 1, 1, 1, 1, PaddingMode.REFLECT);
    assertArrayEquals(new int[] {1, 2, 2, 4, 5}, y5.shape());
    assertMatrixEquals(
        Padding.pad(x5.select(0, 0).select(0, 1).select(0, 1), 1, 1, 1, 1, PaddingMode.REFLECT),
        y5.select(0, 0).select(0, 1).select(0, 1));
  }

  @Test
  void emptyInputs() {
    Tensor emptyBatch = Tensor.zeros(DType.FLOAT32, 0, 3, 2, 2);
    assertArrayEquals(new int[] {0, 3, 4, 4}, Padding.pad(emptyBatch, 1, 1, 1, 1, PaddingMode.REFLECT).shape());
    Tensor noRows = Tensor.zeros(DType.FLOAT64, 1, 0, 3);
    Tensor zeroPadded = Padding.pad(noRows, 1, 1, 0, 0, PaddingMode.ZERO);
    assertArrayEquals(new int[] {1, 2, 3}, zeroPadded.shape());
    assertEquals(0.0, zeroPadded.abs().sum().item());
  }

  // ---------------------------------------------------------------- errors

  @Test
  void errorsNameTheOpTheValueAndTheShape() {
    Tensor x = Tensor.zeros(DType.FLOAT32, 1, 1, 3, 3);
    assertMessage(
        "pad: reflect padding 3 must be < input width 3 (shape [1,1,3,3])",
        () -> Padding.pad(x, 0, 0, 0, 3, PaddingMode.REFLECT));
    assertMessage(
        "pad: reflect padding 3 must be < input height 3 (shape [1,1,3,3])",
        () -> Padding.pad(x, 3, 0, 0, 0, PaddingMode.REFLECT));
    assertMessage(
        "pad: circular padding 4 must be <= input height 3 (shape [1,1,3,3])",
        () -> Padding.pad(x, 0, 4, 0, 0, PaddingMode.CIRCULAR));
    assertMessage("pad: left padding must be >= 0, got -1", () -> Padding.pad(x, 0, 0, -1, 0, PaddingMode.ZERO));
    assertMessage("pad: bottom padding must be >= 0, got -2", () -> Padding.pad(x, 0, -2, 0, 0, PaddingMode.ZERO));
    assertMessage(
        "pad: input must have rank >= 2 (..., height, width), got shape [3]",
        () -> Padding.pad(Tensor.zeros(DType.FLOAT64, 3), 1, 1, 1, 1, PaddingMode.ZERO));
    assertMessage(
        "pad: replicate padding 1 needs a non-empty input width (shape [2,0])",
        () -> Padding.pad(Tensor.zeros(DType.FLOAT64, 2, 0), 0, 0, 1, 0, PaddingMode.REPLICATE));
    assertMessage(
        "padBackward: gradient shape [1,1,4,4] does not match the padded shape [1,1,5,5] of input shape [1,1,3,3]",
        () -> Padding.padBackward(Tensor.zeros(DType.FLOAT32, 1, 1, 4, 4), x.shape(), 1, 1, 1, 1, PaddingMode.ZERO));
    // The largest legal pads are accepted.
    assertArrayEquals(new int[] {1, 1, 7, 9}, Padding.pad(x, 2, 2, 3, 3, PaddingMode.CIRCULAR).shape());
    assertArrayEquals(new int[] {1, 1, 7, 7}, Padding.pad(x, 2, 2, 2, 2, PaddingMode.REFLECT).shape());
  }

  // ---------------------------------------------------------------- backward

  @ParameterizedTest
  @EnumSource(PaddingMode.class)
  void backwardIsTheAdjointOfForward(PaddingMode mode) {
    Rng rng = new Rng(42);
    int[][] pads = {{1, 1, 1, 1}, {0, 2, 1, 0}, {2, 0, 0, 3}, {3, 1, 2, 4}, {0, 0, 0, 0}};
    for (int[] p : pads) {
      Tensor x = Tensor.randn(rng, DType.FLOAT64, 2, 3, 4, 5);
      Tensor padded = Padding.pad(x, p[0], p[1], p[2], p[3], mode);
      Tensor g = Tensor.randn(rng, DType.FLOAT64, padded.shape());
      Tensor gx = Padding.padBackward(g, x.shape(), p[0], p[1], p[2], p[3], mode);
      assertArrayEquals(x.shape(), gx.shape());
      double lhs = padded.mul(g).sum().item();
      double rhs = x.mul(gx).sum().item();
      assertEquals(lhs, rhs, 1e-12 * Math.max(1, Math.abs(lhs)), "pads " + java.util.Arrays.toString(p));
    }
  }

  @ParameterizedTest
  @EnumSource(value = PaddingMode.class, names = {"REPLICATE", "REFLECT", "CIRCULAR"})
  void backwardKeepsTheTotalGradient(PaddingMode mode) {
    // Every output pixel copies exactly one input pixel, so no gradient is lost or created.
    Tensor g = Tensor.randn(new Rng(3), DType.FLOAT32, 3, 7, 6);
    Tensor gx = Padding.padBackward(g, new int[] {3, 4, 3}, 1, 2, 2, 1, mode);
    assertEquals(g.sum().item(), gx.sum().item(), 1e-4);
    assertEquals(DType.FLOAT32, gx.dtype());
  }

  @Test
  void zeroPaddingBackwardDropsTheBorder() {
    Tensor g = Tensor.arange(DType.FLOAT64, 25).reshape(5, 5);
    assertMatrix(
        new double[][] {{6, 7, 8}, {11, 12, 13}, {16, 17, 18}},
        Padding.padBackward(g, new int[] {3, 3}, 1, 1, 1, 1, PaddingMode.ZERO));
  }

  @Test
  void replicateCornersCollectTheirCornerRegion() {
    // g[r][c] = 5r + c; x[0][0] receives g over rows 0-1, cols 0-1: 0 + 1 + 5 + 6 = 12.
    Tensor g = Tensor.arange(DType.FLOAT64, 25).reshape(5, 5);
    assertMatrix(
        new double[][] {{12, 9, 24}, {21, 12, 27}, {72, 39, 84}},
        Padding.padBackward(g, new int[] {3, 3}, 1, 1, 1, 1, PaddingMode.REPLICATE));
    // Float32, from a non-contiguous gradient (the transpose of a transpose).
    Tensor gt = g.to(DType.FLOAT32).t().contiguous().t();
    assertFalse(gt.isContiguous());
    assertMatrix(
        new double[][] {{12, 9, 24}, {21, 12, 27}, {72, 39, 84}},
        Padding.padBackward(gt, new int[] {3, 3}, 1, 1, 1, 1, PaddingMode.REPLICATE));
  }

  @Test
  void reflectBackwardAccumulatesMirroredPixels() {
    // 1-D row [a, b, c] padded by 2 on the left: [c, b | a, b, c]; b and c each receive two gradients.
    Tensor g = Tensor.of(new double[] {1, 10, 100, 1000, 10000}, 1, 5);
    assertMatrix(
        new double[][] {{100, 1010, 10001}},
        Padding.padBackward(g, new int[] {1, 3}, 0, 0, 2, 0, PaddingMode.REFLECT));
  }

  // ---------------------------------------------------------------- the index map

  @Test
  void sourceIndexMatchesTheModeExamples() {
    // [a, b, c, d] padded by 2 on each side; -1 marks a zero.
    assertArrayEquals(new int[] {-1, -1, 0, 1, 2, 3, -1, -1}, map(PaddingMode.ZERO));
    assertArrayEquals(new int[] {0, 0, 0, 1, 2, 3, 3, 3}, map(PaddingMode.REPLICATE));
    assertArrayEquals(new int[] {2, 1, 0, 1, 2, 3, 2, 1}, map(PaddingMode.REFLECT));
    assertArrayEquals(new int[] {2, 3, 0, 1, 2, 3, 0, 1}, map(PaddingMode.CIRCULAR));
  }

  private static int[] map(PaddingMode mode) {
    int[] out = new int[8];
    for (int i = 0; i < 8; i++) {
      out[i] = Padding.sourceIndex(i, 4, 2, mode);
    }
    return out;
  }

  private static void assertMatrixEquals(Tensor expected, Tensor actual) {
    assertEquals(expected.dtype(), actual.dtype());
    assertArrayEquals(expected.shape(), actual.shape());
    assertArrayEquals(expected.toDoubleArray(), actual.toDoubleArray());
  }

  private static void assertMessage(String expected, Executable call) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
  }
}
