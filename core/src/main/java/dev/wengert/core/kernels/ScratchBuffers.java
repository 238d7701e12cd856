package dev.wengert.core.kernels;

/**
 * Per-thread scratch arrays for GEMM packing. Each thread gets its own set, allocated on first use
 * and grown (never shrunk) when a call needs more, so steady-state calls allocate nothing. A buffer
 * is only used from the start to the end of one kernel call on its thread.
 */
final class ScratchBuffers {

  /** The buffers of one thread. */
  enum Buffer {
    /** A thread's packed block of {@code op(A)}. */
    A,
    /** A thread's packed block of {@code op(B)} (or, in the scalar GEMM, a copy of it). */
    B,
    /** A thread's running sums of a panel of {@code C}. */
    ACC
  }

  private static final ThreadLocal<ScratchBuffers> LOCAL =
      ThreadLocal.withInitial(ScratchBuffers::new);

  private final float[][] floats = new float[Buffer.values().length][0];
  private final double[][] doubles = new double[Buffer.values().length][0];

  private int[] rowStarts = new int[0];

  private ScratchBuffers() {}

  /** The calling thread's buffers. */
  static ScratchBuffers get() {
    return LOCAL.get();
  }

  /** The float buffer {@code which}, at least {@code size} long. */
  float[] floats(Buffer which, int size) {
    float[] buffer = floats[which.ordinal()];
    if (buffer.length < size) {
      buffer = new float[size];
      floats[which.ordinal()] = buffer;
    }
    return buffer;
  }

  /** The buffer for the row starts of an operand read in place, at least {@code size} long. */
  int[] rowStarts(int size) {
    if (rowStarts.length < size) {
      rowStarts = new int[size];
    }
    return rowStarts;
  }

  /** The double buffer {@code which}, at least {@code size} long. */
  double[] doubles(Buffer which, int size) {
    double[] buffer = doubles[which.ordinal()];
    if (buffer.length < size) {
      buffer = new double[size];
      doubles[which.ordinal()] = buffer;
    }
    return buffer;
  }
}
