#!/usr/bin/python3
"""PyTorch twin of `./wengert bench tape`: the per-op cost of recording and replaying.

A chain of N elementwise ops on a 1-element float64 tensor that requires grad, cycling

    x = x * 1.0001;  x = x + 0.001;  x = tanh(x);  x = sin(x)

starting from x = 0.5 (the values stay finite and near a fixed point), then
x.backward(). One run is forward + backward; the reported time is the median run after
one warm-up run, over at least 3 runs and at least a second, divided by N.

    /usr/bin/python3 bench/reference/tape.py [--ops N] [--threads T] [--json]

--json prints exactly one line:
    {"bench": "tape", "ops": N, "threads": T, "us_per_op": ...}
"""

import argparse
import gc
import json
import statistics
import time

import torch

MIN_RUNS = 3
MIN_SECONDS = 1.0


def run_chain(n):
    x0 = torch.tensor([0.5], dtype=torch.float64, requires_grad=True)
    x = x0
    for i in range(n):
        step = i & 3
        if step == 0:
            x = x * 1.0001
        elif step == 1:
            x = x + 0.001
        elif step == 2:
            x = torch.tanh(x)
        else:
            x = torch.sin(x)
    x.backward()
    if not torch.isfinite(x0.grad).all():
        raise RuntimeError("tape chain produced a non-finite gradient")


def timed_run(n):
    gc.collect()
    start = time.perf_counter()
    run_chain(n)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ops", type=int, default=100_000, help="chain length (default 100000)")
    parser.add_argument("--threads", type=int, default=2, help="torch threads (default 2)")
    parser.add_argument("--json", action="store_true", help="one JSON object line")
    args = parser.parse_args()
    if args.ops < 1 or args.threads < 1:
        parser.error("--ops and --threads must be >= 1")
    torch.set_num_threads(args.threads)

    timed_run(args.ops)  # warm-up
    times = []
    begin = time.perf_counter()
    while len(times) < MIN_RUNS or time.perf_counter() - begin < MIN_SECONDS:
        times.append(timed_run(args.ops))
    us_per_op = statistics.median(times) / args.ops * 1e6

    if args.json:
        print(json.dumps({"bench": "tape", "ops": args.ops, "threads": args.threads,
                          "us_per_op": round(us_per_op, 4)}))
    else:
        print("tape  ops=%d threads=%d  %.3f us/op (forward+backward, median of %d runs, "
              "torch %s)" % (args.ops, args.threads, us_per_op, len(times), torch.__version__))


if __name__ == "__main__":
    main()
