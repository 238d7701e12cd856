package dev.wengert.autodiff.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wengert.autodiff.GradCheck;
import dev.wengert.autodiff.Var;
import dev.wengert.core.ConvGeometry;
import dev.wengert.core.DType;
import dev.wengert.core.PaddingMode;
import dev.wengert.core.PoolGeometry;
import dev.wengert.core.Rng;
import dev.wengert.core.Tensor;
import java.util.Arrays;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.function.Executable;

/**
 * Random conv2d, max_pool2d and avg_pool2d configurations (sizes, kernel, stride, padding,
 * dilation, groups, padding mode). Valid ones are built valid by construction, kept tiny, and must
 * give the output size {@code floor((N − k' + 2p)/s) + 1}, {@code k' = d(k−1) + 1}, and pass a
 * float64 gradient check; invalid ones must throw an IllegalArgumentException (that exact type)
 * whose message names the problem, with the formula for a kernel that does not fit.
 */
class GeometryPropertiesTest {

  private static Var random(long seed, int... shape) {
    return Var.parameter(Tensor.randn(new Rng(seed), DType.FLOAT64, shape));
  }

  /** The seed's formula with {@code before + after} padding. */
  private static int expectedSize(int n, int k, int before, int after, int s, int d) {
    return Math.floorDiv(n + before + after - (d * (k - 1) + 1), s) + 1;
  }

  /** The smallest input size that a pad of {@code pad} allows in {@code mode} (PyTorch's rules). */
  private static int smallestForPadding(PaddingMode mode, int pad) {
    return switch (mode) {
      case REFLECT -> pad + 1;
      case CIRCULAR -> Math.max(pad, 1);
      default -> 1;
    };
  }

  @Property(tries = 50)
  void conv2dShapeFollowsTheFormulaAndGradientsCheck(
      @ForAll @IntRange(min = 1, max = 2) int batch,
      @ForAll @IntRange(min = 1, max = 2) int groups,
      @ForAll @IntRange(min = 1, max = 2) int inPerGroup,
      @ForAll @IntRange(min = 1, max = 2) int outPerGroup,
      @ForAll @IntRange(min = 1, max = 3) int kh,
      @ForAll @IntRange(min = 1, max = 3) int kw,
      @ForAll @IntRange(min = 1, max = 3) int sh,
      @ForAll @IntRange(min = 1, max = 3) int sw,
      @ForAll @IntRange(min = 0, max = 2) int ph,
      @ForAll @IntRange(min = 0, max = 2) int pw,
      @ForAll @IntRange(min = 1, max = 2) int dh,
      @ForAll @IntRange(min = 1, max = 2) int dw,
      @ForAll @IntRange(min = 0, max = 2) int slackH,
      @ForAll @IntRange(min = 0, max = 2) int slackW,
      @ForAll PaddingMode mode,
      @ForAll boolean same,
      @ForAll boolean bias) {
    int[] padH = same ? ConvGeometry.samePadding(kh, dh) : new int[] {ph, ph};
    int[] padW = same ? ConvGeometry.samePadding(kw, dw) : new int[] {pw, pw};
    int h = Math.max(Math.max(1, dh * (kh - 1) + 1 - padH[0] - padH[1]), smallestForPadding(mode, Math.max(padH[0], padH[1]))) + slackH;
    int w = Math.max(Math.max(1, dw * (kw - 1) + 1 - padW[0] - padW[1]), smallestForPadding(mode, Math.max(padW[0], padW[1]))) + slackW;
    Conv2dOptions options = Conv2dOptions.defaults().dilation(dh, dw).groups(groups).paddingMode(mode);
    options = same ? options.paddingSame() : options.padding(ph, pw).stride(sh, sw);
    int strideH = same ? 1 : sh;
    int strideW = same ? 1 : sw;
    int cin = groups * inPerGroup;
    int cout = groups * outPerGroup;
    long seed = Arrays.hashCode(new int[] {batch, cin, cout, h, w, kh, kw, sh, sw, ph, pw, dh, dw});
    Var x = random(seed, batch, cin, h, w);
    Var weight = random(seed + 1, cout, inPerGroup, kh, kw);
    Var b = bias ? random(seed + 2, cout) : null;
    Conv2dOptions opts = options;
    String name = "conv2d x" + Arrays.toString(x.shape()) + " w" + Arrays.toString(weight.shape()) + " " + opts;

    int[] expected = {
      batch, cout, expectedSize(h, kh, padH[0], padH[1], strideH, dh), expectedSize(w, kw, padW[0], padW[1], strideW, dw)
    };
    assertArrayEquals(expected, Ops.conv2d(x, weight, b, opts).shape(), name);
    if (same) {
      assertArrayEquals(new int[] {h, w}, new int[] {expected[2], expected[3]}, "'same' keeps the size: " + name);
    }
    if (bias) {
      GradCheck.check(name, in -> Ops.conv2d(in.get(0), in.get(1), in.get(2), opts), x, weight, b);
    } else {
      GradCheck.check(name, in -> Ops.conv2d(in.get(0), in.get(1), null, opts), x, weight);
    }
  }

