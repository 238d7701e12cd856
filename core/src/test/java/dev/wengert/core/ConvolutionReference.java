package dev.wengert.core;

/**
 * The test oracle for {@link ConvolutionKernels}: direct loops over contiguous NCHW operands that
 * follow the formulas in {@link Convolution} literally, accumulating in float64. Clear rather than
 * fast; correct for every geometry. Same entry points and contracts (outputs freshly zeroed).
 */
final class ConvolutionReference {

  private ConvolutionReference() {}

  static void forward(Tensor x, Tensor w, Tensor bias, Tensor y, Conv2dGeometry geo) {
    int n = x.shape[0], c = x.shape[1], h = x.shape[2], wd = x.shape[3];
    int m = w.shape[0], cg = w.shape[1], kh = w.shape[2], kw = w.shape[3];
    int ho = y.shape[2], wo = y.shape[3];
    int mg = m / geo.groups();
    Parallel.forRange(n * m, 1, (from, to) -> {
      for (int plane = from; plane < to; plane++) {
        int b = plane / m, oc = plane % m, g = oc / mg;
        for (int i = 0; i < ho; i++) {
          for (int j = 0; j < wo; j++) {
            double s = bias == null ? 0 : read(bias, bias.offset + oc);
            for (int ci = 0; ci < cg; ci++) {
              int ic = g * cg + ci;
              for (int p = 0; p < kh; p++) {
                int r = i * geo.strideH() - geo.padTop() + p * geo.dilationH();
                if (r < 0 || r >= h) {
                  continue;
                }
                for (int q = 0; q < kw; q++) {
                  int col = j * geo.strideW() - geo.padLeft() + q * geo.dilationW();
                  if (col < 0 || col >= wd) {
                    continue;
                  }
                  s += read(w, w.offset + ((oc * cg + ci) * kh + p) * kw + q)
                      * read(x, x.offset + ((b * c + ic) * h + r) * wd + col);
                }
              }
            }
            write(y, ((b * m + oc) * ho + i) * wo + j, s);
          }
        }
      }
    });
  }

  static void adjointInput(Tensor gy, Tensor w, Tensor gx, Conv2dGeometry geo) {
    int n = gx.shape[0], c = gx.shape[1], h = gx.shape[2], wd = gx.shape[3];
    int m = w.shape[0], cg = w.shape[1] , kh = w.shape[2], kw = w.shape[3];
    // Here w is [M, C/G, kh, kw] of the forward conv whose input gradient this is; gy is [N, M, Ho, Wo].
    int ho = gy.shape[2], wo = gy.shape[3];
    int mg = m / geo.groups();
    Parallel.forRange(n * c, 1, (from, to) -> {
      for (int plane = from; plane < to; plane++) {
        int b = plane / c, ic = plane % c, g = ic / cg, ci = ic % cg;
        int base = (b * c + ic) * h * wd;
        for (int oc = g * mg; oc < (g + 1) * mg; oc++) {
          for (int i = 0; i < ho; i++) {
            for (int p = 0; p < kh; p++) {
              int r = i * geo.strideH() - geo.padTop() + p * geo.dilationH();
              if (r < 0 || r >= h) {
                continue;
              }
              for (int j = 0; j < wo; j++) {
                double gv = read(gy, gy.offset + ((b * m + oc) * ho + i) * wo + j);
                for (int q = 0; q < kw; q++) {
                  int col = j * geo.strideW() - geo.padLeft() + q * geo.dilationW();
                  if (col < 0 || col >= wd) {
                    continue;
                  }
                  int at = base + r * wd + col;
                  write(gx, at, read(gx, at) + gv * read(w, w.offset + ((oc * cg + ci) * kh + p) * kw + q));
                }
              }
            }
          }
        }
      }
    });
  }

  static void adjointWeight(Tensor x, Tensor gy, Tensor gw, Conv2dGeometry geo) {
    int n = x.shape[0], c = x.shape[1], h = x.shape[2], wd = x.shape[3];
    int m = gw.shape[0], cg = gw.shape[1], kh = gw.shape[2], kw = gw.shape[3];
    int ho = gy.shape[2], wo = gy.shape[3];
    int mg = m / geo.groups();
    Parallel.forRange(m * cg * kh * kw, 1, (from, to) -> {
      for (int e = from; e < to; e++) {
        int q = e % kw, p = (e / kw) % kh, ci = (e / (kw * kh)) % cg, oc = e / (kw * kh * cg);
        int ic = (oc / mg) * cg + ci;
        double s = 0;
        for (int b = 0; b < n; b++) {
          for (int i = 0; i < ho; i++) {
            int r = i * geo.strideH() - geo.padTop() + p * geo.dilationH();
            if (r < 0 || r >= h) {
              continue;
            }
            for (int j = 0; j < wo; j++) {
              int col = j * geo.strideW() - geo.padLeft() + q * geo.dilationW();
              if (col < 0 || col >= wd) {
                continue;
              }
              s += read(gy, gy.offset + ((b * m + oc) * ho + i) * wo + j) * read(x, x.offset + ((b * c + ic) * h + r) * wd + col);
            }
          }
        }
        write(gw, e, s);
      }
    });
  }

  private static double read(Tensor t, int i) {
    return t.storage.floats() != null ? t.storage.floats()[i] : t.storage.doubles()[i];
  }

  private static void write(Tensor t, int i, double v) {
    if (t.storage.floats() != null) {
      t.storage.floats()[i] = (float) v;
    } else {
      t.storage.doubles()[i] = v;
    }
  }
}
