package dev.wengert.examples.experiments;

import dev.wengert.autodiff.ops.Conv2dOptions;
import dev.wengert.core.PoolGeometry;
import dev.wengert.core.Rng;
import dev.wengert.examples.train.RunDirectory;
import dev.wengert.layers.Activation;
import dev.wengert.layers.Conv2d;
import dev.wengert.layers.Flatten;
import dev.wengert.layers.Linear;
import dev.wengert.layers.Pool2d;
import dev.wengert.layers.Sequential;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code wengert invariance}: does max pooling make a CNN find a pattern where it never saw one?
 *
 * <p>The data ({@link IceCreamImages}): noise images with an ice cream (class 1) or an upside-down
 * one (class 0). Training images put the pattern's top-left corner only at rows and columns 0–9
 * (the pattern stays in the top-left quadrant); the test sets put it there too (fresh images), 1–4
 * pixels further down and right (corner at 10–13), and in the bottom-right quadrant (corner at
 * 14–23, 14 pixels away).
 *
 * <p>The nets share one feature extractor, {@code conv 3×3 (1→8, padding 1) → ReLU → [pool] → conv
 * 3×3 (8→16, padding 1) → ReLU → [pool]}, and end in {@code flatten → linear(→2)}:
 *
 * <ul>
 *   <li>max pool: 2×2 max pooling at both places (a 16×7×7 map into the linear layer);
 *   <li>avg pool: the same with 2×2 average pooling;
 *   <li>no pool: stride-1 convolutions only (16×28×28 into the linear layer);
 *   <li>global max: 2×2 max pooling after the first conv and a 14×14 max pool (the whole map) after
 *       the second, so the linear layer sees 16 numbers that do not depend on where the pattern is.
 * </ul>
 *
 * <p>All nets train on the same images from the same seed with Adam and cross entropy; the table
 * reports the measured test accuracies, whatever they are ({@code --repeats} averages over fresh
 * data and initial weights, since a net that never saw a position guesses there).
 */
@Command(
    name = "invariance",
    mixinStandardHelpOptions = true,
    description = "Train nets with max, average and no pooling on patterns in one quadrant; test them in another.")
public final class InvarianceCommand implements Callable<Integer> {

  @Mixin ExperimentOptions common;

  @Option(names = "--train", description = "Training images (default: 4000; 1000 with --quick).")
  Integer trainCount;

  @Option(names = "--epochs", description = "Epochs (default: 6; 3 with --quick).")
  Integer epochs;

  @Option(names = "--lr", defaultValue = "5e-3", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--repeats", defaultValue = "1",
      description = "Independent repeats (new data and initial weights) to average over (default: ${DEFAULT-VALUE}).")
  int repeats;

  private static final int BATCH = 32;
  static final List<String> NETS = List.of("max pool", "avg pool", "no pool", "global max");
  private static final List<IceCreamImages.Region> TESTS =
      List.of(IceCreamImages.Region.TOP_LEFT, IceCreamImages.Region.NEAR, IceCreamImages.Region.BOTTOM_RIGHT);
  private static final List<String> COLUMNS = List.of("same region (top-left)", "shifted 1-4 px", "shifted (bottom-right)");

  /** One net's test accuracies, {@code accuracy[test set][repeat]}. */
  record Row(String net, double[][] accuracy) {
    double mean(int test) {
      return Arrays.stream(accuracy[test]).average().orElseThrow();
    }

    /** The sample standard deviation over the repeats (0 for one). */
    double sd(int test) {
      double m = mean(test);
      int n = accuracy[test].length;
      return n < 2 ? 0 : Math.sqrt(Arrays.stream(accuracy[test]).map(a -> (a - m) * (a - m)).sum() / (n - 1));
    }
  }

