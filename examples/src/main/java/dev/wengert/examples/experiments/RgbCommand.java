package dev.wengert.examples.experiments;

import dev.wengert.autodiff.ops.Conv2dOptions;
import dev.wengert.core.ConvGeometry;
import dev.wengert.core.Rng;
import dev.wengert.examples.train.Charts;
import dev.wengert.examples.train.RunDirectory;
import dev.wengert.layers.Activation;
import dev.wengert.layers.Conv2d;
import dev.wengert.layers.Flatten;
import dev.wengert.layers.Linear;
import dev.wengert.layers.Pool2d;
import dev.wengert.layers.Sequential;
import dev.wengert.layers.Summary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code wengert rgb}: a CNN on colour images. The data ({@link ColouredShapes}) are red, green and
 * blue circles, squares and triangles, 9 classes (shape × colour). The net: {@code conv (M kernels
 * of k×k×3, padding p, stride s) → ReLU → 2×2 max pool → conv (16 kernels of 3×3×M, padding 1) →
 * ReLU → 2×2 max pool → flatten → linear(→9)}. The command prints every layer's output size from
 * the formula {@code floor((N − k + 2p)/s) + 1} with the numbers filled in (via {@link ConvGeometry}),
 * then the layers' own {@link Summary} table, trains with Adam, prints the test accuracy per class and writes the
 * first layer's kernels as colour images ({@code kernels.png}) and example images.
 */
@Command(
    name = "rgb",
    mixinStandardHelpOptions = true,
    description = "Train a small CNN on synthetic coloured shapes; print the layer sizes and show the colour kernels.")
public final class RgbCommand implements Callable<Integer> {

  @Mixin ExperimentOptions common;

  @Option(names = "--kernels", defaultValue = "8", description = "M, the first conv layer's kernels (default: ${DEFAULT-VALUE}).")
  int kernels;

  @Option(names = "--kernel-size", defaultValue = "5", description = "k, their size k x k x 3 (default: ${DEFAULT-VALUE}).")
  int kernelSize;

  @Option(names = "--padding", description = "p of the first conv (default: (k-1)/2, which keeps 32x32 at stride 1).")
  Integer padding;

  @Option(names = "--stride", defaultValue = "1", description = "s of the first conv (default: ${DEFAULT-VALUE}).")
  int stride;

  @Option(names = "--train", description = "Training images (default: 3000; 450 with --quick).")
  Integer trainCount;

  @Option(names = "--epochs", description = "Epochs (default: 8; 2 with --quick).")
  Integer epochs;

