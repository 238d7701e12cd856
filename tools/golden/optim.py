"""Golden trajectories for the optimizers, schedulers and gradient clipping.

Run from the repository root:

    /usr/bin/python3 tools/golden/optim.py

It (re)writes optim/src/test/resources/golden/optim.json (layout: see common.py). Every
optimizer uses PyTorch 1.13's single-tensor code path (foreach=False).

The problem is fixed: two parameters, w of shape [3, 4] and b of shape [4] (always in
that order), and the loss 0.25 * sum((tanh(x @ w) + b - y) ^ 2) with fixed x [6, 3], y [6, 4].
The float64 run computes the gradients from the loss and records them, so a test can feed
the very same gradients to its own optimizer and exercise nothing else.

Case kinds:

  "optimizer"  {"name", "kind", "optimizer", "groups", "scheduler", "clip", "initial",
               "grads", "float64", "float32"}
    optimizer  {"type": "sgd"|"adam"|"adamw"|"rmsprop"|"adagrad", "options": {...}}.
               Options use Wengert's names: lr, momentum, dampening, weight_decay,
               nesterov, maximize (sgd); lr, beta1, beta2, eps, weight_decay, amsgrad,
               maximize (adam, adamw); lr, alpha, eps, weight_decay, momentum, centered,
               maximize (rmsprop); lr, lr_decay, weight_decay, initial_accumulator_value,
               eps, maximize (adagrad). Options not given keep PyTorch's defaults.
    groups     null (one group holding w and b) or a list of
               {"params": [names], "overrides": {hyperparameter: value}}.
    scheduler  null or {"type", "args"} (see "schedule" below); stepped once after every
               optimizer step.
    clip       null, {"type": "norm", "max_norm", "norm_type"} (norm_type may be the
               string "inf") or {"type": "value", "clip_value"}: applied to the gradients
               before every optimizer step.
    initial    {"w", "b"}: the starting values (float64).
    grads      one entry per step: [grad of w, grad of b], the gradients before clipping;
               null where a parameter has no gradient at that step (the optimizer skips it).
    float64    {"params": per step [w, b] after the step, "lrs": per step the learning rate
               of each group used by that step, "norms": per step the total norm returned
               by clip_grad_norm_ (clip "norm" only)}.
    float32    {"params": as above}: the same run with w, b and every gradient cast to
               float32 (so the float32 trajectory uses exactly the float64 run's gradients,
               rounded).

  "schedule"   {"name", "kind", "optimizer", "group_lrs", "scheduler", "lrs", "momenta"}:
               an optimizer with one group per entry of group_lrs (one float64 parameter of
               shape [2] each, never given a gradient), the scheduler built on it, then
               "lrs" = get_last_lr() after construction and after each of 30 steps. "momenta"
               (one_cycle_lr with cycle_momentum only) is each group's momentum (sgd,
               rmsprop) or beta1 (adam, adamw) at the same points.
    scheduler  {"type", "args"}: "step_lr" {step_size, gamma}; "multi_step_lr"
               {milestones, gamma}; "exponential_lr" {gamma}; "cosine_annealing_lr"
               {t_max, eta_min}; "linear_lr" {start_factor, end_factor, total_iters};
               "one_cycle_lr" {max_lr: [one per group], total_steps, pct_start,
               anneal_strategy "cos"|"linear", three_phase, div_factor, final_div_factor,
               cycle_momentum, base_momentum, max_momentum} (all given explicitly).
"""

import math
import os
import sys
import warnings

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

OUT = "optim/src/test/resources/golden/optim.json"

STEPS = 25
SCHEDULE_STEPS = 30
PARAM_NAMES = ["w", "b"]

CASES = []


def opt_case(name, opt_type, options, groups=None, scheduler=None, clip=None, missing=None):
    """missing: a function (step, param name) -> True where that gradient is withheld."""
    CASES.append(("optimizer", name, dict(type=opt_type, options=options), groups, scheduler,
                  clip, missing))


