package dev.wengert.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The im2col + GEMM convolution kernels against {@link ConvolutionReference} (the direct loops) on
 * a grid of geometries, in both dtypes, for all three entry points; and the same bits for any
 * thread count.
 */
class ConvolutionTest {

  /** One convolution: input {@code [n, c, h, w]}, {@code m} output channels, a {@code kh × kw} kernel. */
  record Case(int n, int c, int h, int w, int m, int kh, int kw, Conv2dGeometry geo) {
    int outH() {
      return geo.outputHeight("test", h, kh);
    }

    int outW() {
      return geo.outputWidth("test", w, kw);
    }

    @Override
    public String toString() {
      return String.format(
          "x[%d,%d,%d,%d] m=%d k=%dx%d s=%d,%d pad=%d,%d,%d,%d d=%d,%d g=%d",
          n, c, h, w, m, kh, kw, geo.strideH(), geo.strideW(), geo.padTop(), geo.padBottom(), geo.padLeft(),
          geo.padRight(), geo.dilationH(), geo.dilationW(), geo.groups());
    }
  }

  /** Random geometries over the whole space, plus the special paths named explicitly. */
  static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    int[][] kernels = {{1, 1}, {2, 3}, {3, 3}, {5, 5}, {3, 1}};
    int[] batches = {1, 3, 5, 9};
    Rng rng = new Rng(2024);
    while (cases.size() < 48) {
      int[] k = kernels[rng.nextInt(kernels.length)];
      int c = 1 + rng.nextInt(4);
      int[] groupChoices = c % 2 == 0 ? new int[] {1, 2, c} : new int[] {1, c};
      int groups = groupChoices[rng.nextInt(groupChoices.length)];
      Conv2dGeometry geo = new Conv2dGeometry(
          1 + rng.nextInt(3), 1 + rng.nextInt(3),
          rng.nextInt(3), rng.nextInt(3), rng.nextInt(3), rng.nextInt(3),
          1 + rng.nextInt(2), 1 + rng.nextInt(2), groups);
      int h = 1 + rng.nextInt(11);
      int w = 1 + rng.nextInt(11);
      int n = batches[rng.nextInt(batches.length)];
      Case candidate = new Case(n, c, h, w, groups * (1 + rng.nextInt(3)), k[0], k[1], geo);
      if (fits(candidate)) {
        cases.add(candidate);
      }
    }
    // 1x1, stride 1, no padding: the input is the column matrix (no im2col), with and without groups.
    cases.add(new Case(3, 4, 7, 5, 6, 1, 1, Conv2dGeometry.unit()));
    cases.add(new Case(1, 4, 6, 9, 4, 1, 1, Conv2dGeometry.of(1, 1, 0, 0, 2, 2, 2)));
    cases.add(new Case(5, 3, 5, 5, 3, 1, 1, Conv2dGeometry.of(1, 1, 0, 0, 1, 1, 3)));
    // 1x1 but strided or padded: these take the im2col path.
    cases.add(new Case(3, 3, 7, 6, 4, 1, 1, Conv2dGeometry.of(2, 3, 0, 0, 1, 1, 1)));
    cases.add(new Case(3, 3, 4, 4, 2, 1, 1, new Conv2dGeometry(1, 1, 1, 0, 2, 1, 1, 1, 1)));
    // Depthwise, and a kernel larger than the input with enough padding.
    cases.add(new Case(3, 3, 9, 8, 6, 3, 3, Conv2dGeometry.of(1, 1, 1, 1, 1, 1, 3)));
    cases.add(new Case(3, 1, 2, 3, 2, 5, 5, Conv2dGeometry.of(1, 1, 2, 2, 1, 1, 1)));
    // One input channel and many outputs, and few outputs with a larger kernel: the weight gradient
    // is computed transposed for the first, as is for the second.
    cases.add(new Case(2, 1, 6, 7, 32, 3, 3, Conv2dGeometry.of(1, 1, 1, 1, 1, 1, 1)));
    cases.add(new Case(5, 1, 9, 8, 6, 5, 5, Conv2dGeometry.unit()));
    // Staged rows much longer than the output rows: the input gradient adds row by row.
    cases.add(new Case(3, 2, 9, 9, 3, 3, 3, Conv2dGeometry.of(1, 1, 0, 0, 3, 3, 1)));
    // Strided, with 16 input channels per group, 16 kernel taps or more and rows long enough for the
    // input gradient by stride phases: an E-like 5x5 stride 2, dilation 2 (odd phases get no tap),
    // stride 3 with asymmetric padding, groups with an odd left padding (the odd column phase comes
    // first), a stride in the width only, and dilation 3 (taps three output positions apart).
    cases.add(new Case(2, 16, 12, 20, 6, 5, 5, Conv2dGeometry.of(2, 2, 2, 2, 1, 1, 1)));
    cases.add(new Case(3, 16, 11, 23, 4, 5, 5, Conv2dGeometry.of(2, 2, 1, 1, 2, 2, 1)));
    cases.add(new Case(2, 16, 10, 25, 3, 4, 5, new Conv2dGeometry(3, 3, 0, 2, 1, 2, 1, 1, 1)));
    cases.add(new Case(2, 32, 9, 18, 4, 4, 4, Conv2dGeometry.of(2, 2, 1, 1, 1, 1, 2)));
    cases.add(new Case(2, 16, 7, 30, 3, 4, 4, Conv2dGeometry.of(1, 2, 1, 1, 1, 1, 1)));
    cases.add(new Case(2, 16, 13, 41, 3, 4, 4, Conv2dGeometry.of(2, 2, 3, 3, 3, 3, 1)));
    // A plane too large for one column buffer: processed in bands of output rows.
    int depth = 5 * 3 * 3;
    int wide = ConvolutionKernels.COLUMN_CAP / depth / 3 + 7;
    cases.add(new Case(1, 5, 5, wide, 2, 3, 3, Conv2dGeometry.of(1, 1, 1, 1, 1, 1, 1)));
    return cases;
  }

  private static boolean fits(Case c) {
    try {
      return c.outH() >= 1 && c.outW() >= 1;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  static Stream<Arguments> casesAndDtypes() {
    return cases().stream().flatMap(c -> Stream.of(Arguments.of(c, DType.FLOAT64), Arguments.of(c, DType.FLOAT32)));
  }

  /** Operands of a case: x, w, b and an output gradient gy, each at a nonzero offset into its storage. */
  private static Tensor[] operands(Case c, DType dtype, long seed) {
    Rng rng = new Rng(seed);
    return new Tensor[] {
      atOffset(TestTensors.uniform(rng, dtype, c.n + 1, c.c, c.h, c.w)),
      atOffset(TestTensors.uniform(rng, dtype, c.m + 1, c.c / c.geo.groups(), c.kh, c.kw)),
      atOffset(TestTensors.uniform(rng, dtype, c.m + 1)),
      atOffset(TestTensors.uniform(rng, dtype, c.n + 1, c.m, c.outH(), c.outW()))
    };
  }

  /** All but the first slice along dim 0: a contiguous view with a nonzero storage offset. */
  private static Tensor atOffset(Tensor t) {
    return t.narrow(0, 1, t.size(0) - 1);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("casesAndDtypes")
  void matchesTheDirectLoops(Case c, DType dtype) {
    Tensor[] in = operands(c, dtype, c.hashCode());
    Tensor x = in[0];
    Tensor w = in[1];
    Tensor b = in[2];
    Tensor gy = in[3];
    double tolerance = dtype == DType.FLOAT64 ? 1e-12 : 1e-5;

    Tensor y = Convolution.conv2d(x, w, b, c.geo);
    Tensor yRef = Tensor.zeros(dtype, c.n, c.m, c.outH(), c.outW());
    ConvolutionReference.forward(x.contiguous(), w.contiguous(), b.contiguous(), yRef, c.geo);
    assertRelativelyClose("forward", yRef, y, tolerance);

    Tensor yNoBias = Convolution.conv2d(x, w, null, c.geo);
    Tensor yNoBiasRef = Tensor.zeros(dtype, c.n, c.m, c.outH(), c.outW());
    ConvolutionReference.forward(x.contiguous(), w.contiguous(), null, yNoBiasRef, c.geo);
    assertRelativelyClose("forward without bias", yNoBiasRef, yNoBias, tolerance);

    Tensor gx = Convolution.conv2dAdjointInput(gy, w, c.h, c.w, c.geo);
    Tensor gxRef = Tensor.zeros(dtype, c.n, c.c, c.h, c.w);
    ConvolutionReference.adjointInput(gy.contiguous(), w.contiguous(), gxRef, c.geo);
    assertRelativelyClose("adjoint input", gxRef, gx, tolerance);

    Tensor gw = Convolution.conv2dAdjointWeight(x, gy, c.kh, c.kw, c.geo);
    Tensor gwRef = Tensor.zeros(dtype, c.m, c.c / c.geo.groups(), c.kh, c.kw);
    ConvolutionReference.adjointWeight(x.contiguous(), gy.contiguous(), gwRef, c.geo);
    assertRelativelyClose("adjoint weight", gwRef, gw, tolerance);
  }

  /**
   * With infinite and NaN weights, zero padding acts as explicit zeros (as when the input is padded
   * first, which is what the other padding modes do): the forward matches the direct loops on the
   * padded input. The input gradient gives NaN exactly where the direct loops do; in particular it
   * must not spread the weights through the zero-padded rows of its column matrix.
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(DType.class)
  void nonFiniteWeightsGiveTheSameNonFiniteOutputs(DType dtype) {
    // Rows of the second are long enough for the input gradient's whole-row path, where the
    // right-most tap's padded columns wrap onto the first pixel of the next row.
    Case[] cases = {
      new Case(3, 2, 7, 6, 4, 3, 3, new Conv2dGeometry(2, 1, 1, 2, 0, 1, 1, 1, 1)),
      new Case(2, 2, 6, 10, 3, 3, 3, Conv2dGeometry.of(1, 1, 1, 1, 1, 1, 1))
    };
    for (Case c : cases) {
      Conv2dGeometry geo = c.geo;
      Tensor[] in = operands(c, dtype, 99);
      Tensor w = in[1].contiguous();
      w.set(Double.POSITIVE_INFINITY, 1, 0, 1, 2);
      w.set(Double.NaN, 2, 1, 0, 0);
      Tensor y = Convolution.conv2d(in[0], w, in[2], geo);
      Tensor yRef = Tensor.zeros(dtype, c.n, c.m, c.outH(), c.outW());
      Tensor padded =
          Padding.pad(in[0], geo.padTop(), geo.padBottom(), geo.padLeft(), geo.padRight(), PaddingMode.ZERO);
      Conv2dGeometry unpadded = new Conv2dGeometry(geo.strideH(), geo.strideW(), 0, 0, 0, 0, 1, 1, 1);
      ConvolutionReference.forward(padded, w, in[2].contiguous(), yRef, unpadded);
      assertSameNonFinite("forward " + c, yRef, y);
      Tensor gx = Convolution.conv2dAdjointInput(in[3], w, c.h, c.w, geo);
      Tensor gxRef = Tensor.zeros(dtype, c.n, c.c, c.h, c.w);
      ConvolutionReference.adjointInput(in[3].contiguous(), w, gxRef, geo);
      assertSameNonFinite("adjoint input " + c, gxRef, gx);
    }
  }

  /**
   * An infinite pixel that no window reads (the last column, beyond the last stride-2 window) leaves
   * the weight gradient finite, although the whole-row paths multiply it by a zero-padded gradient
   * column; a NaN pixel that windows do read spreads exactly as in the direct loops.
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(DType.class)
  void nonFiniteInputsGiveTheSameWeightGradient(DType dtype) {
    Case c = new Case(3, 3, 7, 12, 2, 3, 3, new Conv2dGeometry(2, 2, 0, 0, 0, 0, 1, 1, 1));
    Tensor[] in = operands(c, dtype, 7);
    Tensor x = in[0].contiguous();
    x.set(Double.POSITIVE_INFINITY, 1, 2, 3, 11);
    Tensor gw = Convolution.conv2dAdjointWeight(x, in[3], c.kh, c.kw, c.geo);
    Tensor gwRef = Tensor.zeros(dtype, c.m, c.c, c.kh, c.kw);
    ConvolutionReference.adjointWeight(x, in[3].contiguous(), gwRef, c.geo);
    assertTrue(Arrays.stream(gwRef.toDoubleArray()).allMatch(Double::isFinite));
    assertSameNonFinite("adjoint weight, unread infinity", gwRef, gw);
    x.set(Double.NaN, 2, 0, 2, 4);
    gw = Convolution.conv2dAdjointWeight(x, in[3], c.kh, c.kw, c.geo);
    gwRef = Tensor.zeros(dtype, c.m, c.c, c.kh, c.kw);
    ConvolutionReference.adjointWeight(x, in[3].contiguous(), gwRef, c.geo);
    assertSameNonFinite("adjoint weight, read NaN", gwRef, gw);
  }

  /** NaN and infinities at the same places; the finite elements close. */
  private static void assertSameNonFinite(String what, Tensor expected, Tensor actual) {
    double[] e = expected.toDoubleArray();
    double[] a = actual.toDoubleArray();
    double scale = Arrays.stream(e).filter(Double::isFinite).map(Math::abs).max().orElse(1);
    for (int i = 0; i < e.length; i++) {
      boolean same = Double.isFinite(e[i])
          ? Double.isFinite(a[i]) && Math.abs(e[i] - a[i]) <= 1e-5 * scale
          : Double.compare(e[i], a[i]) == 0;
      int at = i;
      assertTrue(same, () -> what + ": element " + at + " expected " + e[at] + " but was " + a[at]);
    }
  }

  static Stream<Arguments> threadCases() {
    List<Case> list = new ArrayList<>();
    // Many samples: spread over threads, several weight blocks and rounds.
    list.add(new Case(11, 3, 9, 10, 4, 3, 3, new Conv2dGeometry(2, 1, 1, 2, 0, 1, 1, 2, 1)));
    // One sample big enough that the GEMM itself splits over the threads.
    list.add(new Case(1, 16, 24, 24, 32, 3, 3, Conv2dGeometry.of(1, 1, 1, 1, 1, 1, 1)));
    // Three samples on two threads: two spread, one on the calling thread.
    list.add(new Case(3, 8, 12, 12, 16, 5, 5, Conv2dGeometry.of(1, 1, 2, 2, 1, 1, 2)));
    // The 1x1 path.
    list.add(new Case(7, 32, 8, 8, 48, 1, 1, Conv2dGeometry.unit()));
    // Outputs large enough to be allocated while the other threads start (and hold samples):
    // the forward's, then the input gradient's (with a stride, so unstaging de-interleaves).
    list.add(new Case(8, 4, 64, 64, 32, 3, 3, Conv2dGeometry.of(1, 1, 1, 1, 1, 1, 1)));
    list.add(new Case(8, 32, 64, 64, 4, 3, 3, Conv2dGeometry.of(2, 2, 1, 1, 1, 1, 1)));
    // The same size by stride phases (5x5 taps): held samples must get every pixel too.
    list.add(new Case(8, 32, 64, 64, 4, 5, 5, Conv2dGeometry.of(2, 2, 2, 2, 1, 1, 1)));
    return list.stream().flatMap(c -> Stream.of(Arguments.of(c, DType.FLOAT64), Arguments.of(c, DType.FLOAT32)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("threadCases")
  void sameBitsForAnyThreadCount(Case c, DType dtype) {
    Tensor[] in = operands(c, dtype, 7);
    int before = Parallel.threads();
    try {
      double[][] expected = null;
      for (int threads : new int[] {1, 2, 3}) {
        Parallel.setThreads(threads);
        double[][] got = {
          Convolution.conv2d(in[0], in[1], in[2], c.geo).toDoubleArray(),
          Convolution.conv2dAdjointInput(in[3], in[1], c.h, c.w, c.geo).toDoubleArray(),
          Convolution.conv2dAdjointWeight(in[0], in[3], c.kh, c.kw, c.geo).toDoubleArray()
        };
        if (expected == null) {
          expected = got;
        } else {
          for (int e = 0; e < got.length; e++) {
            assertArrayEquals(expected[e], got[e], 0.0, "entry point " + e + " with " + threads + " threads");
          }
        }
      }
    } finally {
      Parallel.setThreads(before);
    }
  }

  /** {@code max |expected − actual| <= tolerance · max |expected|} (a norm-wise relative error). */
  private static void assertRelativelyClose(String what, Tensor expected, Tensor actual, double tolerance) {
    assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
    double[] e = expected.toDoubleArray();
    double[] a = actual.toDoubleArray();
    double scale = Arrays.stream(e).map(Math::abs).max().orElse(0);
    double worst = 0;
    int at = -1;
    for (int i = 0; i < e.length; i++) {
      double d = Math.abs(e[i] - a[i]);
      if (!(d <= worst)) {
        worst = d;
        at = i;
      }
    }
    double bound = tolerance * Math.max(scale, Double.MIN_NORMAL);
    int where = at;
    double err = worst;
    assertTrue(
        worst <= bound,
        () -> what + ": element " + where + " expected " + e[where] + " but was " + a[where] + " (error " + err
            + " > " + bound + ")");
  }
}
