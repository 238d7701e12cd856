package dev.wengert.optim;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import dev.wengert.core.DType;
import dev.wengert.core.Shapes;
import dev.wengert.core.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sets the learning rate of every group of an optimizer, once per {@link #step()}, as PyTorch 1.13's
 * {@code torch.optim.lr_scheduler}: the constructor takes the first step (epoch 0), and {@link #step()}
 * is called after each {@code optimizer.step()}. The chainable schedulers compute the new rate from the
 * group's current one, with PyTorch's formulas, so the sequences match PyTorch's to the last bit or two.
 *
 * <p>{@link #stateDict()} holds the scheduler's progress ({@code last_epoch}, {@code step_count},
 * {@code base_lrs}, {@code last_lr}); the group learning rates themselves live in the optimizer's state
 * dict. To resume: build the optimizer and the scheduler as at the start, then load both.
 */
public abstract class LrScheduler {

  private static final List<String> STATE_KEYS = List.of("last_epoch", "step_count", "base_lrs", "last_lr");

  private final Optimizer optimizer;
  private final double[] baseLrs;
  private int lastEpoch = -1;
  private int stepCount;
  private double[] lastLr;

  /** Base learning rates: each group's {@code initial_lr}, set to its current lr when it has none. */
  protected LrScheduler(Optimizer optimizer) {
    this(optimizer, null);
  }

  /** Base learning rates {@code initialLrs}, one per group, which become the groups' {@code initial_lr}. */
  protected LrScheduler(Optimizer optimizer, double[] initialLrs) {
    this.optimizer = checkNotNull(optimizer, "optimizer");
    List<ParamGroup> groups = optimizer.groups();
    this.baseLrs = new double[groups.size()];
    for (int i = 0; i < baseLrs.length; i++) {
      ParamGroup group = groups.get(i);
      if (initialLrs != null) {
        group.initialLr = initialLrs[i];
      } else if (Double.isNaN(group.initialLr)) {
        group.initialLr = group.lr();
      }
      baseLrs[i] = group.initialLr;
    }
  }

  /** Takes the first step (epoch 0); every subclass constructor calls it last, as PyTorch's does. */
  protected final void start() {
    step();
  }

  /** Advances one epoch (or iteration) and sets every group's learning rate. */
  public final void step() {
    checkState(
        lastEpoch < maxEpoch(), "%s: step() was called %s times after construction, more than its %s total steps",
        getClass().getSimpleName(), lastEpoch + 1, maxEpoch());
    stepCount++;
    lastEpoch++;
    double[] lrs = computeLrs();
    List<ParamGroup> groups = optimizer.groups();
    for (int i = 0; i < lrs.length; i++) {
      groups.get(i).put(ParamGroup.LR, lrs[i]);
    }
    lastLr = new double[groups.size()];
    for (int i = 0; i < lastLr.length; i++) {
      lastLr[i] = groups.get(i).lr();
    }
  }

  /** The learning rate of every group for the epoch {@link #lastEpoch()} (just advanced). */
  protected abstract double[] computeLrs();

  /** The learning rates the last {@link #step()} set, one per group. */
  public final double[] lastLr() {
    return lastLr.clone();
  }

  /** The epoch (or iteration) the scheduler is at: 0 after construction. */
  public final int lastEpoch() {
    return lastEpoch;
  }

  /** How many times {@link #step()} has run, the constructor's included. */
  protected final int stepCount() {
    return stepCount;
  }

  /** The learning rate of group {@code i} that the schedule starts from. */
  protected final double baseLr(int i) {
    return baseLrs[i];
  }

  protected final List<ParamGroup> groups() {
    return optimizer.groups();
  }

  /** {@code [group.lr() for every group]}, the chainable schedulers' "no change". */
  protected final double[] currentLrs() {
    List<ParamGroup> groups = optimizer.groups();
    double[] out = new double[groups.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = groups.get(i).lr();
    }
    return out;
  }

  /** A copy of the scheduler's progress: last_epoch and step_count (0-d), base_lrs and last_lr (one per group), all float64. */
  public final Map<String, Tensor> stateDict() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    out.put("last_epoch", Tensor.scalar(DType.FLOAT64, lastEpoch));
    out.put("step_count", Tensor.scalar(DType.FLOAT64, stepCount));
    out.put("base_lrs", Tensor.of(baseLrs.clone(), baseLrs.length));
    out.put("last_lr", Tensor.of(lastLr.clone(), lastLr.length));
    return Collections.unmodifiableMap(out);
  }

  /**
   * Restores the progress saved by {@link #stateDict()} of a scheduler of the same kind over an
   * optimizer with as many groups; checks everything first and changes nothing when it does not fit.
   */
  public final void loadStateDict(Map<String, Tensor> stateDict) {
    checkNotNull(stateDict, "stateDict");
    String name = getClass().getSimpleName();
    int n = baseLrs.length;
    List<String> problems = new ArrayList<>();
    for (String key : stateDict.keySet()) {
      if (!STATE_KEYS.contains(key)) {
        problems.add("unexpected key " + key);
      }
    }
    for (String key : STATE_KEYS) {
      Tensor t = stateDict.get(key);
      int[] expected = key.equals("base_lrs") || key.equals("last_lr") ? new int[] {n} : new int[0];
      if (t == null) {
        problems.add("missing key " + key);
      } else if (!Arrays.equals(t.shape(), expected)) {
        problems.add(key + " has shape " + Shapes.format(t.shape()) + ", expected " + Shapes.format(expected));
      }
    }
    if (problems.isEmpty()) {
      double epoch = stateDict.get("last_epoch").item();
      double count = stateDict.get("step_count").item();
      checkArgument(
          epoch >= 0 && epoch == Math.rint(epoch) && epoch < Integer.MAX_VALUE,
          "%s.loadStateDict: last_epoch must be a whole number >= 0, got %s", name, epoch);
      checkArgument(
          count >= 1 && count == Math.rint(count) && count < Integer.MAX_VALUE,
          "%s.loadStateDict: step_count must be a whole number >= 1, got %s", name, count);
      checkArgument(
          epoch <= maxEpoch(), "%s.loadStateDict: last_epoch %s is past the schedule's %s total steps", name,
          (int) epoch, maxEpoch());
    } else {
      throw new IllegalArgumentException(
          name + ".loadStateDict: the state dict does not fit this scheduler (" + n + " groups): "
              + String.join("; ", problems));
    }
    lastEpoch = (int) stateDict.get("last_epoch").item();
    stepCount = (int) stateDict.get("step_count").item();
    System.arraycopy(stateDict.get("base_lrs").toDoubleArray(), 0, baseLrs, 0, n);
    for (int i = 0; i < n; i++) {
      optimizer.groups().get(i).initialLr = baseLrs[i];
    }
    lastLr = stateDict.get("last_lr").toDoubleArray();
  }

  /** The last epoch the schedule defines (OneCycleLR: its total steps), unbounded by default. */
  protected int maxEpoch() {
    return Integer.MAX_VALUE;
  }
}
