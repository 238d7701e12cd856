package dev.wengert.autodiff.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wengert.autodiff.Var;
import dev.wengert.core.DType;
import dev.wengert.core.PaddingMode;
import dev.wengert.core.PoolGeometry;
import dev.wengert.core.Tensor;
import org.junit.jupiter.api.Test;

/** The examples of the course notes Wengert started from, with hand-written expectations. */
class CourseNotesTest {

  /** A 6x6 image whose left half is bright (10) and right half dark (0). */
  private static Var halfBrightImage() {
    double[] pixels = new double[36];
    for (int r = 0; r < 6; r++) {
      for (int c = 0; c < 3; c++) {
        pixels[r * 6 + c] = 10;
      }
    }
    return Var.constant(Tensor.of(pixels, 1, 1, 6, 6));
  }

  private static final Var VERTICAL_EDGE =
      Var.constant(Tensor.of(new double[] {1, 0, -1, 1, 0, -1, 1, 0, -1}, 1, 1, 3, 3));

  private static double[][] rows(Var y) {
    int h = y.size(2);
    int w = y.size(3);
    double[] flat = y.value().toDoubleArray();
    double[][] out = new double[h][w];
    for (int r = 0; r < h; r++) {
      System.arraycopy(flat, r * w, out[r], 0, w);
    }
    return out;
  }

  @Test
  void verticalEdgeKernelLightsUpTheMiddleColumns() {
    Var y = Ops.conv2d(halfBrightImage(), VERTICAL_EDGE, null, Conv2dOptions.defaults());
    assertArrayEquals(new int[] {1, 1, 4, 4}, y.shape(), "floor((6 - 3 + 0)/1) + 1 = 4");
    for (double[] row : rows(y)) {
      assertArrayEquals(new double[] {0, 30, 30, 0}, row);
    }
  }

  @Test
  void zeroAndReplicatePaddingDifferOnlyOnTheBorder() {
    Var zero = Ops.conv2d(halfBrightImage(), VERTICAL_EDGE, null, Conv2dOptions.defaults().padding(1));
    Var replicate =
        Ops.conv2d(halfBrightImage(), VERTICAL_EDGE, null, Conv2dOptions.defaults().padding(1).paddingMode(PaddingMode.REPLICATE));
    double[][] z = rows(zero);
    double[][] s = rows(replicate);
    // Zero padding: the dark border left of column 0 looks like an edge, and the top and bottom
    // rows see only two image rows. Replicate ("same value") padding copies the edge pixels.
    assertArrayEquals(new double[] {-20, 0, 20, 20, 0, 0}, z[0]);
    assertArrayEquals(new double[] {-30, 0, 30, 30, 0, 0}, z[2]);
    for (double[] row : s) {
      assertArrayEquals(new double[] {0, 0, 30, 30, 0, 0}, row);
    }
    for (int r = 0; r < 6; r++) {
      for (int c = 0; c < 6; c++) {
        boolean differs = z[r][c] != s[r][c];
        boolean expected = c == 0 || ((r == 0 || r == 5) && (c == 2 || c == 3));
        assertEquals(expected, differs, "pixel (" + r + "," + c + ")");
        if (differs) {
          assertEquals(true, r == 0 || r == 5 || c == 0 || c == 5, "only border pixels differ");
        }
      }
    }
  }

  @Test
  void strideShrinksHeightAndWidthAlike() {
    Var x = Var.constant(Tensor.ones(DType.FLOAT64, 1, 1, 7, 7));
    Var w = Var.constant(Tensor.ones(DType.FLOAT64, 1, 1, 3, 3));
    assertArrayEquals(new int[] {1, 1, 3, 3}, Ops.conv2d(x, w, null, Conv2dOptions.defaults().stride(2)).shape());
    assertArrayEquals(new int[] {1, 1, 3, 5}, Ops.conv2d(x, w, null, Conv2dOptions.defaults().stride(2, 1)).shape());
  }

  @Test
  void rgbInputWithMKernelsGivesMFeatureMaps() {
    Tensor image = Tensor.randn(new dev.wengert.core.Rng(1), DType.FLOAT64, 1, 3, 8, 8);
    Tensor kernels = Tensor.randn(new dev.wengert.core.Rng(2), DType.FLOAT64, 5, 3, 3, 3);
    Var y = Ops.conv2d(Var.constant(image), Var.constant(kernels), null, Conv2dOptions.defaults());
    assertArrayEquals(new int[] {1, 5, 6, 6}, y.shape());
    // Each map sums the three single-channel correlations of its kernel.
    Tensor expected = Tensor.zeros(DType.FLOAT64, 1, 1, 6, 6);
    for (int c = 0; c < 3; c++) {
      Var channel = Var.constant(image.narrow(1, c, 1));
      Var kernel = Var.constant(kernels.narrow(0, 4, 1).narrow(1, c, 1));
      expected = expected.add(Ops.conv2d(channel, kernel, null, Conv2dOptions.defaults()).value());
    }
    assertEquals(true, y.value().narrow(1, 4, 1).allClose(expected, 1e-12, 1e-12));
  }

  @Test
  void maxPoolGradientIsOneAtTheMaxAndZeroElsewhere() {
    Var x = Var.parameter(Tensor.of(new double[] {1, 3, 2, 9, 4, 2, 7, 7, 0, 1, 5, 6, 8, 1, 2, 3}, 1, 1, 4, 4));
    Var y = Ops.maxPool2d(x, PoolGeometry.of(2));
    assertArrayEquals(new double[] {4, 9, 8, 6}, y.value().toDoubleArray());
    y.sum().backward();
    assertArrayEquals(
        new double[] {0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0}, x.grad().value().toDoubleArray());
  }

  @Test
  void maxPoolTiesGoToTheFirstInRowMajorOrder() {
    Var x = Var.parameter(Tensor.of(new double[] {5, 5, 5, 5}, 1, 1, 2, 2));
    Ops.maxPool2d(x, PoolGeometry.of(2)).sum().backward();
    assertArrayEquals(new double[] {1, 0, 0, 0}, x.grad().value().toDoubleArray());
  }

  @Test
  void averagePoolingKeepsMoreOfTheSignal() {
    Var x = Var.parameter(Tensor.of(new double[] {1, 3, 2, 9}, 1, 1, 2, 2));
    Var avg = Ops.avgPool2d(x, PoolGeometry.of(2), true);
    assertEquals(3.75, avg.item(), 0);
    avg.backward();
    assertArrayEquals(new double[] {0.25, 0.25, 0.25, 0.25}, x.grad().value().toDoubleArray());
  }
}
