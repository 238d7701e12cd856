package dev.wengert.examples.experiments;

import dev.wengert.autodiff.Autodiff;
import dev.wengert.autodiff.Tape;
import dev.wengert.autodiff.Var;
import dev.wengert.autodiff.ops.Conv2dOptions;
import dev.wengert.autodiff.ops.Losses;
import dev.wengert.autodiff.ops.Ops;
import dev.wengert.autodiff.ops.Reduction;
import dev.wengert.core.DType;
import dev.wengert.core.PaddingMode;
import dev.wengert.core.Rng;
import dev.wengert.core.Tensor;
import dev.wengert.examples.data.DataSource;
import dev.wengert.examples.data.Dataset;
import dev.wengert.examples.train.RunDirectory;
import dev.wengert.optim.Adam;
import dev.wengert.optim.CosineAnnealingLR;
import dev.wengert.optim.Optimizer;
import dev.wengert.optim.ParamGroup;
import dev.wengert.optim.Sgd;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code wengert edges}: learns one 3×3 kernel by gradient descent so that {@code conv2d(image, w)}
 * reproduces the vertical-edge (Sobel-x) response, then measures what the padding mode does to a
 * "same"-size output.
 *
 * <p><b>Learning.</b> The kernel {@code w} ({@code [1, 1, 3, 3]}, float64, standard normal / 3 from
 * the seed, no bias) minimises the mean squared error between {@code conv2d(x, w)} and {@code
 * conv2d(x, sobelX)}, {@code sobelX = [[1,0,−1],[2,0,−2],[1,0,−1]]}, both 'valid' (28×28 → 26×26),
 * over mini-batches of Fashion-MNIST training images normalised as for training ({@code (p/255 −
 * 0.2860)/0.3530}). Adam (or SGD with momentum 0.9) with a cosine schedule to zero. The initial and
 * final MSE are measured on held-out test images.
 *
 * <p><b>Padding.</b> A padding mode guesses the pixels beyond the image's edge. To score the guess
 * against the truth, each test image gives a random 22×22 window; its central 20×20 crop is the
 * "image", and the window's 'valid' Sobel-x response (20×20) is the true response of the crop,
 * computed with its real neighbourhood. The crop's 'same'-size output (padding 1) with the learned
 * kernel and each padding mode is compared with it: the table gives the mean squared error on the
 * border (the 76 pixels of the outer ring, whose 3×3 windows reach into the padding) and on the
 * interior (the other 324, where every mode computes the same thing), averaged over the test
 * crops; the last column repeats the border error for the exact Sobel-x kernel, to separate the
 * padding's error from the learning's. Zero padding pads with 0 in normalised units, i.e. the data
 * set's mean grey, while Fashion-MNIST's background is black (−0.81); the row "black" pads with
 * black instead, which is zero padding of the raw pixels.
 */
@Command(
    name = "edges",
    mixinStandardHelpOptions = true,
    description = "Learn a 3x3 kernel that reproduces Sobel-x edges on Fashion-MNIST; compare zero and replicate padding.")
public final class EdgesCommand implements Callable<Integer> {

  static final double[] SOBEL_X = {1, 0, -1, 2, 0, -2, 1, 0, -1};
  private static final int CROP = 20;
  private static final int BATCH = 64;

  @Mixin ExperimentOptions common;

  @Option(names = "--data", defaultValue = "auto", description = "auto, embedded, or a directory with the four IDX files (default: ${DEFAULT-VALUE}).")
  String data;

  @Option(names = "--optimizer", defaultValue = "adam", description = "adam or sgd (momentum 0.9) (default: ${DEFAULT-VALUE}).")
  String optimizer;

  @Option(names = "--lr", description = "Learning rate (default: 0.1 for adam, 0.05 for sgd).")
  Double lr;

  @Option(names = "--steps", description = "Gradient steps on mini-batches of 64 (default: 1000; 150 with --quick).")
  Integer steps;

  @Option(names = "--images", description = "Training images (default: 2000; 256 with --quick).")
  Integer images;

  /** What {@link #train} returns: the kernel and the test MSE before and after. */
  record Result(Tensor kernel, double initialMse, double finalMse) {}

