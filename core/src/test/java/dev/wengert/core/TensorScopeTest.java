package dev.wengert.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TensorScopeTest {

  private static final int BIG = TensorScope.MIN_POOLED;

  private static Object array(Tensor t) {
    return t.storage.array();
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void theNextScopeReusesReleasedMemoryOfTheSameDtypeAndSize(DType dtype) {
    Object first;
    try (TensorScope scope = TensorScope.open()) {
      first = array(Tensor.empty(dtype, 2, BIG).fill(3));
    }
    try (TensorScope scope = TensorScope.open()) {
      assertNotSame(first, array(Tensor.empty(dtype, BIG))); // another size
      Tensor again = Tensor.zeros(dtype, BIG, 2);
      assertSame(first, array(again));
      assertEquals(0, again.sum().item(), "zeros clears reused memory");
    }
  }

  @Test
  void emptyInReusedMemoryHoldsTheReleasedValuesOrNaNWhenPoisoning() {
    try (TensorScope scope = TensorScope.open()) {
      Tensor.empty(DType.FLOAT32, BIG).fill(3);
    }
    try (TensorScope scope = TensorScope.open()) {
      assertEquals(3f, Tensor.empty(DType.FLOAT32, BIG).floatData()[BIG - 1]);
    }
    try (TensorScope scope = TensorScope.openPoisoning()) {
      assertTrue(Float.isNaN(Tensor.empty(DType.FLOAT32, BIG).floatData()[0]));
    }
  }

  @Test
  void aReleasedTensorAndItsViewsRefuseEveryAccessWithAReason() {
    Tensor t;
    Tensor view;
    try (TensorScope scope = TensorScope.open()) {
      t = Tensor.ones(DType.FLOAT32, 4, BIG);
      view = t.reshape(BIG, 4);
    }
    IllegalStateException e = assertThrows(IllegalStateException.class, t::floatData);
    assertEquals(
        "tensor storage (16384 float32 elements) was released when the TensorScope it was allocated in closed;"
            + " keep a tensor that outlives its scope with TensorScope.keep(tensor), or create it outside",
        e.getMessage());
    assertThrows(IllegalStateException.class, () -> view.add(view));
    assertThrows(IllegalStateException.class, () -> t.getFlat(0));
    assertThrows(IllegalStateException.class, () -> TensorScope.keep(t));
  }

  @Test
  void keptTensorsSurviveTheirScopeAndTheirMemoryIsNotReused() {
    Tensor kept;
    try (TensorScope scope = TensorScope.open()) {
      kept = TensorScope.keep(Tensor.ones(DType.FLOAT64, BIG));
    }
    try (TensorScope scope = TensorScope.open()) {
      assertNotSame(array(kept), array(Tensor.zeros(DType.FLOAT64, BIG)));
    }
    assertEquals(BIG, kept.sum().item());
  }

  @Test
  void smallArraysAndArraysOutsideScopesAreOrdinaryHeapMemory() {
    Tensor outside = Tensor.ones(DType.FLOAT32, BIG);
    Tensor small;
    try (TensorScope scope = TensorScope.open()) {
      small = Tensor.ones(DType.FLOAT32, BIG - 1);
      assertEquals(BIG, outside.sum().item());
    }
    assertEquals(BIG - 1, small.sum().item());
    assertEquals(BIG, outside.sum().item());
  }

  @Test
  void innerScopesReleaseOnlyWhatTheyAllocatedAndCloseFirst() {
    try (TensorScope outer = TensorScope.open()) {
      Tensor a = Tensor.ones(DType.FLOAT32, BIG);
      Tensor b;
      Object bArray;
      try (TensorScope inner = TensorScope.open()) {
        b = Tensor.ones(DType.FLOAT32, BIG);
        bArray = array(b);
        IllegalStateException e = assertThrows(IllegalStateException.class, outer::close);
        assertEquals("close: a scope opened inside this one is still open", e.getMessage());
      }
      assertThrows(IllegalStateException.class, b::floatData);
      assertEquals(BIG, a.sum().item());
      assertSame(bArray, array(Tensor.empty(DType.FLOAT32, BIG)), "the outer scope reuses what the inner released");
    }
  }

  @Test
  void memoryNoScopeOfAWholeStepReusedIsDropped() {
    Object released;
    try (TensorScope step = TensorScope.open()) {
      released = array(Tensor.empty(DType.FLOAT32, BIG));
    }
    try (TensorScope step = TensorScope.open()) {
      Tensor.empty(DType.FLOAT32, BIG + 1); // does not take it
    }
    try (TensorScope step = TensorScope.open()) {
      assertNotSame(released, array(Tensor.empty(DType.FLOAT32, BIG)));
    }
  }

  @Test
  void aScopeBelongsToTheThreadThatOpenedIt() throws InterruptedException, ExecutionException {
    try (TensorScope scope = TensorScope.open()) {
      Tensor t = Tensor.ones(DType.FLOAT32, BIG);
      Throwable close = CompletableFuture.supplyAsync(() -> assertThrows(IllegalStateException.class, scope::close)).get();
      assertEquals("close: a TensorScope must be closed by the thread that opened it", close.getMessage());
      Throwable keep = CompletableFuture.supplyAsync(() -> assertThrows(IllegalStateException.class, () -> TensorScope.keep(t))).get();
      assertEquals("keep: the tensor [4096] belongs to a TensorScope of another thread", keep.getMessage());
      Tensor elsewhere = CompletableFuture.supplyAsync(() -> Tensor.ones(DType.FLOAT32, BIG)).get();
      scope.close();
      assertArrayEquals(new int[] {BIG}, elsewhere.shape());
      assertEquals(BIG, elsewhere.sum().item(), "allocated outside the scope's thread: not released");
    }
  }
}
