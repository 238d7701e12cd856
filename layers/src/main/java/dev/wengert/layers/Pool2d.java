package dev.wengert.layers;

import static com.google.common.base.Preconditions.checkArgument;

import dev.wengert.autodiff.Var;
import dev.wengert.autodiff.ops.Ops;
import dev.wengert.core.PoolGeometry;

/**
 * Max or average pooling with a fixed window, or adaptive average pooling to a fixed output size.
 * Max pooling passes each gradient to the input that won its window (some location invariance);
 * average pooling spreads it (keeps more of the signal).
 */
public final class Pool2d extends Module {
  private enum Kind {
    MAX,
    AVG,
    ADAPTIVE_AVG
  }

  private final Kind kind;
  private final PoolGeometry geo;
  private final boolean countIncludePad;
  private final int outH;
  private final int outW;

  private Pool2d(Kind kind, PoolGeometry geo, boolean countIncludePad, int outH, int outW) {
    this.kind = kind;
    this.geo = geo;
    this.countIncludePad = countIncludePad;
    this.outH = outH;
    this.outW = outW;
  }

  /** PyTorch's {@code MaxPool2d}. */
  public static Pool2d max(PoolGeometry geo) {
    return new Pool2d(Kind.MAX, geo, false, 0, 0);
  }

  /** PyTorch's {@code MaxPool2d(k)}: a k×k window with stride k. */
  public static Pool2d max(int kernel) {
    return max(PoolGeometry.of(kernel));
  }

  /** PyTorch's {@code AvgPool2d}. */
  public static Pool2d avg(PoolGeometry geo, boolean countIncludePad) {
    return new Pool2d(Kind.AVG, geo, countIncludePad, 0, 0);
  }

  /** PyTorch's {@code AvgPool2d(k)}. */
  public static Pool2d avg(int kernel) {
    return avg(PoolGeometry.of(kernel), true);
  }

  /** PyTorch's {@code AdaptiveAvgPool2d((outH, outW))}. */
  public static Pool2d adaptiveAvg(int outH, int outW) {
    checkArgument(outH >= 1 && outW >= 1, "AdaptiveAvgPool2d: output size must be >= 1, got %sx%s", outH, outW);
    return new Pool2d(Kind.ADAPTIVE_AVG, null, false, outH, outW);
  }

  boolean isMax() {
    return kind == Kind.MAX;
  }

  /** The window of a max or average pooling. */
  PoolGeometry geometry() {
    return geo;
  }

  @Override
  public Var forward(Var x) {
    return switch (kind) {
      case MAX -> Ops.maxPool2d(x, geo);
      case AVG -> Ops.avgPool2d(x, geo, countIncludePad);
      case ADAPTIVE_AVG -> Ops.adaptiveAvgPool2d(x, outH, outW);
    };
  }

  @Override
  public int[] outputShape(int[] inputShape) {
    int[] out = inputShape.clone();
    int r = out.length;
    if (kind == Kind.ADAPTIVE_AVG) {
      out[r - 2] = outH;
      out[r - 1] = outW;
    } else {
      String op = kind == Kind.MAX ? "max_pool2d" : "avg_pool2d";
      out[r - 2] = geo.outputHeight(op, inputShape[r - 2]);
      out[r - 1] = geo.outputWidth(op, inputShape[r - 1]);
    }
    return out;
  }

  @Override
  public String toString() {
    return switch (kind) {
      case MAX -> "MaxPool2d(" + describe() + ")";
      case AVG -> "AvgPool2d(" + describe() + ")";
      case ADAPTIVE_AVG -> "AdaptiveAvgPool2d(" + outH + "x" + outW + ")";
    };
  }

  private String describe() {
    return "kernel=" + geo.kernelH() + "x" + geo.kernelW() + ", stride=" + geo.strideH() + "x" + geo.strideW()
        + (geo.padH() + geo.padW() > 0 ? ", padding=" + geo.padH() + "x" + geo.padW() : "");
  }
}
