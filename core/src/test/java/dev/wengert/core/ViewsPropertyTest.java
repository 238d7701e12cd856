package dev.wengert.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random chains of view operations on random shapes, checked element by element against a model
 * that only does index arithmetic: each step maps an index of the view to an index of its parent,
 * down to a row-major position in an {@code arange} base, so every element names its own source.
 */
class ViewsPropertyTest {

  private static final int MAX_RANK = 6;

  /** The model of a view: its shape and where each of its indices reads in the base. */
  private record Ref(int[] shape, java.util.function.ToIntFunction<int[]> source) {}

  /** One step: the same operation on a tensor and on the model. */
  private record Step(String name, UnaryOperator<Tensor> onTensor, UnaryOperator<Ref> onRef) {}

  @Provide
  Arbitrary<int[]> shapes() {
    return Arbitraries.integers().between(1, 5).array(int[].class).ofMinSize(0).ofMaxSize(4);
  }

  @Provide
  Arbitrary<List<int[]>> codes() {
    return Arbitraries.integers().between(0, 999).array(int[].class).ofSize(4).list().ofMaxSize(7);
  }

  @Property(tries = 400)
  void viewChainsMatchIndexArithmetic(
      @ForAll("shapes") int[] shape, @ForAll("codes") List<int[]> codes, @ForAll boolean float32) {
    DType dtype = float32 ? DType.FLOAT32 : DType.FLOAT64;
    Tensor base = Tensor.arange(dtype, Shapes.numel(shape)).reshape(shape);
    double[] original = base.toDoubleArray();
    Tensor t = base;
    Ref ref = new Ref(shape.clone(), idx -> TestTensors.ravel(idx, shape));
    List<String> applied = new ArrayList<>();
    for (int[] code : codes) {
      Step step = plan(code, t.shape());
      if (step == null) {
        continue;
      }
      applied.add(step.name());
      Tensor fromView = step.onTensor().apply(t);
      Tensor fromCopy = step.onTensor().apply(t.copy());
      ref = step.onRef().apply(ref);
      String context = Shapes.format(shape) + " " + applied;
      checkAgainstModel(fromView, ref, context);
      assertArrayEquals(fromView.toDoubleArray(), fromCopy.toDoubleArray(), context);
      t = fromView;
    }
    checkDerivedOps(t, ref, applied.toString());
    checkWritesThroughTheView(base, original, t, ref, applied.toString());
  }

  @Property(tries = 300)
  void reshapeOfAPermutedTensorEqualsReshapeOfItsContiguousCopy(
      @ForAll("shapes") int[] shape, @ForAll long seed) {
    Random random = new Random(seed);
    Tensor base = Tensor.arange(DType.FLOAT64, Shapes.numel(shape)).reshape(shape);
    Tensor permuted = base.permute(randomPermutation(shape.length, random));
    int[] target = randomShapeOf(permuted.numel(), random);
    Tensor reshaped = permuted.reshape(target);
    assertArrayEquals(target, reshaped.shape());
    assertArrayEquals(permuted.contiguous().reshape(target).toDoubleArray(), reshaped.toDoubleArray());
    if (reshaped.sharesStorageWith(base)) {
      assertArrayEquals(reshaped.toDoubleArray(), permuted.view(target).toDoubleArray());
    }
  }

