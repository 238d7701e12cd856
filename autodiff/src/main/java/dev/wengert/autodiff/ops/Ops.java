package dev.wengert.autodiff.ops;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.wengert.autodiff.Var;
import dev.wengert.core.Shapes;
import dev.wengert.core.Tensor;
import java.util.Arrays;

/**
 * The differentiable operations, as functions of {@link Var}s (the fluent methods on {@code Var}
 * call these). Each one applies its op class, which holds the forward and the Jacobian rule side
 * by side; see {@link OpRegistry} for the list.
 */
public final class Ops {

  private Ops() {}

  public static Var add(Var a, Var b) {
    return Add.INSTANCE.apply(a, b);
  }

  public static Var sub(Var a, Var b) {
    return Sub.INSTANCE.apply(a, b);
  }

  public static Var mul(Var a, Var b) {
    return Mul.INSTANCE.apply(a, b);
  }

  public static Var div(Var a, Var b) {
    return Div.INSTANCE.apply(a, b);
  }

  public static Var neg(Var x) {
    return Neg.INSTANCE.apply(x);
  }

  public static Var addScalar(Var x, double c) {
    return new AddScalar(c).apply(x);
  }

  public static Var mulScalar(Var x, double c) {
    return new MulScalar(c).apply(x);
  }

  public static Var pow(Var x, double exponent) {
    return new PowScalar(exponent).apply(x);
  }

  public static Var pow(Var base, Var exponent) {
    return Pow.INSTANCE.apply(base, exponent);
  }

  public static Var exp(Var x) {
    return Exp.INSTANCE.apply(x);
  }

  public static Var log(Var x) {
    return Log.INSTANCE.apply(x);
  }

  public static Var sqrt(Var x) {
    return Sqrt.INSTANCE.apply(x);
  }

  public static Var abs(Var x) {
    return Abs.INSTANCE.apply(x);
  }

  public static Var relu(Var x) {
    return Relu.INSTANCE.apply(x);
  }

  public static Var sigmoid(Var x) {
    return Sigmoid.INSTANCE.apply(x);
  }

  public static Var sin(Var x) {
    return Sin.INSTANCE.apply(x);
  }

  public static Var cos(Var x) {
    return Cos.INSTANCE.apply(x);
  }

  public static Var tanh(Var x) {
    return Tanh.INSTANCE.apply(x);
  }

  /** Sum over {@code dims} (all when empty). */
  public static Var sum(Var x, int[] dims, boolean keepDim) {
    return new Sum(dims, keepDim).apply(x);
  }

  /** Mean over {@code dims} (all when empty). */
  public static Var mean(Var x, int[] dims, boolean keepDim) {
    return new Mean(dims, keepDim).apply(x);
  }

  /** Sums {@code x} down to {@code shape} (undoing a broadcast); {@code x} itself when it has that shape. */
  public static Var sumTo(Var x, int[] shape) {
    return Arrays.equals(x.shape(), shape) ? x : new SumTo(shape).apply(x);
  }

  /** Broadcasts {@code x} to {@code shape}; {@code x} itself when it has that shape. */
  public static Var expand(Var x, int[] shape) {
    return Arrays.equals(x.shape(), shape) ? x : new Expand(shape).apply(x);
  }

  public static Var reshape(Var x, int... shape) {
    return Arrays.equals(x.shape(), shape) ? x : new Reshape(shape).apply(x);
  }

  public static Var permute(Var x, int... order) {
    return new Permute(order).apply(x);
  }