  @Override
  public Integer call() throws Exception {
    long start = System.nanoTime();
    int n = trainCount != null ? trainCount : common.quick ? 1000 : 4000;
    int testN = common.quick ? 400 : 2000;
    int epochCount = epochs != null ? epochs : common.quick ? 3 : 6;
    if (n < 2 || epochCount < 1 || repeats < 1 || !(lr > 0)) {
      throw new IllegalArgumentException("--train must be >= 2, --epochs and --repeats >= 1 and --lr positive");
    }
    RunDirectory run = common.start("invariance");
    System.out.printf(Locale.ROOT,
        "%d training images (pattern's corner at rows/cols 0-9), %d images per test set; Adam lr %s, %d epochs of batches of %d, %d repeat(s)%n",
        n, testN, lr, epochCount, BATCH, repeats);
    Rng rng = new Rng(common.seed);
    double[][][] accuracy = new double[NETS.size()][TESTS.size()][repeats];
    LabelledImages firstTrain = null;
    LabelledImages firstShifted = null;
    for (int rep = 0; rep < repeats; rep++) {
      Rng repeat = rng.split();
      LabelledImages train = IceCreamImages.generate(n, IceCreamImages.Region.TOP_LEFT, repeat.split());
      List<LabelledImages> tests = new ArrayList<>();
      for (IceCreamImages.Region region : TESTS) {
        tests.add(IceCreamImages.generate(testN, region, repeat.split()));
      }
      if (rep == 0) {
        firstTrain = train;
        firstShifted = tests.get(TESTS.size() - 1);
      }
      long modelSeed = repeat.nextLong();
      long shuffleSeed = repeat.nextLong();
      for (int net = 0; net < NETS.size(); net++) {
        long t0 = System.nanoTime();
        Sequential model = model(NETS.get(net), new Rng(modelSeed));
        double loss = Classifiers.train(model, train, epochCount, BATCH, lr, new Rng(shuffleSeed));
        for (int t = 0; t < TESTS.size(); t++) {
          accuracy[net][t][rep] = Classifiers.accuracy(model, tests.get(t));
        }
        System.out.printf(Locale.ROOT, "repeat %d: trained %-10s (%,d parameters) in %.1f s, final training loss %.4f%n",
            rep + 1, NETS.get(net), model.parameterCount(), (System.nanoTime() - t0) / 1e9, loss);
      }
    }
    List<Row> rows = new ArrayList<>();
    for (int net = 0; net < NETS.size(); net++) {
      rows.add(new Row(NETS.get(net), accuracy[net]));
    }
    System.out.println();
    System.out.print(table(rows));
    System.out.println("test accuracy" + (repeats > 1 ? " (mean ± sd over " + repeats + " repeats)" : "") + "; chance = 0.500 (balanced classes)");
    writeChart(run, rows);
    writeExamples(run, firstTrain, firstShifted);
    System.out.printf(Locale.ROOT, "wrote %s and invariance-examples.png (%.1f s)%n",
        run.path().resolve("invariance.png"), (System.nanoTime() - start) / 1e9);
    return 0;
  }

  /** The net named {@code net} (see the class comment), initialised from {@code rng}. */
  static Sequential model(String net, Rng rng) {
    Conv2dOptions same = Conv2dOptions.defaults().padding(1);
    Conv2d first = new Conv2d(1, 8, 3, same, rng);
    Conv2d second = new Conv2d(8, 16, 3, same, rng);
    return switch (net) {
      case "max pool" -> new Sequential(first, Activation.relu(), Pool2d.max(2), second, Activation.relu(), Pool2d.max(2),
          new Flatten(), new Linear(16 * 7 * 7, 2, rng));
      case "avg pool" -> new Sequential(first, Activation.relu(), Pool2d.avg(2), second, Activation.relu(), Pool2d.avg(2),
          new Flatten(), new Linear(16 * 7 * 7, 2, rng));
      case "no pool" -> new Sequential(first, Activation.relu(), second, Activation.relu(),
          new Flatten(), new Linear(16 * 28 * 28, 2, rng));
      case "global max" -> new Sequential(first, Activation.relu(), Pool2d.max(2), second, Activation.relu(),
          Pool2d.max(PoolGeometry.of(14)), new Flatten(), new Linear(16, 2, rng));
      default -> throw new IllegalArgumentException("unknown net " + net);
    };
  }

  static String table(List<Row> rows) {
    boolean spread = rows.get(0).accuracy()[0].length > 1;
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-12s", "net"));
    COLUMNS.forEach(c -> sb.append(String.format(Locale.ROOT, " %24s", c)));
    sb.append('\n');
    for (Row r : rows) {
      sb.append(String.format(Locale.ROOT, "%-12s", r.net()));
      for (int t = 0; t < COLUMNS.size(); t++) {
        String cell = spread
            ? String.format(Locale.ROOT, "%.3f ± %.3f", r.mean(t), r.sd(t))
            : String.format(Locale.ROOT, "%.3f", r.mean(t));
        sb.append(String.format(Locale.ROOT, " %24s", cell));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static void writeChart(RunDirectory run, List<Row> rows) throws IOException {
    CategoryChart chart = new CategoryChartBuilder().width(760).height(440)
        .title("Test accuracy: pattern where trained vs. shifted").xAxisTitle("net").yAxisTitle("accuracy").build();
    chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
    List<String> nets = rows.stream().map(Row::net).toList();
    boolean spread = rows.get(0).accuracy()[0].length > 1;
    for (int t = 0; t < COLUMNS.size(); t++) {
      int test = t;
      List<Double> means = rows.stream().map(r -> r.mean(test)).toList();
      if (spread) {
        chart.addSeries(COLUMNS.get(t), nets, means, rows.stream().map(r -> r.sd(test)).toList());
      } else {
        chart.addSeries(COLUMNS.get(t), nets, means);
      }
    }
    Pictures.writeChart(run.path().resolve("invariance.png"), chart);
  }

  private static void writeExamples(RunDirectory run, LabelledImages train, LabelledImages shifted) throws IOException {
    List<List<Pictures.Panel>> grid = new ArrayList<>();
    for (LabelledImages set : List.of(train, shifted)) {
      List<Pictures.Panel> row = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        String what = (set == train ? "train: " : "shifted: ") + (set.label(i) == 1 ? "ice cream" : "upside down");
        row.add(Pictures.grey(what, set.plane(i, 0), -1, 1.5));
      }
      grid.add(row);
    }
    Pictures.writePng(run.path().resolve("invariance-examples.png"), Pictures.grid(grid, 5));
  }
}
