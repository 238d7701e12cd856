"""Golden values for the CNN ops and losses, computed with PyTorch.

Run from the repository root:

    /usr/bin/python3 tools/golden/cnn_ops.py

It (re)writes autodiff/src/test/resources/golden/cnn_ops.json (layout: see common.py).
Every case exists twice, as "<base>/float32" and "<base>/float64": the inputs are drawn
once in float64 (seeded from <base>) and cast, then each dtype is computed on its own.

A case is
    {"name", "op", "dtype": "float32"|"float64", "params": {...},
     "inputs": {name: tensor}, "grad_output": tensor, "output": tensor,
     "grads": {name: tensor}}
where grad_output is a fixed random upstream gradient (shape [] for a scalar output) and
grads = torch.autograd.grad(output, <differentiable inputs>, grad_output). Only the
differentiable inputs appear in "grads"; class-index targets, per-class weights and
pos_weight are inputs without a gradient. Real-valued targets (mse/l1/huber/smooth_l1/
kl_div/bce-with-logits) are differentiable in PyTorch and their gradient is given too; a
test whose op treats the target as a constant simply skips grads["target"].

Ops and params (names exactly as in the JSON; pairs are [height, width]):

conv2d          inputs input (N,C,H,W), weight (M,C/groups,kh,kw), bias (M) when bias.
                params stride [sh,sw]; padding [ph,pw] | "same" | "valid";
                padding_mode "zeros"|"replicate"|"reflect"|"circular"; dilation [dh,dw];
                groups g; bias true|false.
                "same" (stride 1 only): per axis total = d*(k-1), before = total // 2,
                after = total - before (an even kernel pads one more at the bottom/right),
                exactly as torch.nn.Conv2d / F.conv2d(padding="same"). A non-zero
                padding_mode pads the input with F.pad(mode) first and then convolves
                with padding 0, exactly as torch.nn.Conv2d(padding_mode=...).
conv_transpose2d inputs input (N,C_in,H,W), weight (C_in,M/groups,kh,kw), bias (M).
                params stride, padding, output_padding, dilation ([h,w] each), groups,
                bias. H_out = (H-1)*sh - 2*ph + dh*(kh-1) + oph + 1.
pad             input (N,C,H,W). params pad [left,right,top,bottom] (F.pad order: last
                dim first), mode "constant" (value 0) | "replicate" | "reflect" |
                "circular". Reflect allows pad < size, circular pad <= size, replicate
                and constant any size.
max_pool2d      input. params kernel, stride, padding, dilation ([h,w] each), ceil_mode.
                Padding positions are never selected (implicit -inf). Ties: the first
                maximum in row-major window order wins and gets the whole gradient; the
                generator checks this against its own reference for every case (see
                check_max_pool). With ceil_mode, a last window that would start inside
                the right/bottom padding is dropped:
                if (out-1)*s >= in + p: out -= 1.
adaptive_max_pool2d input. params output_size [oh,ow]. Window i spans
                [floor(i*H/oh), ceil((i+1)*H/oh)); ties as max_pool2d.
avg_pool2d      input. params kernel, stride, padding ([h,w] each), ceil_mode,
                count_include_pad. Divisor with count_include_pad: the window clipped to
                the padded input, i.e. (min(h0+kh, H+ph) - h0) * (min(w0+kw, W+pw) - w0)
                with h0 = oh*sh - ph; without: the number of real input elements in it.
adaptive_avg_pool2d input. params output_size [oh,ow]; windows as adaptive_max_pool2d.

Losses; params "reduction" is "mean" | "sum" | "none" (kl_div also "batchmean"):
cross_entropy   inputs logits (N,C) or (N,C,H,W); target (N) or (N,H,W) class indices
                stored as floats; weight (C) when params weight. params reduction,
                label_smoothing, ignore_index (int or null = nothing ignored), weight.
                PyTorch 1.13 semantics with label smoothing eps over C classes:
                  logp = log_softmax(logits, dim=1)
                  nll  = nll_loss(logp, target, weight, ignore_index, reduction)
                  s_i  = -sum_c logp[i,c] * (weight[c] or 1), 0 where ignored
                  smooth = s (none) | sum(s) (sum) |
                           sum(s) / sum(weight[target_i] over non-ignored i) (mean, weight)
                           | sum(s) / count(non-ignored) (mean, no weight)
                  loss = (1 - eps) * nll + (eps / C) * smooth
nll_loss        inputs log_probs, target, weight (optional). params reduction,
                ignore_index, weight. mean = sum(-w[t_i] * lp[i,t_i]) / sum(w[t_i]) over
                non-ignored i.
mse_loss, l1_loss  inputs input, target (same shape). params reduction. d|x|/dx = 0 at 0.
huber_loss      inputs input, target. params reduction, delta:
                0.5*z^2 if |z| < delta else delta*(|z| - 0.5*delta).
smooth_l1_loss  inputs input, target. params reduction, beta:
                0.5*z^2/beta if |z| < beta else |z| - 0.5*beta (beta 0 is l1).
binary_cross_entropy_with_logits inputs logits (N,C), target (N,C) in [0,1],
                pos_weight (C) when params pos_weight, weight (N,C) when params weight.
                loss = w * ((1 - y) * x + (1 + (pw - 1) * y) * softplus(-x)).
kl_div          inputs input (log-probabilities), target (probabilities, or
                log-probabilities when log_target). params reduction (mean averages over
                every element, batchmean divides the sum by N), log_target.
                pointwise: t*(log t - x), or exp(t)*(t - x) with log_target.
"""