  /** Swaps dims {@code d0} and {@code d1}. */
  public static Var transpose(Var x, int d0, int d1) {
    int[] shape = x.shape();
    int a = Shapes.normalizeDim("transpose", d0, shape);
    int b = Shapes.normalizeDim("transpose", d1, shape);
    int[] order = new int[shape.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    order[a] = b;
    order[b] = a;
    return permute(x, order);
  }

  /**
   * Matrix product with NumPy's rules: batch dims broadcast, and a 1-D operand is promoted to a
   * row (left) or column (right) vector and that dim removed from the result.
   */
  public static Var matmul(Var a, Var b) {
    if (a.rank() >= 2 && b.rank() >= 2) {
      return MatMul.INSTANCE.apply(a, b);
    }
    if (a.rank() == 0 || b.rank() == 0) {
      throw new IllegalArgumentException(
          "matmul: both operands need at least 1 dim, got shapes " + Shapes.format(a.shape()) + " and "
              + Shapes.format(b.shape()));
    }
    Var left = a.rank() == 1 ? reshape(a, 1, a.size(0)) : a;
    Var right = b.rank() == 1 ? reshape(b, b.size(0), 1) : b;
    Var product = MatMul.INSTANCE.apply(left, right);
    int[] shape = product.shape();
    int rank = shape.length;
    int[] out = Arrays.copyOf(shape, rank - (a.rank() == 1 ? 1 : 0) - (b.rank() == 1 ? 1 : 0));
    if (a.rank() == 1 && b.rank() != 1) {
      out[out.length - 1] = shape[rank - 1];
    }
    return reshape(product, out);
  }

  /**
   * {@code y = x · wᵀ + b} (PyTorch's {@code F.linear}) for {@code x: [..., in]}, {@code w: [out,
   * in]} and {@code bias: [out]} or null.
   */
  public static Var linear(Var x, Var w, Var bias) {
    checkArgument(w.rank() == 2, "linear: weight must be [out, in], got %s", Shapes.lazy(w.shape()));
    checkArgument(
        x.rank() >= 1 && x.size(-1) == w.size(1),
        "linear: input %s does not end in the %s features of weight %s",
        Shapes.lazy(x.shape()), w.size(1), Shapes.lazy(w.shape()));
    checkArgument(
        bias == null || (bias.rank() == 1 && bias.size(0) == w.size(0)),
        "linear: bias %s does not match the %s outputs of weight %s",
        bias == null ? "" : Shapes.lazy(bias.shape()), w.size(0), Shapes.lazy(w.shape()));
    return bias == null ? Linear.INSTANCE.apply(x, w) : Linear.INSTANCE.apply(x, w, bias);
  }

  /** {@code condition != 0 ? a : b} elementwise, with all three broadcast together. */
  public static Var where(Tensor condition, Var a, Var b) {
    return new Where(condition).apply(a, b);
  }

  public static Var leakyRelu(Var x, double negativeSlope) {
    return new LeakyRelu(negativeSlope).apply(x);
  }

  public static Var elu(Var x, double alpha) {
    return new Elu(alpha).apply(x);
  }

  public static Var erf(Var x) {
    return Erf.INSTANCE.apply(x);
  }

  /** GELU with the exact normal CDF (PyTorch's default {@code approximate='none'}). */
  public static Var gelu(Var x) {
    return Gelu.INSTANCE.apply(x);
  }

  /** {@code log(1 + exp(βx))/β}, linear above {@code threshold} (PyTorch's defaults: β = 1, threshold = 20). */
  public static Var softplus(Var x, double beta, double threshold) {
    return new Softplus(beta, threshold).apply(x);
  }

  public static Var softmax(Var x, int dim) {
    return new Softmax(dim).apply(x);
  }

  public static Var logSoftmax(Var x, int dim) {
    return new LogSoftmax(dim).apply(x);
  }

  public static Var clamp(Var x, double min, double max) {
    return new Clamp(min, max).apply(x);
  }

  /** Maximum over {@code dims} (all when empty); the gradient goes to the first maximal element. */
  public static Var max(Var x, int[] dims, boolean keepDim) {
    return new MaxReduce(dims, keepDim, true).apply(x);
  }

  /** Minimum over {@code dims} (all when empty); the gradient goes to the first minimal element. */
  public static Var min(Var x, int[] dims, boolean keepDim) {
    return new MaxReduce(dims, keepDim, false).apply(x);
  }

  /** Elements {@code start, start+step, …} below {@code end} along {@code dim}. */
  public static Var slice(Var x, int dim, int start, int end, int step) {
    return new Slice(dim, start, end, step).apply(x);
  }

  /** {@code length} elements along {@code dim} from {@code start}. */
  public static Var narrow(Var x, int dim, int start, int length) {
    return slice(x, dim, start, start + length, 1);
  }

  /** Index {@code index} along {@code dim}, with that dim removed. */
  public static Var select(Var x, int dim, int index) {
    int[] shape = x.shape();
    int d = Shapes.normalizeDim("select", dim, shape);
    int i = index < 0 ? index + shape[d] : index;
    int[] out = new int[shape.length - 1];
    for (int k = 0, j = 0; k < shape.length; k++) {
      if (k != d) {
        out[j++] = shape[k];
      }
    }
    return reshape(slice(x, d, i, i + 1, 1), out);
  }

  /** Joins the inputs along an existing dim. */
  public static Var concat(int dim, Var... xs) {
    if (xs.length == 0) {
      throw new IllegalArgumentException("concat: no inputs");
    }
    return new Concat(dim).apply(xs);
  }

  /** Joins the inputs along a new dim {@code dim}. */
  public static Var stack(int dim, Var... xs) {
    if (xs.length == 0) {
      throw new IllegalArgumentException("stack: no inputs");
    }
    Var[] expanded = new Var[xs.length];
    for (int i = 0; i < xs.length; i++) {
      int[] shape = xs[i].shape();
      int d = dim < 0 ? dim + shape.length + 1 : dim;
      if (d < 0 || d > shape.length) {
        throw new IllegalArgumentException("stack: dim " + dim + " is out of range for shape " + Shapes.format(shape));
      }
      int[] withOne = new int[shape.length + 1];
      for (int k = 0, j = 0; k < withOne.length; k++) {
        withOne[k] = k == d ? 1 : shape[j++];
      }
      expanded[i] = reshape(xs[i], withOne);
    }
    return concat(dim < 0 ? dim + xs[0].rank() + 1 : dim, expanded);
  }

  /** {@code x · mask} for a constant mask, e.g. dropout's scaled keep-mask. */
  public static Var maskMul(Var x, Tensor mask) {
    return new MaskMul(mask).apply(x);
  }

  /**
   * Inverted dropout: in training, zeroes each element with probability {@code p} and scales the
   * rest by {@code 1/(1-p)}, so evaluation needs no rescaling; the identity when not training.
   */
  public static Var dropout(Var x, double p, boolean training, dev.wengert.core.Rng rng) {
    if (!(p >= 0 && p < 1)) {
      throw new IllegalArgumentException("dropout: p must be in [0, 1), got " + p);
    }
    if (!training || p == 0) {
      return x;
    }
    double scale = 1 / (1 - p);
    Tensor mask = Tensor.rand(rng, x.dtype(), x.shape()).map(u -> u >= p ? scale : 0);
    return maskMul(x, mask);
  }

  /**
   * 2-D convolution of {@code x: [N, C, H, W]} with {@code w: [M, C/groups, kh, kw]} plus an
   * optional bias {@code [M]} (null for none). A padding mode other than zeros pads {@code x}
   * explicitly first, so the border copies pixels (replicate, reflect, circular).
   */
  public static Var conv2d(Var x, Var w, Var bias, Conv2dOptions options) {
    if (w.rank() != 4) {
      throw new IllegalArgumentException(
          "conv2d: weight must be [M, C/groups, kh, kw], got " + Shapes.format(w.shape()));
    }
    int[] pads = options.paddingFor(w.size(2), w.size(3));
    boolean zeros = options.paddingMode() == dev.wengert.core.PaddingMode.ZERO;
    Var input = zeros ? x : pad(x, pads[0], pads[1], pads[2], pads[3], options.paddingMode());
    Conv2d op = new Conv2d(options.geometry(pads, zeros));
    return bias == null ? op.apply(input, w) : op.apply(input, w, bias);
  }

  /**
   * Transposed convolution of {@code x: [N, Cin, H, W]} with {@code w: [Cin, Cout/groups, kh, kw]}
   * (the adjoint of conv2d in its input), output size {@code (H−1)·s − 2p + d(k−1) + outputPadding
   * + 1}, plus an optional bias {@code [Cout]}.
   */
  public static Var convTranspose2d(Var x, Var w, Var bias, Conv2dOptions options, int outputPaddingH, int outputPaddingW) {
    if (x.rank() != 4 || w.rank() != 4) {
      throw new IllegalArgumentException(
          "conv_transpose2d: expects input [N, Cin, H, W] and weight [Cin, Cout/groups, kh, kw], got "
              + Shapes.format(x.shape()) + " and " + Shapes.format(w.shape()));
    }
    if (options.paddingMode() != dev.wengert.core.PaddingMode.ZERO) {
      throw new IllegalArgumentException("conv_transpose2d: only zero padding is supported, got " + options.paddingMode());
    }
    if (outputPaddingH < 0 || outputPaddingW < 0
        || (outputPaddingH >= options.strideH() && outputPaddingH >= options.dilationH())
        || (outputPaddingW >= options.strideW() && outputPaddingW >= options.dilationW())) {
      throw new IllegalArgumentException(
          "conv_transpose2d: output padding (" + outputPaddingH + ", " + outputPaddingW
              + ") must be smaller than either the stride or the dilation");
    }
    int height = (x.size(2) - 1) * options.strideH() - 2 * options.padH() + options.dilationH() * (w.size(2) - 1) + outputPaddingH + 1;
    int width = (x.size(3) - 1) * options.strideW() - 2 * options.padW() + options.dilationW() * (w.size(3) - 1) + outputPaddingW + 1;
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException(
          "conv_transpose2d: output size " + height + "x" + width + " is not positive for input " + Shapes.format(x.shape())
              + " and weight " + Shapes.format(w.shape()));
    }
    Var out = new ConvTranspose2d(options.symmetricGeometry(), height, width).apply(x, w);
    return bias == null ? out : add(out, reshape(bias, 1, bias.size(0), 1, 1));
  }

