package dev.wengert.examples.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the training data comes from: {@code auto} takes the full Fashion-MNIST of Debian's
 * {@code dataset-fashion-mnist} package when it is installed and the subset embedded in the jar
 * otherwise; {@code embedded} forces the subset; any other value is a directory holding the four
 * IDX files (MNIST works too).
 */
public final class DataSource {

  /** Where Debian's {@code dataset-fashion-mnist} installs the data set. */
  public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  private static final String EMBEDDED = "/dev/wengert/examples/data/fashion-mnist-subset/";

  /** The training and test sets and a line describing them. */
  public record Loaded(Dataset train, Dataset test, String description) {

    /** The first {@code trainCount} and {@code testCount} examples (0 keeps a whole set). */
    public Loaded limited(int trainCount, int testCount) {
      Dataset tr = trainCount > 0 && trainCount < train.size() ? train.first(trainCount) : train;
      Dataset te = testCount > 0 && testCount < test.size() ? test.first(testCount) : test;
      if (tr == train && te == test) {
        return this;
      }
      return new Loaded(tr, te, description + String.format(", limited to %,d train / %,d test images", tr.size(), te.size()));
    }
  }

  private DataSource() {}

  /** Loads {@code spec}: {@code auto}, {@code embedded} or a directory. */
  public static Loaded load(String spec) throws IOException {
    if (spec.equals("embedded") || (spec.equals("auto") && !Files.isDirectory(DEBIAN_DIR))) {
      return new Loaded(
          embedded("train"), embedded("t10k"), "the embedded Fashion-MNIST subset (6,000 train / 1,000 test images)");
    }
    Path dir = spec.equals("auto") ? DEBIAN_DIR : Path.of(spec);
    if (!Files.isDirectory(dir)) {
      throw new IdxFormatException("data directory " + dir + " does not exist");
    }
    Dataset train = fromDirectory(dir, "train");
    Dataset test = fromDirectory(dir, "t10k");
    return new Loaded(
        train, test, String.format("%s (%,d train / %,d test images)", dir, train.size(), test.size()));
  }

  private static Dataset embedded(String split) throws IOException {
    return new Dataset(
        resource(EMBEDDED + split + "-images-idx3-ubyte.gz", 3), resource(EMBEDDED + split + "-labels-idx1-ubyte.gz", 1),
        "embedded " + split);
  }

  private static Idx.Array resource(String name, int dims) throws IOException {
    try (InputStream in = DataSource.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IdxFormatException("the jar lacks the embedded data file " + name);
      }
      return Idx.read(in, name, dims);
    }
  }

  private static Dataset fromDirectory(Path dir, String split) throws IOException {
    Path images = find(dir, split + "-images-idx3-ubyte");
    Path labels = find(dir, split + "-labels-idx1-ubyte");
    try (InputStream i = Files.newInputStream(images);
        InputStream l = Files.newInputStream(labels)) {
      return new Dataset(Idx.read(i, images.toString(), 3), Idx.read(l, labels.toString(), 1), dir + " " + split);
    }
  }

  /** The file {@code base} or {@code base.gz} in {@code dir}. */
  private static Path find(Path dir, String base) throws IdxFormatException {
    for (String name : new String[] {base + ".gz", base}) {
      Path p = dir.resolve(name);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new IdxFormatException(dir + " has no " + base + "[.gz]");
  }
}
