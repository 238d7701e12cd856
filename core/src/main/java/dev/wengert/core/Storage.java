package dev.wengert.core;

/**
 * The flat array behind a tensor and all its views, with the version counter that in-place writes
 * bump (views share it, as in PyTorch, so autodiff can detect a saved tensor modified through any
 * alias). A storage allocated inside a {@link TensorScope} belongs to it until kept; when the scope
 * closes its array goes back to the scope's pool and every access through this storage fails.
 */
final class Storage {
  private final float[] floats;
  private final double[] doubles;
  int version;
  /** The open scope that releases this storage when it closes, or null. */
  TensorScope owner;
  private boolean released;

  Storage(float[] floats) {
    this.floats = floats;
    this.doubles = null;
  }

  Storage(double[] doubles) {
    this.floats = null;
    this.doubles = doubles;
  }

  /** New (zeroed) heap memory of {@code size} elements, owned by no scope. */
  static Storage fresh(DType dtype, int size) {
    return dtype == DType.FLOAT32 ? new Storage(new float[size]) : new Storage(new double[size]);
  }

  float[] floats() {
    if (released) {
      throw releasedError();
    }
    return floats;
  }

  double[] doubles() {
    if (released) {
      throw releasedError();
    }
    return doubles;
  }

  /** The array, whichever the dtype. */
  Object array() {
    if (released) {
      throw releasedError();
    }
    return floats != null ? floats : doubles;
  }

  int size() {
    return floats != null ? floats.length : doubles.length;
  }

  DType dtype() {
    return floats != null ? DType.FLOAT32 : DType.FLOAT64;
  }

  void release() {
    released = true;
    owner = null;
  }

  private IllegalStateException releasedError() {
    return new IllegalStateException(String.format(
        "tensor storage (%s %s elements) was released when the TensorScope it was allocated in closed;"
            + " keep a tensor that outlives its scope with TensorScope.keep(tensor), or create it outside",
        size(), dtype()));
  }
}