  /** Pads the last two dims: {@code top}/{@code bottom} rows and {@code left}/{@code right} columns. */
  public static Var pad(Var x, int top, int bottom, int left, int right, dev.wengert.core.PaddingMode mode) {
    return new Pad(top, bottom, left, right, mode).apply(x);
  }

  /** Max pooling over windows of {@code geo} on the last two dims; the gradient goes to each window's first maximum. */
  public static Var maxPool2d(Var x, dev.wengert.core.PoolGeometry geo) {
    return new MaxPool2d(geo).apply(x);
  }

  /** Max pooling to an {@code outH × outW} output with adaptive windows. */
  public static Var adaptiveMaxPool2d(Var x, int outH, int outW) {
    return new MaxPool2d(outH, outW).apply(x);
  }

  /** Average pooling over windows of {@code geo}; {@code countIncludePad} counts padded positions in the divisor. */
  public static Var avgPool2d(Var x, dev.wengert.core.PoolGeometry geo, boolean countIncludePad) {
    return new AvgPool2d(geo, countIncludePad).apply(x);
  }

  /** Average pooling to an {@code outH × outW} output with adaptive windows. */
  public static Var adaptiveAvgPool2d(Var x, int outH, int outW) {
    return new AvgPool2d(outH, outW).apply(x);
  }