def schedule_case(name, opt_type, group_lrs, sched_type, args):
    CASES.append(("schedule", name, opt_type, group_lrs, dict(type=sched_type, args=args)))


def one_cycle_args(max_lr, total_steps, pct_start=0.3, anneal_strategy="cos", three_phase=False,
                   div_factor=25.0, final_div_factor=1e4, cycle_momentum=True,
                   base_momentum=0.85, max_momentum=0.95):
    return dict(max_lr=max_lr, total_steps=total_steps, pct_start=pct_start,
                anneal_strategy=anneal_strategy, three_phase=three_phase, div_factor=div_factor,
                final_div_factor=final_div_factor, cycle_momentum=cycle_momentum,
                base_momentum=base_momentum, max_momentum=max_momentum)


TWO_GROUPS = [{"params": ["w"], "overrides": {}},
              {"params": ["b"], "overrides": {"lr": 0.01, "weight_decay": 0.1}}]

# ----- SGD ------------------------------------------------------------------------------------
opt_case("sgd_plain", "sgd", {"lr": 0.05})
opt_case("sgd_momentum", "sgd", {"lr": 0.05, "momentum": 0.9})
opt_case("sgd_momentum_dampening", "sgd", {"lr": 0.05, "momentum": 0.9, "dampening": 0.3})
opt_case("sgd_nesterov", "sgd", {"lr": 0.05, "momentum": 0.9, "nesterov": True})
opt_case("sgd_weight_decay", "sgd", {"lr": 0.05, "momentum": 0.5, "weight_decay": 0.01})
opt_case("sgd_maximize", "sgd", {"lr": 0.01, "momentum": 0.9, "maximize": True})
opt_case("sgd_two_groups", "sgd", {"lr": 0.05, "momentum": 0.9}, groups=TWO_GROUPS)
opt_case("sgd_missing_grads", "sgd", {"lr": 0.05, "momentum": 0.9},
         missing=lambda step, p: (p == "b" and step % 3 == 0) or (p == "w" and step == 1))

# ----- Adam / AdamW ---------------------------------------------------------------------------
opt_case("adam_plain", "adam", {"lr": 0.01})
opt_case("adam_amsgrad", "adam", {"lr": 0.01, "amsgrad": True})
opt_case("adam_weight_decay", "adam", {"lr": 0.01, "weight_decay": 0.05})
opt_case("adam_betas_eps", "adam", {"lr": 0.02, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6})
opt_case("adam_maximize", "adam", {"lr": 0.01, "maximize": True})
opt_case("adam_two_groups", "adam", {"lr": 0.01, "amsgrad": True}, groups=TWO_GROUPS)
opt_case("adam_missing_grads", "adam", {"lr": 0.01},
         missing=lambda step, p: p == "b" and step % 3 == 2)
opt_case("adamw_plain", "adamw", {"lr": 0.01})
opt_case("adamw_amsgrad", "adamw", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True})
opt_case("adamw_two_groups", "adamw", {"lr": 0.01}, groups=TWO_GROUPS)

# ----- RMSprop --------------------------------------------------------------------------------
opt_case("rmsprop_plain", "rmsprop", {"lr": 0.01})
opt_case("rmsprop_centered", "rmsprop", {"lr": 0.01, "centered": True})
opt_case("rmsprop_momentum", "rmsprop", {"lr": 0.01, "momentum": 0.9})
opt_case("rmsprop_centered_momentum_weight_decay", "rmsprop",
         {"lr": 0.005, "alpha": 0.9, "centered": True, "momentum": 0.5, "weight_decay": 0.01})
opt_case("rmsprop_maximize", "rmsprop", {"lr": 0.01, "maximize": True, "eps": 1e-4})

# ----- Adagrad --------------------------------------------------------------------------------
opt_case("adagrad_plain", "adagrad", {"lr": 0.1})
opt_case("adagrad_lr_decay", "adagrad", {"lr": 0.1, "lr_decay": 0.05})
opt_case("adagrad_initial_accumulator", "adagrad",
         {"lr": 0.1, "initial_accumulator_value": 0.5, "weight_decay": 0.01, "eps": 1e-6})