  @Override
  public Integer call() throws Exception {
    long start = System.nanoTime();
    if (!optimizer.equals("adam") && !optimizer.equals("sgd")) {
      throw new IllegalArgumentException("unknown optimizer '" + optimizer + "'; valid optimizers: adam, sgd");
    }
    int stepCount = steps != null ? steps : common.quick ? 150 : 1000;
    int trainCount = images != null ? images : common.quick ? 256 : 2000;
    int testCount = common.quick ? 200 : 1000;
    double rate = lr != null ? lr : optimizer.equals("adam") ? 0.1 : 0.05;
    if (stepCount < 1 || trainCount < 1 || !(rate > 0)) {
      throw new IllegalArgumentException("--steps and --images must be >= 1 and --lr positive");
    }
    RunDirectory run = common.start("edges");
    DataSource.Loaded loaded = DataSource.load(data);
    Dataset train = loaded.train().first(Math.min(trainCount, loaded.train().size()));
    Dataset test = loaded.test().first(Math.min(testCount, loaded.test().size()));
    System.out.println("data: " + loaded.description() + "; " + train.size() + " training and " + test.size() + " test images");
    System.out.printf(Locale.ROOT,
        "learning one 3x3 kernel (no bias): %s lr %s, cosine schedule, %d steps of %d images; loss = MSE of conv2d(x, w) vs conv2d(x, sobel_x), 'valid'%n",
        optimizer, rate, stepCount, BATCH);

    Rng rng = new Rng(common.seed);
    Tensor sobel = Tensor.of(SOBEL_X, 1, 1, 3, 3);
    Result result = train(train, test, sobel, optimizer, rate, stepCount, rng);
    System.out.println();
    System.out.println(kernelTable(result.kernel(), sobel));
    System.out.printf(Locale.ROOT, "test MSE ('valid', %d images): initial %.4g, final %.4g (%.3g of the initial)%n%n",
        test.size(), result.initialMse(), result.finalMse(), result.finalMse() / result.initialMse());

    Crops crops = Crops.sample(test, rng.split());
    List<PaddingMode> modes = List.of(PaddingMode.ZERO, PaddingMode.REPLICATE, PaddingMode.REFLECT, PaddingMode.CIRCULAR);
    Tensor truth = valid(crops.windows(), sobel);
    System.out.printf(Locale.ROOT,
        "'same'-size output (padding 1) of %dx%d crops of %d test images vs. the true response (the 'valid' response of the %dx%d window around each crop)%n",
        CROP, CROP, test.size(), CROP + 2, CROP + 2);
    String header = "%-24s %12s %14s %22s%n";
    String row = "%-24s %12.4g %14.4g %22.4g%n";
    System.out.printf(Locale.ROOT, header, "padding", "border MSE", "interior MSE", "border MSE (Sobel-x)");
    List<Tensor> sameOutputs = new ArrayList<>();
    for (PaddingMode mode : modes) {
      Tensor learned = same(crops.crops(), result.kernel(), mode);
      sameOutputs.add(learned);
      double[] e = borderAndInterior(learned, truth);
      double[] exact = borderAndInterior(same(crops.crops(), sobel, mode), truth);
      String name = mode == PaddingMode.ZERO ? "zero (= mean grey)" : mode.toString();
      System.out.printf(Locale.ROOT, row, name, e[0], e[1], exact[0]);
    }
    Tensor black = padConstant(crops.crops(), -Dataset.MEAN / Dataset.STD);
    double[] e = borderAndInterior(valid(black, result.kernel()), truth);
    double[] exact = borderAndInterior(valid(black, sobel), truth);
    System.out.printf(Locale.ROOT, row, "black (zero raw pixel)", e[0], e[1], exact[0]);
    System.out.printf(Locale.ROOT, "border = the %d outer-ring pixels of each %dx%d output, interior = the other %d%n",
        4 * CROP - 4, CROP, CROP, (CROP - 2) * (CROP - 2));

    writePicture(run, test, crops, sobel, result.kernel(), truth, sameOutputs.get(0), sameOutputs.get(1));
    System.out.printf(Locale.ROOT, "wrote %s (%.1f s)%n", run.path().resolve("edges.png"), (System.nanoTime() - start) / 1e9);
    return 0;
  }