  /** The mean of each plane, keeping {@code [N, C, 1, 1]}. */
  public static Var globalAvgPool2d(Var x) {
    return adaptiveAvgPool2d(x, 1, 1);
  }

  /**
   * Batch normalisation over the channel dim 1 of {@code input: [N, C, *]}, as PyTorch's {@code
   * F.batch_norm}: {@code y = (x − μ)/√(σ² + ε)·weight + bias} per channel. In training μ and σ²
   * are the batch's mean and biased variance over the {@code M = N·∏*} values of each channel,
   * and {@code runningMean} and {@code runningVar}, when given, move in place toward the batch's
   * mean and unbiased variance ({@code σ²·M/(M − 1)}): {@code r ← (1 − momentum)·r + momentum·s}.
   * In evaluation μ and σ² are the running statistics, which are then required. {@code weight},
   * {@code bias} ({@code [C]}) and the running statistics may each be null.
   */
  public static Var batchNorm(
      Var input, Var weight, Var bias, Tensor runningMean, Tensor runningVar, boolean training, double momentum, double eps) {
    checkBatchNorm(input, weight, bias, runningMean, runningVar, training, momentum, eps);
    return applyBatchNorm(new BatchNorm(weight != null, bias != null, runningMean, runningVar, training, momentum, eps),
        input, weight, bias);
  }