opt_case("adagrad_two_groups", "adagrad", {"lr": 0.1, "lr_decay": 0.01}, groups=TWO_GROUPS)

# ----- schedulers driving an optimizer --------------------------------------------------------
opt_case("sgd_step_lr", "sgd", {"lr": 0.05, "momentum": 0.9},
         scheduler=dict(type="step_lr", args=dict(step_size=7, gamma=0.5)))
opt_case("sgd_multi_step_lr", "sgd", {"lr": 0.05},
         scheduler=dict(type="multi_step_lr", args=dict(milestones=[5, 12, 12, 20], gamma=0.3)))
opt_case("adam_exponential_lr", "adam", {"lr": 0.02},
         scheduler=dict(type="exponential_lr", args=dict(gamma=0.9)))
opt_case("adam_cosine_annealing_lr", "adam", {"lr": 0.02}, groups=TWO_GROUPS,
         scheduler=dict(type="cosine_annealing_lr", args=dict(t_max=10, eta_min=0.001)))
opt_case("sgd_one_cycle_lr", "sgd", {"lr": 0.05, "momentum": 0.9, "nesterov": True},
         scheduler=dict(type="one_cycle_lr", args=one_cycle_args([0.1], STEPS)))
opt_case("adam_one_cycle_lr", "adam", {"lr": 0.01}, groups=TWO_GROUPS,
         scheduler=dict(type="one_cycle_lr", args=one_cycle_args([0.02, 0.05], 30)))
opt_case("rmsprop_one_cycle_lr", "rmsprop", {"lr": 0.01, "momentum": 0.5},
         scheduler=dict(type="one_cycle_lr", args=one_cycle_args([0.01], STEPS)))
opt_case("adamw_linear_lr", "adamw", {"lr": 0.02},
         scheduler=dict(type="linear_lr", args=dict(start_factor=0.25, end_factor=1.0,
                                                    total_iters=10)))

# ----- gradient clipping ----------------------------------------------------------------------
opt_case("sgd_clip_norm_2", "sgd", {"lr": 0.05, "momentum": 0.9},
         clip=dict(type="norm", max_norm=2.0, norm_type=2.0))
opt_case("sgd_clip_norm_1", "sgd", {"lr": 0.05},
         clip=dict(type="norm", max_norm=6.0, norm_type=1.0))
opt_case("sgd_clip_norm_3", "sgd", {"lr": 0.05},
         clip=dict(type="norm", max_norm=2.0, norm_type=3.0))
opt_case("adam_clip_norm_inf", "adam", {"lr": 0.01},
         clip=dict(type="norm", max_norm=2.5, norm_type="inf"))
opt_case("sgd_clip_value", "sgd", {"lr": 0.05, "momentum": 0.9},
         clip=dict(type="value", clip_value=0.5))

# ----- learning-rate sequences ----------------------------------------------------------------
LRS = [0.1, 0.02]
schedule_case("step_lr", "sgd", LRS, "step_lr", dict(step_size=4, gamma=0.5))
schedule_case("multi_step_lr", "sgd", LRS, "multi_step_lr",
              dict(milestones=[3, 8, 8, 15], gamma=0.2))
schedule_case("exponential_lr", "sgd", LRS, "exponential_lr", dict(gamma=0.85))
schedule_case("cosine_annealing_lr", "sgd", LRS, "cosine_annealing_lr",
              dict(t_max=7, eta_min=0.001))
schedule_case("cosine_annealing_lr_no_min", "sgd", LRS, "cosine_annealing_lr",
              dict(t_max=12, eta_min=0.0))
schedule_case("linear_lr_warmup", "sgd", LRS, "linear_lr",
              dict(start_factor=0.1, end_factor=1.0, total_iters=8))
schedule_case("linear_lr_decay", "sgd", LRS, "linear_lr",
              dict(start_factor=1.0, end_factor=0.2, total_iters=12))