  @Property(tries = 200)
  void binaryOpsBroadcastOverRandomViews(
      @ForAll("shapes") int[] shape, @ForAll("codes") List<int[]> codes, @ForAll long seed) {
    Tensor t = Tensor.arange(DType.FLOAT64, Shapes.numel(shape)).reshape(shape);
    Ref ref = new Ref(shape.clone(), idx -> TestTensors.ravel(idx, shape));
    for (int[] code : codes) {
      Step step = plan(code, t.shape());
      if (step != null) {
        t = step.onTensor().apply(t);
        ref = step.onRef().apply(ref);
      }
    }
    Random random = new Random(seed);
    int[] outShape = t.shape();
    int drop = random.nextInt(outShape.length + 1);
    int[] otherShape = Arrays.copyOfRange(outShape, drop, outShape.length);
    for (int d = 0; d < otherShape.length; d++) {
      if (random.nextBoolean()) {
        otherShape[d] = 1;
      }
    }
    Tensor other = TestTensors.gappy(Tensor.arange(DType.FLOAT64, Shapes.numel(otherShape)).mul(0.5).reshape(otherShape));
    boolean swap = random.nextBoolean();
    Tensor diff = swap ? other.sub(t) : t.sub(other);
    assertArrayEquals(outShape, diff.shape());
    double[] got = diff.toDoubleArray();
    for (int i = 0; i < got.length; i++) {
      int[] idx = TestTensors.unravel(i, outShape);
      double a = ref.source().applyAsInt(idx);
      double b = 0.5 * TestTensors.broadcastSource(idx, otherShape);
      assertEquals(swap ? b - a : a - b, got[i], Shapes.format(outShape) + " - " + Shapes.format(otherShape));
    }
  }

  private static void checkAgainstModel(Tensor t, Ref ref, String context) {
    assertArrayEquals(ref.shape(), t.shape(), context);
    double[] values = t.toDoubleArray();
    for (int i = 0; i < values.length; i++) {
      int[] idx = TestTensors.unravel(i, ref.shape());
      double expected = ref.source().applyAsInt(idx);
      assertEquals(expected, values[i], context);
      assertEquals(expected, t.get(idx), context);
      assertEquals(expected, t.getFlat(i), context);
    }
  }

  /** Elementwise ops and reductions read strided views through their own loops. */
  private static void checkDerivedOps(Tensor t, Ref ref, String context) {
    double[] expected = new double[t.numel()];
    double sum = 0;
    for (int i = 0; i < expected.length; i++) {
      expected[i] = ref.source().applyAsInt(TestTensors.unravel(i, ref.shape()));
      sum += expected[i];
    }
    double[] squares = Arrays.stream(expected).map(x -> x * x).toArray();
    assertArrayEquals(squares, t.mul(t).toDoubleArray(), context);
    assertArrayEquals(squares, t.map(x -> x * x).toDoubleArray(), context);
    assertArrayEquals(Arrays.stream(expected).map(x -> x + 0.5).toArray(), t.add(0.5).toDoubleArray(), context);
    assertEquals(sum, t.sum().item(), context);
    assertArrayEquals(expected, t.relu().toDoubleArray(), context);
    if (expected.length > 0) {
      assertEquals(Arrays.stream(expected).max().getAsDouble(), t.max().item(), context);
    }
    assertArrayEquals(expected, Tensor.zerosLike(t).copyFrom(t).toDoubleArray(), context);
  }

  /** Filling the view writes exactly the base elements the model says it reads. */
  private static void checkWritesThroughTheView(
      Tensor base, double[] original, Tensor t, Ref ref, String context) {
    if (!t.sharesStorageWith(base)) {
      return;
    }
    boolean[] written = new boolean[original.length];
    for (int i = 0; i < t.numel(); i++) {
      written[ref.source().applyAsInt(TestTensors.unravel(i, ref.shape()))] = true;
    }
    t.fill(-1);
    double[] after = base.toDoubleArray();
    for (int p = 0; p < after.length; p++) {
      assertEquals(written[p] ? -1 : original[p], after[p], context);
    }
    assertEquals(1, base.version(), context);
  }

  // ------------------------------------------------------------------ the operations