  /**
   * {@code max_pool2d(batch_norm(input, …), geo)} as one op that never stores the normalised map
   * (the arguments and results are those of {@link #batchNorm} followed by {@link #maxPool2d},
   * bit for bit, values and gradients).
   */
  public static Var batchNormMaxPool2d(
      Var input, Var weight, Var bias, Tensor runningMean, Tensor runningVar, boolean training, double momentum,
      double eps, dev.wengert.core.PoolGeometry geo) {
    checkNotNull(geo, "max_pool2d: geometry is null");
    checkArgument(input != null && input.rank() == 4, "batch_norm_max_pool2d: input must be [N, C, H, W], got %s",
        input == null ? "null" : Shapes.lazy(input.shape()));
    checkBatchNorm(input, weight, bias, runningMean, runningVar, training, momentum, eps);
    BatchNorm batchNorm = new BatchNorm(weight != null, bias != null, runningMean, runningVar, training, momentum, eps);
    return applyBatchNorm(new BatchNormMaxPool2d(batchNorm, geo), input, weight, bias);
  }

  /** {@code op} applied to the input and whichever of weight and bias are given, in that order. */
  private static Var applyBatchNorm(dev.wengert.autodiff.Op op, Var input, Var weight, Var bias) {
    if (weight != null && bias != null) {
      return op.apply(input, weight, bias);
    }
    return weight != null ? op.apply(input, weight) : bias != null ? op.apply(input, bias) : op.apply(input);
  }

  /** Checks {@link #batchNorm}'s arguments. */
  private static void checkBatchNorm(
      Var input, Var weight, Var bias, Tensor runningMean, Tensor runningVar, boolean training, double momentum, double eps) {
    checkNotNull(input, "batch_norm: input is null");
    int[] shape = input.shape();
    checkArgument(shape.length >= 2, "batch_norm: input must be [N, C, *] with at least 2 dims, got %s", Shapes.lazy(shape));
    checkChannelVector("weight", weight == null ? null : weight.value(), input);
    checkChannelVector("bias", bias == null ? null : bias.value(), input);
    checkChannelVector("running_mean", runningMean, input);
    checkChannelVector("running_var", runningVar, input);
    checkArgument(eps >= 0, "batch_norm: eps must be >= 0, got %s", eps);
    checkArgument(momentum >= 0 && momentum <= 1, "batch_norm: momentum must be in [0, 1], got %s", momentum);
    if (training) {
      checkArgument(
          ChannelStats.count(shape) > 1,
          "batch_norm: training needs more than one value per channel, got input %s", Shapes.lazy(shape));
    } else {
      checkArgument(
          runningMean != null && runningVar != null,
          "batch_norm: evaluation needs running_mean and running_var (input %s)", Shapes.lazy(shape));
    }
  }

  /** A batch norm's per-channel argument: null, or {@code [C]} of the input's dtype. */
  private static void checkChannelVector(String what, Tensor t, Var input) {
    if (t == null) {
      return;
    }
    checkArgument(
        t.rank() == 1 && t.size(0) == input.size(1),
        "batch_norm: %s must be [%s] for input %s, got %s", what, input.size(1), Shapes.lazy(input.shape()), Shapes.lazy(t.shape()));
    checkArgument(
        t.dtype() == input.dtype(),
        "batch_norm: %s is %s but input %s is %s", what, t.dtype(), Shapes.lazy(input.shape()), input.dtype());
  }

  /** The maximum of each plane, keeping {@code [N, C, 1, 1]}. */
  public static Var globalMaxPool2d(Var x) {
    return adaptiveMaxPool2d(x, 1, 1);
  }
}