schedule_case("one_cycle_lr", "sgd", LRS, "one_cycle_lr",
              one_cycle_args([0.5, 0.1], SCHEDULE_STEPS))
schedule_case("one_cycle_lr_adam", "adam", LRS, "one_cycle_lr",
              one_cycle_args([0.01, 0.003], SCHEDULE_STEPS, pct_start=0.2))
schedule_case("one_cycle_lr_three_phase_linear", "sgd", LRS, "one_cycle_lr",
              one_cycle_args([0.4, 0.2], SCHEDULE_STEPS, pct_start=0.25, anneal_strategy="linear",
                             three_phase=True, div_factor=10.0, final_div_factor=100.0,
                             base_momentum=0.8, max_momentum=0.9))
schedule_case("one_cycle_lr_no_momentum", "sgd", LRS, "one_cycle_lr",
              one_cycle_args([0.3, 0.3], SCHEDULE_STEPS, cycle_momentum=False))


# ----- building PyTorch objects ---------------------------------------------------------------


def torch_optimizer(spec, param_groups):
    options = dict(spec["options"])
    kind = spec["type"]
    if kind in ("adam", "adamw"):
        beta1 = options.pop("beta1", 0.9)
        beta2 = options.pop("beta2", 0.999)
        options["betas"] = (beta1, beta2)
    cls = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW,
           "rmsprop": torch.optim.RMSprop, "adagrad": torch.optim.Adagrad}[kind]
    return cls(param_groups, foreach=False, **options)


def torch_scheduler(spec, optimizer):
    args = spec["args"]
    s = torch.optim.lr_scheduler
    kind = spec["type"]
    if kind == "step_lr":
        return s.StepLR(optimizer, step_size=args["step_size"], gamma=args["gamma"])
    if kind == "multi_step_lr":
        return s.MultiStepLR(optimizer, milestones=args["milestones"], gamma=args["gamma"])
    if kind == "exponential_lr":
        return s.ExponentialLR(optimizer, gamma=args["gamma"])
    if kind == "cosine_annealing_lr":
        return s.CosineAnnealingLR(optimizer, T_max=args["t_max"], eta_min=args["eta_min"])
    if kind == "linear_lr":
        return s.LinearLR(optimizer, start_factor=args["start_factor"],
                          end_factor=args["end_factor"], total_iters=args["total_iters"])
    if kind == "one_cycle_lr":
        return s.OneCycleLR(optimizer, max_lr=args["max_lr"], total_steps=args["total_steps"],
                            pct_start=args["pct_start"], anneal_strategy=args["anneal_strategy"],
                            three_phase=args["three_phase"], div_factor=args["div_factor"],
                            final_div_factor=args["final_div_factor"],
                            cycle_momentum=args["cycle_momentum"],
                            base_momentum=args["base_momentum"],
                            max_momentum=args["max_momentum"])
    raise ValueError(kind)


def group_momenta(optimizer):
    out = []
    for g in optimizer.param_groups:
        out.append(g["betas"][0] if "betas" in g else g["momentum"])
    return out


# ----- running --------------------------------------------------------------------------------


def problem():
    common.seed("optim problem")
    x = common.randn(6, 3)
    y = common.randn(6, 4)
    w = common.randn(3, 4) * 0.5
    b = common.randn(4) * 0.5
    return x, y, {"w": w, "b": b}


