package dev.wengert.optim;

import dev.wengert.core.DType;
import dev.wengert.core.Tensor;

/**
 * PyTorch's in-place pointwise tensor ops as its optimizers use them, with its order of operations
 * ({@code addcmul} is {@code t + (value·a)·b}, {@code addcdiv} is {@code t + (value·a)/b}) and its
 * handling of scalars: a Python number reaches a float32 kernel as a float32 value, so every scalar is
 * rounded to the tensor's dtype first. Without that, a factor such as AdamW's {@code 1 − lr·wd}, applied
 * every step, would drift float32 results away from PyTorch's.
 */
final class Pointwise {

  private Pointwise() {}

  /** {@code value} as a kernel on {@code t} sees it. */
  static double scalar(Tensor t, double value) {
    return t.dtype() == DType.FLOAT32 ? (float) value : value;
  }

  /** {@code t *= c}; returns t. */
  static Tensor mul(Tensor t, double c) {
    return t.mulInPlace(scalar(t, c));
  }

  /** {@code t += c}; returns t. */
  static Tensor add(Tensor t, double c) {
    return t.addInPlace(scalar(t, c));
  }

  /** {@code t /= c}; returns t. */
  static Tensor div(Tensor t, double c) {
    double divisor = scalar(t, c);
    return t.mapInPlace(x -> x / divisor);
  }

  /** {@code t += alpha·x}, PyTorch's {@code t.add_(x, alpha=alpha)}; returns t. */
  static Tensor addScaled(Tensor t, double alpha, Tensor x) {
    return t.addScaledInPlace(scalar(t, alpha), x);
  }

  /** {@code x + alpha·y} in a new tensor, PyTorch's {@code x.add(y, alpha=alpha)}. */
  static Tensor plusScaled(Tensor x, double alpha, Tensor y) {
    return addScaled(x.copy(), alpha, y);
  }

  /** {@code t += (value·a)·a}, PyTorch's {@code t.addcmul_(a, a, value=value)}; returns t. */
  static Tensor addcmulSquare(Tensor t, double value, Tensor a) {
    double v = scalar(t, value);
    return t.zipInPlace("addcmul", a, (x, y) -> x + v * y * y);
  }

  /** {@code t += (value·a)/b}, PyTorch's {@code t.addcdiv_(a, b, value=value)}, with one temporary; returns t. */
  static Tensor addcdiv(Tensor t, double value, Tensor a, Tensor b) {
    double v = scalar(t, value);
    return t.addInPlace(a.zipWith("addcdiv", b, (x, y) -> v * x / y));
  }
}