  private static Step plan(int[] code, int[] shape) {
    int rank = shape.length;
    int kind = code[0] % 12;
    int a = code[1];
    int b = code[2];
    int c = code[3];
    switch (kind) {
      case 0: {
        int[] order = randomPermutation(rank, new Random(a));
        return new Step("permute" + Arrays.toString(order), t -> t.permute(order), r -> permuted(r, order));
      }
      case 1: {
        if (rank == 0) {
          return null;
        }
        int d0 = a % rank;
        int d1 = b % rank;
        int arg1 = c % 2 == 0 ? d1 : d1 - rank;
        int[] order = identity(rank);
        order[d0] = d1;
        order[d1] = d0;
        return new Step("transpose(" + d0 + "," + arg1 + ")", t -> t.transpose(d0, arg1), r -> permuted(r, order));
      }
      case 2: {
        if (rank == 0) {
          return null;
        }
        int d = a % rank;
        int size = shape[d];
        int start = b % (size + 1);
        int length = c % (size - start + 1);
        return new Step(
            "narrow(" + d + "," + start + "," + length + ")",
            t -> t.narrow(d, start, length),
            r -> mapDim(r, d, length, i -> start + i));
      }
      case 3: {
        if (rank == 0) {
          return null;
        }
        int d = a % rank;
        int size = shape[d];
        int start = b % (2 * size + 3) - size - 1;
        int end = c % (2 * size + 3) - size - 1 + (c % 7 == 0 ? 100 : 0);
        int step = 1 + (a / 7) % 3;
        List<Integer> picked = pythonSlice(size, start, end, step);
        return new Step(
            "slice(" + d + "," + start + "," + end + "," + step + ")",
            t -> t.slice(d, start, end, step),
            r -> mapDim(r, d, picked.size(), picked::get));
      }
      case 4: {
        if (rank == 0) {
          return null;
        }
        int d = a % rank;
        if (shape[d] == 0) {
          return null;
        }
        int index = b % shape[d];
        int arg = c % 2 == 0 ? index : index - shape[d];
        int argDim = c % 3 == 0 ? d - rank : d;
        return new Step("select(" + argDim + "," + arg + ")", t -> t.select(argDim, arg), r -> selected(r, d, index));
      }
      case 5: {
        int lead = rank < MAX_RANK ? a % 2 : 0;
        int[] target = new int[rank + lead];
        int[] outShape = new int[rank + lead];
        for (int i = 0; i < lead; i++) {
          target[i] = 1 + b % 3;
          outShape[i] = target[i];
        }
        for (int d = 0; d < rank; d++) {
          int choice = (c >> d) & 3;
          if (shape[d] == 1 && choice != 0) {
            target[lead + d] = choice - 1; // 0, 1 or 2
          } else {
            target[lead + d] = choice == 3 ? -1 : shape[d];
          }
          outShape[lead + d] = target[lead + d] == -1 ? shape[d] : target[lead + d];
        }
        return new Step("expand" + Arrays.toString(target), t -> t.expand(target), r -> expanded(r, outShape));
      }
      case 6: {
        if (rank > 0 && a % 2 == 0) {
          int d = b % rank;
          if (shape[d] != 1) {
            return new Step("squeeze(" + d + ") of size " + shape[d], t -> t.squeeze(d), r -> r);
          }
          return new Step("squeeze(" + d + ")", t -> t.squeeze(d), r -> selected(r, d, 0));
        }
        return new Step("squeeze()", Tensor::squeeze, ViewsPropertyTest::squeezed);
      }
      case 7: {
        if (rank >= MAX_RANK) {
          return null;
        }
        int d = a % (rank + 1);
        int arg = b % 2 == 0 ? d : d - rank - 1;
        return new Step("unsqueeze(" + arg + ")", t -> t.unsqueeze(arg), r -> unsqueezed(r, d));
      }
      case 8:
      case 9: {
        int[] target = randomShapeOf(Shapes.numel(shape), new Random(a * 1000L + b));
        int[] arg = target.clone();
        if (arg.length > 0 && c % 2 == 0 && Shapes.numel(target) > 0) {
          arg[c % arg.length] = -1;
        }
        return new Step("reshape" + Arrays.toString(arg), t -> t.reshape(arg), r -> reshaped(r, target));
      }
      case 10:
        return new Step("flatten", Tensor::flatten, r -> reshaped(r, new int[] {Shapes.numel(r.shape())}));
      default:
        return new Step("contiguous", Tensor::contiguous, r -> r);
    }
  }

  private static int[] identity(int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    return order;
  }

  private static int[] randomPermutation(int n, Random random) {
    int[] order = identity(n);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
    return order;
  }

