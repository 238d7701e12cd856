package dev.wengert.optim;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Arrays;
import java.util.List;

/**
 * The 1cycle policy (Smith and Topin), as PyTorch's {@code OneCycleLR}: per iteration, the learning
 * rate rises from {@code maxLr/divFactor} to {@code maxLr} over the first {@code pctStart} of {@code
 * totalSteps}, then anneals to {@code maxLr/divFactor/finalDivFactor}; momentum (SGD's and RMSprop's
 * {@code momentum}, Adam's and AdamW's {@code beta1}) moves the opposite way between {@code
 * maxMomentum} and {@code baseMomentum}. With three phases the rate first returns to its initial value
 * symmetrically and only then anneals to the minimum. Within a phase from a to b at fraction f:
 *
 * <pre>
 * cos:     b + (a − b)/2·(cos(π·f) + 1)
 * linear:  (b − a)·f + a
 * </pre>
 *
 * Not chainable: it sets the learning rate outright. It allows {@code totalSteps} calls of {@link
 * #step()} after construction.
 */
public final class OneCycleLR extends LrScheduler {

  /** How a phase moves from its start value to its end value. */
  public enum AnnealStrategy {
    COS,
    LINEAR
  }

  /** The schedule's shape; defaults as PyTorch's. */
  public static final class Options {
    private final double[] maxLrs;
    private final int totalSteps;
    private double pctStart = 0.3;
    private AnnealStrategy annealStrategy = AnnealStrategy.COS;
    private boolean cycleMomentum = true;
    private double baseMomentum = 0.85;
    private double maxMomentum = 0.95;
    private double divFactor = 25;
    private double finalDivFactor = 1e4;
    private boolean threePhase;

    private Options(double[] maxLrs, int totalSteps) {
      this.maxLrs = maxLrs;
      this.totalSteps = totalSteps;
    }

    /** Fraction of the steps spent raising the learning rate (default 0.3). */
    public Options pctStart(double pctStart) {
      this.pctStart = pctStart;
      return this;
    }

    /** Cosine (default) or linear annealing. */
    public Options annealStrategy(AnnealStrategy annealStrategy) {
      this.annealStrategy = checkNotNull(annealStrategy, "annealStrategy");
      return this;
    }

    /** Whether momentum (or beta1) cycles inversely to the learning rate (default true). */
    public Options cycleMomentum(boolean cycleMomentum) {
      this.cycleMomentum = cycleMomentum;
      return this;
    }

    /** Momentum at the learning-rate peak (default 0.85). */
    public Options baseMomentum(double baseMomentum) {
      this.baseMomentum = baseMomentum;
      return this;
    }

    /** Momentum at the start and the end (default 0.95). */
    public Options maxMomentum(double maxMomentum) {
      this.maxMomentum = maxMomentum;
      return this;
    }

    /** The initial learning rate is maxLr / divFactor (default 25). */
    public Options divFactor(double divFactor) {
      this.divFactor = divFactor;
      return this;
    }

    /** The final learning rate is the initial one / finalDivFactor (default 1e4). */
    public Options finalDivFactor(double finalDivFactor) {
      this.finalDivFactor = finalDivFactor;
      return this;
    }

    /** Three phases (up, back down to the initial rate, then to the minimum) instead of two (default false). */
    public Options threePhase(boolean threePhase) {
      this.threePhase = threePhase;
      return this;
    }
  }

  /** Options for {@code totalSteps} iterations peaking at {@code maxLr} in every group. */
  public static Options options(double maxLr, int totalSteps) {
    return new Options(new double[] {maxLr}, totalSteps);
  }

  /** Options for {@code totalSteps} iterations peaking at {@code maxLrs[g]} in group g. */
  public static Options options(double[] maxLrs, int totalSteps) {
    return new Options(checkNotNull(maxLrs, "maxLrs").clone(), totalSteps);
  }

  private enum Level {
    INITIAL_LR,
    MAX_LR,
    MIN_LR,
    MAX_MOMENTUM,
    BASE_MOMENTUM
  }

  private record Phase(double endStep, Level startLr, Level endLr, Level startMomentum, Level endMomentum) {}

  private final int totalSteps;
  private final AnnealStrategy annealStrategy;
  private final List<Phase> phases;
  private final double[] maxLrs;
  private final double[] minLrs;
  private final double baseMomentum;
  private final double maxMomentum;
  /** The hyperparameter that cycles, or null. */
  private final String momentumName;

