package dev.wengert.examples.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wengert.examples.CliRun;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three course-notes experiments in {@code --quick} mode: exit code, table, pictures, and what they must show. */
class ExperimentsTest {

  @TempDir Path dir;

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }


  private static void assertDecodes(Path file) throws Exception {
    assertNotNull(ImageIO.read(file.toFile()), file + " decodes");
  }

  @Test
  void edgesLearnsTheSobelKernelAndComparesPadding() throws Exception {
    CliRun r = run("edges", "--quick", "--data", "embedded", "--threads", "2", "--out", dir.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("target (Sobel-x)"), r.out());
    Matcher mse = Pattern.compile("initial ([0-9.eE+-]+), final ([0-9.eE+-]+)").matcher(r.out());
    assertTrue(mse.find(), r.out());
    double initial = Double.parseDouble(mse.group(1));
    double fin = Double.parseDouble(mse.group(2));
    assertTrue(fin < initial / 10, "final MSE " + fin + " vs initial " + initial);
    assertTrue(r.out().contains("border MSE") && r.out().contains("interior MSE"), r.out());
    double[] zero = borderAndInterior(r.out(), "zero (= mean grey)");
    double[] replicate = borderAndInterior(r.out(), "replicate");
    assertEquals(zero[1], replicate[1], 1e-12, "padding changes nothing inside");
    assertTrue(zero[0] > zero[1] && replicate[0] > replicate[1], "the border is where padding errs");
    assertDecodes(dir.resolve("edges.png"));
  }

  private static double[] borderAndInterior(String out, String mode) {
    Matcher m = Pattern.compile(Pattern.quote(mode) + "\\s+([0-9.eE+-]+)\\s+([0-9.eE+-]+)").matcher(out);
    assertTrue(m.find(), mode + " row in\n" + out);
    return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))};
  }

  @Test
  void invarianceReportsAccuraciesOfEveryNet() throws Exception {
    CliRun r = run("invariance", "--quick", "--out", dir.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("same region (top-left)"), r.out());
    for (String net : InvarianceCommand.NETS) {
      Matcher m = Pattern.compile("\n" + net + "\\s+([0-9.]+)\\s+([0-9.]+)\\s+([0-9.]+)\n").matcher(r.out());
      assertTrue(m.find(), net + " row in\n" + r.out());
      for (int i = 1; i <= 3; i++) {
        double accuracy = Double.parseDouble(m.group(i));
        assertTrue(accuracy >= 0 && accuracy <= 1, net + ": " + accuracy);
      }
      if (net.contains("pool") && !net.equals("no pool")) {
        assertTrue(Double.parseDouble(m.group(1)) > 0.55, net + " beats chance where it was trained: " + m.group(1));
      }
    }
    assertDecodes(dir.resolve("invariance.png"));
    assertDecodes(dir.resolve("invariance-examples.png"));
  }

  @Test
  void rgbPrintsShapesByTheFormulaAndColourKernels() throws Exception {
    CliRun r = run("rgb", "--quick", "--out", dir.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("floor((32 - 5 + 2*2)/1) + 1 = 32"), r.out());
    assertTrue(r.out().contains("[1,16,8,8]"), r.out());
    assertTrue(r.out().contains("test accuracy per class"), r.out());
    assertTrue(Pattern.compile("test accuracy [01]\\.[0-9]{3} ").matcher(r.out()).find(), r.out());
    assertDecodes(dir.resolve("kernels.png"));
    assertDecodes(dir.resolve("rgb-examples.png"));
  }
}
