package dev.wengert.examples.experiments;

import dev.wengert.examples.train.RunDirectory;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * The experiments' pictures: grids of captioned panels (greyscale images, signed responses, error
 * maps, colour images), each value drawn as a {@code scale × scale} block, written as PNG
 * atomically.
 */
final class Pictures {

  /** One captioned picture: {@code rgb(row, col)} gives the colour of each value. */
  record Panel(String caption, int rows, int cols, PixelColour colour) {}

  /** The 0xRRGGBB colour of value {@code (row, col)}. */
  interface PixelColour {
    int rgb(int row, int col);
  }

  private static final int GAP = 10;
  private static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

  private Pictures() {}

  /** Black at {@code lo} to white at {@code hi}. */
  static Panel grey(String caption, double[][] v, double lo, double hi) {
    double range = Math.max(hi - lo, 1e-12);
    return new Panel(caption, v.length, v[0].length, (r, c) -> {
      int level = level((v[r][c] - lo) / range);
      return level << 16 | level << 8 | level;
    });
  }

  /** Greyscale over the panel's own range. */
  static Panel grey(String caption, double[][] v) {
    return grey(caption, v, min(v), max(v));
  }

  /** Signed values: blue for negative, white for zero, red for positive, saturating at {@code ±maxAbs}. */
  static Panel diverging(String caption, double[][] v, double maxAbs) {
    double m = Math.max(maxAbs, 1e-12);
    return new Panel(caption, v.length, v[0].length, (r, c) -> {
      double t = Math.max(-1, Math.min(1, v[r][c] / m));
      int fade = level(1 - Math.abs(t));
      return t >= 0 ? 0xFF << 16 | fade << 8 | fade : fade << 16 | fade << 8 | 0xFF;
    });
  }

  /** Non-negative values from black through red and yellow to white, saturating at {@code max}. */
  static Panel heat(String caption, double[][] v, double max) {
    double m = Math.max(max, 1e-12);
    return new Panel(caption, v.length, v[0].length, (r, c) -> {
      double t = Math.max(0, Math.min(1, v[r][c] / m));
      return level(3 * t) << 16 | level(3 * t - 1) << 8 | level(3 * t - 2);
    });
  }

  /** A colour image {@code [3][rows][cols]} with channel values in [0, 1]. */
  static Panel colour(String caption, double[][][] rgb) {
    return new Panel(caption, rgb[0].length, rgb[0][0].length,
        (r, c) -> level(rgb[0][r][c]) << 16 | level(rgb[1][r][c]) << 8 | level(rgb[2][r][c]));
  }

  /** Lays the panels out row by row, captions above, on a white background. */
  static BufferedImage grid(List<List<Panel>> rows, int scale) {
    BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    FontMetrics metrics = probe.createGraphics().getFontMetrics(FONT);
    int captionHeight = metrics.getHeight() + 4;
    int width = 0;
    int height = GAP;
    int[] rowHeights = new int[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      int w = GAP;
      for (Panel p : rows.get(i)) {
        w += cellWidth(p, scale, metrics) + GAP;
        rowHeights[i] = Math.max(rowHeights[i], captionHeight + p.rows() * scale);
      }
      width = Math.max(width, w);
      height += rowHeights[i] + GAP;
    }
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setFont(FONT);
    g.setColor(Color.BLACK);
    int y = GAP;
    for (int i = 0; i < rows.size(); i++) {
      int x = GAP;
      for (Panel p : rows.get(i)) {
        int cell = cellWidth(p, scale, metrics);
        g.drawString(p.caption(), x, y + metrics.getAscent());
        int left = x + (cell - p.cols() * scale) / 2;
        int top = y + captionHeight;
        for (int r = 0; r < p.rows(); r++) {
          for (int c = 0; c < p.cols(); c++) {
            int rgb = p.colour().rgb(r, c);
            for (int dy = 0; dy < scale; dy++) {
              for (int dx = 0; dx < scale; dx++) {
                image.setRGB(left + c * scale + dx, top + r * scale + dy, rgb);
              }
            }
          }
        }
        x += cell + GAP;
      }
      y += rowHeights[i] + GAP;
    }
    g.dispose();
    return image;
  }

  static void writePng(Path file, BufferedImage image) throws IOException {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(image, "png", png);
    RunDirectory.writeAtomically(file, png.toByteArray());
  }

  static void writeChart(Path file, Chart<?, ?> chart) throws IOException {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    BitmapEncoder.saveBitmap(chart, png, BitmapEncoder.BitmapFormat.PNG);
    RunDirectory.writeAtomically(file, png.toByteArray());
  }

  static double min(double[][] v) {
    double m = Double.POSITIVE_INFINITY;
    for (double[] row : v) {
      for (double x : row) {
        m = Math.min(m, x);
      }
    }
    return m;
  }

  static double max(double[][] v) {
    double m = Double.NEGATIVE_INFINITY;
    for (double[] row : v) {
      for (double x : row) {
        m = Math.max(m, x);
      }
    }
    return m;
  }

  static double maxAbs(double[][] v) {
    return Math.max(Math.abs(min(v)), Math.abs(max(v)));
  }

  private static int cellWidth(Panel p, int scale, FontMetrics metrics) {
    return Math.max(p.cols() * scale, metrics.stringWidth(p.caption()));
  }

  /** {@code t} in [0, 1] as a byte, clamped. */
  private static int level(double t) {
    return (int) Math.round(255 * Math.max(0, Math.min(1, t)));
  }
}
