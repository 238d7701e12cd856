#!/usr/bin/python3
"""PyTorch twin of `./wengert bench conv`: float32 conv, pooling and loss timings.

For each configuration: the forward time (inputs not requiring grad, so nothing is
recorded) and the forward+backward time (output.sum().backward() with input, weight and
bias requiring grad; pools: the input; cross_entropy: the logits, targets fixed; the
.grad fields are cleared before each run). Each is the median over at least 20 runs and
at least 1 s, after warming up for at least 5 runs and 0.5 s.

glibc malloc returns large freed blocks to the OS (mmap threshold and heap trimming), so a
default run pays fresh page faults for every multi-megabyte buffer on every iteration,
and a configuration's time then depends on which ones ran before it in the process (B
forward measured 3.6 ms alone vs 1.7 ms after A on the 2-core dev machine). The script
therefore tells glibc to keep freed memory (mallopt M_TRIM_THRESHOLD = 1 GiB,
M_MMAP_THRESHOLD = 32 MiB), which measures the steady state a training loop sees and
what a JVM with a warmed-up heap sees; --default-malloc skips that.

    /usr/bin/python3 bench/reference/conv.py [--threads T] [--only NAME] [--json]

--json prints one line per configuration:
    {"name": "A", "shape": "64x1x28x28->32 k3 p1", "fwd_ms": ..., "fwd_bwd_ms": ...,
     "threads": T}
"""

import argparse
import ctypes
import ctypes.util
import json
import statistics
import time

import torch
import torch.nn.functional as F

WARMUP_RUNS = 5
WARMUP_SECONDS = 0.5
MIN_RUNS = 20
MIN_SECONDS = 1.0

# name -> (N, C, H, W, M, k, stride, padding)
CONVS = {
    "A": (64, 1, 28, 28, 32, 3, 1, 1),
    "B": (64, 32, 14, 14, 64, 3, 1, 1),
    "C": (32, 3, 32, 32, 64, 3, 1, 1),
    "D": (64, 1, 28, 28, 6, 5, 1, 0),
    "E": (64, 16, 32, 32, 32, 5, 2, 2),
}
NAMES = list(CONVS) + ["max_pool2d", "avg_pool2d", "cross_entropy"]

# mallopt parameter numbers from glibc <malloc.h>
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3


def keep_freed_memory():
    """Asks glibc malloc not to give large freed blocks back to the OS; False if no glibc."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(M_TRIM_THRESHOLD, 1 << 30)
                    and libc.mallopt(M_MMAP_THRESHOLD, 32 << 20))
    except (OSError, AttributeError):
        return False


def conv_shape(n, c, h, w, m, k, s, p):
    return "%dx%dx%dx%d->%d k%d%s p%d" % (n, c, h, w, m, k, " s%d" % s if s != 1 else "", p)


def make(name, gen):
    """Returns (shape string, leaf tensors, function of the leaves -> output)."""
    if name in CONVS:
        n, c, h, w, m, k, s, p = CONVS[name]
        x = torch.randn(n, c, h, w, generator=gen)
        wt = torch.randn(m, c, k, k, generator=gen) * (1.0 / (c * k * k)) ** 0.5
        b = torch.randn(m, generator=gen)
        return (conv_shape(n, c, h, w, m, k, s, p), [x, wt, b],
                lambda x, wt, b: F.conv2d(x, wt, b, s, p))
    if name in ("max_pool2d", "avg_pool2d"):
        x = torch.randn(64, 32, 28, 28, generator=gen)
        pool = F.max_pool2d if name == "max_pool2d" else F.avg_pool2d
        return "64x32x28x28 k2 s2", [x], lambda x: pool(x, 2, 2)
    if name == "cross_entropy":
        logits = torch.randn(64, 10, generator=gen)
        target = torch.randint(0, 10, (64,), generator=gen)
        return "64x10", [logits], lambda z: F.cross_entropy(z, target)
    raise ValueError(name)


def median_ms(run):
    begin = time.perf_counter()
    warmups = 0
    while warmups < WARMUP_RUNS or time.perf_counter() - begin < WARMUP_SECONDS:
        run()
        warmups += 1
    times = []
    begin = time.perf_counter()
    while len(times) < MIN_RUNS or time.perf_counter() - begin < MIN_SECONDS:
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3


def measure(name):
    gen = torch.Generator().manual_seed(1234)
    shape, leaves, fn = make(name, gen)

    def forward():
        with torch.no_grad():
            fn(*leaves)

    grad_leaves = [t.clone().requires_grad_(True) for t in leaves]

    def forward_backward():
        for t in grad_leaves:
            t.grad = None
        fn(*grad_leaves).sum().backward()

    return shape, median_ms(forward), median_ms(forward_backward)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=2, help="torch threads (default 2)")
    parser.add_argument("--only", choices=NAMES, help="run one configuration")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument("--default-malloc", action="store_true",
                        help="leave glibc malloc's trimming and mmap threshold as they are")
    args = parser.parse_args()
    if args.threads < 1:
        parser.error("--threads must be >= 1")
    malloc_tuned = not args.default_malloc and keep_freed_memory()
    torch.set_num_threads(args.threads)

    names = [args.only] if args.only else NAMES
    if not args.json:
        print("# torch %s, float32, %d threads, glibc malloc %s; median ms"
              % (torch.__version__, args.threads, "tuned" if malloc_tuned else "default"))
        print("%-14s %-26s %10s %12s %8s" % ("name", "shape", "fwd_ms", "fwd_bwd_ms",
                                             "threads"))
    for name in names:
        shape, fwd, fwd_bwd = measure(name)
        if args.json:
            print(json.dumps({"name": name, "shape": shape, "fwd_ms": round(fwd, 4),
                              "fwd_bwd_ms": round(fwd_bwd, 4), "threads": args.threads}),
                  flush=True)
        else:
            print("%-14s %-26s %10.3f %12.3f %8d" % (name, shape, fwd, fwd_bwd, args.threads),
                  flush=True)


if __name__ == "__main__":
    main()