  @Property(tries = 50)
  void poolingShapeFollowsTheFormulaAndGradientsCheck(
      @ForAll @IntRange(min = 1, max = 2) int planes,
      @ForAll @IntRange(min = 1, max = 3) int kh,
      @ForAll @IntRange(min = 1, max = 3) int kw,
      @ForAll @IntRange(min = 1, max = 3) int sh,
      @ForAll @IntRange(min = 1, max = 3) int sw,
      @ForAll @IntRange(min = 0, max = 1) int ph,
      @ForAll @IntRange(min = 0, max = 1) int pw,
      @ForAll @IntRange(min = 1, max = 2) int dh,
      @ForAll @IntRange(min = 1, max = 2) int dw,
      @ForAll @IntRange(min = 0, max = 3) int slackH,
      @ForAll @IntRange(min = 0, max = 3) int slackW,
      @ForAll boolean ceilMode,
      @ForAll boolean average,
      @ForAll boolean countIncludePad) {
    int dilationH = average ? 1 : dh;
    int dilationW = average ? 1 : dw;
    int effectiveH = dilationH * (kh - 1) + 1;
    int effectiveW = dilationW * (kw - 1) + 1;
    // PyTorch's rule: padding at most half the (dilated) kernel.
    int padH = 2 * ph <= effectiveH ? ph : 0;
    int padW = 2 * pw <= effectiveW ? pw : 0;
    int h = Math.max(1, effectiveH - 2 * padH) + slackH;
    int w = Math.max(1, effectiveW - 2 * padW) + slackW;
    PoolGeometry geo = new PoolGeometry(kh, kw, sh, sw, padH, padW, dilationH, dilationW, ceilMode);
    Var x = random(Arrays.hashCode(new int[] {planes, h, w, kh, kw, sh, sw}), 1, planes, h, w);
    String name = (average ? "avg_pool2d" : "max_pool2d") + " x" + Arrays.toString(x.shape()) + " " + geo;

    int[] expected = {1, planes, poolSize(h, kh, padH, sh, dilationH, ceilMode), poolSize(w, kw, padW, sw, dilationW, ceilMode)};
    if (!samplesTheInput(h, expected[2], kh, sh, padH, dilationH) || !samplesTheInput(w, expected[3], kw, sw, padW, dilationW)) {
      String message = refused(() -> Ops.maxPool2d(x, geo));
      assertTrue(message.startsWith("max_pool2d: output ") && message.contains("samples only padding"), message);
      return;
    }
    if (average) {
      assertArrayEquals(expected, Ops.avgPool2d(x, geo, countIncludePad).shape(), name);
      GradCheck.check(name, in -> Ops.avgPool2d(in.get(0), geo, countIncludePad), x);
    } else {
      assertArrayEquals(expected, Ops.maxPool2d(x, geo).shape(), name);
      GradCheck.check(name, in -> Ops.maxPool2d(in.get(0), geo), x);
    }
  }

  /** The formula, or in ceil mode its ceil form without a last window that starts past the input and the left padding. */
  private static int poolSize(int n, int k, int p, int s, int d, boolean ceilMode) {
    if (!ceilMode) {
      return expectedSize(n, k, p, p, s, d);
    }
    int span = n + 2 * p - (d * (k - 1) + 1);
    int out = -Math.floorDiv(-span, s) + 1;
    return (out - 1) * s >= n + p ? out - 1 : out;
  }

  @Example
  void dilatedWindowThatSamplesOnlyPaddingIsRefused() {
    // Kernel 2 with dilation 2 and padding 1 on a single row samples rows -1 and 1: no input at all.
    // It used to give a made-up 0 forward and an index of -1 backward.
    PoolGeometry geo = new PoolGeometry(2, 1, 1, 1, 1, 0, 2, 1, false);
    assertEquals(
        "max_pool2d: output row 0 samples only padding (input height 1, kernel 2, dilation 2, padding 1)",
        refused(() -> Ops.maxPool2d(random(1, 1, 2, 1, 1), geo)));
  }