  public OneCycleLR(Optimizer optimizer, Options options) {
    super(optimizer, initialLrs(optimizer, options));
    this.totalSteps = options.totalSteps;
    this.annealStrategy = options.annealStrategy;
    this.maxLrs = perGroup(options.maxLrs, groups().size());
    this.minLrs = new double[maxLrs.length];
    for (int i = 0; i < minLrs.length; i++) {
      minLrs[i] = baseLr(i) / options.finalDivFactor;
    }
    double warmupSteps = options.pctStart * totalSteps;
    this.phases = options.threePhase
        ? List.of(
            new Phase(warmupSteps - 1, Level.INITIAL_LR, Level.MAX_LR, Level.MAX_MOMENTUM, Level.BASE_MOMENTUM),
            new Phase(2 * options.pctStart * totalSteps - 2, Level.MAX_LR, Level.INITIAL_LR, Level.BASE_MOMENTUM,
                Level.MAX_MOMENTUM),
            new Phase(totalSteps - 1, Level.INITIAL_LR, Level.MIN_LR, Level.MAX_MOMENTUM, Level.MAX_MOMENTUM))
        : List.of(
            new Phase(warmupSteps - 1, Level.INITIAL_LR, Level.MAX_LR, Level.MAX_MOMENTUM, Level.BASE_MOMENTUM),
            new Phase(totalSteps - 1, Level.MAX_LR, Level.MIN_LR, Level.BASE_MOMENTUM, Level.MAX_MOMENTUM));
    double previousEnd = 0;
    for (Phase phase : phases) {
      checkArgument(
          phase.endStep() > previousEnd,
          "OneCycleLR: pctStart %s of %s total steps leaves a phase without steps (phase ends at step %s, "
              + "after step %s); use more steps or a pctStart further from 0 and 1",
          options.pctStart, totalSteps, phase.endStep(), previousEnd);
      previousEnd = phase.endStep();
    }
    this.baseMomentum = options.baseMomentum;
    this.maxMomentum = options.maxMomentum;
    ParamGroup first = optimizer.groups().get(0);
    if (!options.cycleMomentum) {
      this.momentumName = null;
    } else if (first.has(Adam.BETA1)) {
      this.momentumName = Adam.BETA1;
      checkArgument(
          maxMomentum < 1, "OneCycleLR: maxMomentum is beta1 of %s and must be < 1, got %s",
          optimizer.getClass().getSimpleName(), maxMomentum);
    } else if (first.has(Sgd.MOMENTUM)) {
      this.momentumName = Sgd.MOMENTUM;
    } else {
      throw new IllegalArgumentException(
          "OneCycleLR: cycleMomentum needs an optimizer with momentum or beta1, but "
              + optimizer.getClass().getSimpleName() + " has " + first.hyperparameters().keySet()
              + "; pass cycleMomentum(false)");
    }
    start();
  }

  private static double[] initialLrs(Optimizer optimizer, Options options) {
    checkNotNull(optimizer, "optimizer");
    checkNotNull(options, "options");
    int groups = optimizer.groups().size();
    double[] maxLrs = perGroup(options.maxLrs, groups);
    for (double maxLr : maxLrs) {
      checkArgument(maxLr > 0 && Double.isFinite(maxLr), "OneCycleLR: maxLr must be finite and > 0, got %s",
          Arrays.toString(options.maxLrs));
    }
    checkArgument(options.totalSteps > 0, "OneCycleLR: totalSteps must be > 0, got %s", options.totalSteps);
    checkArgument(
        options.pctStart >= 0 && options.pctStart <= 1, "OneCycleLR: pctStart must be in [0, 1], got %s",
        options.pctStart);
    checkArgument(
        options.divFactor > 0 && Double.isFinite(options.divFactor),
        "OneCycleLR: divFactor must be finite and > 0, got %s", options.divFactor);
    checkArgument(
        options.finalDivFactor > 0 && Double.isFinite(options.finalDivFactor),
        "OneCycleLR: finalDivFactor must be finite and > 0, got %s", options.finalDivFactor);
    checkArgument(
        !options.cycleMomentum || (0 <= options.baseMomentum && options.baseMomentum <= options.maxMomentum),
        "OneCycleLR: need 0 <= baseMomentum <= maxMomentum, got baseMomentum %s and maxMomentum %s",
        options.baseMomentum, options.maxMomentum);
    double[] initial = new double[groups];
    for (int i = 0; i < groups; i++) {
      initial[i] = maxLrs[i] / options.divFactor;
    }
    return initial;
  }

  private static double[] perGroup(double[] values, int groups) {
    if (values.length == 1) {
      double[] out = new double[groups];
      Arrays.fill(out, values[0]);
      return out;
    }
    checkArgument(
        values.length == groups, "OneCycleLR: expected 1 or %s values of maxLr (one per group), got %s",
        groups, values.length);
    return values.clone();
  }

  @Override
  protected double[] computeLrs() {
    int step = lastEpoch();
    double[] lrs = new double[groups().size()];
    for (int i = 0; i < lrs.length; i++) {
      double startStep = 0;
      for (int k = 0; k < phases.size(); k++) {
        Phase phase = phases.get(k);
        if (step <= phase.endStep() || k == phases.size() - 1) {
          double pct = (step - startStep) / (phase.endStep() - startStep);
          lrs[i] = anneal(level(phase.startLr(), i), level(phase.endLr(), i), pct);
          if (momentumName != null) {
            groups().get(i).put(
                momentumName, anneal(level(phase.startMomentum(), i), level(phase.endMomentum(), i), pct));
          }
          break;
        }
        startStep = phase.endStep();
      }
    }
    return lrs;
  }

  private double level(Level level, int group) {
    switch (level) {
      case INITIAL_LR:
        return baseLr(group);
      case MAX_LR:
        return maxLrs[group];
      case MIN_LR:
        return minLrs[group];
      case MAX_MOMENTUM:
        return maxMomentum;
      default:
        return baseMomentum;
    }
  }

  private double anneal(double start, double end, double pct) {
    if (annealStrategy == AnnealStrategy.COS) {
      double cosOut = Math.cos(Math.PI * pct) + 1;
      return end + (start - end) / 2.0 * cosOut;
    }
    return (end - start) * pct + start;
  }

  @Override
  protected int maxEpoch() {
    return totalSteps;
  }
}
