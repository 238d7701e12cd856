package dev.wengert.core;

import static dev.wengert.core.TestTensors.assertSameValues;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wengert.core.kernels.Kernels;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.math3.stat.descriptive.moment.Mean;
import org.apache.commons.math3.stat.descriptive.moment.Variance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Every reduction over every set of dims, against plain loops and commons-math3. */
class ReductionsTest {

  private static final int THREADS = Parallel.threads();

  @AfterEach
  void restoreThreads() {
    Parallel.setThreads(THREADS);
  }

  private enum Kind {
    SUM,
    MEAN,
    MAX,
    MIN,
    ARGMAX,
    ARGMIN,
    VAR0,
    VAR1
  }

  private static Tensor apply(Kind kind, Tensor t, int[] dims, boolean keepDim) {
    switch (kind) {
      case SUM:
        return t.sum(dims, keepDim);
      case MEAN:
        return t.mean(dims, keepDim);
      case MAX:
        return t.max(dims, keepDim);
      case MIN:
        return t.min(dims, keepDim);
      case ARGMAX:
        return t.argmax(dims, keepDim);
      case ARGMIN:
        return t.argmin(dims, keepDim);
      case VAR0:
        return t.var(dims, 0, keepDim);
      default:
        return t.var(dims, 1, keepDim);
    }
  }

  /** The values of each output element's block, in row-major order of the reduced dims. */
  private static List<List<Double>> blocks(double[] data, int[] shape, boolean[] reduced) {
    int rank = shape.length;
    int outCount = 1;
    for (int d = 0; d < rank; d++) {
      outCount *= reduced[d] ? 1 : shape[d];
    }
    List<List<Double>> out = new ArrayList<>();
    for (int i = 0; i < outCount; i++) {
      out.add(new ArrayList<>());
    }
    for (int flat = 0; flat < data.length; flat++) {
      int[] idx = TestTensors.unravel(flat, shape);
      int o = 0;
      for (int d = 0; d < rank; d++) {
        if (!reduced[d]) {
          o = o * shape[d] + idx[d];
        }
      }
      out.get(o).add(data[flat]); // row-major input order = row-major order within each block
    }
    return out;
  }

  private static double reference(Kind kind, List<Double> block) {
    double[] v = block.stream().mapToDouble(Double::doubleValue).toArray();
    switch (kind) {
      case SUM: {
        double s = 0;
        for (double x : v) {
          s += x;
        }
        return s;
      }
      case MEAN:
        return new Mean().evaluate(v);
      case VAR0:
        return new Variance(false).evaluate(v);
      case VAR1:
        return v.length == 1 ? Double.NaN : new Variance(true).evaluate(v);
      default: {
        boolean max = kind == Kind.MAX || kind == Kind.ARGMAX;
        int best = 0;
        for (int i = 1; i < v.length; i++) {
          if (max ? v[i] > v[best] : v[i] < v[best]) {
            best = i;
          }
        }
        return kind == Kind.MAX || kind == Kind.MIN ? v[best] : best;
      }
    }
  }

