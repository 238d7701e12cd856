"""Golden values for composite functions and second derivatives, in float64.

Run from the repository root:

    /usr/bin/python3 tools/golden/autodiff.py

It (re)writes autodiff/src/test/resources/golden/autodiff.json (layout: see common.py).
Each case names a function by a plain-text "expression" that the Java test re-implements
with its own ops; every input is float64, standard normal unless the case says otherwise.

Case kinds:
  "grad"          {"name", "kind", "expression", "inputs", "output", "grads"}: the scalar
                  output f and df/d(input) for every input.
  "hvp"           additionally "wrt" (input names), "v" {name: tensor} and "hvp"
                  {name: tensor}: the Hessian-vector product of f with respect to the
                  inputs in "wrt" (the others held constant), i.e.
                  hvp = d/d(wrt) < df/d(wrt), v >. "grads" holds df/d(wrt).
  "grad_penalty"  the expression contains grad(f, x), the gradient of the scalar f with
                  respect to the input x, itself differentiated: "output" is the value of
                  the whole expression and "grads" its gradient with respect to every
                  input (a double backward).

Expression notation (ops limited to what the Java side has):
  + - * /           elementwise, NumPy broadcasting; -x is neg(x)
  x ^ p, pow(x, p)  elementwise power with a constant exponent
  a @ b             matrix multiply (2-D)
  exp log sqrt abs relu sigmoid tanh      elementwise
  leaky_relu(x, s)  x if x > 0 else s * x
  elu(x, a)         x if x > 0 else a * (exp(x) - 1)
  gelu(x)           exact: x * 0.5 * (1 + erf(x / sqrt(2)))
  softplus(x)       log(1 + exp(x))
  softmax(x, dim=d), log_softmax(x, dim=d)
  sum(x), mean(x)   over all elements -> scalar; sum(x, dim=d), mean(x, dim=d) drop dim d
  max(x, dim=d), min(x, dim=d)            values only, dim d dropped (no ties here)
  transpose(x, a, b), permute(x, [..]), reshape(x, [..]) (row-major order of the
                    logical, possibly permuted, tensor), x[a:b, c:d] (Python slices,
                    0-based, end exclusive), cat([..], dim=d), stack([..], dim=d),
                    expand(x, [..]) (broadcast to the shape)
  where(cond, a, b), clamp(x, lo, hi)
  dims are 0-based.
"""

import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

OUT = "autodiff/src/test/resources/golden/autodiff.json"

CASES = []


def case(name, expression, shapes, fn, kind="grad", wrt=None):
    CASES.append((name, expression, shapes, fn, kind, wrt))


# ----- first order ------------------------------------------------------------------------

case("mlp_tanh", "sum(tanh(x @ w + b) * y)",
     {"x": (3, 4), "w": (4, 5), "b": (5,), "y": (3, 5)},
     lambda x, w, b, y: torch.sum(torch.tanh(x @ w + b) * y))

case("two_layer_softmax_xent",
     "mean(sum(-t * log_softmax(relu(x @ w1 + b1) @ w2 + b2, dim=1), dim=1))",
     {"x": (4, 3), "w1": (3, 5), "b1": (5,), "w2": (5, 3), "b2": (3,), "t": (4, 3)},
     lambda x, w1, b1, w2, b2, t: torch.mean(torch.sum(
         -t * torch.log_softmax(torch.relu(x @ w1 + b1) @ w2 + b2, dim=1), dim=1)))

case("attention", "sum((softmax((q @ transpose(k, 0, 1)) * 0.5, dim=1) @ v) * y)",
     {"q": (3, 4), "k": (5, 4), "v": (5, 2), "y": (3, 2)},
     lambda q, k, v, y: torch.sum(
         (torch.softmax((q @ torch.transpose(k, 0, 1)) * 0.5, dim=1) @ v) * y))

case("activations",
     "sum(relu(x) * leaky_relu(y, 0.1) + elu(x, 1.0) * gelu(y) + sigmoid(x) * softplus(y))",
     {"x": (3, 4), "y": (3, 4)},
     lambda x, y: torch.sum(F.relu(x) * F.leaky_relu(y, 0.1)
                            + F.elu(x, 1.0) * F.gelu(y)
                            + torch.sigmoid(x) * F.softplus(y)))