  /** Fits the kernel to the Sobel-x response of {@code train}; measures the MSE on {@code test}. */
  static Result train(Dataset train, Dataset test, Tensor sobel, String optimizerName, double lr, int steps, Rng rng) {
    Var kernel = Var.parameter(Tensor.randn(rng.split(), DType.FLOAT64, 1, 1, 3, 3).mul(1.0 / 3));
    Tensor trainImages = train.images(range(train.size())).to(DType.FLOAT64);
    Tensor trainTargets = valid(trainImages, sobel);
    Tensor testImages = test.images(range(test.size())).to(DType.FLOAT64);
    Tensor testTargets = valid(testImages, sobel);
    double initial = mse(valid(testImages, kernel.value()), testTargets);
    ParamGroup group = ParamGroup.of(kernel);
    Optimizer opt = optimizerName.equals("adam")
        ? new Adam(group, Adam.options().lr(lr))
        : new Sgd(group, Sgd.options(lr).momentum(0.9));
    CosineAnnealingLR schedule = new CosineAnnealingLR(opt, steps, 0);
    Rng shuffle = rng.split();
    int[] order = range(train.size());
    int cursor = order.length;
    int reportEvery = Math.max(1, steps / 5);
    for (int step = 1; step <= steps; step++) {
      int[] batch = new int[Math.min(BATCH, order.length)];
      for (int i = 0; i < batch.length; i++) {
        if (cursor == order.length) {
          shuffle.shuffle(order);
          cursor = 0;
        }
        batch[i] = order[cursor++];
      }
      double loss;
      try (Tape tape = Tape.open()) {
        Var out = Ops.conv2d(Var.constant(rows(trainImages, batch)), kernel, null, Conv2dOptions.defaults());
        Var l = Losses.mseLoss(out, Var.constant(rows(trainTargets, batch)), Reduction.MEAN);
        l.backward();
        loss = l.item();
      }
      opt.step();
      opt.zeroGrad();
      schedule.step();
      if (step == 1 || step % reportEvery == 0) {
        System.out.printf(Locale.ROOT, "step %4d  batch MSE %.4g%n", step, loss);
      }
    }
    double fin = mse(valid(testImages, kernel.value()), testTargets);
    return new Result(kernel.value().copy(), initial, fin);
  }

