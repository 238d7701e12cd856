package dev.wengert.optim;

import dev.wengert.autodiff.golden.GoldenFixture;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wengert.autodiff.Var;
import dev.wengert.core.DType;
import dev.wengert.core.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One trajectory of an "optimizer" case of optim.json: the parameters w and b, the optimizer (and
 * scheduler) the case describes, and the recorded gradients fed step by step.
 */
final class FixtureRun {

  static final List<String> PARAM_NAMES = List.of("w", "b");

  final JsonNode fixture;
  final DType dtype;
  final List<Var> params = new ArrayList<>();
  final Optimizer optimizer;
  final LrScheduler scheduler;
  /** The index of the next step. */
  int nextStep;

  /** A fresh run from {@code start} (one value per parameter), or from the case's initial values when null. */
  FixtureRun(JsonNode fixture, DType dtype, List<Tensor> start) {
    this.fixture = fixture;
    this.dtype = dtype;
    for (int i = 0; i < PARAM_NAMES.size(); i++) {
      Tensor value = start != null
          ? start.get(i).copy()
          : GoldenFixture.tensor(fixture.get("initial").get(PARAM_NAMES.get(i)), dtype);
      params.add(Var.parameter(value));
    }
    this.optimizer = optimizer(fixture.get("optimizer"), groups(fixture.get("groups")));
    JsonNode sched = fixture.get("scheduler");
    this.scheduler = sched.isNull() ? null : scheduler(sched, optimizer);
  }

  private List<ParamGroup> groups(JsonNode spec) {
    if (spec.isNull()) {
      return List.of(ParamGroup.of(params));
    }
    List<ParamGroup> groups = new ArrayList<>();
    for (JsonNode g : spec) {
      List<Var> members = new ArrayList<>();
      for (JsonNode name : g.get("params")) {
        members.add(params.get(PARAM_NAMES.indexOf(name.asText())));
      }
      ParamGroup group = ParamGroup.of(members);
      for (Map.Entry<String, JsonNode> e : g.get("overrides").properties()) {
        group.set(e.getKey(), e.getValue().asDouble());
      }
      groups.add(group);
    }
    return groups;
  }

  /** What one step saw: the learning rate of each group and the clipped total norm (NaN without norm clipping). */
  record StepRecord(double[] lrs, double norm) {}

  /** Feeds the next step's gradients, clips them, steps the optimizer and then the scheduler. */
  StepRecord step() {
    JsonNode grads = fixture.get("grads").get(nextStep);
    for (int i = 0; i < params.size(); i++) {
      JsonNode g = grads.get(i);
      params.get(i).setGrad(g.isNull() ? null : Var.constant(GoldenFixture.tensor(g, dtype)));
    }
    double norm = Double.NaN;
    JsonNode clip = fixture.get("clip");
    if (!clip.isNull() && clip.get("type").asText().equals("norm")) {
      JsonNode type = clip.get("norm_type");
      double normType = type.isTextual() ? Double.POSITIVE_INFINITY : type.asDouble();
      norm = Clipping.clipGradNorm(params, clip.get("max_norm").asDouble(), normType);
    } else if (!clip.isNull()) {
      Clipping.clipGradValue(params, clip.get("clip_value").asDouble());
    }
    double[] lrs = new double[optimizer.groups().size()];
    for (int g = 0; g < lrs.length; g++) {
      lrs[g] = optimizer.groups().get(g).lr();
    }
    optimizer.step();
    if (scheduler != null) {
      scheduler.step();
    }
    optimizer.zeroGrad();
    nextStep++;
    return new StepRecord(lrs, norm);
  }

  /** The parameter values (the tensors themselves). */
  List<Tensor> values() {
    List<Tensor> out = new ArrayList<>();
    for (Var p : params) {
      out.add(p.value());
    }
    return out;
  }