case("pow_abs_sqrt_log",
     "sum(pow(abs(x) + 0.5, 1.5) + sqrt(y ^ 2 + 1) / (1 + exp(-x)) - log(1 + y ^ 2) * x)",
     {"x": (3, 4), "y": (3, 4)},
     lambda x, y: torch.sum(torch.pow(torch.abs(x) + 0.5, 1.5)
                            + torch.sqrt(y ** 2 + 1) / (1 + torch.exp(-x))
                            - torch.log(1 + y ** 2) * x))

case("where_clamp", "sum(where(x > 0, x ^ 2, -0.5 * x) * clamp(y, -0.5, 0.5))",
     {"x": (3, 4), "y": (3, 4)},
     lambda x, y: torch.sum(torch.where(x > 0, x ** 2, -0.5 * x) * torch.clamp(y, -0.5, 0.5)))

case("reductions",
     "sum(max(x, dim=1)) + 2 * sum(min(x, dim=0)) + 3 * mean(x) + sum(mean(x, dim=1) * y)",
     {"x": (3, 4), "y": (3,)},
     lambda x, y: (torch.sum(torch.max(x, dim=1).values)
                   + 2 * torch.sum(torch.min(x, dim=0).values)
                   + 3 * torch.mean(x) + torch.sum(torch.mean(x, dim=1) * y)))

case("cat_slice_permute_reshape",
     "sum(cat([x, y], dim=0)[1:4, :] * reshape(permute(z, [1, 0, 2]), [3, 4]))",
     {"x": (2, 4), "y": (3, 4), "z": (2, 3, 2)},
     lambda x, y, z: torch.sum(torch.cat([x, y], dim=0)[1:4, :]
                               * torch.reshape(z.permute(1, 0, 2), (3, 4))))

case("stack_expand_broadcast",
     "sum(stack([x, y], dim=1) * expand(reshape(b, [1, 1, 4]), [3, 2, 4]))"
     " + sum((x - b) / (1 + y ^ 2))",
     {"x": (3, 4), "y": (3, 4), "b": (4,)},
     lambda x, y, b: (torch.sum(torch.stack([x, y], dim=1)
                                * torch.reshape(b, (1, 1, 4)).expand(3, 2, 4))
                      + torch.sum((x - b) / (1 + y ** 2))))

case("broadcast_rows_cols", "sum((x + r) * c / (w ^ 2 + 2))",
     {"x": (3, 4), "r": (4,), "c": (3, 1), "w": (3, 4)},
     lambda x, r, c, w: torch.sum((x + r) * c / (w ** 2 + 2)))

case("fan_out_matmul", "sum((x @ transpose(x, 0, 1)) * m) + sum(exp(x) * x)",
     {"x": (3, 4), "m": (3, 3)},
     lambda x, m: torch.sum((x @ torch.transpose(x, 0, 1)) * m) + torch.sum(torch.exp(x) * x))

case("log_softmax_dot", "sum(log_softmax(x, dim=1) * t)",
     {"x": (3, 5), "t": (3, 5)},
     lambda x, t: torch.sum(torch.log_softmax(x, dim=1) * t))

# ----- second order: Hessian-vector products -------------------------------------------------

case("hvp_cube", "sum(x ^ 3)", {"x": (2, 3)},
     lambda x: torch.sum(x ** 3), kind="hvp", wrt=["x"])

case("hvp_tanh", "sum(tanh(x))", {"x": (2, 3)},
     lambda x: torch.sum(torch.tanh(x)), kind="hvp", wrt=["x"])

case("hvp_log_softmax_dot", "sum(log_softmax(x, dim=1) * t)", {"x": (3, 4), "t": (3, 4)},
     lambda x, t: torch.sum(torch.log_softmax(x, dim=1) * t), kind="hvp", wrt=["x"])

case("hvp_smooth_activations", "sum(gelu(x) + elu(x, 1.0) * sigmoid(x) + softplus(x) ^ 2)",
     {"x": (3, 4)},
     lambda x: torch.sum(F.gelu(x) + F.elu(x, 1.0) * torch.sigmoid(x) + F.softplus(x) ** 2),
     kind="hvp", wrt=["x"])

