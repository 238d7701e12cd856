package dev.wengert.autodiff.ops;

import dev.wengert.autodiff.OpSpec;
import dev.wengert.autodiff.OpSpec.Sample;
import dev.wengert.autodiff.Var;
import dev.wengert.core.DType;
import dev.wengert.core.PaddingMode;
import dev.wengert.core.PoolGeometry;
import dev.wengert.core.Rng;
import dev.wengert.core.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The table of built-in ops (as PyTorch's derivatives.yaml lists every derivative): name, arity,
 * summary and the sample applications their gradient checks run on.
 */
public final class BuiltinOps {

  private BuiltinOps() {}

  /** Input ranges that keep a function smooth and finite under finite differences. */
  private enum Domain {
    ANY,
    POSITIVE,
    AWAY_FROM_ZERO,
    AWAY_FROM_CLAMP_BOUNDS
  }

  /** Shapes that exercise broadcasting, size-1 dims and scalars. */
  private static final int[][][] BINARY_SHAPES = {
    {{2, 3}, {2, 3}},
    {{3, 1}, {1, 4}},
    {{2, 1, 3}, {3}},
    {{4}, {}},
    {{1}, {2, 2}},
  };

  private static final int[][] UNARY_SHAPES = {{}, {5}, {2, 3}, {2, 1, 3}};

  public static List<OpSpec> specs() {
    return List.of(
        binary("add", "y = a + b with broadcasting; da = sumTo(g), db = sumTo(g)", Ops::add, Domain.ANY, Domain.ANY),
        binary("sub", "y = a - b with broadcasting; da = sumTo(g), db = -sumTo(g)", Ops::sub, Domain.ANY, Domain.ANY),
        binary("mul", "y = a * b with broadcasting; da = sumTo(g*b), db = sumTo(g*a)", Ops::mul, Domain.ANY, Domain.ANY),
        binary("div", "y = a / b with broadcasting; da = sumTo(g/b), db = sumTo(-g*a/b^2)", Ops::div, Domain.ANY, Domain.AWAY_FROM_ZERO),
        binary("pow", "y = a^b with broadcasting; da = sumTo(g*b*a^(b-1)), db = sumTo(g*y*log a)", Ops::pow, Domain.POSITIVE, Domain.ANY),
        unary("neg", "y = -x; dx = -g", Ops::neg, Domain.ANY),
        unary("add_scalar", "y = x + c; dx = g", x -> Ops.addScalar(x, 0.75), Domain.ANY),
        unary("mul_scalar", "y = c*x; dx = c*g", x -> Ops.mulScalar(x, -1.5), Domain.ANY),
        unary("pow_scalar", "y = x^c; dx = g*c*x^(c-1)", x -> Ops.pow(x, 2.5), Domain.POSITIVE),
        unary("exp", "y = exp(x); dx = g*y", Ops::exp, Domain.ANY),
        unary("log", "y = log(x); dx = g/x", Ops::log, Domain.POSITIVE),
        unary("sqrt", "y = sqrt(x); dx = g/(2y)", Ops::sqrt, Domain.POSITIVE),
        unary("abs", "y = |x|; dx = g*sign(x)", Ops::abs, Domain.AWAY_FROM_ZERO),
        unary("relu", "y = max(x, 0); dx = g*[x > 0]", Ops::relu, Domain.AWAY_FROM_ZERO),
        new OpSpec(
            "relu_backward",
            2,
            "y = g*[r > 0] for a ReLU output r; dg = relu_backward(gg, r), dr = 0",
            rng -> List.of(
                sample("[3,4]", xs -> ReluBackward.INSTANCE.apply(xs.get(0), Ops.relu(Var.constant(xs.get(1).value()))),
                    random(rng, Domain.ANY, 3, 4), random(rng, Domain.AWAY_FROM_ZERO, 3, 4)))),
        unary("sigmoid", "y = 1/(1+exp(-x)); dx = g*y*(1-y)", Ops::sigmoid, Domain.ANY),
        unary("sin", "y = sin(x); dx = g*cos(x)", Ops::sin, Domain.ANY),
        unary("cos", "y = cos(x); dx = -g*sin(x)", Ops::cos, Domain.ANY),
        unary("tanh", "y = tanh(x); dx = g*(1-y^2)", Ops::tanh, Domain.ANY),
        unary("leaky_relu", "y = x > 0 ? x : s*x; dx = g*(x > 0 ? 1 : s)", x -> Ops.leakyRelu(x, 0.01), Domain.AWAY_FROM_ZERO),
        unary("elu", "y = x > 0 ? x : a*(exp(x)-1); dx = g*(x > 0 ? 1 : a*exp(x))", x -> Ops.elu(x, 1.3), Domain.AWAY_FROM_ZERO),
        unary("erf", "y = erf(x); dx = g*2/sqrt(pi)*exp(-x^2)", Ops::erf, Domain.ANY),
        unary("gelu", "y = x*Phi(x); dx = g*(Phi(x) + x*phi(x))", Ops::gelu, Domain.ANY),
        unary("softplus", "y = log(1+exp(b*x))/b; dx = g*sigmoid(b*x)", x -> Ops.softplus(x, 2, 20), Domain.ANY),
        unary("clamp", "y = min(max(x, lo), hi); dx = g*[lo <= x <= hi]", x -> Ops.clamp(x, -0.9, 0.9), Domain.AWAY_FROM_CLAMP_BOUNDS),
        new OpSpec(
            "softmax",
            1,
            "y = exp(x)/sum(exp(x), dim); dx = y*(g - sum(g*y, dim))",
            rng ->
                List.of(
                    sample("[2,5] dim 1", xs -> Ops.softmax(xs.get(0), 1), random(rng, Domain.ANY, 2, 5)),
                    sample("[3,2,4] dim 0", xs -> Ops.softmax(xs.get(0), 0), random(rng, Domain.ANY, 3, 2, 4)),
                    sample("[4] dim -1", xs -> Ops.softmax(xs.get(0), -1), random(rng, Domain.ANY, 4)))),
        new OpSpec(
            "log_softmax",
            1,
            "y = x - logsumexp(x, dim); dx = g - exp(y)*sum(g, dim)",
            rng ->
                List.of(
                    sample("[2,5] dim 1", xs -> Ops.logSoftmax(xs.get(0), 1), random(rng, Domain.ANY, 2, 5)),
                    sample("[3,2,4] dim 1", xs -> Ops.logSoftmax(xs.get(0), 1), random(rng, Domain.ANY, 3, 2, 4)))),
        new OpSpec(
            "max",
            1,
            "y = max(x, dims); dx = g at the first maximal element, 0 elsewhere",
            rng ->
                List.of(
                    sample("all", xs -> Ops.max(xs.get(0), new int[0], false), random(rng, Domain.ANY, 3, 4)),
                    sample("dim 1 keepDim", xs -> Ops.max(xs.get(0), new int[] {1}, true), random(rng, Domain.ANY, 3, 4)),
                    sample("dims 0,2", xs -> Ops.max(xs.get(0), new int[] {0, 2}, false), random(rng, Domain.ANY, 2, 3, 4)))),
        new OpSpec(
            "min",
            1,
            "y = min(x, dims); dx = g at the first minimal element, 0 elsewhere",
            rng ->
                List.of(
                    sample("dim 0", xs -> Ops.min(xs.get(0), new int[] {0}, false), random(rng, Domain.ANY, 3, 4)),
                    sample("dims 1,2 keepDim", xs -> Ops.min(xs.get(0), new int[] {1, 2}, true), random(rng, Domain.ANY, 2, 3, 4)))),
        new OpSpec(
            "slice",
            1,
            "y = x[start:end:step] along dim; dx = zeros with g written into the slice",
            rng ->
                List.of(
                    sample("dim 1 [1:4:2]", xs -> Ops.slice(xs.get(0), 1, 1, 4, 2), random(rng, Domain.ANY, 2, 5)),
                    sample("select dim 0 index 1", xs -> Ops.select(xs.get(0), 0, 1), random(rng, Domain.ANY, 3, 2)))),
        new OpSpec(
            "slice_backward",
            1,
            "y = zeros(shape) with x written into [start:end:step] along dim; dx = slice(g)",
            rng ->
                List.of(
                    sample(
                        "into [2,5] dim 1 [0:5:2]",
                        xs -> new SliceBackward(new int[] {2, 5}, new Slice(1, 0, 5, 2)).apply(xs.get(0)),
                        random(rng, Domain.ANY, 2, 3)))),
        new OpSpec(
            "concat",
            OpSpec.VARIADIC,
            "y = concat(x1..xn, dim); dxi = slice of g at xi's place",
            rng ->
                List.of(
                    sample("dim 1", xs -> Ops.concat(1, xs.get(0), xs.get(1)), random(rng, Domain.ANY, 2, 3), random(rng, Domain.ANY, 2, 1)),
                    sample(
                        "three along dim 0",
                        xs -> Ops.concat(0, xs.get(0), xs.get(1), xs.get(2)),
                        random(rng, Domain.ANY, 1, 2),
                        random(rng, Domain.ANY, 2, 2),
                        random(rng, Domain.ANY, 1, 2)),
                    sample("stack dim 1", xs -> Ops.stack(1, xs.get(0), xs.get(1)), random(rng, Domain.ANY, 2, 3), random(rng, Domain.ANY, 2, 3)))),
        new OpSpec(
            "mask_mul",
            1,
            "y = x*m for a constant mask m (dropout); dx = g*m",
            rng ->
                List.of(
                    sample(
                        "dropout p=0.4",
                        xs -> Ops.dropout(xs.get(0), 0.4, true, new dev.wengert.core.Rng(7)),
                        random(rng, Domain.ANY, 3, 4)))),
        new OpSpec(
            "conv2d",
            OpSpec.VARIADIC,
            "y = conv2d(x, w) + b; dx = conv_transpose2d(g, w), dw = conv2d_weight(x, g), db = sum(g, [N,H,W])",
            rng -> {
              List<Sample> samples = new ArrayList<>();
              Conv2dOptions[] options = {
                Conv2dOptions.defaults(),
                Conv2dOptions.defaults().stride(2).padding(1),
                Conv2dOptions.defaults().padding(2, 1).dilation(2, 1),
                Conv2dOptions.defaults().paddingSame(),
                Conv2dOptions.defaults().padding(1).paddingMode(PaddingMode.REPLICATE),
                Conv2dOptions.defaults().padding(1, 2).paddingMode(PaddingMode.REFLECT).stride(1, 2),
                Conv2dOptions.defaults().padding(1).paddingMode(PaddingMode.CIRCULAR),
                Conv2dOptions.defaults().groups(2).padding(1),
              };
              for (Conv2dOptions o : options) {
                int groups = o.groups();
                boolean withBias = samples.size() % 2 == 0;
                Var x = random(rng, Domain.ANY, 2, 2, 5, 6);
                Var w = random(rng, Domain.ANY, 2, 2 / groups, 3, samples.size() == 3 ? 2 : 3);
                Var b = withBias ? random(rng, Domain.ANY, 2) : null;
                samples.add(
                    withBias
                        ? sample(o.toString(), xs -> Ops.conv2d(xs.get(0), xs.get(1), xs.get(2), o), x, w, b)
                        : sample(o.toString(), xs -> Ops.conv2d(xs.get(0), xs.get(1), null, o), x, w));
              }
              return samples;
            }),
        new OpSpec(
            "conv_transpose2d",
            2,
            "y = conv_transpose2d(x, w), the adjoint of conv2d in its input; dx = conv2d(g, w), dw = conv2d_weight(g, x)",
            rng ->
                List.of(
                    sample(
                        "stride 2, padding 1, output padding 1",
                        xs -> Ops.convTranspose2d(xs.get(0), xs.get(1), null, Conv2dOptions.defaults().stride(2).padding(1), 1, 1),
                        random(rng, Domain.ANY, 2, 2, 3, 3),
                        random(rng, Domain.ANY, 2, 3, 3, 3)),
                    sample(
                        "groups 2, dilation 2, bias",
                        xs -> Ops.convTranspose2d(xs.get(0), xs.get(1), xs.get(2), Conv2dOptions.defaults().groups(2).dilation(2), 0, 0),
                        random(rng, Domain.ANY, 1, 4, 3, 2),
                        random(rng, Domain.ANY, 4, 1, 2, 2),
                        random(rng, Domain.ANY, 2)))),
        new OpSpec(
            "conv2d_weight",
            2,
            "y = conv2d_weight(x, gy), the adjoint of conv2d in its weight; dx = conv_transpose2d(gy, g), dgy = conv2d(x, g)",
            rng ->
                List.of(
                    sample(
                        "3x3 stride 2 padding 1",
                        xs -> new Conv2dWeight(dev.wengert.core.Conv2dGeometry.of(2, 2, 1, 1, 1, 1, 1), 3, 3).apply(xs.get(0), xs.get(1)),
                        random(rng, Domain.ANY, 2, 2, 5, 5),
                        random(rng, Domain.ANY, 2, 3, 3, 3)))),
        new OpSpec(
            "pad",
            1,
            "y = x padded on the last two dims (zero, replicate, reflect, circular); dx = pad_backward(g)",
            rng -> {
              List<Sample> samples = new ArrayList<>();
              for (PaddingMode mode : PaddingMode.values()) {
                samples.add(sample(mode + " (1,2,2,0)", xs -> Ops.pad(xs.get(0), 1, 2, 2, 0, mode), random(rng, Domain.ANY, 1, 2, 3, 4)));
              }
              return samples;
            }),
        new OpSpec(
            "pad_backward",
            1,
            "y = pad's adjoint: each gradient added onto the pixel it was copied from; dx = pad(g)",
            rng -> {
              List<Sample> samples = new ArrayList<>();
              for (PaddingMode mode : PaddingMode.values()) {
                samples.add(
                    sample(
                        mode + " (2,1,1,1)",
                        xs -> new PadBackward(new int[] {1, 2, 3, 3}, new Pad(2, 1, 1, 1, mode)).apply(xs.get(0)),
                        random(rng, Domain.ANY, 1, 2, 6, 5)));
              }
              return samples;
            }),
        new OpSpec(
            "max_pool2d",
            1,
            "y = max over each window; dx = scatter_to_argmax(g): 1 for the chosen input, 0 for the others",
            rng ->
                List.of(
                    sample("2x2 stride 2", xs -> Ops.maxPool2d(xs.get(0), PoolGeometry.of(2)), random(rng, Domain.ANY, 2, 2, 4, 6)),
                    sample(
                        "3x3 stride 2 padding 1 ceil (overlapping)",
                        xs -> Ops.maxPool2d(xs.get(0), new PoolGeometry(3, 3, 2, 2, 1, 1, 1, 1, true)),
                        random(rng, Domain.ANY, 1, 2, 6, 5)),
                    sample(
                        "2x2 dilation 2",
                        xs -> Ops.maxPool2d(xs.get(0), new PoolGeometry(2, 2, 1, 1, 0, 0, 2, 2, false)),
                        random(rng, Domain.ANY, 1, 1, 5, 5)))),
        new OpSpec(
            "adaptive_max_pool2d",
            1,
            "y = max over adaptive windows [floor(i*H/oh), ceil((i+1)*H/oh)); dx = scatter_to_argmax(g)",
            rng ->
                List.of(
                    sample("7x5 -> 3x2", xs -> Ops.adaptiveMaxPool2d(xs.get(0), 3, 2), random(rng, Domain.ANY, 1, 2, 7, 5)),
                    sample("global", xs -> Ops.globalMaxPool2d(xs.get(0)), random(rng, Domain.ANY, 2, 2, 3, 3)))),
        new OpSpec(
            "scatter_to_argmax",
            1,
            "y = zeros with x added at each window's argmax (max pooling's backward); dx = gather_at_argmax(g)",
            rng -> List.of(scatterSample(rng))),
        new OpSpec(
            "gather_at_argmax",
            1,
            "y[o] = x[argmax[o]] in each plane; dx = scatter_to_argmax(g)",
            rng -> {
              int[] argmax = {0, 3, 5, 5, 8, 2};
              return List.of(
                  sample(
                      "6 picks from a 3x3 plane",
                      xs -> new GatherAtArgmax(argmax, new int[] {1, 1, 2, 3}).apply(xs.get(0)),
                      random(rng, Domain.ANY, 1, 1, 3, 3)));
            }),
        new OpSpec(
            "avg_pool2d",
            1,
            "y = mean over each window; dx = avg_pool2d_backward(g), g spread evenly over its window",
            rng ->
                List.of(
                    sample("2x2 stride 2", xs -> Ops.avgPool2d(xs.get(0), PoolGeometry.of(2), true), random(rng, Domain.ANY, 2, 2, 4, 6)),
                    sample(
                        "3x3 stride 2 padding 1 ceil, padding not counted",
                        xs -> Ops.avgPool2d(xs.get(0), new PoolGeometry(3, 3, 2, 2, 1, 1, 1, 1, true), false),
                        random(rng, Domain.ANY, 1, 2, 6, 5)),
                    sample(
                        "3x2 stride 1 padding 1, padding counted",
                        xs -> Ops.avgPool2d(xs.get(0), new PoolGeometry(3, 2, 1, 1, 1, 1, 1, 1, false), true),
                        random(rng, Domain.ANY, 1, 1, 4, 4)))),
        new OpSpec(
            "adaptive_avg_pool2d",
            1,
            "y = mean over adaptive windows [floor(i*H/oh), ceil((i+1)*H/oh)); dx = avg_pool2d_backward(g)",
            rng ->
                List.of(
                    sample("7x5 -> 3x2", xs -> Ops.adaptiveAvgPool2d(xs.get(0), 3, 2), random(rng, Domain.ANY, 1, 2, 7, 5)),
                    sample("global", xs -> Ops.globalAvgPool2d(xs.get(0)), random(rng, Domain.ANY, 2, 2, 3, 3)))),
        new OpSpec(
            "avg_pool2d_backward",
            1,
            "y = average pooling's adjoint (x spread over windows); dx = avg_pool2d(g)",
            rng ->
                List.of(
                    sample(
                        "3x3 stride 2 padding 1 into 5x5",
                        xs -> new AvgPool2dBackward(new AvgPool2d(new PoolGeometry(3, 3, 2, 2, 1, 1, 1, 1, false), false), new int[] {1, 2, 5, 5})
                            .apply(xs.get(0)),
                        random(rng, Domain.ANY, 1, 2, 3, 3)))),
        new OpSpec(
            "batch_norm",
            OpSpec.VARIADIC,
            "y = (x - mean)*invstd*w + b per channel, batch statistics in training, running ones in evaluation;"
                + " dx = batch_norm_backward(g, x, w, s) (training) or g*w*invstd (evaluation), dw = s[1], db = s[0]"
                + " with s = batch_norm_grad_sums(g, x)",
            BuiltinOps::batchNormSamples),
        new OpSpec(
            "batch_norm_max_pool2d",
            OpSpec.VARIADIC,
            "y = max_pool2d(batch_norm(x, w, b)) without storing batch_norm(x);"
                + " the rule is batch_norm's, applied to scatter_to_argmax(g)",
            rng -> {
              Tensor runningMean = Tensor.randn(rng, DType.FLOAT64, 3);
              Tensor runningVar = Tensor.rand(rng, DType.FLOAT64, 3).add(0.5);
              return List.of(
                  sample(
                      "training [2,3,4,6], weight, bias, 2x2 stride 2",
                      xs -> Ops.batchNormMaxPool2d(
                          xs.get(0), xs.get(1), xs.get(2), null, null, true, 0.1, 1e-5, PoolGeometry.of(2)),
                      random(rng, Domain.ANY, 2, 3, 4, 6),
                      random(rng, Domain.ANY, 3),
                      random(rng, Domain.ANY, 3)),
                  sample(
                      "training [1,2,6,5], no weight or bias, 3x3 stride 2 padding 1 ceil",
                      xs -> Ops.batchNormMaxPool2d(
                          xs.get(0), null, null, null, null, true, 0.1, 1e-5, new PoolGeometry(3, 3, 2, 2, 1, 1, 1, 1, true)),
                      random(rng, Domain.ANY, 1, 2, 6, 5)),
                  sample(
                      "evaluation [2,3,4,4], weight, bias, 2x2 stride 2",
                      xs -> Ops.batchNormMaxPool2d(
                          xs.get(0), xs.get(1), xs.get(2), runningMean, runningVar, false, 0.1, 1e-5, PoolGeometry.of(2)),
                      random(rng, Domain.ANY, 2, 3, 4, 4),
                      random(rng, Domain.ANY, 3),
                      random(rng, Domain.ANY, 3)));
            }),
        new OpSpec(
            "batch_norm_grad_sums",
            2,
            "y = [sum(g); sum(g*xhat)] per channel, xhat = (x - mean)*invstd; dg = h0 + h1*xhat,"
                + " dx = batch_norm_backward(g, x, h1, y) (batch statistics) or h1*g*invstd (fixed)",
            rng -> {
              Tensor runningMean = Tensor.randn(rng, DType.FLOAT64, 3);
              Tensor runningVar = Tensor.rand(rng, DType.FLOAT64, 3).add(0.5);
              return List.of(
                  sample(
                      "batch statistics [2,3,2,2]",
                      xs -> new BatchNormGradSums(ChannelStats.ofBatch(xs.get(1).value(), 1e-5)).apply(xs.get(0), xs.get(1)),
                      random(rng, Domain.ANY, 2, 3, 2, 2),
                      random(rng, Domain.ANY, 2, 3, 2, 2)),
                  sample(
                      "fixed statistics [4,3]",
                      xs -> new BatchNormGradSums(ChannelStats.fixed(runningMean, runningVar, 1e-5)).apply(xs.get(0), xs.get(1)),
                      random(rng, Domain.ANY, 4, 3),
                      random(rng, Domain.ANY, 4, 3)));
            }),
        new OpSpec(
            "batch_norm_backward",
            OpSpec.VARIADIC,
            "y = w*invstd*(g - s0/M - xhat*s1/M) per channel (training dx); dg = w*invstd*h,"
                + " dw = sum(h*y/w), ds = -[sum(h); sum(h*xhat)]*w*invstd/M, dx through xhat and invstd (composed)",
            rng ->
                List.of(
                    sample(
                        "weight [2,3,2,2]",
                        xs -> new BatchNormBackward(ChannelStats.ofBatch(xs.get(1).value(), 1e-5), true).apply(xs.get(0), xs.get(1), xs.get(2), xs.get(3)),
                        random(rng, Domain.ANY, 2, 3, 2, 2),
                        random(rng, Domain.ANY, 2, 3, 2, 2),
                        random(rng, Domain.ANY, 3),
                        random(rng, Domain.ANY, 2, 3)),
                    sample(
                        "no weight [4,3]",
                        xs -> new BatchNormBackward(ChannelStats.ofBatch(xs.get(1).value(), 1e-5), false).apply(xs.get(0), xs.get(1), xs.get(2)),
                        random(rng, Domain.ANY, 4, 3),
                        random(rng, Domain.ANY, 4, 3),
                        random(rng, Domain.ANY, 2, 3)))),
        new OpSpec(
            "cross_entropy",
            1,
            "y = -sum_c q*log_softmax(x) with q the smoothed, weighted one-hot target; dx = (softmax(x)*sum(q) - q)*g",
            rng -> {
              Tensor target = Tensor.of(new double[] {0, 2, 1, 2}, 4);
              Tensor weight = Tensor.of(new double[] {0.5, 2, 1}, 3);
              Tensor spatialTarget = Tensor.of(new double[] {0, 1, 2, 1, 1, 0}, 2, 3);
              return List.of(
                  sample("mean", xs -> Losses.crossEntropy(xs.get(0), target), random(rng, Domain.ANY, 4, 3)),
                  sample(
                      "sum, smoothing 0.1, weights",
                      xs -> Losses.crossEntropy(xs.get(0), target, Losses.ClassOptions.defaults().withReduction(Reduction.SUM).withLabelSmoothing(0.1).withWeight(weight)),
                      random(rng, Domain.ANY, 4, 3)),
                  sample(
                      "none, ignore 2, smoothing 0.2",
                      xs -> Losses.crossEntropy(xs.get(0), target, Losses.ClassOptions.defaults().withReduction(Reduction.NONE).withIgnoreIndex(2).withLabelSmoothing(0.2)),
                      random(rng, Domain.ANY, 4, 3)),
                  sample("spatial [2,3,3]", xs -> Losses.crossEntropy(xs.get(0), spatialTarget), random(rng, Domain.ANY, 2, 3, 3)));
            }),
        new OpSpec(
            "nll_loss",
            1,
            "y = -w[t]*x[t] per position, mean over sum(w[t]); dx = -q*g",
            rng -> {
              Tensor target = Tensor.of(new double[] {1, 0, 1}, 3);
              return List.of(
                  sample("mean", xs -> Losses.nllLoss(xs.get(0), target, Losses.ClassOptions.defaults()), random(rng, Domain.ANY, 3, 2)),
                  sample(
                      "none, weights",
                      xs -> Losses.nllLoss(xs.get(0), target, Losses.ClassOptions.defaults().withReduction(Reduction.NONE).withWeight(Tensor.of(new double[] {2, 0.5}, 2))),
                      random(rng, Domain.ANY, 3, 2)));
            }),
        composite("mse_loss", "y = (x - t)^2, reduced", (x, t) -> Losses.mseLoss(x, t, Reduction.MEAN)),
        composite("l1_loss", "y = |x - t|, reduced", (x, t) -> Losses.l1Loss(x, t, Reduction.SUM)),
        composite("huber_loss", "y = 0.5 d^2 if |d| < delta else delta(|d| - 0.5 delta), reduced", (x, t) -> Losses.huberLoss(x, t, 0.7, Reduction.MEAN)),
        composite("smooth_l1_loss", "y = 0.5 d^2/beta if |d| < beta else |d| - 0.5 beta, reduced", (x, t) -> Losses.smoothL1Loss(x, t, 0.6, Reduction.NONE)),
        composite(
            "binary_cross_entropy_with_logits",
            "y = w*[(1-t)x + (1+(p-1)t) softplus(-x)], reduced",
            (x, t) -> Losses.binaryCrossEntropyWithLogits(x, Ops.sigmoid(t), Tensor.full(DType.FLOAT64, 0.7, 4), Tensor.full(DType.FLOAT64, 2.0, 4), Reduction.MEAN)),
        composite("kl_div", "y = exp(t)(t - x) for log-probability targets, reduced", (x, t) -> Losses.klDiv(x, t, true, Reduction.BATCH_MEAN)),
        new OpSpec(
            "sum",
            1,
            "y = sum(x, dims); dx = expand(g, shape(x))",
            rng ->
                List.of(
                    sample("all dims", xs -> Ops.sum(xs.get(0), new int[0], false), random(rng, Domain.ANY, 2, 3)),
                    sample("dim 1 keepDim", xs -> Ops.sum(xs.get(0), new int[] {1}, true), random(rng, Domain.ANY, 2, 3, 4)),
                    sample("dims 0,2", xs -> Ops.sum(xs.get(0), new int[] {0, -1}, false), random(rng, Domain.ANY, 2, 3, 4)))),
        new OpSpec(
            "mean",
            1,
            "y = mean(x, dims) over n elements; dx = expand(g, shape(x))/n",
            rng ->
                List.of(
                    sample("all dims", xs -> Ops.mean(xs.get(0), new int[0], false), random(rng, Domain.ANY, 2, 3)),
                    sample("dim 0", xs -> Ops.mean(xs.get(0), new int[] {0}, false), random(rng, Domain.ANY, 3, 2)),
                    sample("dims 1,2 keepDim", xs -> Ops.mean(xs.get(0), new int[] {1, 2}, true), random(rng, Domain.ANY, 2, 3, 2)))),
        new OpSpec(
            "sum_to",
            1,
            "y = x summed over broadcast dims down to shape; dx = expand(g, shape(x))",
            rng ->
                List.of(
                    sample("[2,3,4] -> [3,1]", xs -> Ops.sumTo(xs.get(0), new int[] {3, 1}), random(rng, Domain.ANY, 2, 3, 4)),
                    sample("[2,3] -> []", xs -> Ops.sumTo(xs.get(0), new int[0]), random(rng, Domain.ANY, 2, 3)))),
        new OpSpec(
            "expand",
            1,
            "y = x broadcast to shape; dx = sumTo(g, shape(x))",
            rng ->
                List.of(
                    sample("[3,1] -> [2,3,4]", xs -> Ops.expand(xs.get(0), new int[] {2, 3, 4}), random(rng, Domain.ANY, 3, 1)),
                    sample("[] -> [2,2]", xs -> Ops.expand(xs.get(0), new int[] {2, 2}), random(rng, Domain.ANY)))),
        new OpSpec(
            "reshape",
            1,
            "y = x with a new shape; dx = reshape(g, shape(x))",
            rng ->
                List.of(
                    sample("[2,3,4] -> [4,-1]", xs -> Ops.reshape(xs.get(0), 4, -1), random(rng, Domain.ANY, 2, 3, 4)),
                    sample("permuted -> [6]", xs -> Ops.reshape(Ops.transpose(xs.get(0), 0, 1), 6), random(rng, Domain.ANY, 2, 3)))),
        new OpSpec(
            "permute",
            1,
            "y = x with dims reordered; dx = permute(g, inverse order)",
            rng ->
                List.of(
                    sample("(2,0,1)", xs -> Ops.permute(xs.get(0), 2, 0, 1), random(rng, Domain.ANY, 2, 3, 4)),
                    sample("transpose -1,-2", xs -> Ops.transpose(xs.get(0), -1, -2), random(rng, Domain.ANY, 3, 2)))),
        new OpSpec(
            "matmul",
            2,
            "y = a @ b with broadcast batch dims; da = sumTo(g @ b^T), db = sumTo(a^T @ g)",
            rng ->
                List.of(
                    sample("[3,4]@[4,2]", xs -> Ops.matmul(xs.get(0), xs.get(1)), random(rng, Domain.ANY, 3, 4), random(rng, Domain.ANY, 4, 2)),
                    sample("[2,1,3,4]@[3,4,2]", xs -> Ops.matmul(xs.get(0), xs.get(1)), random(rng, Domain.ANY, 2, 1, 3, 4), random(rng, Domain.ANY, 3, 4, 2)),
                    sample("[4]@[4,3]", xs -> Ops.matmul(xs.get(0), xs.get(1)), random(rng, Domain.ANY, 4), random(rng, Domain.ANY, 4, 3)),
                    sample("[3,4]@[4]", xs -> Ops.matmul(xs.get(0), xs.get(1)), random(rng, Domain.ANY, 3, 4), random(rng, Domain.ANY, 4)),
                    sample("[4]@[4]", xs -> Ops.matmul(xs.get(0), xs.get(1)), random(rng, Domain.ANY, 4), random(rng, Domain.ANY, 4)))),
        new OpSpec(
            "linear",
            OpSpec.VARIADIC,
            "y = x w^T + b; dx = g w, dw = G^T X (leading dims flattened), db = sum of G's rows",
            rng ->
                List.of(
                    sample("[3,4]x[2,4]+[2]", xs -> Ops.linear(xs.get(0), xs.get(1), xs.get(2)),
                        random(rng, Domain.ANY, 3, 4), random(rng, Domain.ANY, 2, 4), random(rng, Domain.ANY, 2)),
                    sample("[2,3,4]x[5,4]", xs -> Ops.linear(xs.get(0), xs.get(1), null),
                        random(rng, Domain.ANY, 2, 3, 4), random(rng, Domain.ANY, 5, 4)),
                    sample("[4]x[3,4]+[3]", xs -> Ops.linear(xs.get(0), xs.get(1), xs.get(2)),
                        random(rng, Domain.ANY, 4), random(rng, Domain.ANY, 3, 4), random(rng, Domain.ANY, 3)))),
        new OpSpec(
            "where",
            2,
            "y = c ? a : b with broadcasting; da = sumTo(where(c, g, 0)), db = sumTo(where(c, 0, g))",
            rng -> {
              Tensor condition = Tensor.randint(rng, DType.FLOAT64, 0, 2, 3, 4);
              return List.of(
                  sample("[3,4] ? [3,4] : [4]", xs -> Ops.where(condition, xs.get(0), xs.get(1)), random(rng, Domain.ANY, 3, 4), random(rng, Domain.ANY, 4)),
                  sample("[3,4] ? [] : [3,1]", xs -> Ops.where(condition, xs.get(0), xs.get(1)), random(rng, Domain.ANY), random(rng, Domain.ANY, 3, 1)));
            }));
  }

  /**
   * Batch norm in training (2-D, 3-D and 4-D inputs; with and without weight and bias; with and
   * without running statistics, which it updates) and in evaluation.
   */
  private static List<Sample> batchNormSamples(Rng rng) {
    Tensor runningMean = Tensor.randn(rng, DType.FLOAT64, 3);
    Tensor runningVar = Tensor.rand(rng, DType.FLOAT64, 3).add(0.5);
    return List.of(
        sample(
            "training [4,3], weight, bias, running statistics",
            xs -> Ops.batchNorm(xs.get(0), xs.get(1), xs.get(2), Tensor.zeros(DType.FLOAT64, 3), Tensor.ones(DType.FLOAT64, 3), true, 0.1, 1e-5),
            random(rng, Domain.ANY, 4, 3),
            random(rng, Domain.ANY, 3),
            random(rng, Domain.ANY, 3)),
        sample(
            "training [2,3,2,3], weight, bias",
            xs -> Ops.batchNorm(xs.get(0), xs.get(1), xs.get(2), null, null, true, 0.1, 1e-5),
            random(rng, Domain.ANY, 2, 3, 2, 3),
            random(rng, Domain.ANY, 3),
            random(rng, Domain.ANY, 3)),
        sample(
            "training [3,2,4], no weight or bias",
            xs -> Ops.batchNorm(xs.get(0), null, null, null, null, true, 0.1, 1e-5),
            random(rng, Domain.ANY, 3, 2, 4)),
        sample(
            "training [2,2,3,2], weight only",
            xs -> Ops.batchNorm(xs.get(0), xs.get(1), null, null, null, true, 0.1, 1e-5),
            random(rng, Domain.ANY, 2, 2, 3, 2),
            random(rng, Domain.ANY, 2)),
        sample(
            "training [5,2], bias only",
            xs -> Ops.batchNorm(xs.get(0), null, xs.get(1), null, null, true, 0.1, 1e-5),
            random(rng, Domain.ANY, 5, 2),
            random(rng, Domain.ANY, 2)),
        sample(
            "evaluation [4,3], weight, bias",
            xs -> Ops.batchNorm(xs.get(0), xs.get(1), xs.get(2), runningMean, runningVar, false, 0.1, 1e-5),
            random(rng, Domain.ANY, 4, 3),
            random(rng, Domain.ANY, 3),
            random(rng, Domain.ANY, 3)),
        sample(
            "evaluation [2,3,2,2], no weight or bias",
            xs -> Ops.batchNorm(xs.get(0), null, null, runningMean, runningVar, false, 0.1, 1e-5),
            random(rng, Domain.ANY, 2, 3, 2, 2)));
  }

  /** Scatters onto the argmaxes of overlapping 3x3 windows, so several gradients land on one input. */
  private static Sample scatterSample(Rng rng) {
    Tensor source = Tensor.randn(rng, DType.FLOAT64, 1, 2, 4, 4);
    int[] argmax = dev.wengert.core.Pooling.maxPool2d(source, new PoolGeometry(3, 3, 1, 1, 1, 1, 1, 1, false)).argmax();
    return sample(
        "overlapping 3x3 windows",
        xs -> new ScatterToArgmax(argmax, new int[] {1, 2, 4, 4}).apply(xs.get(0)),
        random(rng, Domain.ANY, 1, 2, 4, 4));
  }

  /** A loss composed of registered ops, checked on a [3,4] input and target (both differentiated). */
  private static OpSpec composite(String name, String summary, BinaryOperator<Var> loss) {
    return new OpSpec(
        name,
        2,
        summary + " (composed of registered ops)",
        rng -> List.of(sample("[3,4]", xs -> loss.apply(xs.get(0), xs.get(1)), random(rng, Domain.ANY, 3, 4), random(rng, Domain.ANY, 3, 4))));
  }

  private static OpSpec unary(String name, String summary, UnaryOperator<Var> op, Domain domain) {
    return new OpSpec(
        name,
        1,
        summary,
        rng -> {
          List<Sample> samples = new ArrayList<>();
          for (int[] shape : UNARY_SHAPES) {
            samples.add(sample(java.util.Arrays.toString(shape), xs -> op.apply(xs.get(0)), random(rng, domain, shape)));
          }
          return samples;
        });
  }

  private static OpSpec binary(
      String name, String summary, BinaryOperator<Var> op, Domain domainA, Domain domainB) {
    return new OpSpec(
        name,
        2,
        summary,
        rng -> {
          List<Sample> samples = new ArrayList<>();
          for (int[][] shapes : BINARY_SHAPES) {
            samples.add(
                sample(
                    java.util.Arrays.toString(shapes[0]) + " with " + java.util.Arrays.toString(shapes[1]),
                    xs -> op.apply(xs.get(0), xs.get(1)),
                    random(rng, domainA, shapes[0]),
                    random(rng, domainB, shapes[1])));
          }
          return samples;
        });
  }

  private static Sample sample(String description, Function<List<Var>, Var> fn, Var... inputs) {
    return new Sample(description, fn, List.of(inputs));
  }

  /** A float64 parameter with values drawn for {@code domain}. */
  private static Var random(Rng rng, Domain domain, int... shape) {
    Tensor t = Tensor.randn(rng, DType.FLOAT64, shape);
    switch (domain) {
      case POSITIVE:
        t = t.abs().add(0.5);
        break;
      case AWAY_FROM_ZERO:
        t = t.map(v -> v >= 0 ? v + 0.2 : v - 0.2);
        break;
      case AWAY_FROM_CLAMP_BOUNDS:
        t = t.map(v -> Math.abs(Math.abs(v) - 0.9) < 0.05 ? v * 1.2 : v);
        break;
      default:
        break;
    }
    return Var.parameter(t);
  }
}
