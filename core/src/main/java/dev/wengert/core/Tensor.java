package dev.wengert.core;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.wengert.core.kernels.Kernels;
import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * An n-dimensional array of float32 or float64 values: a flat array shared with its views, plus a
 * shape, strides and an offset. Views ({@link #reshape}, {@link #permute}, {@link #narrow}, {@link
 * #expand}, …) share storage and never copy; {@link #contiguous()} copies only when needed.
 *
 * <p>Operations return new tensors, except those named {@code …InPlace}, which write into this
 * tensor and bump its {@link #version()} (shared with every view of the same storage). Binary
 * operations broadcast as NumPy does; both operands must have the same dtype.
 *
 * <p>{@link #equals} is identity, not value equality (tensors are mutable and large): compare
 * values with {@link #allClose} or {@link #valueEquals}.
 */
public final class Tensor {

  /** Elements per thread below which elementwise loops stay on the calling thread. */
  static final int PARALLEL_GRAIN = 1 << 15;

  final Storage storage;
  final DType dtype;
  final int[] shape;
  final int[] strides;
  final int offset;
  final int numel;

  Tensor(Storage storage, DType dtype, int[] shape, int[] strides, int offset) {
    this.storage = storage;
    this.dtype = dtype;
    this.shape = shape;
    this.strides = strides;
    this.offset = offset;
    this.numel = Shapes.numel(shape);
  }

  /** A new contiguous tensor whose elements are unspecified (see {@link #empty}). */
  static Tensor uninitialized(DType dtype, int[] shape) {
    return allocated(dtype, shape, false);
  }

  /** A new contiguous tensor, zero-filled or not (its storage may be a {@link TensorScope}'s reused memory). */
  private static Tensor allocated(DType dtype, int[] shape, boolean zeroed) {
    for (int s : shape) {
      checkArgument(s >= 0, "negative size in shape %s", Shapes.lazy(shape));
    }
    int[] copy = shape.clone();
    Storage storage = TensorScope.allocate(dtype, Shapes.numel(copy), zeroed);
    return new Tensor(storage, dtype, copy, Shapes.contiguousStrides(copy), 0);
  }

  // ---------------------------------------------------------------- creation

  /** A tensor of zeros. */
  public static Tensor zeros(DType dtype, int... shape) {
    checkNotNull(dtype, "dtype");
    return allocated(dtype, shape, true);
  }

  /**
   * A tensor whose elements are unspecified, for outputs that are then written in full: zeros when
   * its memory is new, but inside a {@link TensorScope} it may reuse memory that holds a released
   * tensor's values (NaN in a poisoning scope), which saves zeroing it.
   */
  public static Tensor empty(DType dtype, int... shape) {
    checkNotNull(dtype, "dtype");
    return uninitialized(dtype, shape);
  }

  /** A tensor of ones. */
  public static Tensor ones(DType dtype, int... shape) {
    return full(dtype, 1.0, shape);
  }

  /** A tensor filled with {@code value}. */
  public static Tensor full(DType dtype, double value, int... shape) {
    checkNotNull(dtype, "dtype");
    Tensor t = uninitialized(dtype, shape);
    if (dtype == DType.FLOAT32) {
      Arrays.fill(t.storage.floats(), (float) value);
    } else {
      Arrays.fill(t.storage.doubles(), value);
    }
    return t;
  }

  /** A 0-dimensional tensor holding {@code value}. */
  public static Tensor scalar(DType dtype, double value) {
    return full(dtype, value);
  }

  /** A tensor with the same dtype and shape as {@code like}, filled with zeros. */
  public static Tensor zerosLike(Tensor like) {
    return zeros(like.dtype, like.shape);
  }

  /** {@code [start, start + step, …]} up to but excluding {@code end}, as in {@code numpy.arange}. */
  public static Tensor arange(DType dtype, double start, double end, double step) {
    checkArgument(step != 0 && Double.isFinite(step), "arange: step must be finite and non-zero, got %s", step);
    long n = (long) Math.max(0, Math.ceil((end - start) / step));
    checkArgument(n <= Integer.MAX_VALUE, "arange: %s elements is too many", n);
    Tensor t = zeros(dtype, (int) n);
    for (int i = 0; i < n; i++) {
      t.setFlat(i, start + i * step);
    }
    return t;
  }

  /** {@code [0, 1, …, n-1]}. */
  public static Tensor arange(DType dtype, int n) {
    return arange(dtype, 0, n, 1);
  }

  /** The {@code n x n} identity matrix. */
  public static Tensor eye(DType dtype, int n) {
    Tensor t = zeros(dtype, n, n);
    for (int i = 0; i < n; i++) {
      t.setFlat(i * n + i, 1.0);
    }
    return t;
  }

  /** A float32 tensor over a copy of {@code data} with the given shape. */
  public static Tensor of(float[] data, int... shape) {
    checkArgument(
        Shapes.numel(shape) == data.length,
        "of: %s values do not fill shape %s (%s elements)", data.length, Shapes.lazy(shape), Shapes.numel(shape));
    return new Tensor(new Storage(data.clone()), DType.FLOAT32, shape.clone(), Shapes.contiguousStrides(shape), 0);
  }

  /** A float64 tensor over a copy of {@code data} with the given shape. */
  public static Tensor of(double[] data, int... shape) {
    checkArgument(
        Shapes.numel(shape) == data.length,
        "of: %s values do not fill shape %s (%s elements)", data.length, Shapes.lazy(shape), Shapes.numel(shape));
    return new Tensor(new Storage(data.clone()), DType.FLOAT64, shape.clone(), Shapes.contiguousStrides(shape), 0);
  }

  /**
   * A float32 tensor that uses {@code data} itself as storage (no copy): for kernels and data
   * loaders that fill arrays they own.
   */
  public static Tensor wrap(float[] data, int... shape) {
    checkArgument(Shapes.numel(shape) == data.length, "wrap: %s values do not fill shape %s", data.length, Shapes.lazy(shape));
    return new Tensor(new Storage(data), DType.FLOAT32, shape.clone(), Shapes.contiguousStrides(shape), 0);
  }

  /** A float64 tensor that uses {@code data} itself as storage (no copy). */
  public static Tensor wrap(double[] data, int... shape) {
    checkArgument(Shapes.numel(shape) == data.length, "wrap: %s values do not fill shape %s", data.length, Shapes.lazy(shape));
    return new Tensor(new Storage(data), DType.FLOAT64, shape.clone(), Shapes.contiguousStrides(shape), 0);
  }

  /** Uniform samples in {@code [0, 1)}. */
  public static Tensor rand(Rng rng, DType dtype, int... shape) {
    Tensor t = zeros(dtype, shape);
    for (int i = 0; i < t.numel; i++) {
      t.setFlat(i, dtype == DType.FLOAT32 ? rng.nextFloat() : rng.nextDouble());
    }
    return t;
  }

  /** Standard normal samples. */
  public static Tensor randn(Rng rng, DType dtype, int... shape) {
    Tensor t = zeros(dtype, shape);
    for (int i = 0; i < t.numel; i++) {
      t.setFlat(i, rng.nextGaussian());
    }
    return t;
  }

  /** Uniform integers in {@code [low, high)}, stored as floating-point values. */
  public static Tensor randint(Rng rng, DType dtype, int low, int high, int... shape) {
    checkArgument(low < high, "randint: low %s must be < high %s", low, high);
    long range = (long) high - low;
    Tensor t = zeros(dtype, shape);
    for (int i = 0; i < t.numel; i++) {
      long draw =
          range <= Integer.MAX_VALUE
              ? rng.nextInt((int) range)
              : Long.remainderUnsigned(rng.nextLong(), range); // wider than an int: bias below 2^-32
      t.setFlat(i, low + draw);
    }
    return t;
  }

  // ---------------------------------------------------------------- metadata

  public DType dtype() {
    return dtype;
  }

  /** A copy of the shape. */
  public int[] shape() {
    return shape.clone();
  }

  /** The size of dim {@code dim} (negative counts from the end). */
  public int size(int dim) {
    return shape[Shapes.normalizeDim("size", dim, shape)];
  }

  /** The number of dimensions. */
  public int rank() {
    return shape.length;
  }

  /** The number of elements. */
  public int numel() {
    return numel;
  }

  /** A copy of the strides, in elements. */
  public int[] strides() {
    return strides.clone();
  }

  /** The stride of dim {@code dim}, in elements. */
  public int stride(int dim) {
    return strides[Shapes.normalizeDim("stride", dim, shape)];
  }

  /** Index of the first element in the backing array. */
  public int offset() {
    return offset;
  }

  /** Whether the elements are laid out row-major without gaps (size-1 dims may have any stride). */
  public boolean isContiguous() {
    if (numel == 0) {
      return true;
    }
    int expected = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      if (shape[i] != 1 && strides[i] != expected) {
        return false;
      }
      expected *= shape[i];
    }
    return true;
  }

  /**
   * The backing float32 array (shared with views): element {@code (i, j, …)} is at {@code offset() +
   * i*stride(0) + j*stride(1) + …}. For kernels; writers must call {@link #markModified()}.
   */
  public float[] floatData() {
    checkArgument(dtype == DType.FLOAT32, "floatData: tensor is %s", dtype);
    return storage.floats();
  }

  /** The backing float64 array; see {@link #floatData()}. */
  public double[] doubleData() {
    checkArgument(dtype == DType.FLOAT64, "doubleData: tensor is %s", dtype);
    return storage.doubles();
  }

  /** How many in-place writes the storage has seen (shared by all views of it). */
  public int version() {
    return storage.version;
  }

  /** Records an in-place write made through the raw arrays. */
  public void markModified() {
    storage.version++;
  }

  /** Whether this tensor and {@code other} are views of the same storage. */
  public boolean sharesStorageWith(Tensor other) {
    return storage == other.storage;
  }

  // ---------------------------------------------------------------- element access

  private int flatToOffset(int flat) {
    int off = offset;
    for (int d = shape.length - 1; d >= 0; d--) {
      int idx = flat % shape[d];
      flat /= shape[d];
      off += idx * strides[d];
    }
    return off;
  }

  private int indexToOffset(String op, int[] index) {
    checkArgument(
        index.length == shape.length,
        "%s: %s indices for shape %s", op, index.length, Shapes.lazy(shape));
    int off = offset;
    for (int d = 0; d < index.length; d++) {
      int i = index[d] < 0 ? index[d] + shape[d] : index[d];
      if (i < 0 || i >= shape[d]) {
        throw new IndexOutOfBoundsException(
            op + ": index " + index[d] + " is out of range for dim " + d + " of shape " + Shapes.format(shape));
      }
      off += i * strides[d];
    }
    return off;
  }

  /** The element at {@code index} (one index per dim; negative counts from the end). */
  public double get(int... index) {
    int off = indexToOffset("get", index);
    return dtype == DType.FLOAT32 ? storage.floats()[off] : storage.doubles()[off];
  }

  /** Sets the element at {@code index}; bumps the version. */
  public void set(double value, int... index) {
    int off = indexToOffset("set", index);
    if (dtype == DType.FLOAT32) {
      storage.floats()[off] = (float) value;
    } else {
      storage.doubles()[off] = value;
    }
    storage.version++;
  }

  /** The element at row-major position {@code i}. */
  public double getFlat(int i) {
    checkArgument(i >= 0 && i < numel, "getFlat: index %s out of range for %s elements", i, numel);
    int off = flatToOffset(i);
    return dtype == DType.FLOAT32 ? storage.floats()[off] : storage.doubles()[off];
  }

  private void setFlat(int i, double value) {
    int off = flatToOffset(i);
    if (dtype == DType.FLOAT32) {
      storage.floats()[off] = (float) value;
    } else {
      storage.doubles()[off] = value;
    }
  }

  /** The only element of a one-element tensor. */
  public double item() {
    checkArgument(numel == 1, "item: tensor of shape %s has %s elements, not 1", Shapes.lazy(shape), numel);
    return getFlat(0);
  }

  /** The elements in row-major order, as float64. */
  public double[] toDoubleArray() {
    if (numel == 0) {
      return new double[0];
    }
    Tensor c = to(DType.FLOAT64).contiguous();
    return Arrays.copyOfRange(c.storage.doubles(), c.offset, c.offset + numel);
  }

  /** The elements in row-major order, as float32. */
  public float[] toFloatArray() {
    if (numel == 0) {
      return new float[0];
    }
    Tensor c = to(DType.FLOAT32).contiguous();
    return Arrays.copyOfRange(c.storage.floats(), c.offset, c.offset + numel);
  }

  // ---------------------------------------------------------------- views

  /** A view with the given shape (one entry may be -1); copies only if the layout cannot be viewed. */
  public Tensor reshape(int... newShape) {
    int[] target = inferShape("reshape", newShape);
    Tensor view = tryView(target);
    return view != null ? view : contiguous().tryView(target);
  }

  /** Like {@link #reshape} but never copies: an error if the strides do not allow a view. */
  public Tensor view(int... newShape) {
    int[] target = inferShape("view", newShape);
    Tensor v = tryView(target);
    if (v == null) {
      throw new IllegalArgumentException(
          "view: shape " + Shapes.format(target) + " is not compatible with the strides of a tensor of shape "
              + Shapes.format(shape) + " (strides " + Shapes.format(strides) + "); use reshape or contiguous()");
    }
    return v;
  }

  private int[] inferShape(String op, int[] newShape) {
    int[] target = newShape.clone();
    int infer = -1;
    long known = 1;
    for (int i = 0; i < target.length; i++) {
      if (target[i] == -1) {
        checkArgument(infer < 0, "%s: only one dim can be -1 in %s", op, Shapes.lazy(newShape));
        infer = i;
      } else {
        checkArgument(target[i] >= 0, "%s: invalid size %s in %s", op, target[i], Shapes.lazy(newShape));
        known *= target[i];
      }
    }
    if (infer >= 0) {
      if (known == 0 || numel % known != 0) {
        throw new IllegalArgumentException(
            op + ": shape " + Shapes.format(newShape) + " is invalid for a tensor of shape "
                + Shapes.format(shape) + " (" + numel + " elements)");
      }
      target[infer] = (int) (numel / known);
      known *= target[infer];
    }
    if (known != numel) {
      throw new IllegalArgumentException(
          op + ": shape " + Shapes.format(newShape) + " is invalid for a tensor of shape "
              + Shapes.format(shape) + " (" + numel + " elements)");
    }
    return target;
  }

  /**
   * A view of {@code target} shape over the same storage, or null when the strides do not allow
   * one. Old dims are grouped into chunks that are contiguous among themselves; each chunk must map
   * onto new dims with the same element count (PyTorch's {@code computeStride}).
   */
  private Tensor tryView(int[] target) {
    if (isContiguous() || numel == 0) {
      return new Tensor(storage, dtype, target, Shapes.contiguousStrides(target), offset);
    }
    int[] newStrides = new int[target.length];
    int viewD = target.length - 1;
    long chunkBaseStride = strides[strides.length - 1];
    long tensorNumel = 1;
    long viewNumel = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      tensorNumel *= shape[d];
      boolean chunkEnds =
          d == 0 || (shape[d - 1] != 1 && strides[d - 1] != tensorNumel * chunkBaseStride);
      if (chunkEnds) {
        while (viewD >= 0 && (viewNumel < tensorNumel || target[viewD] == 1)) {
          newStrides[viewD] = (int) (viewNumel * chunkBaseStride);
          viewNumel *= target[viewD];
          viewD--;
        }
        if (viewNumel != tensorNumel) {
          return null;
        }
        if (d > 0) {
          chunkBaseStride = strides[d - 1];
          tensorNumel = 1;
          viewNumel = 1;
        }
      }
    }
    if (viewD != -1) {
      return null;
    }
    return new Tensor(storage, dtype, target, newStrides, offset);
  }

  /** A view with dims reordered: output dim {@code i} is input dim {@code order[i]}. */
  public Tensor permute(int... order) {
    checkArgument(
        order.length == shape.length,
        "permute: %s dims given for shape %s", order.length, Shapes.lazy(shape));
    int[] newShape = new int[order.length];
    int[] newStrides = new int[order.length];
    boolean[] seen = new boolean[order.length];
    for (int i = 0; i < order.length; i++) {
      int d = Shapes.normalizeDim("permute", order[i], shape);
      checkArgument(!seen[d], "permute: dim %s repeated in %s", d, Arrays.toString(order));
      seen[d] = true;
      newShape[i] = shape[d];
      newStrides[i] = strides[d];
    }
    return new Tensor(storage, dtype, newShape, newStrides, offset);
  }

  /** A view with dims {@code d0} and {@code d1} swapped. */
  public Tensor transpose(int d0, int d1) {
    int a = Shapes.normalizeDim("transpose", d0, shape);
    int b = Shapes.normalizeDim("transpose", d1, shape);
    int[] order = new int[shape.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    order[a] = b;
    order[b] = a;
    return permute(order);
  }

  /** The transpose of a matrix (a view). */
  public Tensor t() {
    checkArgument(shape.length == 2, "t: expects a 2-D tensor, got shape %s", Shapes.lazy(shape));
    return transpose(0, 1);
  }

  /** A view of {@code length} elements of dim {@code dim} starting at {@code start}. */
  public Tensor narrow(int dim, int start, int length) {
    int d = Shapes.normalizeDim("narrow", dim, shape);
    if (start < 0 || length < 0 || start + length > shape[d]) {
      throw new IllegalArgumentException(
          "narrow: start " + start + " + length " + length + " exceeds size " + shape[d] + " of dim " + d
              + " in shape " + Shapes.format(shape));
    }
    int[] newShape = shape.clone();
    newShape[d] = length;
    return new Tensor(storage, dtype, newShape, strides.clone(), offset + start * strides[d]);
  }

  /** A view of indices {@code start, start+step, …} below {@code end} along {@code dim}. */
  public Tensor slice(int dim, int start, int end, int step) {
    int d = Shapes.normalizeDim("slice", dim, shape);
    checkArgument(step > 0, "slice: step must be positive, got %s", step);
    int s = Math.max(0, Math.min(start < 0 ? start + shape[d] : start, shape[d]));
    int e = Math.max(s, Math.min(end < 0 ? end + shape[d] : end, shape[d]));
    int[] newShape = shape.clone();
    int[] newStrides = strides.clone();
    newShape[d] = (e - s + step - 1) / step;
    newStrides[d] = strides[d] * step;
    return new Tensor(storage, dtype, newShape, newStrides, offset + s * strides[d]);
  }

  /** A view of index {@code index} along {@code dim}, with that dim removed. */
  public Tensor select(int dim, int index) {
    int d = Shapes.normalizeDim("select", dim, shape);
    int i = index < 0 ? index + shape[d] : index;
    if (i < 0 || i >= shape[d]) {
      throw new IndexOutOfBoundsException(
          "select: index " + index + " is out of range for dim " + d + " of shape " + Shapes.format(shape));
    }
    int[] newShape = new int[shape.length - 1];
    int[] newStrides = new int[shape.length - 1];
    for (int k = 0, j = 0; k < shape.length; k++) {
      if (k != d) {
        newShape[j] = shape[k];
        newStrides[j++] = strides[k];
      }
    }
    return new Tensor(storage, dtype, newShape, newStrides, offset + i * strides[d]);
  }

  /**
   * A view broadcast to {@code newShape} (stride 0 along expanded dims; -1 keeps a size). Writing
   * through an expanded view writes the shared element.
   */
  public Tensor expand(int... newShape) {
    checkArgument(
        newShape.length >= shape.length,
        "expand: cannot expand shape %s to fewer dims %s", Shapes.lazy(shape), Shapes.lazy(newShape));
    int lead = newShape.length - shape.length;
    int[] outShape = new int[newShape.length];
    int[] outStrides = new int[newShape.length];
    for (int i = 0; i < newShape.length; i++) {
      int src = i - lead;
      int size = newShape[i];
      if (src < 0) {
        checkArgument(size >= 0, "expand: invalid size %s in %s", size, Shapes.lazy(newShape));
        outShape[i] = size;
        continue;
      }
      if (size == -1 || size == shape[src]) {
        outShape[i] = shape[src];
        outStrides[i] = strides[src];
      } else if (size < 0) {
        throw new IllegalArgumentException("expand: invalid size " + size + " in " + Shapes.format(newShape));
      } else if (shape[src] == 1) {
        outShape[i] = size;
      } else {
        throw new IllegalArgumentException(
            "expand: shape " + Shapes.format(shape) + " cannot expand to " + Shapes.format(newShape)
                + " (dim " + i + ": " + shape[src] + " vs " + size + ")");
      }
    }
    return new Tensor(storage, dtype, outShape, outStrides, offset);
  }

  /** A view without size-1 dims. */
  public Tensor squeeze() {
    int n = 0;
    for (int s : shape) {
      if (s != 1) {
        n++;
      }
    }
    int[] newShape = new int[n];
    int[] newStrides = new int[n];
    for (int i = 0, j = 0; i < shape.length; i++) {
      if (shape[i] != 1) {
        newShape[j] = shape[i];
        newStrides[j++] = strides[i];
      }
    }
    return new Tensor(storage, dtype, newShape, newStrides, offset);
  }

  /** A view without dim {@code dim} if its size is 1 (otherwise this tensor). */
  public Tensor squeeze(int dim) {
    int d = Shapes.normalizeDim("squeeze", dim, shape);
    return shape[d] == 1 ? select(d, 0) : this;
  }

  /** A view with a size-1 dim inserted at {@code dim} (which may equal the rank). */
  public Tensor unsqueeze(int dim) {
    int d = dim < 0 ? dim + shape.length + 1 : dim;
    if (d < 0 || d > shape.length) {
      throw new IllegalArgumentException(
          "unsqueeze: dim " + dim + " is out of range for shape " + Shapes.format(shape));
    }
    int[] newShape = new int[shape.length + 1];
    int[] newStrides = new int[shape.length + 1];
    for (int i = 0, j = 0; i < newShape.length; i++) {
      if (i == d) {
        newShape[i] = 1;
        newStrides[i] = j < shape.length ? strides[j] * shape[j] : 1;
      } else {
        newShape[i] = shape[j];
        newStrides[i] = strides[j++];
      }
    }
    return new Tensor(storage, dtype, newShape, newStrides, offset);
  }

  /** A 1-D view (or copy, when not viewable) of all elements. */
  public Tensor flatten() {
    return reshape(numel);
  }

  /** This tensor if it is contiguous, otherwise a contiguous copy. */
  public Tensor contiguous() {
    return isContiguous() ? this : copy();
  }

  /** A contiguous copy that shares nothing with this tensor. */
  public Tensor copy() {
    Tensor out = uninitialized(dtype, shape);
    out.copyElements(this);
    return out;
  }

  /** This tensor converted to {@code target} dtype (this tensor itself when it already is). */
  public Tensor to(DType target) {
    if (target == dtype) {
      return this;
    }
    Tensor out = uninitialized(target, shape);
    out.copyElements(this);
    return out;
  }

  // ---------------------------------------------------------------- elementwise

  /** {@code f} applied to every element (computed in float64, rounded to this dtype). */
  public Tensor map(DoubleUnaryOperator f) {
    Tensor out = uninitialized(dtype, shape);
    Elementwise.unary(this, out, f);
    return out;
  }

  /** {@code f(this, other)} elementwise with broadcasting; {@code op} names it in errors. */
  public Tensor zipWith(String op, Tensor other, DoubleBinaryOperator f) {
    requireSameDtype(op, other);
    Tensor out = uninitialized(dtype, Shapes.broadcast(op, shape, other.shape));
    Elementwise.binary(this, other, out, f);
    return out;
  }

  void requireSameDtype(String op, Tensor other) {
    if (other.dtype != dtype) {
      throw new IllegalArgumentException(
          op + ": dtypes " + dtype + " and " + other.dtype + " differ (shapes " + Shapes.format(shape) + " and "
              + Shapes.format(other.shape) + "); convert one with to()");
    }
  }

  public Tensor neg() {
    return map(x -> -x);
  }

  public Tensor abs() {
    return map(Math::abs);
  }

  public Tensor exp() {
    return map(Math::exp);
  }

  public Tensor log() {
    return map(Math::log);
  }

  public Tensor log1p() {
    return map(Math::log1p);
  }

  public Tensor expm1() {
    return map(Math::expm1);
  }

  public Tensor sqrt() {
    return map(Math::sqrt);
  }

  public Tensor square() {
    return map(x -> x * x);
  }

  public Tensor reciprocal() {
    return map(x -> 1.0 / x);
  }

  public Tensor sign() {
    return map(Math::signum);
  }

  public Tensor sin() {
    return map(Math::sin);
  }

  public Tensor cos() {
    return map(Math::cos);
  }

  public Tensor tanh() {
    return map(Math::tanh);
  }

  /** {@code 1 / (1 + exp(-x))}, computed without overflow for large |x|. */
  public Tensor sigmoid() {
    return map(Tensor::sigmoid);
  }

  static double sigmoid(double x) {
    if (x >= 0) {
      return 1.0 / (1.0 + Math.exp(-x));
    }
    double e = Math.exp(x);
    return e / (1.0 + e);
  }

  /** {@code max(x, 0)}; NaN stays NaN. */
  public Tensor relu() {
    if (dtype == DType.FLOAT32 && isContiguous()) {
      Tensor out = uninitialized(dtype, shape);
      Kernels.get().relu(numel, storage.floats(), offset, out.storage.floats(), 0);
      return out;
    }
    return map(x -> x > 0 || Double.isNaN(x) ? x : 0.0);
  }

  /**
   * {@code this · [y > 0]} elementwise for tensors of one shape: the gradient of ReLU given its
   * output {@code y} (0 where {@code y = 0}, as PyTorch).
   */
  public Tensor maskWherePositive(Tensor y) {
    requireSameDtype("relu_backward", y);
    checkArgument(
        Arrays.equals(shape, y.shape), "relu_backward: gradient %s and output %s differ in shape", Shapes.lazy(shape), Shapes.lazy(y.shape));
    if (!(isContiguous() && y.isContiguous())) {
      return contiguous().maskWherePositive(y.contiguous());
    }
    Tensor out = uninitialized(dtype, shape);
    int go = offset;
    int yo = y.offset;
    if (dtype == DType.FLOAT32) {
      float[] g = storage.floats();
      float[] yv = y.storage.floats();
      Kernels.get().reluBackward(numel, g, go, yv, yo, out.storage.floats(), 0);
    } else {
      double[] g = storage.doubles();
      double[] yv = y.storage.doubles();
      double[] o = out.storage.doubles();
      Parallel.forRange(numel, PARALLEL_GRAIN, (from, to) -> {
        for (int i = from; i < to; i++) {
          o[i] = yv[yo + i] > 0 ? g[go + i] : 0.0;
        }
      });
    }
    return out;
  }

  public Tensor floor() {
    return map(Math::floor);
  }

  public Tensor ceil() {
    return map(Math::ceil);
  }

  /** Each element clamped to {@code [min, max]}; NaN stays NaN. */
  public Tensor clamp(double min, double max) {
    checkArgument(min <= max, "clamp: min %s > max %s", min, max);
    return map(x -> x < min ? min : (x > max ? max : x));
  }

  /** {@code this + other} with broadcasting. */
  public Tensor add(Tensor other) {
    if (dtype == DType.FLOAT32 && other.dtype == DType.FLOAT32 && sameContiguousShape(other)) {
      Tensor out = uninitialized(dtype, shape);
      Kernels.get().add(numel, storage.floats(), offset, other.storage.floats(), other.offset, out.storage.floats(), 0);
      return out;
    }
    return zipWith("add", other, Double::sum);
  }

  public Tensor sub(Tensor other) {
    return zipWith("sub", other, (a, b) -> a - b);
  }

  /** {@code this * other} elementwise with broadcasting. */
  public Tensor mul(Tensor other) {
    if (dtype == DType.FLOAT32 && other.dtype == DType.FLOAT32 && sameContiguousShape(other)) {
      Tensor out = uninitialized(dtype, shape);
      Kernels.get().mul(numel, storage.floats(), offset, other.storage.floats(), other.offset, out.storage.floats(), 0);
      return out;
    }
    return zipWith("mul", other, (a, b) -> a * b);
  }

  public Tensor div(Tensor other) {
    return zipWith("div", other, (a, b) -> a / b);
  }

  public Tensor pow(Tensor exponent) {
    return zipWith("pow", exponent, Math::pow);
  }

  /** Elementwise maximum; NaN in either operand gives NaN. */
  public Tensor maximum(Tensor other) {
    return zipWith("maximum", other, Math::max);
  }

  /** Elementwise minimum; NaN in either operand gives NaN. */
  public Tensor minimum(Tensor other) {
    return zipWith("minimum", other, Math::min);
  }

  /** 1 where {@code this == other}, else 0. */
  public Tensor eq(Tensor other) {
    return zipWith("eq", other, (a, b) -> a == b ? 1 : 0);
  }

  public Tensor ne(Tensor other) {
    return zipWith("ne", other, (a, b) -> a != b ? 1 : 0);
  }

  public Tensor lt(Tensor other) {
    return zipWith("lt", other, (a, b) -> a < b ? 1 : 0);
  }

  public Tensor le(Tensor other) {
    return zipWith("le", other, (a, b) -> a <= b ? 1 : 0);
  }

  public Tensor gt(Tensor other) {
    return zipWith("gt", other, (a, b) -> a > b ? 1 : 0);
  }

  public Tensor ge(Tensor other) {
    return zipWith("ge", other, (a, b) -> a >= b ? 1 : 0);
  }

  public Tensor add(double value) {
    return map(x -> x + value);
  }

  public Tensor sub(double value) {
    return map(x -> x - value);
  }

  public Tensor mul(double value) {
    return map(x -> x * value);
  }

  public Tensor div(double value) {
    return map(x -> x / value);
  }

  public Tensor pow(double exponent) {
    if (exponent == 2) {
      return square();
    }
    return map(x -> Math.pow(x, exponent));
  }

  /** 1 where {@code this > value}, else 0. */
  public Tensor gt(double value) {
    return map(x -> x > value ? 1 : 0);
  }

  /** 1 where {@code this < value}, else 0. */
  public Tensor lt(double value) {
    return map(x -> x < value ? 1 : 0);
  }

  /** {@code condition != 0 ? a : b} elementwise, with all three broadcast together. */
  public static Tensor where(Tensor condition, Tensor a, Tensor b) {
    a.requireSameDtype("where", b);
    int[] outShape;
    try {
      outShape = Shapes.broadcast("where", Shapes.broadcast("where", condition.shape, a.shape), b.shape);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "where: shapes " + Shapes.format(condition.shape) + ", " + Shapes.format(a.shape) + " and "
              + Shapes.format(b.shape) + " cannot broadcast",
          e);
    }
    Tensor out = uninitialized(a.dtype, outShape);
    Elementwise.where(condition.expand(outShape), a.expand(outShape), b.expand(outShape), out);
    return out;
  }

  private boolean sameContiguousShape(Tensor other) {
    return Arrays.equals(shape, other.shape) && isContiguous() && other.isContiguous();
  }

  // ---------------------------------------------------------------- in place

  /** Copies {@code source} (broadcast to this shape, converted to this dtype) into this tensor. */
  public Tensor copyFrom(Tensor source) {
    checkArgument(
        Arrays.equals(Shapes.broadcast("copyFrom", shape, source.shape), shape),
        "copyFrom: shape %s cannot be written into shape %s", Shapes.lazy(source.shape), Shapes.lazy(shape));
    copyElements(source.expand(shape));
    storage.version++;
    return this;
  }

  private void copyElements(Tensor source) {
    Elementwise.copy(source, this);
  }

  /** Sets every element to {@code value}. */
  public Tensor fill(double value) {
    if (numel > 0 && isContiguous()) {
      if (dtype == DType.FLOAT32) {
        Arrays.fill(storage.floats(), offset, offset + numel, (float) value);
      } else {
        Arrays.fill(storage.doubles(), offset, offset + numel, value);
      }
    } else {
      Elementwise.unary(this, this, x -> value);
    }
    storage.version++;
    return this;
  }

  /** {@code this += other} (broadcast to this shape). */
  public Tensor addInPlace(Tensor other) {
    if (dtype == DType.FLOAT32 && other.dtype == DType.FLOAT32 && sameContiguousShape(other)) {
      Kernels.get().axpy(numel, 1f, other.storage.floats(), other.offset, storage.floats(), offset);
      storage.version++;
      return this;
    }
    return zipInPlace("addInPlace", other, Double::sum);
  }

  /** {@code this += alpha * other} (broadcast to this shape). */
  public Tensor addScaledInPlace(double alpha, Tensor other) {
    if (dtype == DType.FLOAT32 && other.dtype == DType.FLOAT32 && sameContiguousShape(other)) {
      Kernels.get().axpy(numel, (float) alpha, other.storage.floats(), other.offset, storage.floats(), offset);
      storage.version++;
      return this;
    }
    return zipInPlace("addScaledInPlace", other, (a, b) -> a + alpha * b);
  }

  public Tensor subInPlace(Tensor other) {
    return zipInPlace("subInPlace", other, (a, b) -> a - b);
  }

  public Tensor mulInPlace(Tensor other) {
    return zipInPlace("mulInPlace", other, (a, b) -> a * b);
  }

  public Tensor divInPlace(Tensor other) {
    return zipInPlace("divInPlace", other, (a, b) -> a / b);
  }

  public Tensor mulInPlace(double value) {
    return mapInPlace(x -> x * value);
  }

  public Tensor addInPlace(double value) {
    return mapInPlace(x -> x + value);
  }

  /** Replaces every element {@code x} by {@code f(x)}. */
  public Tensor mapInPlace(DoubleUnaryOperator f) {
    Elementwise.unary(this, this, f);
    storage.version++;
    return this;
  }

  /** Replaces every element {@code x} by {@code f(x, other)} with {@code other} broadcast to this shape. */
  public Tensor zipInPlace(String op, Tensor other, DoubleBinaryOperator f) {
    requireSameDtype(op, other);
    int[] out = Shapes.broadcast(op, shape, other.shape);
    if (!Arrays.equals(out, shape)) {
      throw new IllegalArgumentException(
          op + ": shape " + Shapes.format(other.shape) + " cannot be broadcast into the in-place target of shape "
              + Shapes.format(shape));
    }
    Elementwise.binary(this, other.expand(shape), this, f);
    storage.version++;
    return this;
  }

  // ---------------------------------------------------------------- reductions

  /** The sum of all elements, as a 0-d tensor. */
  public Tensor sum() {
    return Reductions.reduce(this, Reductions.Kind.SUM, allDims(), false, 0);
  }

  /** Sums over {@code dims} (none = all); {@code keepDim} keeps them with size 1. */
  public Tensor sum(int[] dims, boolean keepDim) {
    return Reductions.reduce(this, Reductions.Kind.SUM, dims, keepDim, 0);
  }

  public Tensor sum(int dim, boolean keepDim) {
    return sum(new int[] {dim}, keepDim);
  }

  public Tensor mean() {
    return Reductions.reduce(this, Reductions.Kind.MEAN, allDims(), false, 0);
  }

  public Tensor mean(int[] dims, boolean keepDim) {
    return Reductions.reduce(this, Reductions.Kind.MEAN, dims, keepDim, 0);
  }

  public Tensor mean(int dim, boolean keepDim) {
    return mean(new int[] {dim}, keepDim);
  }

  /** The maximum over {@code dims}; NaN if any element is NaN. */
  public Tensor max(int[] dims, boolean keepDim) {
    return Reductions.reduce(this, Reductions.Kind.MAX, dims, keepDim, 0);
  }

  public Tensor max() {
    return max(allDims(), false);
  }

  public Tensor min(int[] dims, boolean keepDim) {
    return Reductions.reduce(this, Reductions.Kind.MIN, dims, keepDim, 0);
  }

  public Tensor min() {
    return min(allDims(), false);
  }

  /**
   * Row-major position (within the reduced dims) of the first maximal element over {@code dims};
   * NaN counts as maximal. For one dim this is the index along it.
   */
  public Tensor argmax(int[] dims, boolean keepDim) {
    return Reductions.reduce(this, Reductions.Kind.ARGMAX, dims, keepDim, 0);
  }

  public Tensor argmax(int dim, boolean keepDim) {
    return argmax(new int[] {dim}, keepDim);
  }

  public Tensor argmin(int[] dims, boolean keepDim) {
    return Reductions.reduce(this, Reductions.Kind.ARGMIN, dims, keepDim, 0);
  }

  public Tensor argmin(int dim, boolean keepDim) {
    return argmin(new int[] {dim}, keepDim);
  }

  /**
   * Variance over {@code dims}: {@code sum((x - mean)^2) / (n - correction)}; correction 1 is the
   * unbiased estimate (PyTorch's default), 0 the population variance.
   */
  public Tensor var(int[] dims, int correction, boolean keepDim) {
    checkArgument(correction >= 0, "var: correction must be >= 0, got %s", correction);
    return Reductions.reduce(this, Reductions.Kind.VAR, dims, keepDim, correction);
  }

  private int[] allDims() {
    int[] dims = new int[shape.length];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = i;
    }
    return dims;
  }

  // ---------------------------------------------------------------- linear algebra

  /**
   * Matrix product with NumPy's rules: 2-D x 2-D, batched {@code [..., m, k] x [..., k, n]} with
   * broadcast batch dims, and 1-D operands promoted to a row (left) or column (right) vector.
   */
  public Tensor matmul(Tensor other) {
    return MatMul.matmul(this, other);
  }

  // ---------------------------------------------------------------- comparison and printing

  /**
   * Whether both have the same shape and every element satisfies {@code |a - b| <= atol + rtol *
   * |b|} (as {@code numpy.allclose}; NaNs are never close).
   */
  public boolean allClose(Tensor other, double rtol, double atol) {
    if (!Arrays.equals(shape, other.shape)) {
      return false;
    }
    double[] a = toDoubleArray();
    double[] b = other.toDoubleArray();
    for (int i = 0; i < a.length; i++) {
      boolean close =
          Double.isInfinite(a[i]) || Double.isInfinite(b[i])
              ? a[i] == b[i]
              : Math.abs(a[i] - b[i]) <= atol + rtol * Math.abs(b[i]);
      if (!close) {
        return false;
      }
    }
    return true;
  }

  /** Whether both have the same dtype, shape and elements (NaN equals NaN here, and -0.0 equals 0.0). */
  public boolean valueEquals(Tensor other) {
    if (dtype != other.dtype || !Arrays.equals(shape, other.shape)) {
      return false;
    }
    double[] a = toDoubleArray();
    double[] b = other.toDoubleArray();
    for (int i = 0; i < a.length; i++) {
      if (!(a[i] == b[i] || (Double.isNaN(a[i]) && Double.isNaN(b[i])))) {
        return false;
      }
    }
    return true;
  }

  /** NumPy-style text, summarised with "..." when larger than 1000 elements. */
  @Override
  public String toString() {
    return TensorFormat.format(this);
  }
}