case("hvp_mlp_tanh", "sum(tanh(x @ w + b) * y)",
     {"x": (3, 4), "w": (4, 2), "b": (2,), "y": (3, 2)},
     lambda x, w, b, y: torch.sum(torch.tanh(x @ w + b) * y), kind="hvp", wrt=["x", "w", "b"])

case("hvp_softmax_matmul", "sum(softmax(x @ w, dim=1) * t)",
     {"x": (3, 4), "w": (4, 3), "t": (3, 3)},
     lambda x, w, t: torch.sum(torch.softmax(x @ w, dim=1) * t), kind="hvp", wrt=["w"])


# ----- second order: gradient penalties --------------------------------------------------------


def grad_penalty_tanh(x, w, b):
    f = torch.sum(torch.tanh(x @ w + b))
    (gx,) = torch.autograd.grad(f, x, create_graph=True)
    return torch.sum(gx ** 2)


case("grad_penalty_tanh", "sum(grad(sum(tanh(x @ w + b)), x) ^ 2)",
     {"x": (3, 4), "w": (4, 2), "b": (2,)}, grad_penalty_tanh, kind="grad_penalty")


def grad_penalty_softplus_mlp(x, w1, w2):
    f = torch.sum(F.softplus(x @ w1) @ w2)
    (gx,) = torch.autograd.grad(f, x, create_graph=True)
    return torch.sum(gx ** 2) + torch.sum(x * gx)


case("grad_penalty_softplus_mlp",
     "g = grad(sum(softplus(x @ w1) @ w2), x); sum(g ^ 2) + sum(x * g)",
     {"x": (2, 3), "w1": (3, 4), "w2": (4, 2)}, grad_penalty_softplus_mlp,
     kind="grad_penalty")


def build(name, expression, shapes, fn, kind, wrt):
    common.seed(name)
    names = list(shapes)
    inputs = {k: common.randn(*shapes[k]).requires_grad_(True) for k in names}
    out = fn(*[inputs[k] for k in names])
    entry = {"name": name, "kind": kind, "expression": expression,
             "inputs": {k: common.tensor_json(v) for k, v in inputs.items()},
             "output": common.tensor_json(out)}
    if kind in ("grad", "grad_penalty"):
        grads = torch.autograd.grad(out, [inputs[k] for k in names])
        entry["grads"] = {k: common.tensor_json(g) for k, g in zip(names, grads)}
    elif kind == "hvp":
        grads = torch.autograd.grad(out, [inputs[k] for k in wrt], create_graph=True)
        v = {k: common.randn(*shapes[k]) for k in wrt}
        dot = sum(torch.sum(g * v[k]) for k, g in zip(wrt, grads))
        hv = torch.autograd.grad(dot, [inputs[k] for k in wrt])
        entry["wrt"] = list(wrt)
        entry["grads"] = {k: common.tensor_json(g) for k, g in zip(wrt, grads)}
        entry["v"] = {k: common.tensor_json(t) for k, t in v.items()}
        entry["hvp"] = {k: common.tensor_json(h) for k, h in zip(wrt, hv)}
        check_hvp(fn, names, inputs, wrt, v, hv)
    else:
        raise ValueError(kind)
    return entry


def check_hvp(fn, names, inputs, wrt, v, hv):
    """Cross-checks a Hessian-vector product against the full Hessian."""
    base = {k: t.detach() for k, t in inputs.items()}

    def f_flat(*args):
        local = dict(base)
        local.update(zip(wrt, args))
        return fn(*[local[k] for k in names])

    hess = torch.autograd.functional.hessian(f_flat, tuple(base[k] for k in wrt))
    for i, ki in enumerate(wrt):
        expect = torch.zeros_like(base[ki])
        for j, kj in enumerate(wrt):
            h = hess[i][j].reshape(base[ki].numel(), base[kj].numel())
            expect += (h @ v[kj].reshape(-1)).reshape(base[ki].shape)
        assert torch.allclose(expect, hv[i], rtol=1e-10, atol=1e-12), ki


def main():
    common.setup_torch()
    entries = [build(*c) for c in CASES]
    common.write_fixture(OUT, "autodiff.py", entries)


if __name__ == "__main__":
    main()
