package dev.wengert.core;

/**
 * The flat array behind a tensor and all its views, with the version counter that in-place writes
 * bump (views share it, as in PyTorch, so autodiff can detect a saved tensor modified through any
 * alias).
 */
final class Storage {
  final float[] floats;
  final double[] doubles;
  int version;

  Storage(float[] floats) {
    this.floats = floats;
    this.doubles = null;
  }

  Storage(double[] doubles) {
    this.floats = null;
    this.doubles = doubles;
  }

  static Storage allocate(DType dtype, int size) {
    return dtype == DType.FLOAT32 ? new Storage(new float[size]) : new Storage(new double[size]);
  }
}
