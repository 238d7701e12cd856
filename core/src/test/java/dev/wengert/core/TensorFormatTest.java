package dev.wengert.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** toString: PyTorch-like text with one width and precision per tensor, summarised when large. */
class TensorFormatTest {

  static Stream<Arguments> smallTensors() {
    return Stream.of(
        Arguments.of(Tensor.scalar(DType.FLOAT32, 1.5), "tensor(1.5000, dtype=float32)"),
        Arguments.of(Tensor.scalar(DType.FLOAT64, 3), "tensor(3., dtype=float64)"),
        Arguments.of(Tensor.arange(DType.FLOAT32, 1, 4, 1), "tensor([1., 2., 3.], dtype=float32)"),
        Arguments.of(
            Tensor.of(new double[] {-1.5, 2.25, 10}, 3), "tensor([-1.5000,  2.2500, 10.0000], dtype=float64)"),
        Arguments.of(Tensor.of(new float[] {0.1f, -0.25f}, 2), "tensor([ 0.1000, -0.2500], dtype=float32)"),
        Arguments.of(
            Tensor.arange(DType.FLOAT32, 6).reshape(2, 3),
            "tensor([[0., 1., 2.],\n"
                + "        [3., 4., 5.]], dtype=float32)"),
        Arguments.of(
            Tensor.arange(DType.FLOAT32, 6).reshape(2, 3).t(),
            "tensor([[0., 3.],\n"
                + "        [1., 4.],\n"
                + "        [2., 5.]], dtype=float32)"),
        Arguments.of(
            Tensor.arange(DType.FLOAT64, 8).reshape(2, 2, 2).mul(1.5).sub(6),
            "tensor([[[-6.0000, -4.5000],\n"
                + "         [-3.0000, -1.5000]],\n"
                + "\n"
                + "        [[ 0.0000,  1.5000],\n"
                + "         [ 3.0000,  4.5000]]], dtype=float64)"),
        Arguments.of(
            Tensor.ones(DType.FLOAT32, 1, 1, 1, 2),
            "tensor([[[[1., 1.]]]], dtype=float32)"),
        Arguments.of(
            Tensor.of(new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1}, 4),
            "tensor([ nan,  inf, -inf,   1.], dtype=float64)"),
        Arguments.of(Tensor.of(new double[] {1e-5, 1}, 2), "tensor([1.0000e-05, 1.0000e+00], dtype=float64)"),
        Arguments.of(Tensor.of(new double[] {1e9, -2}, 2), "tensor([ 1.0000e+09, -2.0000e+00], dtype=float64)"),
        Arguments.of(Tensor.zeros(DType.FLOAT32, 0), "tensor([], dtype=float32, shape=[0])"),
        Arguments.of(Tensor.zeros(DType.FLOAT64, 2, 0), "tensor([], dtype=float64, shape=[2,0])"));
  }

  @ParameterizedTest
  @MethodSource("smallTensors")
  void smallTensorsPrintInFull(Tensor t, String expected) {
    assertEquals(expected, t.toString());
  }

  @Test
  void widthIsPaddedToTheWidestElement() {
    String s = Tensor.of(new double[] {-1.5, 2.25, 10}, 3).toString();
    // every entry has the same width, so columns of a matrix line up
    String m = Tensor.of(new double[] {1, -200, 30, 4}, 2, 2).toString();
    assertEquals("tensor([[   1., -200.],\n        [  30.,    4.]], dtype=float64)", m);
    assertTrue(s.contains("-1.5000,  2.2500"));
  }

  @Test
  void largeVectorsAreSummarisedWithTheirShape() {
    Tensor t = Tensor.arange(DType.FLOAT32, 2000);
    assertEquals(
        "tensor([   0.,    1.,    2., ..., 1997., 1998., 1999.], dtype=float32, shape=[2000])", t.toString());
    assertEquals(1000, Tensor.zeros(DType.FLOAT32, 1000).toString().split(",").length - 1); // 1000 is not summarised
  }

  @Test
  void largeMatricesAreSummarisedInEveryLongDim() {
    Tensor t = Tensor.arange(DType.FLOAT64, 100 * 50).reshape(100, 50);
    String s = t.toString();
    String[] lines = s.split("\n");
    assertEquals(7, lines.length, s);
    assertEquals("tensor([[   0.,    1.,    2., ...,   47.,   48.,   49.],", lines[0]);
    assertEquals("        [  50.,   51.,   52., ...,   97.,   98.,   99.],", lines[1]);
    assertEquals("        ...,", lines[3]);
    assertEquals("        [4950., 4951., 4952., ..., 4997., 4998., 4999.]], dtype=float64, shape=[100,50])", lines[6]);
  }

  @Test
  void summarisedThreeDimensionalTensorsKeepTheBlankLines() {
    String s = Tensor.zeros(DType.FLOAT32, 8, 2, 100).toString();
    assertTrue(s.startsWith("tensor([[[0., 0., 0., ..., 0., 0., 0.],\n         [0., 0., 0., ..., 0., 0., 0.]],\n\n        [[0."), s);
    assertTrue(s.contains("]],\n\n        ...,\n\n        [["), s);
    assertTrue(s.endsWith("]]], dtype=float32, shape=[8,2,100])"), s);
  }
}