  static Optimizer optimizer(JsonNode spec, List<ParamGroup> groups) {
    JsonNode o = spec.get("options");
    switch (spec.get("type").asText()) {
      case "sgd":
        return new Sgd(groups, Sgd.options(o.get("lr").asDouble())
            .momentum(num(o, "momentum", 0))
            .dampening(num(o, "dampening", 0))
            .weightDecay(num(o, "weight_decay", 0))
            .nesterov(o.path("nesterov").asBoolean(false))
            .maximize(o.path("maximize").asBoolean(false)));
      case "adam":
        return new Adam(groups, adamOptions(Adam.options(), o));
      case "adamw":
        return new AdamW(groups, adamOptions(AdamW.options(), o));
      case "rmsprop":
        return new RmsProp(groups, RmsProp.options()
            .lr(num(o, "lr", 1e-2))
            .alpha(num(o, "alpha", 0.99))
            .eps(num(o, "eps", 1e-8))
            .weightDecay(num(o, "weight_decay", 0))
            .momentum(num(o, "momentum", 0))
            .centered(o.path("centered").asBoolean(false))
            .maximize(o.path("maximize").asBoolean(false)));
      case "adagrad":
        return new Adagrad(groups, Adagrad.options()
            .lr(num(o, "lr", 1e-2))
            .lrDecay(num(o, "lr_decay", 0))
            .weightDecay(num(o, "weight_decay", 0))
            .initialAccumulatorValue(num(o, "initial_accumulator_value", 0))
            .eps(num(o, "eps", 1e-10))
            .maximize(o.path("maximize").asBoolean(false)));
      default:
        throw new IllegalArgumentException("unknown optimizer " + spec);
    }
  }

  private static Adam.Options adamOptions(Adam.Options defaults, JsonNode o) {
    Adam.Options options = defaults.betas(num(o, "beta1", 0.9), num(o, "beta2", 0.999))
        .amsgrad(o.path("amsgrad").asBoolean(false))
        .maximize(o.path("maximize").asBoolean(false));
    if (o.has("lr")) {
      options.lr(o.get("lr").asDouble());
    }
    if (o.has("eps")) {
      options.eps(o.get("eps").asDouble());
    }
    if (o.has("weight_decay")) {
      options.weightDecay(o.get("weight_decay").asDouble());
    }
    return options;
  }

  static LrScheduler scheduler(JsonNode spec, Optimizer optimizer) {
    JsonNode a = spec.get("args");
    switch (spec.get("type").asText()) {
      case "step_lr":
        return new StepLR(optimizer, a.get("step_size").asInt(), a.get("gamma").asDouble());
      case "multi_step_lr": {
        int[] milestones = new int[a.get("milestones").size()];
        for (int i = 0; i < milestones.length; i++) {
          milestones[i] = a.get("milestones").get(i).asInt();
        }
        return new MultiStepLR(optimizer, milestones, a.get("gamma").asDouble());
      }
      case "exponential_lr":
        return new ExponentialLR(optimizer, a.get("gamma").asDouble());
      case "cosine_annealing_lr":
        return new CosineAnnealingLR(optimizer, a.get("t_max").asInt(), a.get("eta_min").asDouble());
      case "linear_lr":
        return new LinearLR(
            optimizer, a.get("start_factor").asDouble(), a.get("end_factor").asDouble(), a.get("total_iters").asInt());
      case "one_cycle_lr": {
        double[] maxLrs = new double[a.get("max_lr").size()];
        for (int i = 0; i < maxLrs.length; i++) {
          maxLrs[i] = a.get("max_lr").get(i).asDouble();
        }
        return new OneCycleLR(optimizer, OneCycleLR.options(maxLrs, a.get("total_steps").asInt())
            .pctStart(a.get("pct_start").asDouble())
            .annealStrategy(a.get("anneal_strategy").asText().equals("cos")
                ? OneCycleLR.AnnealStrategy.COS
                : OneCycleLR.AnnealStrategy.LINEAR)
            .threePhase(a.get("three_phase").asBoolean())
            .divFactor(a.get("div_factor").asDouble())
            .finalDivFactor(a.get("final_div_factor").asDouble())
            .cycleMomentum(a.get("cycle_momentum").asBoolean())
            .baseMomentum(a.get("base_momentum").asDouble())
            .maxMomentum(a.get("max_momentum").asDouble()));
      }
      default:
        throw new IllegalArgumentException("unknown scheduler " + spec);
    }
  }

  private static double num(JsonNode options, String name, double fallback) {
    return options.has(name) ? options.get(name).asDouble() : fallback;
  }
}
