package dev.wengert.core;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * A seeded random generator (SplitMix64) whose whole state is one {@code long}, so training can
 * save and restore it exactly. Never a hidden global: every random tensor, shuffle and dropout mask
 * takes one explicitly. Not thread-safe; give each thread its own via {@link #split()}.
 */
public final class Rng {

  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
  private long state;

  /** A generator started from {@code seed}; the same seed always gives the same sequence. */
  public Rng(long seed) {
    this.state = seed;
  }

  /** The generator's current state; {@link #fromState} resumes the sequence from it. */
  public long state() {
    return state;
  }

  /** A generator that continues the sequence of the one whose {@link #state()} was saved. */
  public static Rng fromState(long state) {
    return new Rng(state);
  }

  /** Continues from a saved {@link #state()}, as if the draws since then never happened. */
  public void setState(long saved) {
    this.state = saved;
  }

  /** The next 64 random bits. */
  public long nextLong() {
    long z = (state += GOLDEN_GAMMA);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A uniform integer in {@code [0, bound)}, without modulo bias (Lemire's method). */
  public int nextInt(int bound) {
    checkArgument(bound > 0, "bound must be positive, got %s", bound);
    long m = (nextLong() >>> 32) * bound;
    long low = m & 0xFFFFFFFFL;
    if (low < bound) {
      long threshold = (0x100000000L - bound) % bound;
      while (low < threshold) {
        m = (nextLong() >>> 32) * bound;
        low = m & 0xFFFFFFFFL;
      }
    }
    return (int) (m >>> 32);
  }

  /** A uniform double in {@code [0, 1)} with 53 random bits. */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** A uniform float in {@code [0, 1)} with 24 random bits. */
  public float nextFloat() {
    return (nextLong() >>> 40) * 0x1.0p-24f;
  }

  /** A standard normal sample (Box-Muller; no cached second value, so the state stays one long). */
  public double nextGaussian() {
    double u1 = 1.0 - nextDouble(); // in (0, 1], so the log is finite
    double u2 = nextDouble();
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
  }

  /** An independent generator seeded from this one's sequence. */
  public Rng split() {
    return new Rng(nextLong());
  }

  /** Shuffles {@code values} in place (Fisher-Yates). */
  public void shuffle(int[] values) {
    for (int i = values.length - 1; i > 0; i--) {
      int j = nextInt(i + 1);
      int t = values[i];
      values[i] = values[j];
      values[j] = t;
    }
  }
}
