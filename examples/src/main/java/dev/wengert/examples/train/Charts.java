package dev.wengert.examples.train;

import dev.wengert.core.Tensor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/** The run's pictures: loss and accuracy curves (XChart) and the first conv layer's kernels. */
public final class Charts {

  private Charts() {}

  /** Writes {@code loss.png} and {@code accuracy.png} from the metrics rows. */
  public static void writeCurves(Path dir, List<String> rows) throws IOException {
    int n = rows.size();
    double[] epoch = new double[n];
    double[][] columns = new double[4][n];
    for (int i = 0; i < n; i++) {
      String[] f = rows.get(i).split(",");
      epoch[i] = Double.parseDouble(f[0]);
      for (int c = 0; c < 4; c++) {
        columns[c][i] = Double.parseDouble(f[c + 1]);
      }
    }
    write(dir.resolve("loss.png"), chart("Loss", "cross entropy", epoch, columns[0], columns[2]));
    write(dir.resolve("accuracy.png"), chart("Accuracy", "accuracy", epoch, columns[1], columns[3]));
  }

  private static XYChart chart(String title, String yTitle, double[] epoch, double[] train, double[] test) {
    XYChart chart = new XYChartBuilder().width(640).height(420).title(title).xAxisTitle("epoch").yAxisTitle(yTitle).build();
    chart.addSeries("train", epoch, train);
    chart.addSeries("test", epoch, test);
    return chart;
  }

  private static void write(Path file, XYChart chart) throws IOException {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    BitmapEncoder.saveBitmap(chart, png, BitmapEncoder.BitmapFormat.PNG);
    RunDirectory.writeAtomically(file, png.toByteArray());
  }

  /**
   * Writes the kernels of a conv weight {@code [M, C, k, k]} as a grid of small grey images (the
   * first input channel of each; each kernel scaled to its own range, {@code scale} pixels per
   * weight), or as colour images when {@code C == 3}.
   */
  public static void writeKernels(Path file, Tensor weight, int scale) throws IOException {
    int m = weight.size(0);
    int channels = weight.size(1);
    int kh = weight.size(2);
    int kw = weight.size(3);
    int cols = (int) Math.ceil(Math.sqrt(m));
    int rows = (m + cols - 1) / cols;
    int cell = Math.max(kh, kw) * scale + 2;
    BufferedImage image = new BufferedImage(cols * cell + 2, rows * cell + 2, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        image.setRGB(x, y, 0x404040);
      }
    }
    boolean colour = channels == 3;
    for (int k = 0; k < m; k++) {
      Tensor kernel = weight.select(0, k);
      double min = kernel.min().item();
      double max = kernel.max().item();
      double range = Math.max(max - min, 1e-12);
      int ox = (k % cols) * cell + 2;
      int oy = (k / cols) * cell + 2;
      for (int r = 0; r < kh; r++) {
        for (int c = 0; c < kw; c++) {
          int rgb = 0;
          for (int ch = 0; ch < 3; ch++) {
            double v = kernel.get(colour ? ch : 0, r, c);
            int level = (int) Math.round(255 * (v - min) / range);
            rgb = (rgb << 8) | level;
          }
          for (int dy = 0; dy < scale; dy++) {
            for (int dx = 0; dx < scale; dx++) {
              image.setRGB(ox + c * scale + dx, oy + r * scale + dy, rgb);
            }
          }
        }
      }
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(image, "png", png);
    RunDirectory.writeAtomically(file, png.toByteArray());
  }
}