  /** The learned kernel beside the target, rounded to three decimals. */
  static String kernelTable(Tensor learned, Tensor target) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-26s   %s%n", "learned kernel", "target (Sobel-x)"));
    for (int r = 0; r < 3; r++) {
      sb.append(String.format(Locale.ROOT, "[%7.3f %7.3f %7.3f]      [%2.0f %2.0f %2.0f]%n",
          learned.get(0, 0, r, 0), learned.get(0, 0, r, 1), learned.get(0, 0, r, 2),
          target.get(0, 0, r, 0), target.get(0, 0, r, 1), target.get(0, 0, r, 2)));
    }
    double maxDiff = learned.sub(target).abs().max().item();
    sb.append(String.format(Locale.ROOT, "max |learned - target| = %.3g", maxDiff));
    return sb.toString();
  }

  /** Random 22×22 windows of test images (one per image) and their central 20×20 crops, float64. */
  record Crops(Tensor windows, Tensor crops, int[] rowOffsets, int[] colOffsets) {
    static Crops sample(Dataset data, Rng rng) {
      int n = data.size();
      int w = CROP + 2;
      double[] windows = new double[n * w * w];
      double[] crops = new double[n * CROP * CROP];
      int[] rowOffsets = new int[n];
      int[] colOffsets = new int[n];
      Tensor all = data.images(range(n));
      for (int i = 0; i < n; i++) {
        rowOffsets[i] = rng.nextInt(data.rows() - w + 1);
        colOffsets[i] = rng.nextInt(data.cols() - w + 1);
        for (int r = 0; r < w; r++) {
          for (int c = 0; c < w; c++) {
            double v = all.get(i, 0, rowOffsets[i] + r, colOffsets[i] + c);
            windows[(i * w + r) * w + c] = v;
            if (r >= 1 && r <= CROP && c >= 1 && c <= CROP) {
              crops[(i * CROP + r - 1) * CROP + c - 1] = v;
            }
          }
        }
      }
      return new Crops(Tensor.wrap(windows, n, 1, w, w), Tensor.wrap(crops, n, 1, CROP, CROP), rowOffsets, colOffsets);
    }
  }

  /** Mean squared error on the outer ring and on the rest of {@code [n, 1, h, w]} outputs. */
  static double[] borderAndInterior(Tensor output, Tensor truth) {
    int n = output.size(0);
    int h = output.size(2);
    int w = output.size(3);
    double border = 0;
    double interior = 0;
    long borderCount = 0;
    long interiorCount = 0;
    for (int i = 0; i < n; i++) {
      for (int r = 0; r < h; r++) {
        for (int c = 0; c < w; c++) {
          double d = output.get(i, 0, r, c) - truth.get(i, 0, r, c);
          if (r == 0 || c == 0 || r == h - 1 || c == w - 1) {
            border += d * d;
            borderCount++;
          } else {
            interior += d * d;
            interiorCount++;
          }
        }
      }
    }
    return new double[] {border / borderCount, interior / interiorCount};
  }

  private void writePicture(
      RunDirectory run, Dataset test, Crops crops, Tensor sobel, Tensor kernel, Tensor truth, Tensor zero, Tensor replicate)
      throws java.io.IOException {
    int example = 0;
    double best = -1;
    for (int i = 0; i < crops.crops().size(0); i++) {
      double energy = borderAndInterior(Tensor.zerosLike(truth.narrow(0, i, 1)), truth.narrow(0, i, 1))[0];
      if (energy > best) {
        best = energy;
        example = i;
      }
    }
    Tensor image = test.images(new int[] {example}).to(DType.FLOAT64);
    double[][] target = plane(valid(image, sobel));
    double[][] learned = plane(valid(image, kernel));
    double responseScale = Pictures.maxAbs(target);
    double[][] trueCrop = plane(truth.narrow(0, example, 1));
    double[][] zeroOut = plane(zero.narrow(0, example, 1));
    double[][] replicateOut = plane(replicate.narrow(0, example, 1));
    double[][] zeroError = absDiff(zeroOut, trueCrop);
    double[][] replicateError = absDiff(replicateOut, trueCrop);
    double errorScale = Math.max(Pictures.max(zeroError), Pictures.max(replicateError));
    double cropScale = Pictures.maxAbs(trueCrop);
    List<List<Pictures.Panel>> rows = List.of(
        List.of(
            Pictures.grey("test image " + example, plane(image)),
            Pictures.diverging("target: Sobel-x, valid", target, responseScale),
            Pictures.diverging("learned kernel, valid", learned, responseScale),
            Pictures.heat("|learned - target|", absDiff(learned, target), errorScale)),
        List.of(
            Pictures.grey(String.format(Locale.ROOT, "%dx%d crop at (%d,%d)", CROP, CROP, crops.rowOffsets()[example] + 1,
                crops.colOffsets()[example] + 1), plane(crops.crops().narrow(0, example, 1))),
            Pictures.diverging("true response", trueCrop, cropScale),
            Pictures.diverging("same, zero pad", zeroOut, cropScale),
            Pictures.diverging("same, replicate pad", replicateOut, cropScale),
            Pictures.heat("|error|, zero pad", zeroError, errorScale),
            Pictures.heat("|error|, replicate pad", replicateError, errorScale)));
    Pictures.writePng(run.path().resolve("edges.png"), Pictures.grid(rows, 6));
  }

  private static Tensor valid(Tensor images, Tensor kernel) {
    try (Autodiff.Scope s = Autodiff.noGrad()) {
      return Ops.conv2d(Var.constant(images), Var.constant(kernel), null, Conv2dOptions.defaults()).value();
    }
  }

  private static Tensor same(Tensor images, Tensor kernel, PaddingMode mode) {
    try (Autodiff.Scope s = Autodiff.noGrad()) {
      return Ops.conv2d(Var.constant(images), Var.constant(kernel), null, Conv2dOptions.defaults().padding(1).paddingMode(mode))
          .value();
    }
  }

  /** {@code [n, 1, h, w]} images surrounded by one row and column of {@code value} on each side. */
  private static Tensor padConstant(Tensor images, double value) {
    int n = images.size(0);
    int h = images.size(2);
    int w = images.size(3);
    Tensor out = Tensor.full(DType.FLOAT64, value, n, 1, h + 2, w + 2);
    out.narrow(2, 1, h).narrow(3, 1, w).copyFrom(images);
    return out;
  }

  private static double mse(Tensor a, Tensor b) {
    return a.sub(b).square().mean().item();
  }

  /** The rows {@code indices} of a {@code [n, …]} float64 tensor, as a new contiguous tensor. */
  private static Tensor rows(Tensor t, int[] indices) {
    int[] shape = t.shape();
    int size = t.numel() / shape[0];
    double[] src = t.contiguous().doubleData();
    double[] out = new double[indices.length * size];
    for (int b = 0; b < indices.length; b++) {
      System.arraycopy(src, indices[b] * size, out, b * size, size);
    }
    shape[0] = indices.length;
    return Tensor.wrap(out, shape);
  }

  private static double[][] plane(Tensor t) {
    int h = t.size(2);
    int w = t.size(3);
    double[][] out = new double[h][w];
    for (int r = 0; r < h; r++) {
      for (int c = 0; c < w; c++) {
        out[r][c] = t.get(0, 0, r, c);
      }
    }
    return out;
  }

  private static double[][] absDiff(double[][] a, double[][] b) {
    double[][] out = new double[a.length][a[0].length];
    for (int r = 0; r < a.length; r++) {
      for (int c = 0; c < a[0].length; c++) {
        out[r][c] = Math.abs(a[r][c] - b[r][c]);
      }
    }
    return out;
  }

  static int[] range(int n) {
    int[] out = new int[n];
    Arrays.setAll(out, i -> i);
    return out;
  }
}