  /** A random shape with {@code numel} elements and rank 0..4 (sizes are factors, padded with 1s). */
  private static int[] randomShapeOf(int numel, Random random) {
    List<Integer> dims = new ArrayList<>();
    if (numel == 0) {
      dims.add(0);
      dims.add(1 + random.nextInt(3));
    } else {
      int rest = numel;
      for (int p = 2; rest > 1; p++) {
        while (rest % p == 0) {
          dims.add(p);
          rest /= p;
        }
      }
      while (dims.size() > 4) {
        int i = random.nextInt(dims.size() - 1);
        dims.set(i, dims.get(i) * dims.remove(i + 1));
      }
      while (dims.size() < 4 && random.nextInt(3) == 0) {
        dims.add(random.nextInt(dims.size() + 1), 1);
      }
    }
    java.util.Collections.shuffle(dims, random);
    return dims.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The indices {@code range(size)[start:end:step]} selects, computed as Python does. */
  private static List<Integer> pythonSlice(int size, int start, int end, int step) {
    int s = start < 0 ? Math.max(0, start + size) : Math.min(start, size);
    int e = end < 0 ? Math.max(0, end + size) : Math.min(end, size);
    List<Integer> out = new ArrayList<>();
    for (int i = s; i < e; i += step) {
      out.add(i);
    }
    return out;
  }

  private static Ref permuted(Ref r, int[] order) {
    int[] shape = new int[order.length];
    for (int i = 0; i < order.length; i++) {
      shape[i] = r.shape()[order[i]];
    }
    return new Ref(
        shape,
        idx -> {
          int[] in = new int[idx.length];
          for (int i = 0; i < idx.length; i++) {
            in[order[i]] = idx[i];
          }
          return r.source().applyAsInt(in);
        });
  }

  private static Ref mapDim(Ref r, int d, int newSize, java.util.function.IntUnaryOperator index) {
    int[] shape = r.shape().clone();
    shape[d] = newSize;
    return new Ref(
        shape,
        idx -> {
          int[] in = idx.clone();
          in[d] = index.applyAsInt(idx[d]);
          return r.source().applyAsInt(in);
        });
  }

  private static Ref selected(Ref r, int d, int index) {
    int rank = r.shape().length;
    int[] shape = new int[rank - 1];
    for (int i = 0, j = 0; i < rank; i++) {
      if (i != d) {
        shape[j++] = r.shape()[i];
      }
    }
    return new Ref(
        shape,
        idx -> {
          int[] in = new int[rank];
          for (int i = 0, j = 0; i < rank; i++) {
            in[i] = i == d ? index : idx[j++];
          }
          return r.source().applyAsInt(in);
        });
  }

  private static Ref expanded(Ref r, int[] outShape) {
    int[] old = r.shape();
    int lead = outShape.length - old.length;
    return new Ref(
        outShape,
        idx -> {
          int[] in = new int[old.length];
          for (int d = 0; d < old.length; d++) {
            in[d] = old[d] == 1 ? 0 : idx[d + lead];
          }
          return r.source().applyAsInt(in);
        });
  }

  private static Ref squeezed(Ref r) {
    int[] old = r.shape();
    int[] shape = Arrays.stream(old).filter(s -> s != 1).toArray();
    return new Ref(
        shape,
        idx -> {
          int[] in = new int[old.length];
          for (int d = 0, j = 0; d < old.length; d++) {
            in[d] = old[d] == 1 ? 0 : idx[j++];
          }
          return r.source().applyAsInt(in);
        });
  }

  private static Ref unsqueezed(Ref r, int d) {
    int[] old = r.shape();
    int[] shape = new int[old.length + 1];
    for (int i = 0, j = 0; i < shape.length; i++) {
      shape[i] = i == d ? 1 : old[j++];
    }
    return new Ref(
        shape,
        idx -> {
          int[] in = new int[old.length];
          for (int i = 0, j = 0; i < idx.length; i++) {
            if (i != d) {
              in[j++] = idx[i];
            }
          }
          return r.source().applyAsInt(in);
        });
  }

  private static Ref reshaped(Ref r, int[] target) {
    int[] old = r.shape();
    assertTrue(Shapes.numel(old) == Shapes.numel(target));
    return new Ref(
        target.clone(),
        idx -> r.source().applyAsInt(TestTensors.unravel(TestTensors.ravel(idx, target), old)));
  }
}
