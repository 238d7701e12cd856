"""Shared helpers for the golden-fixture generators in tools/golden/.

Every generator is run from the repository root as

    /usr/bin/python3 tools/golden/<script>.py

and (re)writes one JSON fixture under autodiff/src/test/resources/golden/. Running a
generator twice gives byte-identical output: each case seeds the global generator with a
value derived from the case's own name (so adding or removing a case never changes the
others), PyTorch runs single-threaded with deterministic algorithms, and the JSON is
written with sorted keys and a fixed layout.

Fixture layout:

    {"cases": [<one case per line>],
     "generator": "tools/golden/<script>.py",
     "torch_version": "<torch.__version__>"}

A tensor is {"shape": [d0, d1, ...], "data": [flat row-major values]}; a 0-d tensor has
shape [] and one value. Values are JSON numbers written with Python's shortest
round-trip repr of the float64 value, so a float64 tensor is stored exactly, and a
float32 tensor is stored as its float32 values widened exactly to float64 (parse as
double, then cast to float: no rounding happens). Every JSON object has its keys sorted,
so the order of a case's "inputs" carries no meaning: look inputs up by name.
"""

import json
import math
import os
import tempfile
import zlib

import torch

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GOLDEN_DIR = os.path.join(REPO_ROOT, "autodiff", "src", "test", "resources", "golden")

DTYPES = {"float32": torch.float32, "float64": torch.float64}


def setup_torch():
    """Single thread, deterministic kernels: the same bytes on every run."""
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)


def seed_for(name):
    """A seed derived from a case name alone (CRC-32 of its UTF-8 bytes)."""
    return zlib.crc32(name.encode("utf-8"))


def seed(name):
    """Seeds torch's global generator for the case called `name`."""
    torch.manual_seed(seed_for(name))


def randn(*shape):
    """Standard-normal float64 values from the global generator."""
    return torch.randn(tuple(shape), dtype=torch.float64)


def tensor_json(t):
    """{"shape": [...], "data": [...]} with data flat, row-major, as Python floats.

    float32 values are widened to float64 exactly; non-finite values are refused, since
    JSON cannot hold them.
    """
    t = t.detach()
    data = [float(v) for v in t.to(torch.float64).contiguous().reshape(-1).tolist()]
    for v in data:
        if not math.isfinite(v):
            raise ValueError("non-finite value in fixture tensor: %r" % (v,))
    return {"shape": list(t.shape), "data": data}


def _dumps(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), allow_nan=False)


def write_fixture(path, generator_name, cases):
    """Writes {"cases", "generator", "torch_version"} to `path` atomically.

    `path` is relative to the repository root (or absolute); `generator_name` is the
    script's file name, e.g. "cnn_ops.py". Case names must be unique.
    """
    names = [c["name"] for c in cases]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError("duplicate case names: %s" % dupes)
    if not os.path.isabs(path):
        path = os.path.join(REPO_ROOT, path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    lines = ['{"cases":[']
    for i, case in enumerate(cases):
        lines.append(_dumps(case) + ("," if i + 1 < len(cases) else ""))
    lines.append("],")
    lines.append('"generator":' + _dumps("tools/golden/" + generator_name) + ",")
    lines.append('"torch_version":' + _dumps(torch.__version__))
    lines.append("}")
    text = "\n".join(lines) + "\n"
    json.loads(text)  # refuse to write anything that does not parse back
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=os.path.dirname(path))
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    rel = os.path.relpath(path, REPO_ROOT)
    print("wrote %s: %d cases, %d bytes" % (rel, len(cases), len(text.encode("utf-8"))))
    return path
