package dev.wengert.core;

import static dev.wengert.core.TestTensors.assertSameValues;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Example-based checks of the view operations; {@link ViewsPropertyTest} covers random chains. */
class ViewsTest {

  private static Tensor range(int... shape) {
    return Tensor.arange(DType.FLOAT64, Shapes.numel(shape)).reshape(shape);
  }

  @Test
  void reshapeOfContiguousIsAView() {
    Tensor x = range(2, 3, 4);
    Tensor r = x.reshape(4, -1);
    assertArrayEquals(new int[] {4, 6}, r.shape());
    assertArrayEquals(new int[] {6, 1}, r.strides());
    assertTrue(r.sharesStorageWith(x));
    assertSameValues(x.toDoubleArray(), r);
    assertArrayEquals(new int[] {24}, x.reshape(-1).shape());
    assertArrayEquals(new int[] {1, 24, 1}, x.reshape(1, -1, 1).shape());
    assertArrayEquals(new int[] {}, Tensor.ones(DType.FLOAT32, 1, 1).reshape().shape());
    assertArrayEquals(new int[] {0, 5}, Tensor.zeros(DType.FLOAT32, 5, 0).reshape(0, 5).shape());
    assertArrayEquals(new int[] {0}, Tensor.zeros(DType.FLOAT32, 5, 0).reshape(-1).shape());
  }

  @Test
  void reshapeErrorsNameTheShapes() {
    Tensor x = range(2, 3);
    assertEquals(
        "reshape: shape [4,-1] is invalid for a tensor of shape [2,3] (6 elements)",
        assertThrows(IllegalArgumentException.class, () -> x.reshape(4, -1)).getMessage());
    assertEquals(
        "reshape: shape [7] is invalid for a tensor of shape [2,3] (6 elements)",
        assertThrows(IllegalArgumentException.class, () -> x.reshape(7)).getMessage());
    assertEquals(
        "reshape: only one dim can be -1 in [-1,-1]",
        assertThrows(IllegalArgumentException.class, () -> x.reshape(-1, -1)).getMessage());
    assertEquals(
        "view: invalid size -2 in [-2,-3]",
        assertThrows(IllegalArgumentException.class, () -> x.view(-2, -3)).getMessage());
  }

  /** Non-contiguous tensors whose reshape can (or cannot) be a view, as PyTorch decides. */
  static Stream<Arguments> nonContiguousReshapes() {
    Function<Tensor, Tensor> everyOtherRow = t -> t.slice(0, 0, 4, 2); // [2,6] strides [12,1]
    Function<Tensor, Tensor> permuted = t -> t.reshape(2, 3, 4).permute(1, 0, 2); // [3,2,4] strides [4,12,1]
    Function<Tensor, Tensor> transposed = t -> t.reshape(4, 6).t(); // [6,4] strides [1,6]
    Function<Tensor, Tensor> columns = t -> t.narrow(1, 1, 4); // [4,4] strides [6,1]
    return Stream.of(
        Arguments.of(everyOtherRow, new int[] {2, 2, 3}, true),
        Arguments.of(everyOtherRow, new int[] {2, 6, 1}, true),
        Arguments.of(everyOtherRow, new int[] {1, 2, 1, 6}, true),
        Arguments.of(everyOtherRow, new int[] {12}, false),
        Arguments.of(everyOtherRow, new int[] {3, 4}, false),
        Arguments.of(permuted, new int[] {3, 2, 2, 2}, true),
        Arguments.of(permuted, new int[] {6, 4}, false),
        Arguments.of(permuted, new int[] {3, 8}, false),
        Arguments.of(transposed, new int[] {2, 3, 4}, true),
        Arguments.of(transposed, new int[] {6, 2, 2}, true),
        Arguments.of(transposed, new int[] {3, 8}, false),
        Arguments.of(transposed, new int[] {24}, false),
        Arguments.of(columns, new int[] {2, 2, 4}, true),
        Arguments.of(columns, new int[] {4, 2, 2}, true),
        Arguments.of(columns, new int[] {16}, false));
  }