import os
import sys
import warnings

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

OUT = "autodiff/src/test/resources/golden/cnn_ops.json"

warnings.filterwarnings("ignore")


def pair(v):
    return [v, v] if isinstance(v, int) else list(v)


def fmt_pair(v):
    return "%dx%d" % tuple(v)


# ---------------------------------------------------------------------------------------
# Case specifications: (base name, op, params, input maker, differentiable input names)
# An input maker draws float64 tensors from the (already seeded) global generator.
# ---------------------------------------------------------------------------------------

SPECS = []


def spec(base, op, params, make_inputs, diff):
    SPECS.append((base, op, params, make_inputs, diff))


def randn_maker(**shapes):
    def make():
        return {k: common.randn(*s) for k, s in shapes.items()}

    return make


# ----- conv2d ---------------------------------------------------------------------------


def conv(n, c, h, w, m, k, stride=1, padding=0, mode="zeros", dil=1, groups=1, bias=True):
    k, stride, dil = pair(k), pair(stride), pair(dil)
    pad = padding if isinstance(padding, str) else pair(padding)
    params = {
        "stride": stride,
        "padding": pad,
        "padding_mode": mode,
        "dilation": dil,
        "groups": groups,
        "bias": bias,
    }
    base = "conv2d_n%dc%dh%dw%d_m%d_k%s_s%s_p%s_%s_d%s_g%d_%s" % (
        n, c, h, w, m, fmt_pair(k), fmt_pair(stride),
        pad if isinstance(pad, str) else fmt_pair(pad), mode, fmt_pair(dil), groups,
        "bias" if bias else "nobias")
    shapes = {"input": (n, c, h, w), "weight": (m, c // groups, k[0], k[1])}
    if bias:
        shapes["bias"] = (m,)
    spec(base, "conv2d", params, randn_maker(**shapes), list(shapes))


def conv2d_cases():
    # explicit zero padding: strides 1-3, paddings 0-2 (also ph != pw), odd sizes
    conv(1, 1, 5, 5, 1, 3)
    conv(1, 1, 6, 6, 2, 3, padding=1)
    conv(2, 3, 7, 9, 4, 3, padding=1)
    conv(2, 3, 7, 9, 4, 3, padding=1, bias=False)
    conv(1, 3, 7, 9, 2, 3, stride=2, padding=1)
    conv(1, 3, 8, 8, 2, 3, stride=3)
    conv(1, 3, 9, 7, 2, 3, stride=3, padding=2)
    conv(2, 2, 7, 9, 3, 3, stride=(1, 2), padding=(0, 1))
    conv(1, 3, 7, 9, 2, 3, stride=(2, 1), padding=(2, 0))
    conv(1, 2, 5, 6, 2, 3, padding=2, bias=False)
    conv(3, 1, 6, 6, 2, 3, padding=1)
    conv(3, 3, 5, 5, 2, 3, stride=2, padding=1)
    conv(3, 1, 7, 9, 1, 3, stride=2)
    # 1x1 kernels
    conv(2, 3, 5, 6, 4, 1)
    conv(2, 3, 5, 6, 4, 1, stride=2)
    conv(1, 3, 5, 6, 2, 1, padding=1, bias=False)
    conv(1, 3, 4, 5, 2, 1, stride=(1, 3), padding=(1, 0))
    # 5x5 kernels
    conv(1, 2, 9, 9, 3, 5, padding=2)
    conv(1, 2, 9, 9, 3, 5, stride=2)
    conv(2, 1, 7, 9, 2, 5)
    conv(1, 3, 8, 7, 2, 5, stride=3, padding=(2, 1), bias=False)
    # non-square 2x3 (and 3x2) kernels
    conv(2, 3, 7, 9, 2, (2, 3))
    conv(1, 3, 7, 9, 2, (2, 3), padding=1)
    conv(1, 2, 7, 9, 3, (2, 3), stride=2, padding=(0, 1))
    conv(1, 2, 7, 9, 2, (2, 3), stride=(1, 3), padding=(1, 2), bias=False)
    conv(1, 2, 6, 7, 2, (3, 2), stride=(2, 1), padding=(1, 0))
    # dilation
    conv(1, 2, 7, 9, 2, 3, dil=2)
    conv(1, 2, 7, 9, 2, 3, padding=2, dil=2)
    conv(1, 2, 7, 9, 2, (2, 3), padding=1, dil=(2, 1))
    conv(2, 1, 8, 9, 2, 3, stride=2, padding=1, dil=(1, 2))
    conv(1, 3, 9, 9, 2, 3, stride=3, padding=1, dil=2, bias=False)
    # groups 2
    conv(1, 4, 6, 6, 4, 3, padding=1, groups=2)
    conv(2, 4, 7, 5, 6, 3, stride=2, padding=1, groups=2, bias=False)
    conv(1, 2, 5, 5, 2, 3, groups=2)
    conv(1, 4, 6, 7, 2, (2, 3), padding=(1, 0), groups=2)
    # depthwise (groups = C), multiplier 1 and 2
    conv(1, 4, 6, 6, 4, 3, padding=1, groups=4)
    conv(1, 4, 6, 6, 8, 3, padding=1, groups=4)
    conv(2, 3, 7, 7, 3, 5, padding=2, groups=3, bias=False)
    conv(1, 4, 7, 9, 4, 3, stride=2, padding=2, dil=2, groups=4)
    conv(3, 2, 5, 5, 4, 3, stride=2, groups=2)
    # "same" (stride 1), odd and even kernels (even: asymmetric), with dilation
    conv(1, 2, 6, 7, 3, 3, padding="same")
    conv(1, 2, 7, 9, 2, 5, padding="same", bias=False)
    conv(1, 2, 5, 6, 2, 2, padding="same")
    conv(1, 2, 6, 7, 2, 4, padding="same")
    conv(1, 3, 6, 7, 2, (2, 3), padding="same")
    conv(1, 2, 7, 9, 2, 2, padding="same", dil=2)
    conv(1, 2, 7, 9, 2, (2, 3), padding="same", dil=(3, 2))
    conv(1, 4, 6, 6, 4, 2, padding="same", groups=4)
    conv(2, 4, 5, 6, 6, 3, padding="same", groups=2, bias=False)
    # "valid"
    conv(1, 2, 6, 7, 3, 3, padding="valid")
    conv(1, 3, 7, 9, 2, (2, 3), padding="valid", bias=False)
    conv(1, 2, 9, 9, 2, 3, padding="valid", dil=2)
    # replicate / reflect / circular (padding > 0), incl. asymmetric "same"
    for mode in ("replicate", "reflect", "circular"):
        conv(1, 2, 5, 6, 2, 3, padding=1, mode=mode)
        conv(2, 2, 6, 7, 2, 3, padding=(1, 2), mode=mode, bias=False)
        conv(1, 2, 7, 9, 2, 5, stride=2, padding=2, mode=mode)
        conv(1, 3, 5, 7, 2, (2, 3), stride=(1, 2), padding=(2, 1), mode=mode)
        conv(1, 2, 6, 7, 2, 2, padding="same", mode=mode)
        conv(1, 2, 5, 6, 2, 4, padding="same", mode=mode, bias=False)
        conv(1, 4, 6, 6, 4, 3, padding=1, groups=4, mode=mode)
        conv(1, 2, 7, 8, 2, 3, padding=2, dil=2, mode=mode)
        conv(1, 2, 7, 9, 3, 3, padding="same", dil=(2, 1), mode=mode)
    # padding as large as the modes allow: reflect pad = size - 1, circular pad = size
    conv(1, 1, 4, 5, 2, 3, padding=(3, 4), mode="reflect")
    conv(1, 1, 4, 5, 2, 3, padding=(4, 5), mode="circular")
    conv(1, 1, 3, 4, 2, 3, padding=(4, 3), mode="replicate", bias=False)


def same_pads(k, d):
    total = d * (k - 1)
    return total // 2, total - total // 2


def fwd_conv2d(p, t):
    x, w, b = t["input"], t["weight"], t.get("bias")
    kh, kw = w.shape[2], w.shape[3]
    stride, dil, groups = p["stride"], p["dilation"], p["groups"]
    if p["padding_mode"] == "zeros":
        return F.conv2d(x, w, b, stride, p["padding"], dil, groups)
    if p["padding"] == "same":
        top, bottom = same_pads(kh, dil[0])
        left, right = same_pads(kw, dil[1])
    else:
        ph, pw = p["padding"]
        top, bottom, left, right = ph, ph, pw, pw
    x = F.pad(x, [left, right, top, bottom], mode=p["padding_mode"])
    return F.conv2d(x, w, b, stride, 0, dil, groups)


def check_conv2d_against_module(p, t, out):
    """Cross-checks fwd_conv2d with torch.nn.Conv2d (which handles padding_mode itself)."""
    w = t["weight"]
    m = torch.nn.Conv2d(
        w.shape[1] * p["groups"], w.shape[0], tuple(w.shape[2:]), p["stride"],
        p["padding"] if isinstance(p["padding"], str) else tuple(p["padding"]),
        p["dilation"], p["groups"], p["bias"], p["padding_mode"], dtype=w.dtype)
    with torch.no_grad():
        m.weight.copy_(w)
        if p["bias"]:
            m.bias.copy_(t["bias"])
        ref = m(t["input"])
    assert ref.shape == out.shape and torch.equal(ref, out.detach()), "conv2d mismatch"


# ----- conv_transpose2d -----------------------------------------------------------------


def convt(n, cin, h, w, m, k, stride=1, padding=0, out_pad=0, dil=1, groups=1, bias=True):
    k, stride, padding, out_pad, dil = map(pair, (k, stride, padding, out_pad, dil))
    params = {
        "stride": stride,
        "padding": padding,
        "output_padding": out_pad,
        "dilation": dil,
        "groups": groups,
        "bias": bias,
    }
    base = "conv_transpose2d_n%dc%dh%dw%d_m%d_k%s_s%s_p%s_op%s_d%s_g%d_%s" % (
        n, cin, h, w, m, fmt_pair(k), fmt_pair(stride), fmt_pair(padding), fmt_pair(out_pad),
        fmt_pair(dil), groups, "bias" if bias else "nobias")
    shapes = {"input": (n, cin, h, w), "weight": (cin, m // groups, k[0], k[1])}
    if bias:
        shapes["bias"] = (m,)
    spec(base, "conv_transpose2d", params, randn_maker(**shapes), list(shapes))


def conv_transpose2d_cases():
    convt(1, 2, 4, 4, 3, 3)
    convt(2, 3, 4, 5, 2, 3, stride=2, padding=1)
    convt(1, 3, 4, 5, 2, 3, stride=2, padding=1, out_pad=1)
    convt(1, 2, 3, 4, 2, 3, stride=3, padding=1, out_pad=(2, 1))
    convt(2, 2, 3, 4, 3, 2, stride=2)
    convt(1, 3, 3, 4, 2, 4, stride=2, padding=1, bias=False)
    convt(1, 2, 4, 4, 2, (2, 3), stride=(1, 2), padding=(0, 1), out_pad=(0, 1))
    convt(1, 2, 4, 5, 2, 3, padding=1, dil=2)
    convt(1, 2, 3, 4, 2, 3, stride=2, padding=1, out_pad=1, dil=2)
    convt(1, 4, 4, 4, 4, 3, stride=2, padding=1, groups=2)
    convt(1, 4, 4, 5, 4, 3, padding=1, groups=4, bias=False)
    convt(1, 4, 3, 4, 8, 3, stride=2, groups=2)
    convt(3, 1, 4, 4, 2, 1)
    convt(1, 2, 4, 4, 2, 5, padding=2)
    convt(1, 2, 3, 3, 2, 5, stride=2, padding=2, out_pad=1, bias=False)
    convt(2, 3, 3, 5, 2, (3, 2), stride=(2, 3), padding=(1, 0), out_pad=(1, 2))


def fwd_conv_transpose2d(p, t):
    return F.conv_transpose2d(t["input"], t["weight"], t.get("bias"), p["stride"],
                              p["padding"], p["output_padding"], p["groups"], p["dilation"])


# ----- pad --------------------------------------------------------------------------------


def pad_cases():
    for mode, pads in (
        ("constant", ([1, 1, 1, 1], [0, 2, 1, 0], [3, 0, 0, 2], [2, 3, 4, 1])),
        ("replicate", ([1, 1, 1, 1], [2, 0, 0, 3], [5, 6, 4, 7], [0, 0, 2, 0])),
        ("reflect", ([1, 1, 1, 1], [4, 4, 3, 3], [0, 3, 2, 0], [1, 4, 3, 0])),
        ("circular", ([1, 1, 1, 1], [5, 5, 4, 4], [0, 2, 3, 1], [5, 0, 0, 4])),
    ):
        for pad in pads:
            base = "pad_%s_%s" % (mode, "_".join(map(str, pad)))
            spec(base, "pad", {"pad": pad, "mode": mode},
                 randn_maker(input=(2, 2, 4, 5)), ["input"])


def fwd_pad(p, t):
    return F.pad(t["input"], p["pad"], mode=p["mode"])


# ----- pooling ------------------------------------------------------------------------------


def tie_maker(shape, kind):
    """Inputs with many equal values, so max-pool windows have ties."""

    def make():
        if kind == "random":
            return {"input": common.randn(*shape)}
        if kind == "ties":  # small integers, mostly -1, 0, 1
            return {"input": torch.round(common.randn(*shape) * 0.7)}
        if kind == "negative_ties":  # all <= -1: padding (-inf) must still never win
            return {"input": -1.0 - torch.round(common.randn(*shape).abs())}
        if kind == "constant":  # every window is one big tie
            return {"input": torch.full(shape, 1.5, dtype=torch.float64)}
        raise ValueError(kind)

    return make


def maxpool(shape, k, stride, padding=0, dil=1, ceil=False, kind="random"):
    k, stride, padding, dil = map(pair, (k, stride, padding, dil))
    params = {"kernel": k, "stride": stride, "padding": padding, "dilation": dil,
              "ceil_mode": ceil}
    base = "max_pool2d_%s_k%s_s%s_p%s_d%s_%s_%s" % (
        "x".join(map(str, shape)), fmt_pair(k), fmt_pair(stride), fmt_pair(padding),
        fmt_pair(dil), "ceil" if ceil else "floor", kind)
    spec(base, "max_pool2d", params, tie_maker(shape, kind), ["input"])


def max_pool2d_cases():
    maxpool((2, 2, 6, 8), 2, 2)
    maxpool((2, 2, 6, 8), 2, 2, kind="ties")
    maxpool((3, 1, 6, 6), 2, 2, kind="ties")
    maxpool((1, 2, 7, 9), 3, 1, kind="ties")
    maxpool((1, 2, 7, 9), 3, 2, padding=1)
    maxpool((1, 2, 7, 9), 3, 2, padding=1, kind="ties")
    maxpool((1, 2, 7, 9), 3, 2, padding=1, ceil=True, kind="ties")
    maxpool((1, 2, 7, 9), 2, 2, ceil=True, kind="ties")
    maxpool((1, 2, 8, 8), 3, 3, padding=1, ceil=True, kind="ties")
    maxpool((1, 1, 7, 7), 2, 3, ceil=True, kind="ties")
    maxpool((1, 2, 7, 9), (2, 3), (1, 2), padding=1, kind="ties")
    maxpool((1, 2, 7, 8), (3, 2), (2, 1), padding=(0, 1))
    maxpool((1, 2, 7, 9), 3, 1, dil=2, kind="ties")
    maxpool((1, 2, 8, 9), (2, 3), 2, padding=1, dil=(2, 1), ceil=True, kind="ties")
    maxpool((1, 2, 6, 6), 3, 1, padding=1, kind="constant")
    maxpool((1, 2, 7, 7), 3, 1, padding=1, kind="negative_ties")
    maxpool((1, 2, 7, 9), 4, 2, padding=2)
    maxpool((1, 2, 7, 9), 4, 2, padding=2, ceil=True, kind="ties")
    maxpool((1, 2, 5, 7), 1, 2)
    maxpool((1, 2, 7, 9), 5, 1, padding=2, kind="ties")
    maxpool((1, 2, 6, 7), 2, 1, ceil=True, kind="ties")
    maxpool((2, 2, 5, 6), (5, 6), 1, kind="ties")


def fwd_max_pool2d(p, t):
    return F.max_pool2d(t["input"], p["kernel"], p["stride"], p["padding"], p["dilation"],
                        p["ceil_mode"])


def pool_out_size(n, k, p, s, d, ceil):
    span = n + 2 * p - d * (k - 1) - 1
    out = (-(-span // s) if ceil else span // s) + 1
    if ceil and (out - 1) * s >= n + p:
        out -= 1
    return out


def check_max_pool(p, t, out, grads, grad_output):
    """Reference max-pool: first maximum in row-major window order wins; padding never.

    Asserts that PyTorch's output, argmax indices and input gradient agree with it.
    """
    x = t["input"].detach().to(torch.float64)
    n, c, h, w = x.shape
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = (p["kernel"], p["stride"], p["padding"],
                                              p["dilation"])
    oh = pool_out_size(h, kh, ph, sh, dh, p["ceil_mode"])
    ow = pool_out_size(w, kw, pw, sw, dw, p["ceil_mode"])
    assert tuple(out.shape) == (n, c, oh, ow), (out.shape, (n, c, oh, ow))
    _, idx = F.max_pool2d(t["input"].detach(), p["kernel"], p["stride"], p["padding"],
                          p["dilation"], p["ceil_mode"], return_indices=True)
    go = grad_output.to(torch.float64)
    ref_grad = torch.zeros_like(x)
    for b in range(n):
        for ch in range(c):
            for i in range(oh):
                for j in range(ow):
                    best, best_at = None, None
                    for a in range(kh):
                        for bb in range(kw):
                            r, q = i * sh - ph + a * dh, j * sw - pw + bb * dw
                            if 0 <= r < h and 0 <= q < w:
                                v = x[b, ch, r, q].item()
                                if best is None or v > best:
                                    best, best_at = v, (r, q)
                    assert best is not None
                    assert out[b, ch, i, j].item() == best
                    assert idx[b, ch, i, j].item() == best_at[0] * w + best_at[1], (
                        "tie-breaking differs", b, ch, i, j)
                    ref_grad[b, ch, best_at[0], best_at[1]] += go[b, ch, i, j].item()
    got = grads["input"].to(torch.float64)
    # sums of the same float64 terms in possibly a different order: compare closely
    assert torch.allclose(got, ref_grad, rtol=1e-5, atol=1e-6), "max_pool2d grad mismatch"


def adaptive_max_pool2d_cases():
    for shape, size, kind in (
        ((1, 2, 7, 9), (3, 4), "ties"),
        ((2, 2, 5, 5), (3, 3), "random"),
        ((1, 2, 6, 6), (4, 4), "ties"),
        ((1, 2, 5, 7), (1, 1), "ties"),
    ):
        base = "adaptive_max_pool2d_%s_o%s_%s" % ("x".join(map(str, shape)), fmt_pair(size),
                                                   kind)
        spec(base, "adaptive_max_pool2d", {"output_size": list(size)},
             tie_maker(shape, kind), ["input"])


def check_adaptive_max_pool(p, t, out):
    x = t["input"].detach().to(torch.float64)
    n, c, h, w = x.shape
    oh, ow = p["output_size"]
    _, idx = F.adaptive_max_pool2d(t["input"].detach(), p["output_size"], return_indices=True)
    for b in range(n):
        for ch in range(c):
            for i in range(oh):
                for j in range(ow):
                    r0, r1 = (i * h) // oh, -(-((i + 1) * h) // oh)
                    q0, q1 = (j * w) // ow, -(-((j + 1) * w) // ow)
                    window = x[b, ch, r0:r1, q0:q1]
                    flat = int(torch.nonzero(window.reshape(-1) == window.max())[0])
                    r, q = r0 + flat // (q1 - q0), q0 + flat % (q1 - q0)
                    assert idx[b, ch, i, j].item() == r * w + q, (
                        "adaptive tie-breaking differs", b, ch, i, j)


def fwd_adaptive_max_pool2d(p, t):
    return F.adaptive_max_pool2d(t["input"], p["output_size"])


def adaptive_avg_pool2d_cases():
    for shape, size in (
        ((2, 2, 7, 9), (3, 4)),
        ((2, 2, 5, 5), (3, 3)),
        ((1, 3, 8, 8), (4, 4)),
        ((1, 3, 6, 7), (1, 1)),
        ((2, 1, 6, 7), (6, 7)),
        ((1, 2, 4, 6), (3, 5)),
        ((1, 2, 3, 4), (5, 7)),
    ):
        base = "adaptive_avg_pool2d_%s_o%s" % ("x".join(map(str, shape)), fmt_pair(size))
        spec(base, "adaptive_avg_pool2d", {"output_size": list(size)},
             randn_maker(input=shape), ["input"])


def fwd_adaptive_avg_pool2d(p, t):
    return F.adaptive_avg_pool2d(t["input"], p["output_size"])


def avgpool(shape, k, stride, padding=0, ceil=False, cip=True):
    k, stride, padding = map(pair, (k, stride, padding))
    params = {"kernel": k, "stride": stride, "padding": padding, "ceil_mode": ceil,
              "count_include_pad": cip}
    base = "avg_pool2d_%s_k%s_s%s_p%s_%s_%s" % (
        "x".join(map(str, shape)), fmt_pair(k), fmt_pair(stride), fmt_pair(padding),
        "ceil" if ceil else "floor", "incpad" if cip else "excpad")
    spec(base, "avg_pool2d", params, randn_maker(input=shape), ["input"])


def avg_pool2d_cases():
    avgpool((2, 2, 6, 8), 2, 2)
    avgpool((1, 2, 6, 7), 3, 1, padding=1, cip=True)
    avgpool((1, 2, 6, 7), 3, 1, padding=1, cip=False)
    avgpool((1, 2, 7, 9), 3, 2, padding=1, ceil=True, cip=True)
    avgpool((1, 2, 7, 9), 3, 2, padding=1, ceil=True, cip=False)
    avgpool((1, 2, 7, 9), 2, 2, ceil=True, cip=True)
    avgpool((1, 2, 7, 9), (2, 3), (1, 2), padding=1, cip=True)
    avgpool((1, 2, 7, 8), (3, 2), (2, 1), padding=(1, 0), ceil=True, cip=False)
    avgpool((1, 2, 8, 9), 4, 3, padding=2, ceil=True, cip=True)
    avgpool((1, 2, 7, 7), 5, 1, padding=2, cip=False)
    avgpool((1, 2, 8, 8), 3, 3)
    avgpool((1, 2, 5, 7), 1, 2)
    avgpool((3, 1, 6, 6), 2, 1, ceil=True, cip=True)


def fwd_avg_pool2d(p, t):
    return F.avg_pool2d(t["input"], p["kernel"], p["stride"], p["padding"], p["ceil_mode"],
                        p["count_include_pad"])


# ----- losses -------------------------------------------------------------------------------

REDUCTIONS = ("mean", "sum", "none")


def class_targets(shape, classes, ignore_index=None, n_ignored=0):
    t = torch.randint(0, classes, shape, dtype=torch.int64)
    if ignore_index is not None and n_ignored:
        flat = t.reshape(-1)
        flat[torch.randperm(flat.numel())[:n_ignored]] = ignore_index
    return t.to(torch.float64)


def ce_maker(logit_shape, ignore_index, n_ignored, weight, extreme=False, log_softmax=False,
             logits_name="logits"):
    def make():
        c = logit_shape[1]
        logits = common.randn(*logit_shape)
        if extreme:  # +-1e4 entries: log-sum-exp must be stabilised
            mask = torch.rand(*logit_shape, dtype=torch.float64)
            logits = torch.where(mask < 0.3, torch.full_like(logits, 1e4),
                                 torch.where(mask > 0.7, torch.full_like(logits, -1e4),
                                             logits))
        if log_softmax:
            logits = torch.log_softmax(logits, dim=1)
        target_shape = (logit_shape[0],) + tuple(logit_shape[2:])
        inputs = {logits_name: logits,
                  "target": class_targets(target_shape, c, ignore_index, n_ignored)}
        if weight:
            inputs["weight"] = 0.25 + torch.rand(c, dtype=torch.float64) * 1.5
        return inputs

    return make


def cross_entropy_cases():
    variants = (
        # tag, logit shape, label_smoothing, ignore_index, n_ignored, weight, extreme
        ("plain", (5, 4), 0.0, None, 0, False, False),
        ("weight", (5, 4), 0.0, None, 0, True, False),
        ("smooth", (5, 4), 0.1, None, 0, False, False),
        ("ignore", (6, 4), 0.0, 2, 2, False, False),
        ("smooth_ignore", (6, 4), 0.2, 1, 2, False, False),
        ("smooth_ignore_weight", (6, 4), 0.15, 3, 2, True, False),
        ("ignore_neg_weight", (6, 3), 0.0, -1, 2, True, False),
        ("extreme", (5, 4), 0.0, None, 0, False, True),
        ("extreme_smooth_weight", (5, 4), 0.1, None, 0, True, True),
        ("spatial", (2, 3, 2, 3), 0.0, None, 0, False, False),
        ("spatial_smooth_ignore_weight", (2, 3, 3, 2), 0.1, 0, 3, True, False),
    )
    for reduction in REDUCTIONS:
        for tag, shape, ls, ii, n_ign, weight, extreme in variants:
            params = {"reduction": reduction, "label_smoothing": ls, "ignore_index": ii,
                      "weight": weight}
            spec("cross_entropy_%s_%s" % (tag, reduction), "cross_entropy", params,
                 ce_maker(shape, ii, n_ign, weight, extreme), ["logits"])


def fwd_cross_entropy(p, t):
    ii = p["ignore_index"]
    return F.cross_entropy(t["logits"], t["target"].to(torch.int64), t.get("weight"),
                           ignore_index=-100 if ii is None else ii,
                           reduction=p["reduction"], label_smoothing=p["label_smoothing"])


def nll_loss_cases():
    variants = (
        ("plain", (5, 4), None, 0, False),
        ("weight", (5, 4), None, 0, True),
        ("ignore", (6, 4), 2, 2, False),
        ("ignore_weight", (6, 4), 0, 2, True),
        ("spatial_weight", (2, 3, 2, 3), None, 0, True),
    )
    for reduction in REDUCTIONS:
        for tag, shape, ii, n_ign, weight in variants:
            params = {"reduction": reduction, "ignore_index": ii, "weight": weight}
            spec("nll_loss_%s_%s" % (tag, reduction), "nll_loss", params,
                 ce_maker(shape, ii, n_ign, weight, log_softmax=True,
                          logits_name="log_probs"), ["log_probs"])


def fwd_nll_loss(p, t):
    ii = p["ignore_index"]
    return F.nll_loss(t["log_probs"], t["target"].to(torch.int64), t.get("weight"),
                      ignore_index=-100 if ii is None else ii, reduction=p["reduction"])


def regression_maker(shape, kind="random"):
    def make():
        if kind == "random":
            return {"input": common.randn(*shape), "target": common.randn(*shape)}
        if kind == "ties":  # some input == target exactly: |z| has gradient 0 there
            x = common.randn(*shape)
            y = common.randn(*shape)
            y = torch.where(torch.rand(*shape, dtype=torch.float64) < 0.4, x, y)
            return {"input": x, "target": y}
        if kind == "boundary":  # quarter-integers: |z| hits 0.5, 1, 2 exactly
            x = torch.round(common.randn(*shape) * 4) / 4
            y = torch.round(common.randn(*shape) * 4) / 4
            return {"input": x, "target": y}
        raise ValueError(kind)

    return make


def regression_cases():
    for reduction in REDUCTIONS:
        spec("mse_loss_%s" % reduction, "mse_loss", {"reduction": reduction},
             regression_maker((3, 4)), ["input", "target"])
        spec("l1_loss_%s" % reduction, "l1_loss", {"reduction": reduction},
             regression_maker((3, 4)), ["input", "target"])
        spec("huber_loss_d1_%s" % reduction, "huber_loss",
             {"reduction": reduction, "delta": 1.0}, regression_maker((3, 5)),
             ["input", "target"])
        spec("smooth_l1_loss_b1_%s" % reduction, "smooth_l1_loss",
             {"reduction": reduction, "beta": 1.0}, regression_maker((3, 5)),
             ["input", "target"])
    spec("mse_loss_4d_mean", "mse_loss", {"reduction": "mean"},
         regression_maker((2, 2, 2, 3)), ["input", "target"])
    spec("l1_loss_ties_mean", "l1_loss", {"reduction": "mean"},
         regression_maker((4, 5), "ties"), ["input", "target"])
    spec("l1_loss_ties_none", "l1_loss", {"reduction": "none"},
         regression_maker((4, 5), "ties"), ["input", "target"])
    for delta, reduction in ((0.5, "mean"), (2.0, "sum"), (0.3, "none")):
        spec("huber_loss_d%s_%s" % (delta, reduction), "huber_loss",
             {"reduction": reduction, "delta": delta}, regression_maker((4, 5)),
             ["input", "target"])
    spec("huber_loss_boundary_sum", "huber_loss", {"reduction": "sum", "delta": 0.5},
         regression_maker((4, 5), "boundary"), ["input", "target"])
    for beta, reduction in ((0.5, "mean"), (2.0, "sum"), (0.0, "mean"), (0.0, "none")):
        spec("smooth_l1_loss_b%s_%s" % (beta, reduction), "smooth_l1_loss",
             {"reduction": reduction, "beta": beta}, regression_maker((4, 5)),
             ["input", "target"])
    spec("smooth_l1_loss_boundary_sum", "smooth_l1_loss", {"reduction": "sum", "beta": 0.5},
         regression_maker((4, 5), "boundary"), ["input", "target"])


def fwd_mse_loss(p, t):
    return F.mse_loss(t["input"], t["target"], reduction=p["reduction"])


def fwd_l1_loss(p, t):
    return F.l1_loss(t["input"], t["target"], reduction=p["reduction"])


def fwd_huber_loss(p, t):
    return F.huber_loss(t["input"], t["target"], reduction=p["reduction"], delta=p["delta"])


def fwd_smooth_l1_loss(p, t):
    return F.smooth_l1_loss(t["input"], t["target"], reduction=p["reduction"], beta=p["beta"])


def bce_maker(shape, pos_weight, weight, extreme):
    def make():
        n, c = shape
        x = common.randn(*shape)
        if extreme:
            mask = torch.rand(*shape, dtype=torch.float64)
            x = torch.where(mask < 0.3, torch.full_like(x, 1e4),
                            torch.where(mask > 0.7, torch.full_like(x, -1e4), x))
        hard = torch.randint(0, 2, shape).to(torch.float64)
        soft = torch.rand(*shape, dtype=torch.float64)
        y = torch.where(torch.rand(*shape, dtype=torch.float64) < 0.5, hard, soft)
        inputs = {"logits": x, "target": y}
        if pos_weight:
            inputs["pos_weight"] = 0.25 + torch.rand(c, dtype=torch.float64) * 2.5
        if weight:
            inputs["weight"] = 0.25 + torch.rand(n, c, dtype=torch.float64) * 1.5
        return inputs

    return make


def bce_cases():
    variants = (
        ("plain", False, False, False),
        ("pos_weight", True, False, False),
        ("weight", False, True, False),
        ("pos_weight_weight", True, True, False),
        ("extreme_pos_weight", True, False, True),
    )
    for reduction in REDUCTIONS:
        for tag, pw, w, extreme in variants:
            spec("binary_cross_entropy_with_logits_%s_%s" % (tag, reduction),
                 "binary_cross_entropy_with_logits",
                 {"reduction": reduction, "pos_weight": pw, "weight": w},
                 bce_maker((4, 3), pw, w, extreme), ["logits", "target"])


def fwd_binary_cross_entropy_with_logits(p, t):
    return F.binary_cross_entropy_with_logits(t["logits"], t["target"], t.get("weight"),
                                              reduction=p["reduction"],
                                              pos_weight=t.get("pos_weight"))


def kl_maker(shape, log_target):
    def make():
        x = torch.log_softmax(common.randn(*shape), dim=1)
        y = torch.log_softmax(common.randn(*shape), dim=1)
        return {"input": x, "target": y if log_target else torch.exp(y)}

    return make


def kl_div_cases():
    for reduction in ("mean", "batchmean", "sum", "none"):
        for log_target in (False, True):
            spec("kl_div_%s_%s" % (reduction, "logtarget" if log_target else "probtarget"),
                 "kl_div", {"reduction": reduction, "log_target": log_target},
                 kl_maker((3, 4), log_target), ["input", "target"])


def fwd_kl_div(p, t):
    return F.kl_div(t["input"], t["target"], reduction=p["reduction"],
                    log_target=p["log_target"])


FORWARD = {
    "conv2d": fwd_conv2d,
    "conv_transpose2d": fwd_conv_transpose2d,
    "pad": fwd_pad,
    "max_pool2d": fwd_max_pool2d,
    "adaptive_max_pool2d": fwd_adaptive_max_pool2d,
    "adaptive_avg_pool2d": fwd_adaptive_avg_pool2d,
    "avg_pool2d": fwd_avg_pool2d,
    "cross_entropy": fwd_cross_entropy,
    "nll_loss": fwd_nll_loss,
    "mse_loss": fwd_mse_loss,
    "l1_loss": fwd_l1_loss,
    "huber_loss": fwd_huber_loss,
    "smooth_l1_loss": fwd_smooth_l1_loss,
    "binary_cross_entropy_with_logits": fwd_binary_cross_entropy_with_logits,
    "kl_div": fwd_kl_div,
}


def build_case(base, op, params, make_inputs, diff, dtype_name):
    dtype = common.DTYPES[dtype_name]
    common.seed(base)
    inputs64 = make_inputs()
    inputs = {}
    for k, v in inputs64.items():
        inputs[k] = v.to(dtype).detach().requires_grad_(k in diff)
    out = FORWARD[op](params, inputs)
    grad_output = common.randn(*out.shape).to(dtype)
    grads = torch.autograd.grad(out, [inputs[k] for k in diff], grad_output)
    grads = dict(zip(diff, grads))
    if op == "conv2d" and params["padding_mode"] != "zeros":
        check_conv2d_against_module(params, inputs, out)
    if op == "max_pool2d":
        check_max_pool(params, inputs, out, grads, grad_output)
    if op == "adaptive_max_pool2d":
        check_adaptive_max_pool(params, inputs, out)
    return {
        "name": "%s/%s" % (base, dtype_name),
        "op": op,
        "dtype": dtype_name,
        "params": params,
        "inputs": {k: common.tensor_json(v) for k, v in inputs.items()},
        "grad_output": common.tensor_json(grad_output),
        "output": common.tensor_json(out),
        "grads": {k: common.tensor_json(v) for k, v in grads.items()},
    }


def main():
    common.setup_torch()
    conv2d_cases()
    conv_transpose2d_cases()
    pad_cases()
    max_pool2d_cases()
    adaptive_max_pool2d_cases()
    adaptive_avg_pool2d_cases()
    avg_pool2d_cases()
    cross_entropy_cases()
    nll_loss_cases()
    regression_cases()
    bce_cases()
    kl_div_cases()
    cases = []
    for base, op, params, make_inputs, diff in SPECS:
        for dtype_name in ("float32", "float64"):
            cases.append(build_case(base, op, params, make_inputs, diff, dtype_name))
    common.write_fixture(OUT, "cnn_ops.py", cases)


if __name__ == "__main__":
    main()