  /** Whether every one of the {@code out} windows has a (dilated) position inside the input, so it has a maximum. */
  private static boolean samplesTheInput(int n, int out, int k, int s, int p, int d) {
    for (int i = 0; i < out; i++) {
      boolean inside = false;
      for (int t = 0; t < k; t++) {
        int at = i * s - p + t * d;
        inside |= at >= 0 && at < n;
      }
      if (!inside) {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- invalid configurations

  private static String refused(Executable call) {
    IllegalArgumentException e = assertThrowsExactly(IllegalArgumentException.class, call);
    return e.getMessage();
  }

  private static Var zeros(int... shape) {
    return Var.constant(Tensor.zeros(DType.FLOAT64, shape));
  }

  @Property(tries = 100)
  void kernelLargerThanThePaddedInputShowsTheFormula(
      @ForAll @IntRange(min = 2, max = 6) int k,
      @ForAll @IntRange(min = 1, max = 3) int d,
      @ForAll @IntRange(min = 0, max = 2) int p,
      @ForAll @IntRange(min = 1, max = 3) int s,
      @ForAll @IntRange(min = 1, max = 8) int h,
      @ForAll boolean pool) {
    int effective = d * (k - 1) + 1;
    Assume.that(h + 2 * p < effective && (!pool || 2 * p <= effective));
    int out = expectedSize(h, k, p, p, s, d);
    String formula = "output height = floor((" + h + " - " + (d == 1 ? k : "(" + d + "*(" + k + "-1)+1)") + " + 2*" + p + ")/" + s + ") + 1 = " + out + " <= 0";
    if (pool) {
      PoolGeometry geo = new PoolGeometry(k, 1, s, 1, p, 0, d, 1, false);
      String message = refused(() -> Ops.maxPool2d(zeros(1, 1, h, 4), geo));
      assertTrue(message.startsWith("max_pool2d: " + formula), message);
    } else {
      Conv2dOptions options = Conv2dOptions.defaults().stride(s).padding(p, 0).dilation(d, 1);
      String message = refused(() -> Ops.conv2d(zeros(1, 1, h, 4), zeros(1, 1, k, 1), null, options));
      assertTrue(message.startsWith("conv2d: " + formula), message);
    }
  }

  @Property(tries = 100)
  void groupsThatDoNotDivideTheChannelsAreNamed(
      @ForAll @IntRange(min = 2, max = 4) int groups,
      @ForAll @IntRange(min = 1, max = 3) int quotient,
      @ForAll @IntRange(min = 1, max = 3) int remainder,
      @ForAll boolean inputSide) {
    Assume.that(remainder < groups);
    int ragged = groups * quotient + remainder;
    int cin = inputSide ? ragged : groups;
    int cout = inputSide ? groups : ragged;
    Conv2dOptions options = Conv2dOptions.defaults().groups(groups);
    String message = refused(() -> Ops.conv2d(zeros(1, cin, 3, 3), zeros(cout, 1, 1, 1), null, options));
    assertTrue(message.startsWith("conv2d: groups=" + groups + " must divide the input channels (" + cin + ") and the output channels (" + cout + ")"), message);
  }

  @Property(tries = 100)
  void paddingBeyondWhatTheModeAllowsIsNamed(
      @ForAll @IntRange(min = 1, max = 4) int h,
      @ForAll @IntRange(min = 0, max = 3) int excess,
      @ForAll boolean reflect,
      @ForAll boolean throughConv) {
    // Reflect needs pad < size, circular pad <= size.
    int pad = reflect ? h + excess : h + 1 + excess;
    PaddingMode mode = reflect ? PaddingMode.REFLECT : PaddingMode.CIRCULAR;
    String message = throughConv
        ? refused(() -> Ops.conv2d(zeros(1, 1, h, 8), zeros(1, 1, 1, 1), null, Conv2dOptions.defaults().padding(pad, 0).paddingMode(mode)))
        : refused(() -> Ops.pad(zeros(1, 1, h, 8), pad, 0, 0, 0, mode));
    String rule = reflect ? " must be < input height " : " must be <= input height ";
    assertTrue(message.startsWith("pad: " + mode + " padding " + pad + rule + h), message);
  }

  @Property(tries = 100)
  void negativePaddingIsRefusedEverywhere(
      @ForAll @IntRange(min = -5, max = -1) int pad, @ForAll @IntRange(min = 0, max = 2) int where) {
    String message = switch (where) {
      case 0 -> refused(() -> Conv2dOptions.defaults().padding(pad));
      case 1 -> refused(() -> Ops.pad(zeros(1, 1, 4, 4), 0, 0, pad, 0, PaddingMode.ZERO));
      default -> refused(() -> new PoolGeometry(2, 2, 2, 2, 0, pad, 1, 1, false));
    };
    String expected = switch (where) {
      case 0 -> "conv2d: padding must be >= 0, got (" + pad + ", " + pad + ")";
      case 1 -> "pad: left padding must be >= 0, got " + pad;
      default -> "pool2d: padding must be >= 0, got (0, " + pad + ")";
    };
    assertTrue(message.startsWith(expected), message);
  }

  @Property(tries = 50)
  void poolPaddingOverHalfTheKernelIsRefused(
      @ForAll @IntRange(min = 1, max = 4) int k, @ForAll @IntRange(min = 1, max = 2) int d, @ForAll @IntRange(min = 1, max = 4) int p) {
    int effective = d * (k - 1) + 1;
    Assume.that(2 * p > effective);
    String message = refused(() -> new PoolGeometry(k, k, 1, 1, p, 0, d, d, false));
    assertTrue(message.startsWith("pool2d: padding (" + p + ", 0) must be at most half of the kernel (" + effective), message);
  }
}