  @ParameterizedTest
  @MethodSource("nonContiguousReshapes")
  void reshapeViewsWhenStridesAllowAndCopiesOtherwise(Function<Tensor, Tensor> make, int[] shape, boolean viewable) {
    Tensor base = range(4, 6);
    Tensor x = make.apply(base);
    assertFalse(x.isContiguous());
    double[] expected = x.contiguous().reshape(shape).toDoubleArray();
    Tensor r = x.reshape(shape);
    assertArrayEquals(shape, r.shape());
    assertSameValues(expected, r);
    assertEquals(viewable, r.sharesStorageWith(base));
    if (viewable) {
      Tensor v = x.view(shape);
      assertSameValues(expected, v);
      v.fill(-1); // writes through the view land exactly on x's elements
      double[] all = new double[x.numel()];
      java.util.Arrays.fill(all, -1);
      assertSameValues(all, x);
    } else {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.view(shape));
      assertTrue(e.getMessage().startsWith("view: shape " + Shapes.format(shape) + " is not compatible with the strides of a tensor of shape " + Shapes.format(x.shape())), e.getMessage());
    }
  }

  @Test
  void reshapeOfExpandedKeepsTheZeroStride() {
    Tensor row = range(1, 3);
    Tensor e = row.expand(4, 3);
    Tensor v = e.view(4, 1, 3);
    assertArrayEquals(new int[] {0, 3, 1}, v.strides());
    assertTrue(v.sharesStorageWith(row));
    Tensor flat = e.reshape(12);
    assertFalse(flat.sharesStorageWith(row));
    assertSameValues(new double[] {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2}, flat);
  }

  @Test
  void permuteTransposeAndT() {
    Tensor x = range(2, 3, 4);
    Tensor p = x.permute(2, 0, 1);
    assertArrayEquals(new int[] {4, 2, 3}, p.shape());
    assertArrayEquals(new int[] {1, 12, 4}, p.strides());
    assertEquals(x.get(1, 2, 3), p.get(3, 1, 2));
    assertArrayEquals(p.shape(), x.permute(-1, 0, -2).shape());
    Tensor tr = x.transpose(0, -1);
    assertArrayEquals(new int[] {4, 3, 2}, tr.shape());
    assertEquals(x.get(1, 0, 3), tr.get(3, 0, 1));
    Tensor m = range(2, 3);
    assertSameValues(new double[] {0, 3, 1, 4, 2, 5}, m.t());
    assertTrue(m.t().sharesStorageWith(m));
    assertSame(m.t().t().dtype(), m.dtype());
    assertEquals(
        "permute: dim 0 repeated in [0, 0, 1]",
        assertThrows(IllegalArgumentException.class, () -> x.permute(0, 0, 1)).getMessage());
    assertEquals(
        "permute: 2 dims given for shape [2,3,4]",
        assertThrows(IllegalArgumentException.class, () -> x.permute(0, 1)).getMessage());
    assertEquals(
        "permute: dim 3 is out of range for shape [2,3,4] (rank 3)",
        assertThrows(IllegalArgumentException.class, () -> x.permute(0, 1, 3)).getMessage());
    assertEquals(
        "t: expects a 2-D tensor, got shape [2,3,4]",
        assertThrows(IllegalArgumentException.class, x::t).getMessage());
    assertEquals(
        "transpose: dim 5 is out of range for shape [2,3,4] (rank 3)",
        assertThrows(IllegalArgumentException.class, () -> x.transpose(0, 5)).getMessage());
  }

  @Test
  void narrowSelectsARangeWithoutCopying() {
    Tensor x = range(4, 5);
    Tensor n = x.narrow(1, 1, 3);
    assertArrayEquals(new int[] {4, 3}, n.shape());
    assertEquals(1, n.offset());
    assertSameValues(new double[] {1, 2, 3, 6, 7, 8, 11, 12, 13, 16, 17, 18}, n);
    assertSameValues(new double[] {15, 16, 17, 18, 19}, x.narrow(-2, 3, 1));
    assertEquals(0, x.narrow(0, 4, 0).numel());
    assertEquals(
        "narrow: start 2 + length 3 exceeds size 4 of dim 0 in shape [4,5]",
        assertThrows(IllegalArgumentException.class, () -> x.narrow(0, 2, 3)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> x.narrow(0, -1, 1));
  }

  @Test
  void sliceWithStepClampsLikePython() {
    Tensor x = range(10);
    assertSameValues(new double[] {1, 4, 7}, x.slice(0, 1, 8, 3));
    assertSameValues(new double[] {1, 4, 7}, x.slice(0, 1, 9, 3));
    assertSameValues(new double[] {1, 4, 7}, x.slice(0, 1, 10, 3));
    assertSameValues(new double[] {7, 8, 9}, x.slice(0, -3, 100, 1));
    assertSameValues(new double[] {0, 2, 4, 6}, x.slice(0, -100, -2, 2));
    assertEquals(0, x.slice(0, 5, 5, 1).numel());
    assertEquals(0, x.slice(0, 8, 3, 1).numel());
    assertEquals(0, x.slice(0, 12, 20, 1).numel());
    Tensor m = range(4, 6).slice(1, 1, 6, 2);
    assertArrayEquals(new int[] {4, 3}, m.shape());
    assertArrayEquals(new int[] {6, 2}, m.strides());
    assertSameValues(new double[] {1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23}, m);
    assertEquals(
        "slice: step must be positive, got 0",
        assertThrows(IllegalArgumentException.class, () -> x.slice(0, 0, 5, 0)).getMessage());
  }

  @Test
  void selectDropsTheDim() {
    Tensor x = range(2, 3, 4);
    Tensor s = x.select(1, -1);
    assertArrayEquals(new int[] {2, 4}, s.shape());
    assertSameValues(new double[] {8, 9, 10, 11, 20, 21, 22, 23}, s);
    Tensor scalar = range(3).select(0, 2);
    assertEquals(0, scalar.rank());
    assertEquals(2.0, scalar.item());
    IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> x.select(2, 4));
    assertEquals("select: index 4 is out of range for dim 2 of shape [2,3,4]", e.getMessage());
    assertThrows(IndexOutOfBoundsException.class, () -> x.select(0, -3));
  }

  @Test
  void expandUsesStrideZeroAndSharesTheElement() {
    Tensor col = range(3, 1);
    Tensor e = col.expand(2, 3, 4);
    assertArrayEquals(new int[] {2, 3, 4}, e.shape());
    assertArrayEquals(new int[] {0, 1, 0}, e.strides());
    assertEquals(2.0, e.get(1, 2, 3));
    assertArrayEquals(new int[] {3, 5}, col.expand(-1, 5).shape());
    assertArrayEquals(new int[] {3, 0}, col.expand(3, 0).shape());
    e.set(9, 0, 1, 3);
    assertEquals(9.0, col.get(1, 0));
    assertEquals(9.0, e.get(1, 1, 0));
    assertEquals(1, e.version());
    assertEquals(
        "expand: shape [3,1] cannot expand to [4,4] (dim 0: 3 vs 4)",
        assertThrows(IllegalArgumentException.class, () -> col.expand(4, 4)).getMessage());
    assertEquals(
        "expand: cannot expand shape [3,1] to fewer dims [3]",
        assertThrows(IllegalArgumentException.class, () -> col.expand(3)).getMessage());
    assertEquals(
        "expand: invalid size -2 in [3,-2]",
        assertThrows(IllegalArgumentException.class, () -> col.expand(3, -2)).getMessage());
    assertEquals(
        "expand: invalid size -1 in [-1,3,1]",
        assertThrows(IllegalArgumentException.class, () -> col.expand(-1, 3, 1)).getMessage());
    Tensor s = Tensor.scalar(DType.FLOAT32, 4).expand(2, 2);
    assertSameValues(new double[] {4, 4, 4, 4}, s);
  }

  @Test
  void squeezeAndUnsqueeze() {
    Tensor x = range(1, 3, 1, 2);
    assertArrayEquals(new int[] {3, 2}, x.squeeze().shape());
    assertArrayEquals(new int[] {1, 3, 2}, x.squeeze(2).shape());
    assertArrayEquals(new int[] {1, 3, 2}, x.squeeze(-2).shape());
    assertSame(x, x.squeeze(1));
    assertArrayEquals(new int[] {}, range(1, 1).squeeze().shape());
    Tensor y = range(3, 2);
    assertArrayEquals(new int[] {1, 3, 2}, y.unsqueeze(0).shape());
    assertArrayEquals(new int[] {3, 1, 2}, y.unsqueeze(1).shape());
    assertArrayEquals(new int[] {3, 2, 1}, y.unsqueeze(2).shape());
    assertArrayEquals(new int[] {3, 2, 1}, y.unsqueeze(-1).shape());
    assertArrayEquals(new int[] {1, 3, 2}, y.unsqueeze(-3).shape());
    assertTrue(y.unsqueeze(1).isContiguous());
    assertSameValues(y.toDoubleArray(), y.unsqueeze(1));
    assertArrayEquals(new int[] {1}, Tensor.scalar(DType.FLOAT64, 1).unsqueeze(0).shape());
    assertEquals(
        "unsqueeze: dim 3 is out of range for shape [3,2]",
        assertThrows(IllegalArgumentException.class, () -> y.unsqueeze(3)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> y.unsqueeze(-4));
    assertEquals(
        "squeeze: dim 4 is out of range for shape [1,3,1,2] (rank 4)",
        assertThrows(IllegalArgumentException.class, () -> x.squeeze(4)).getMessage());
  }

  @Test
  void flattenViewsWhenPossible() {
    Tensor x = range(2, 3);
    Tensor f = x.flatten();
    assertArrayEquals(new int[] {6}, f.shape());
    assertTrue(f.sharesStorageWith(x));
    Tensor ft = x.t().flatten();
    assertFalse(ft.sharesStorageWith(x));
    assertSameValues(new double[] {0, 3, 1, 4, 2, 5}, ft);
    assertArrayEquals(new int[] {1}, Tensor.scalar(DType.FLOAT32, 3).flatten().shape());
  }

  @Test
  void contiguousCopiesOnlyWhenNeeded() {
    Tensor x = range(3, 4);
    assertSame(x, x.contiguous());
    Tensor row = x.narrow(0, 1, 1); // size-1 dims may have any stride
    assertTrue(row.isContiguous());
    assertSame(row, row.contiguous());
    Tensor unsq = x.select(1, 2).unsqueeze(1); // [3,1] with stride 4 in dim 0
    assertFalse(unsq.isContiguous());
    Tensor c = x.t().contiguous();
    assertTrue(c.isContiguous());
    assertFalse(c.sharesStorageWith(x));
    assertSameValues(new double[] {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, c);
    assertTrue(Tensor.zeros(DType.FLOAT32, 0, 3).t().contiguous().isContiguous());
  }

  static Stream<Arguments> inPlaceWrites() {
    return Stream.of(
        Arguments.of("set", (Consumer<Tensor>) t -> t.set(1, 0, 0)),
        Arguments.of("fill", (Consumer<Tensor>) t -> t.fill(2)),
        Arguments.of("copyFrom", (Consumer<Tensor>) t -> t.copyFrom(Tensor.ones(DType.FLOAT64, 2))),
        Arguments.of("addInPlace", (Consumer<Tensor>) t -> t.addInPlace(Tensor.ones(DType.FLOAT64, 2, 2))),
        Arguments.of("addInPlace(double)", (Consumer<Tensor>) t -> t.addInPlace(1.0)),
        Arguments.of("addScaledInPlace", (Consumer<Tensor>) t -> t.addScaledInPlace(2, Tensor.ones(DType.FLOAT64, 2))),
        Arguments.of("subInPlace", (Consumer<Tensor>) t -> t.subInPlace(Tensor.ones(DType.FLOAT64, 1))),
        Arguments.of("mulInPlace", (Consumer<Tensor>) t -> t.mulInPlace(Tensor.ones(DType.FLOAT64, 2, 1))),
        Arguments.of("mulInPlace(double)", (Consumer<Tensor>) t -> t.mulInPlace(3.0)),
        Arguments.of("divInPlace", (Consumer<Tensor>) t -> t.divInPlace(Tensor.ones(DType.FLOAT64))),
        Arguments.of("mapInPlace", (Consumer<Tensor>) t -> t.mapInPlace(Math::sin)),
        Arguments.of("zipInPlace", (Consumer<Tensor>) t -> t.zipInPlace("op", t, Math::max)),
        Arguments.of("markModified", (Consumer<Tensor>) Tensor::markModified));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inPlaceWrites")
  void everyInPlaceWriteBumpsTheSharedVersionOnce(String name, Consumer<Tensor> write) {
    Tensor base = range(3, 4);
    Tensor view = base.narrow(1, 1, 2).slice(0, 0, 3, 2); // [2,2], non-contiguous
    Tensor other = base.reshape(12);
    assertEquals(0, view.version());
    write.accept(view);
    assertEquals(1, view.version());
    assertEquals(1, base.version());
    assertEquals(1, other.version());
    write.accept(base.narrow(0, 1, 2).narrow(1, 0, 2).t());
    assertEquals(2, other.version());
  }

  @Test
  void viewsAndOutOfPlaceOpsDoNotBumpTheVersion() {
    Tensor x = range(2, 3);
    x.t().reshape(6).expand(2, 6).narrow(1, 0, 3).select(0, 1).unsqueeze(0).squeeze().contiguous();
    x.add(x).relu().sum();
    x.t().copy().fill(3);
    x.toDoubleArray();
    assertEquals(0, x.version());
  }
}