def run(dtype, initial, opt_spec, groups, sched_spec, clip, missing, grads_in=None, data=None):
    """One trajectory; with grads_in the gradients are given, otherwise computed from data."""
    params = {k: initial[k].clone().to(dtype).requires_grad_(True) for k in PARAM_NAMES}
    if groups is None:
        param_groups = [{"params": [params[k] for k in PARAM_NAMES]}]
    else:
        param_groups = [dict(g["overrides"], params=[params[k] for k in g["params"]])
                        for g in groups]
    opt = torch_optimizer(opt_spec, param_groups)
    sched = torch_scheduler(sched_spec, opt) if sched_spec else None
    grads_out, params_out, lrs_out, norms_out = [], [], [], []
    for step in range(STEPS):
        if grads_in is None:
            x, y = data
            loss = 0.25 * torch.sum((torch.tanh(x @ params["w"]) + params["b"] - y) ** 2)
            loss.backward()
            for k in PARAM_NAMES:
                if missing is not None and missing(step, k):
                    params[k].grad = None
            grads_out.append([None if params[k].grad is None else params[k].grad.clone()
                              for k in PARAM_NAMES])
        else:
            for k, g in zip(PARAM_NAMES, grads_in[step]):
                params[k].grad = None if g is None else g.clone().to(dtype)
        listed = [params[k] for k in PARAM_NAMES]
        if clip is not None and clip["type"] == "norm":
            norm_type = math.inf if clip["norm_type"] == "inf" else clip["norm_type"]
            total = torch.nn.utils.clip_grad_norm_(listed, clip["max_norm"], norm_type)
            norms_out.append(float(total))
        elif clip is not None:
            torch.nn.utils.clip_grad_value_(listed, clip["clip_value"])
        lrs_out.append([g["lr"] for g in opt.param_groups])
        opt.step()
        params_out.append([params[k].detach().clone() for k in PARAM_NAMES])
        if sched is not None:
            sched.step()
        opt.zero_grad(set_to_none=True)
    return grads_out, params_out, lrs_out, norms_out


def tensors_json(ts):
    return [None if t is None else common.tensor_json(t) for t in ts]


def build_optimizer_case(name, opt_spec, groups, sched_spec, clip, missing):
    x, y, initial = problem()
    grads, p64, lrs, norms = run(torch.float64, initial, opt_spec, groups, sched_spec, clip,
                                 missing, data=(x, y))
    _, p32, lrs32, norms32 = run(torch.float32, initial, opt_spec, groups, sched_spec, clip,
                                 missing, grads_in=grads)
    assert lrs32 == lrs
    f64 = {"params": [tensors_json(p) for p in p64], "lrs": lrs}
    if clip is not None and clip["type"] == "norm":
        f64["norms"] = norms
    return {"name": name, "kind": "optimizer", "optimizer": opt_spec, "groups": groups,
            "scheduler": sched_spec, "clip": clip,
            "initial": {k: common.tensor_json(initial[k]) for k in PARAM_NAMES},
            "grads": [tensors_json(g) for g in grads],
            "float64": f64,
            "float32": {"params": [tensors_json(p) for p in p32]}}


def build_schedule_case(name, opt_type, group_lrs, sched_spec):
    params = [torch.zeros(2, dtype=torch.float64, requires_grad=True) for _ in group_lrs]
    opt = torch_optimizer({"type": opt_type, "options": {"lr": group_lrs[0]}},
                          [{"params": [p], "lr": lr} for p, lr in zip(params, group_lrs)])
    sched = torch_scheduler(sched_spec, opt)
    cycles = sched_spec["type"] == "one_cycle_lr" and sched_spec["args"]["cycle_momentum"]
    lrs = [list(sched.get_last_lr())]
    momenta = [group_momenta(opt)]
    for _ in range(SCHEDULE_STEPS):
        opt.step()
        sched.step()
        lrs.append(list(sched.get_last_lr()))
        momenta.append(group_momenta(opt))
    entry = {"name": name, "kind": "schedule", "optimizer": opt_type, "group_lrs": group_lrs,
             "scheduler": sched_spec, "lrs": lrs}
    if cycles:
        entry["momenta"] = momenta
    return entry


def build(case):
    if case[0] == "optimizer":
        return build_optimizer_case(*case[1:])
    return build_schedule_case(*case[1:])


def main():
    common.setup_torch()
    warnings.simplefilter("ignore")
    common.write_fixture(OUT, "optim.py", [build(c) for c in CASES])


if __name__ == "__main__":
    main()
