package dev.wengert.examples.bench;

import dev.wengert.autodiff.Autodiff;
import dev.wengert.autodiff.Var;
import dev.wengert.autodiff.ops.Conv2dOptions;
import dev.wengert.autodiff.ops.Losses;
import dev.wengert.autodiff.ops.Ops;
import dev.wengert.core.DType;
import dev.wengert.core.Parallel;
import dev.wengert.core.PoolGeometry;
import dev.wengert.core.Rng;
import dev.wengert.core.Tensor;
import dev.wengert.core.TensorScope;
import dev.wengert.core.kernels.Kernels;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code wengert bench conv}: float32 convolutions, pools and cross entropy, forward and
 * forward+backward ({@code output.sum().backward()} with every input requiring a gradient), median
 * milliseconds. Twin of {@code bench/reference/conv.py}: same configurations, shape strings,
 * timing rules (warm-up of at least 5 runs and 0.5 s, then at least 20 runs and 1 s) and JSON
 * fields. Each run is one {@link TensorScope}, as a training step is, so a run's tensors reuse the
 * memory of the run before (as PyTorch's caching allocator does).
 */
@Command(
    name = "conv",
    mixinStandardHelpOptions = true,
    description = "float32 conv2d, pooling and cross entropy: forward and forward+backward, median ms.")
public final class ConvBench implements Callable<Integer> {

  private static final int WARMUP_RUNS = 5;
  private static final double WARMUP_SECONDS = 0.5;
  private static final int MIN_RUNS = 20;
  private static final double MIN_SECONDS = 1.0;

  /** A convolution: input {@code [n, c, h, w]}, {@code m} output channels, a {@code k × k} kernel. */
  private record ConvConfig(String name, int n, int c, int h, int w, int m, int k, int stride, int padding) {
    String shape() {
      return String.format(
          Locale.ROOT, "%dx%dx%dx%d->%d k%d%s p%d", n, c, h, w, m, k, stride != 1 ? " s" + stride : "", padding);
    }
  }

  private static final List<ConvConfig> CONVS = List.of(
      new ConvConfig("A", 64, 1, 28, 28, 32, 3, 1, 1),
      new ConvConfig("B", 64, 32, 14, 14, 64, 3, 1, 1),
      new ConvConfig("C", 32, 3, 32, 32, 64, 3, 1, 1),
      new ConvConfig("D", 64, 1, 28, 28, 6, 5, 1, 0),
      new ConvConfig("E", 64, 16, 32, 32, 32, 5, 2, 2));

  private static final List<String> OTHERS = List.of("max_pool2d", "avg_pool2d", "cross_entropy");

  @Option(names = "--threads", defaultValue = "2", description = "Threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--only",
      paramLabel = "NAME",
      description = "Run one configuration: A-E, max_pool2d, avg_pool2d or cross_entropy.")
  String only;

  @Option(names = "--json", description = "One JSON object per line.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** A configuration ready to run: its shape string, leaf values and the function of the leaves. */
  private record Workload(String name, String shape, Tensor[] leaves, Function<Var[], Var> fn) {}

  @Override
  public Integer call() {
    if (threads < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be >= 1");
    }
    List<String> names = new ArrayList<>();
    CONVS.forEach(c -> names.add(c.name()));
    names.addAll(OTHERS);
    if (only != null && !names.contains(only)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--only must be one of " + String.join(", ", names) + ", got '" + only + "'");
    }
    Parallel.setThreads(threads);
    if (!json) {
      System.out.printf(
          Locale.ROOT, "# wengert, float32, %d threads, kernels: %s; median ms%n", threads, Kernels.get().description());
      System.out.printf(Locale.ROOT, "%-14s %-26s %10s %12s %8s%n", "name", "shape", "fwd_ms", "fwd_bwd_ms", "threads");
    }
    for (String name : names) {
      if (only != null && !only.equals(name)) {
        continue;
      }
      Workload work = make(name, new Rng(1234));
      double fwd = forwardMs(work);
      double fwdBwd = forwardBackwardMs(work);
      if (json) {
        System.out.printf(
            Locale.ROOT,
            "{\"name\": \"%s\", \"shape\": \"%s\", \"fwd_ms\": %.4f, \"fwd_bwd_ms\": %.4f, \"threads\": %d}%n",
            name, work.shape(), fwd, fwdBwd, threads);
      } else {
        System.out.printf(Locale.ROOT, "%-14s %-26s %10.3f %12.3f %8d%n", name, work.shape(), fwd, fwdBwd, threads);
      }
      System.out.flush();
    }
    return 0;
  }

  private static Workload make(String name, Rng rng) {
    for (ConvConfig c : CONVS) {
      if (c.name().equals(name)) {
        Tensor x = Tensor.randn(rng, DType.FLOAT32, c.n(), c.c(), c.h(), c.w());
        Tensor w = Tensor.randn(rng, DType.FLOAT32, c.m(), c.c(), c.k(), c.k())
            .mul(Math.sqrt(1.0 / (c.c() * c.k() * c.k())));
        Tensor b = Tensor.randn(rng, DType.FLOAT32, c.m());
        Conv2dOptions options = Conv2dOptions.defaults().stride(c.stride()).padding(c.padding());
        return new Workload(name, c.shape(), new Tensor[] {x, w, b}, v -> Ops.conv2d(v[0], v[1], v[2], options));
      }
    }
    switch (name) {
      case "max_pool2d":
      case "avg_pool2d":
        {
          Tensor x = Tensor.randn(rng, DType.FLOAT32, 64, 32, 28, 28);
          Function<Var[], Var> pool = name.equals("max_pool2d")
              ? v -> Ops.maxPool2d(v[0], PoolGeometry.of(2))
              : v -> Ops.avgPool2d(v[0], PoolGeometry.of(2), true);
          return new Workload(name, "64x32x28x28 k2 s2", new Tensor[] {x}, pool);
        }
      case "cross_entropy":
        {
          Tensor logits = Tensor.randn(rng, DType.FLOAT32, 64, 10);
          Tensor target = Tensor.randint(rng, DType.FLOAT32, 0, 10, 64);
          return new Workload(name, "64x10", new Tensor[] {logits}, v -> Losses.crossEntropy(v[0], target));
        }
      default:
        throw new IllegalArgumentException(name);
    }
  }

  /** Forward only, nothing recorded (as under {@code torch.no_grad()}). */
  private static double forwardMs(Workload work) {
    Var[] leaves = new Var[work.leaves().length];
    for (int i = 0; i < leaves.length; i++) {
      leaves[i] = Var.constant(work.leaves()[i]);
    }
    Runnable run = () -> {
      try (TensorScope step = TensorScope.open(); Autodiff.Scope ignored = Autodiff.noGrad()) {
        work.fn().apply(leaves);
      }
    };
    return Timing.medianSeconds(run, WARMUP_RUNS, WARMUP_SECONDS, MIN_RUNS, MIN_SECONDS) * 1e3;
  }

  /** {@code fn(leaves).sum().backward()} with every leaf requiring a gradient, gradients cleared first. */
  private static double forwardBackwardMs(Workload work) {
    Var[] leaves = new Var[work.leaves().length];
    for (int i = 0; i < leaves.length; i++) {
      leaves[i] = Var.parameter(work.leaves()[i].copy());
    }
    Runnable run = () -> {
      try (TensorScope step = TensorScope.open()) {
        for (Var leaf : leaves) {
          leaf.zeroGrad();
        }
        work.fn().apply(leaves).sum().backward();
      }
    };
    return Timing.medianSeconds(run, WARMUP_RUNS, WARMUP_SECONDS, MIN_RUNS, MIN_SECONDS) * 1e3;
  }
}
