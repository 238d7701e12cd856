package dev.wengert.autodiff.ops;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wengert.autodiff.Var;
import dev.wengert.core.DType;
import dev.wengert.core.PaddingMode;
import dev.wengert.core.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad input gets a clear error that names the op, the shapes and the offending value. */
class ConvBadInputTest {

  private static Var zeros(int... shape) {
    return Var.constant(Tensor.zeros(DType.FLOAT32, shape));
  }

  private static void assertMessage(String expected, Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(expected), "message was: " + e.getMessage());
  }

  @Test
  void channelMismatch() {
    assertMessage(
        "conv2d: input has 3 channels but weight [8,1,3,3] expects 1 (groups=1)",
        () -> Ops.conv2d(zeros(2, 3, 8, 8), zeros(8, 1, 3, 3), null, Conv2dOptions.defaults()));
  }

  @Test
  void groupsMustDivideChannels() {
    assertMessage(
        "conv2d: groups=2 must divide the input channels (3)",
        () -> Ops.conv2d(zeros(1, 3, 8, 8), zeros(4, 1, 3, 3), null, Conv2dOptions.defaults().groups(2)));
  }

  @Test
  void kernelLargerThanThePaddedInputShowsTheFormula() {
    assertMessage(
        "conv2d: output height = floor((3 - 5 + 2*0)/1) + 1 = -1 <= 0",
        () -> Ops.conv2d(zeros(1, 1, 3, 3), zeros(1, 1, 5, 5), null, Conv2dOptions.defaults()));
  }

  @Test
  void reflectPaddingMustBeSmallerThanTheInput() {
    assertMessage(
        "pad: reflect padding 3 must be < input height 3 (shape [1,1,3,3])",
        () -> Ops.conv2d(zeros(1, 1, 3, 3), zeros(1, 1, 3, 3), null, Conv2dOptions.defaults().padding(3).paddingMode(PaddingMode.REFLECT)));
  }

  @Test
  void negativePaddingIsRefused() {
    assertMessage("conv2d: padding must be >= 0, got (-1, 0)", () -> Conv2dOptions.defaults().padding(-1, 0));
  }

  @Test
  void classIndexOutOfRangeNamesThePositionAndValue() {
    Tensor target = Tensor.of(new double[] {0, 1, 7}, 3);
    assertMessage(
        "cross_entropy: target 7 at position [2] is not a class index in [0, 5)",
        () -> Losses.crossEntropy(zeros(3, 5), target));
  }

  @Test
  void logitsAndTargetBatchMismatch() {
    Tensor target = Tensor.of(new double[] {0, 1, 2, 3}, 4);
    assertMessage(
        "cross_entropy: target of shape [4] does not match scores of shape [3,5] (expected [3])",
        () -> Losses.crossEntropy(zeros(3, 5), target));
  }

  @Test
  void sameRequiresStrideOne() {
    assertMessage(
        "padding=\"same\" needs stride 1",
        () -> Ops.conv2d(zeros(1, 1, 8, 8), zeros(1, 1, 3, 3), null, Conv2dOptions.defaults().paddingSame().stride(2)));
  }
}
