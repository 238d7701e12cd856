package dev.wengert.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The row decomposition behind the elementwise loops: coalescing, size-1 and size-0 dims. */
class StridedLoopTest {

  private static Arguments loop(Tensor t, int rows, int rowLength, int innerStride) {
    return Arguments.of(Shapes.format(t.shape) + " strides " + Shapes.format(t.strides), t, rows, rowLength, innerStride);
  }

  static Stream<Arguments> layouts() {
    Tensor x = Tensor.zeros(DType.FLOAT32, 2, 3, 4);
    return Stream.of(
        loop(x, 1, 24, 1), // contiguous: one long row
        loop(x.reshape(6, 4).t(), 4, 6, 4),
        loop(x.permute(2, 0, 1), 4, 6, 4), // dims 0 and 1 of [2,3] merge into rows of 6
        loop(x.narrow(2, 1, 2), 6, 2, 1),
        loop(x.narrow(1, 1, 2), 2, 8, 1), // dims 1 and 2 still merge
        loop(x.slice(2, 0, 4, 2), 1, 12, 2), // every other element: one row with stride 2
        loop(x.slice(2, 0, 3, 2).slice(1, 0, 3, 2), 4, 2, 2), // strides [12,8,2]: nothing merges
        loop(x.unsqueeze(1).unsqueeze(4), 1, 24, 1), // size-1 dims are dropped
        loop(x.select(2, 0).unsqueeze(0), 1, 6, 4),
        loop(Tensor.scalar(DType.FLOAT64, 1), 1, 1, 0),
        loop(Tensor.zeros(DType.FLOAT64, 3, 0, 2), 0, 0, 0),
        loop(Tensor.zeros(DType.FLOAT64, 1, 5).expand(3, 5), 3, 5, 1),
        loop(Tensor.zeros(DType.FLOAT64, 5, 1).expand(5, 3), 5, 3, 0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("layouts")
  void rowsCoverEveryElementOnceInRowMajorOrder(String name, Tensor t, int rows, int rowLength, int innerStride) {
    StridedLoop loop = StridedLoop.of(t.shape, new int[] {t.offset}, t.strides);
    assertEquals(rows, loop.rows(), "rows");
    assertEquals(rowLength, loop.rowLength(), "row length");
    assertEquals(innerStride, loop.innerStride(0), "inner stride");
    List<Integer> visited = new ArrayList<>();
    loop.forEachRow(
        1,
        (offsets, n) -> {
          synchronized (visited) {
            for (int k = 0; k < n; k++) {
              visited.add(offsets[0] + k * innerStride);
            }
          }
        });
    visited.sort(null);
    List<Integer> expected = new ArrayList<>();
    for (int[] idx : TestTensors.indices(t.shape)) {
      int off = t.offset;
      for (int d = 0; d < idx.length; d++) {
        off += idx[d] * t.strides[d];
      }
      expected.add(off);
    }
    expected.sort(null);
    assertEquals(expected, visited);
  }
}
