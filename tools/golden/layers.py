#!/usr/bin/python3
"""Golden values for the layers module: BatchNorm in training and evaluation.

    /usr/bin/python3 tools/golden/layers.py

writes layers/src/test/resources/golden/layers.json. Each "batch_norm" case runs a fresh
BatchNorm{1,2}d with default eps/momentum and random affine parameters through two
training steps (forward, then backward of a fixed upstream gradient) and one evaluation
forward, recording outputs, gradients of input, weight and bias, and the running
statistics after each training step.
"""

import os

import torch

from common import REPO_ROOT, randn, seed, setup_torch, tensor_json, write_fixture

OUT = os.path.join(REPO_ROOT, "layers", "src", "test", "resources", "golden", "layers.json")


def batch_norm_case(name, shape, dtype):
    seed(name)
    channels = shape[1]
    bn = (torch.nn.BatchNorm2d if len(shape) == 4 else torch.nn.BatchNorm1d)(channels).to(dtype)
    with torch.no_grad():
        bn.weight.copy_(randn(channels).to(dtype) * 0.5 + 1)
        bn.bias.copy_(randn(channels).to(dtype) * 0.5)
    case = {"name": name, "op": "batch_norm", "dtype": str(dtype).replace("torch.", ""),
            "input_shape": list(shape),
            "weight": tensor_json(bn.weight), "bias": tensor_json(bn.bias), "steps": []}
    for step in range(2):
        x = (randn(*shape) * 2 + 0.5).to(dtype).requires_grad_(True)
        g = randn(*shape).to(dtype)
        bn.train()
        y = bn(x)
        y.backward(g)
        case["steps"].append({
            "input": tensor_json(x), "grad_output": tensor_json(g), "output": tensor_json(y),
            "grad_input": tensor_json(x.grad), "grad_weight": tensor_json(bn.weight.grad),
            "grad_bias": tensor_json(bn.bias.grad),
            "running_mean": tensor_json(bn.running_mean), "running_var": tensor_json(bn.running_var)})
        bn.weight.grad = None
        bn.bias.grad = None
    x = randn(*shape).to(dtype)
    bn.eval()
    with torch.no_grad():
        case["eval"] = {"input": tensor_json(x), "output": tensor_json(bn(x))}
    return case


def main():
    setup_torch()
    cases = []
    for dtype in (torch.float32, torch.float64):
        suffix = "/" + str(dtype).replace("torch.", "")
        cases.append(batch_norm_case("batch_norm2d_4x3x5x5" + suffix, (4, 3, 5, 5), dtype))
        cases.append(batch_norm_case("batch_norm2d_2x5x3x7" + suffix, (2, 5, 3, 7), dtype))
        cases.append(batch_norm_case("batch_norm1d_8x6" + suffix, (8, 6), dtype))
    write_fixture(OUT, "tools/golden/layers.py", cases)


if __name__ == "__main__":
    main()