  @Option(names = "--lr", defaultValue = "5e-3", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
  double lr;

  private static final int BATCH = 32;
  private static final int SECOND_CONV = 16;

  @Override
  public Integer call() throws Exception {
    long start = System.nanoTime();
    int n = trainCount != null ? trainCount : common.quick ? 450 : 3000;
    int testN = common.quick ? 270 : 900;
    int epochCount = epochs != null ? epochs : common.quick ? 2 : 8;
    int pad = padding != null ? padding : (kernelSize - 1) / 2;
    if (kernels < 1 || kernelSize < 1 || stride < 1 || pad < 0 || n < 1 || epochCount < 1 || !(lr > 0)) {
      throw new IllegalArgumentException(
          "--kernels, --kernel-size, --stride, --train and --epochs must be >= 1, --padding >= 0 and --lr positive");
    }
    RunDirectory run = common.start("rgb");
    Rng rng = new Rng(common.seed);
    LabelledImages train = ColouredShapes.generate(n, rng.split());
    LabelledImages test = ColouredShapes.generate(testN, rng.split());

    List<String> formulas = new ArrayList<>();
    int flat = shapesByFormula(formulas);
    Conv2d first = new Conv2d(3, kernels, kernelSize, Conv2dOptions.defaults().padding(pad).stride(stride), rng.split());
    Sequential model = new Sequential(
        first, Activation.relu(), Pool2d.max(2),
        new Conv2d(kernels, SECOND_CONV, 3, Conv2dOptions.defaults().padding(1), rng.split()), Activation.relu(), Pool2d.max(2),
        new Flatten(), new Linear(flat, ColouredShapes.CLASSES, rng.split()));
    System.out.println("output sizes by the formula out = floor((N - k + 2p)/s) + 1, for one 32x32x3 image:");
    formulas.forEach(System.out::println);
    String summary = Summary.of(model, 1, 3, ColouredShapes.SIZE, ColouredShapes.SIZE);
    System.out.println();
    System.out.print(summary);
    RunDirectory.writeAtomically(run.path().resolve("summary.txt"), summary.getBytes(StandardCharsets.UTF_8));

    System.out.printf(Locale.ROOT, "%ntraining on %d images (%d test), Adam lr %s, %d epochs of batches of %d%n",
        n, testN, lr, epochCount, BATCH);
    double loss = Classifiers.train(model, train, epochCount, BATCH, lr, rng.split());
    int[] predicted = Classifiers.predict(model, test);
    System.out.printf(Locale.ROOT, "final training loss %.4f%n%n", loss);
    System.out.print(accuracyTable(test, predicted));

    Charts.writeKernels(run.path().resolve("kernels.png"), first.weight().value(), 16);
    writeExamples(run, test, predicted);
    System.out.printf(Locale.ROOT, "wrote %s, rgb-examples.png and summary.txt (%.1f s)%n",
        run.path().resolve("kernels.png"), (System.nanoTime() - start) / 1e9);
    return 0;
  }

  /** Appends one line per layer with the formula and its numbers; returns the flattened size. */
  private int shapesByFormula(List<String> lines) {
    int pad = padding != null ? padding : (kernelSize - 1) / 2;
    int size = ColouredShapes.SIZE;
    size = formula(lines, String.format(Locale.ROOT, "conv1: %d kernels of %dx%dx3", kernels, kernelSize, kernelSize),
        size, kernelSize, pad, stride, kernels);
    size = formula(lines, "max pool 2x2", size, 2, 0, 2, kernels);
    size = formula(lines, String.format(Locale.ROOT, "conv2: %d kernels of 3x3x%d", SECOND_CONV, kernels), size, 3, 1, 1, SECOND_CONV);
    size = formula(lines, "max pool 2x2", size, 2, 0, 2, SECOND_CONV);
    int flat = SECOND_CONV * size * size;
    lines.add(String.format(Locale.ROOT, "  %-28s %d x %d x %d = %d", "flatten", SECOND_CONV, size, size, flat));
    lines.add(String.format(Locale.ROOT, "  %-28s %d -> %d classes", "linear", flat, ColouredShapes.CLASSES));
    return flat;
  }

  private static int formula(List<String> lines, String layer, int n, int k, int p, int s, int channels) {
    int out = ConvGeometry.outputSize(n, k, p, s, 1);
    lines.add(String.format(Locale.ROOT, "  %-28s floor((%d - %d + 2*%d)/%d) + 1 = %d  -> %d x %d x %d",
        layer, n, k, p, s, out, channels, out, out));
    return out;
  }

  /** Overall accuracy, per-class accuracy as a shape × colour grid, and how often shape and colour alone are right. */
  static String accuracyTable(LabelledImages test, int[] predicted) {
    int classes = ColouredShapes.CLASSES;
    int[] correct = new int[classes];
    int[] count = new int[classes];
    int shapeRight = 0;
    int colourRight = 0;
    int colours = ColouredShapes.COLOURS.length;
    for (int i = 0; i < predicted.length; i++) {
      int truth = test.label(i);
      count[truth]++;
      if (predicted[i] == truth) {
        correct[truth]++;
      }
      shapeRight += predicted[i] / colours == truth / colours ? 1 : 0;
      colourRight += predicted[i] % colours == truth % colours ? 1 : 0;
    }
    StringBuilder sb = new StringBuilder("test accuracy per class\n");
    sb.append(String.format(Locale.ROOT, "%-10s", ""));
    Arrays.stream(ColouredShapes.COLOURS).forEach(c -> sb.append(String.format(Locale.ROOT, " %7s", c)));
    sb.append('\n');
    for (int shape = 0; shape < ColouredShapes.SHAPES.length; shape++) {
      sb.append(String.format(Locale.ROOT, "%-10s", ColouredShapes.SHAPES[shape]));
      for (int colour = 0; colour < colours; colour++) {
        int c = shape * colours + colour;
        sb.append(String.format(Locale.ROOT, " %7.3f", count[c] == 0 ? Double.NaN : (double) correct[c] / count[c]));
      }
      sb.append('\n');
    }
    int total = Arrays.stream(correct).sum();
    sb.append(String.format(Locale.ROOT, "test accuracy %.3f (%d/%d; chance %.3f); shape right %.3f, colour right %.3f%n",
        (double) total / predicted.length, total, predicted.length, 1.0 / classes,
        (double) shapeRight / predicted.length, (double) colourRight / predicted.length));
    return sb.toString();
  }

  private static void writeExamples(RunDirectory run, LabelledImages test, int[] predicted) throws IOException {
    List<List<Pictures.Panel>> grid = new ArrayList<>();
    List<Pictures.Panel> row = new ArrayList<>();
    for (int i = 0; i < Math.min(12, test.size()); i++) {
      double[][][] rgb = {test.plane(i, 0), test.plane(i, 1), test.plane(i, 2)};
      String caption = ColouredShapes.className(predicted[i]) + (predicted[i] == test.label(i) ? "" : " (wrong)");
      row.add(Pictures.colour(caption, rgb));
      if (row.size() == 6) {
        grid.add(row);
        row = new ArrayList<>();
      }
    }
    if (!row.isEmpty()) {
      grid.add(row);
    }
    Pictures.writePng(run.path().resolve("rgb-examples.png"), Pictures.grid(grid, 3));
  }
}