  static Stream<Arguments> dimSets() {
    int[][] shapes = {{5}, {3, 4}, {2, 3, 4}, {2, 1, 3, 5}};
    List<Arguments> out = new ArrayList<>();
    for (int[] shape : shapes) {
      int rank = shape.length;
      for (int mask = 0; mask < 1 << rank; mask++) {
        int[] dims = new int[Integer.bitCount(mask)];
        for (int d = 0, j = 0; d < rank; d++) {
          if ((mask >> d & 1) != 0) {
            dims[j] = (j % 2 == 1) ? d - rank : d; // mix negative and positive dims
            j++;
          }
        }
        for (boolean keepDim : new boolean[] {false, true}) {
          out.add(Arguments.of(shape, dims, keepDim));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} dims={1} keepDim={2}")
  @MethodSource("dimSets")
  void everyReductionMatchesTheReference(int[] shape, int[] dims, boolean keepDim) {
    int rank = shape.length;
    boolean[] reduced = new boolean[rank];
    for (int d : dims) {
      reduced[d < 0 ? d + rank : d] = true;
    }
    if (dims.length == 0) {
      java.util.Arrays.fill(reduced, true); // no dims means all dims
    }
    int[] expectedShape =
        keepDim
            ? java.util.stream.IntStream.range(0, rank).map(d -> reduced[d] ? 1 : shape[d]).toArray()
            : java.util.stream.IntStream.range(0, rank).filter(d -> !reduced[d]).map(d -> shape[d]).toArray();
    for (DType dtype : DType.values()) {
      Tensor x = TestTensors.uniform(new Rng(shape.length * 31L + dims.length), dtype, shape);
      double[] data = x.toDoubleArray();
      List<List<Double>> blocks = blocks(data, shape, reduced);
      for (Kind kind : Kind.values()) {
        double[] expected = blocks.stream().mapToDouble(b -> TestTensors.round(dtype, reference(kind, b))).toArray();
        for (Tensor input : new Tensor[] {x, TestTensors.gappy(x)}) {
          Tensor out = apply(kind, input, dims, keepDim);
          String what = kind + " " + dtype + " contiguous=" + input.isContiguous();
          assertArrayEquals(expectedShape, out.shape(), what);
          assertEquals(dtype, out.dtype(), what);
          double tolerance = dtype == DType.FLOAT32 ? 1e-6 : 1e-13;
          TestTensors.assertClose(expected, out, tolerance, tolerance);
          if (kind.name().startsWith("ARG") || kind == Kind.MAX || kind == Kind.MIN) {
            assertSameValues(expected, out);
          }
        }
      }
    }
  }

  @Test
  void argmaxAndArgminPickTheFirstOccurrence() {
    Tensor t = Tensor.of(new double[] {1, 3, 3, 2, 0, 0, 3, 0}, 2, 4);
    assertSameValues(new double[] {1, 2}, t.argmax(1, false));
    assertSameValues(new double[] {1, 2}, Tensor.of(new double[] {1, 3, 3, 2, 0, 0, 3, 3}, 2, 4).argmax(1, false));
    assertSameValues(new double[] {0, 0}, t.argmin(1, false));
    assertSameValues(new double[] {0, 0, 0, 0}, Tensor.zeros(DType.FLOAT32, 3, 4).argmax(0, false));
    // Over several dims the result is the row-major position within the reduced dims.
    assertEquals(1.0, t.argmax(new int[] {0, 1}, false).item());
    assertEquals(4.0, t.argmin(new int[] {1, 0}, false).item());
    assertEquals(1.0, t.argmax(new int[] {}, false).item());
    assertArrayEquals(new int[] {1, 1}, t.argmax(new int[] {}, true).shape());
  }

  @Test
  void argmaxWorksOnTheReducedDimsOnly() {
    // [2,3,2]: reduce dims 0 and 2 for each middle index.
    Tensor t = Tensor.arange(DType.FLOAT64, 12).reshape(2, 3, 2).mul(-1);
    t.set(100, 1, 1, 0); // middle index 1: position (1, 0) in the reduced dims = 2
    assertSameValues(new double[] {0, 2, 0}, t.argmax(new int[] {0, 2}, false));
    assertSameValues(new double[] {3, 3, 3}, t.argmin(new int[] {2, 0}, false));
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void nanPropagatesInMaxMinAndSums(DType dtype) {
    Tensor t = Tensor.of(new double[] {1, Double.NaN, 5, 2, 7, 0}, 2, 3).to(dtype);
    assertSameValues(new double[] {Double.NaN, 7}, t.max(new int[] {1}, false));
    assertSameValues(new double[] {Double.NaN, 0}, t.min(new int[] {1}, false));
    assertSameValues(new double[] {2, Double.NaN, 5}, t.max(new int[] {0}, false));
    assertSameValues(new double[] {1, Double.NaN, 0}, t.min(new int[] {0}, false));
    assertTrue(Double.isNaN(t.max().item()));
    assertTrue(Double.isNaN(t.sum().item()));
    assertTrue(Double.isNaN(t.mean(new int[] {1}, false).toDoubleArray()[0]));
    assertSameValues(new double[] {1, 1}, t.argmax(new int[] {1}, false)); // NaN counts as maximal
    assertSameValues(new double[] {1, 2}, t.argmin(new int[] {1}, false));
    Tensor twoNaN = Tensor.of(new double[] {0, Double.NaN, 9, Double.NaN}, 4).to(dtype);
    assertEquals(1.0, twoNaN.argmax(0, false).item());
    Tensor inf = Tensor.of(new double[] {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY}, 2).to(dtype);
    assertEquals(Double.POSITIVE_INFINITY, inf.max().item());
    assertEquals(Double.NEGATIVE_INFINITY, inf.min().item());
    assertTrue(Double.isNaN(inf.sum().item()));
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void scalarsAndEmptyTensors(DType dtype) {
    Tensor s = Tensor.scalar(dtype, 2.5);
    assertEquals(2.5, s.sum().item());
    assertEquals(2.5, s.max().item());
    assertEquals(0, s.mean().rank());
    Tensor e = Tensor.zeros(dtype, 0, 3);
    assertSameValues(new double[] {0, 0, 0}, e.sum(0, false));
    assertSameValues(new double[] {Double.NaN, Double.NaN, Double.NaN}, e.mean(0, false));
    assertArrayEquals(new int[] {0}, e.max(new int[] {1}, false).shape());
    assertArrayEquals(new int[] {0, 1}, e.argmax(1, true).shape());
    assertEquals(0.0, e.sum().item());
    assertEquals(
        "max: cannot reduce over an empty dim of shape [0,3]",
        assertThrows(IllegalArgumentException.class, () -> e.max(new int[] {0}, false)).getMessage());
    assertEquals(
        "argmin: cannot reduce over an empty dim of shape [0,3]",
        assertThrows(IllegalArgumentException.class, () -> e.argmin(0, false)).getMessage());
  }

  @Test
  void varianceCorrections() {
    Tensor t = Tensor.of(new double[] {1, 2, 3, 4}, 4);
    assertEquals(1.25, t.var(new int[] {0}, 0, false).item());
    assertEquals(5.0 / 3, t.var(new int[] {0}, 1, false).item(), 1e-15);
    assertEquals(2.5, t.var(new int[] {0}, 2, false).item());
    assertEquals(Double.POSITIVE_INFINITY, t.var(new int[] {0}, 4, false).item());
    assertEquals(Double.POSITIVE_INFINITY, t.var(new int[] {0}, 7, false).item()); // never negative
    assertTrue(Double.isNaN(Tensor.ones(DType.FLOAT64, 1).var(new int[] {0}, 1, false).item()));
    assertEquals(
        "var: correction must be >= 0, got -1",
        assertThrows(IllegalArgumentException.class, () -> t.var(new int[] {0}, -1, false)).getMessage());
  }

  @Test
  void dimErrorsNameTheOpAndShape() {
    Tensor t = Tensor.zeros(DType.FLOAT32, 2, 3);
    assertEquals(
        "sum: dim 1 appears twice in the dims for shape [2,3]",
        assertThrows(IllegalArgumentException.class, () -> t.sum(new int[] {1, -1}, false)).getMessage());
    assertEquals(
        "mean: dim 2 is out of range for shape [2,3] (rank 2)",
        assertThrows(IllegalArgumentException.class, () -> t.mean(2, false)).getMessage());
    assertEquals(
        "argmax: dim -3 is out of range for shape [2,3] (rank 2)",
        assertThrows(IllegalArgumentException.class, () -> t.argmax(-3, true)).getMessage());
    assertEquals(
        "var: dim 0 appears twice in the dims for shape [2,3]",
        assertThrows(IllegalArgumentException.class, () -> t.var(new int[] {0, 0}, 1, false)).getMessage());
  }

  static Stream<Arguments> largeReductions() {
    List<Arguments> out = new ArrayList<>();
    for (DType dtype : DType.values()) {
      for (int[] dims : new int[][] {{1}, {0}, {}, {0, 2}, {2}}) {
        out.add(Arguments.of(dtype, dims));
      }
    }
    return out.stream();
  }

  /**
   * The fast paths of sums and means: kept dims between reduced ones (the per-channel sum of an
   * NCHW gradient, the dim-0 sum of a Linear gradient), summed in place rather than after a
   * transposing copy, and one long block summed in chunks: against the reference, and the same
   * bits on any thread count.
   */
  @ParameterizedTest
  @EnumSource(DType.class)
  void sumsAroundKeptDimsMatchTheReferenceOnAnyThreadCount(DType dtype) {
    int[][] shapes = {{6, 40, 9, 11}, {300, 17}, {5, 3, 4, 2}, {3, 5, 40}, {3, Reductions.SUM_CHUNK + 11}};
    int[][] dimSets = {{0, 2, 3}, {0}, {0, 3}, {0}, {}};
    for (int c = 0; c < shapes.length; c++) {
      int[] shape = shapes[c];
      int[] dims = dimSets[c];
      boolean[] reduced = new boolean[shape.length];
      for (int d : dims) {
        reduced[d] = true;
      }
      if (dims.length == 0) {
        java.util.Arrays.fill(reduced, true);
      }
      Tensor x = TestTensors.uniform(new Rng(c), dtype, shape);
      List<List<Double>> blocks = blocks(x.toDoubleArray(), shape, reduced);
      double[] sums = blocks.stream().mapToDouble(b -> TestTensors.round(dtype, reference(Kind.SUM, b))).toArray();
      double[] means = blocks.stream().mapToDouble(b -> TestTensors.round(dtype, reference(Kind.MEAN, b))).toArray();
      double tolerance = dtype == DType.FLOAT32 ? 1e-6 : 1e-13;
      double[][] first = null;
      for (int threads = 1; threads <= 3; threads++) {
        Parallel.setThreads(threads);
        Tensor sum = x.sum(dims, false);
        Tensor mean = x.mean(dims, true);
        TestTensors.assertClose(sums, sum, tolerance, tolerance);
        TestTensors.assertClose(means, mean, tolerance, tolerance);
        if (first == null) {
          first = new double[][] {sum.toDoubleArray(), mean.toDoubleArray()};
        } else {
          assertSameValues(first[0], sum);
          assertSameValues(first[1], mean);
        }
      }
    }
  }

  /**
   * Per-channel sums of float32 gradients (the bias gradients of Linear and conv2d) keep their
   * fixed order, whichever path and thread count: a Linear-shaped {@code [N, C]} sum adds each
   * column top to bottom in float64; an NCHW sum adds, image by image, the fixed-order sum of each
   * channel's plane ({@link Kernels#sum}). Bit for bit.
   */
  @Test
  void perChannelSumsOfFloatsKeepTheirFixedOrderBitForBit() {
    Rng rng = new Rng(31);
    Tensor linear = TestTensors.uniform(rng, DType.FLOAT32, 300, 37);
    float[] l = linear.toFloatArray();
    double[] columns = new double[37];
    for (int a = 0; a < 300; a++) {
      for (int j = 0; j < 37; j++) {
        columns[j] += l[a * 37 + j];
      }
    }
    Tensor conv = TestTensors.uniform(rng, DType.FLOAT32, 5, 6, 17, 19);
    float[] c = conv.toFloatArray();
    double[] planes = new double[6];
    for (int a = 0; a < 5; a++) {
      for (int j = 0; j < 6; j++) {
        planes[j] += Kernels.get().sum(17 * 19, c, (a * 6 + j) * 17 * 19);
      }
    }
    for (int threads = 1; threads <= 3; threads++) {
      Parallel.setThreads(threads);
      float[] linearSum = linear.sum(new int[] {0}, false).toFloatArray();
      float[] convSum = conv.sum(new int[] {0, 2, 3}, false).toFloatArray();
      for (int j = 0; j < 37; j++) {
        assertEquals(Float.floatToRawIntBits((float) columns[j]), Float.floatToRawIntBits(linearSum[j]), "column " + j);
      }
      for (int j = 0; j < 6; j++) {
        assertEquals(Float.floatToRawIntBits((float) planes[j]), Float.floatToRawIntBits(convSum[j]), "channel " + j);
      }
    }
  }

  @ParameterizedTest(name = "{0} dims={1}")
  @MethodSource("largeReductions")
  void resultBitsDoNotDependOnTheThreadCount(DType dtype, int[] dims) {
    Tensor x = TestTensors.uniform(new Rng(77), dtype, 150, 64, 33);
    Tensor strided = x.permute(2, 0, 1);
    Tensor[][] results = new Tensor[3][];
    for (int threads = 1; threads <= 3; threads++) {
      Parallel.setThreads(threads);
      results[threads - 1] =
          new Tensor[] {
            x.sum(dims, false), x.mean(dims, true), x.var(dims, 1, false), x.max(dims, false), x.argmin(dims, false),
            strided.sum(dims, false)
          };
    }
    for (int i = 0; i < results[0].length; i++) {
      double[] one = results[0][i].toDoubleArray();
      assertSameValues(one, results[1][i]);
      assertSameValues(one, results[2][i]);
    }
  }

  @Test
  void float32AndFloat64Agree() {
    Tensor d = TestTensors.uniform(new Rng(4), DType.FLOAT64, 64, 500).add(1.0);
    Tensor f = d.to(DType.FLOAT32);
    Tensor dd = f.to(DType.FLOAT64); // the same values, reduced in float64
    int[][] dimSets = {{1}, {0}, {}};
    for (int[] dims : dimSets) {
      TestTensors.assertClose(dd.sum(dims, false).toDoubleArray(), f.sum(dims, false), 1e-6, 1e-5);
      TestTensors.assertClose(dd.mean(dims, false).toDoubleArray(), f.mean(dims, false), 1e-6, 1e-7);
      TestTensors.assertClose(dd.var(dims, 1, false).toDoubleArray(), f.var(dims, 1, false), 1e-6, 1e-7);
      assertSameValues(dd.max(dims, false).toDoubleArray(), f.max(dims, false));
      assertSameValues(dd.argmax(dims, false).toDoubleArray(), f.argmax(dims, false));
    }
  }
}
