#!/usr/bin/python3
"""PyTorch twin of `wengert bench gemm`: float32 C = A @ B on square matrices, in GFLOPS.

Same options, methodology and output as the Java command: for each size n, warm up, then time
torch.mm until about a second has passed (at least 3 runs) and report 2n^3 / median time.
Run as: /usr/bin/python3 bench/reference/gemm.py [--sizes 256,512,1024,2048] [--threads 2] [--json]
"""

import argparse
import json
import os
import statistics
import sys
import time

torch = None  # imported in main(), after the BLAS thread count is set in the environment

WARMUP_SECONDS = 0.5
TIMED_SECONDS = 1.0


def blas_library():
    """The BLAS shared library this process loaded (Debian's torch uses the libblas.so.3 alternative)."""
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.split()[-1]
                name = os.path.basename(path)
                if "blas" in name or "mkl" in name:
                    return os.path.realpath(path)
    except OSError:
        pass
    return "unknown"


def measure(n, repeats):
    generator = torch.Generator().manual_seed(42)
    a = torch.rand(n, n, generator=generator, dtype=torch.float32) * 2 - 1
    b = torch.rand(n, n, generator=generator, dtype=torch.float32) * 2 - 1
    c = torch.empty(n, n, dtype=torch.float32)
    start = time.perf_counter()
    runs = 0
    while runs < 1 or time.perf_counter() - start < WARMUP_SECONDS:
        torch.mm(a, b, out=c)
        runs += 1
    times = []
    start = time.perf_counter()
    while (len(times) < repeats) if repeats else (len(times) < 3 or time.perf_counter() - start < TIMED_SECONDS):
        t0 = time.perf_counter()
        torch.mm(a, b, out=c)
        times.append(time.perf_counter() - t0)
    return 2.0 * n ** 3 / statistics.median(times) / 1e9


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="256,512,1024,2048", help="comma-separated sizes n")
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="threads (default: all)")
    parser.add_argument("--repeats", type=int, default=None, help="timed runs per size")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    args = parser.parse_args()
    # torch.set_num_threads does not reach a BLAS that torch was not built against (Debian's torch
    # uses whichever libblas.so.3 is installed), so set the BLAS libraries' own variables too.
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = str(args.threads)
    global torch
    try:
        import torch as torch_module
    except ImportError:
        sys.exit("gemm.py: PyTorch is missing; install it with: apt-get install python3-torch")
    torch = torch_module
    torch.set_num_threads(args.threads)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]

    blas = blas_library()
    note = f"# torch {torch.__version__}, BLAS: {blas}"
    if "openblas" not in blas and "mkl" not in blas:
        note += " (not OpenBLAS/MKL: expect slow GEMM; apt-get install libopenblas0-pthread)"
    print(note, file=sys.stderr if args.json else sys.stdout, flush=True)

    for n in sizes:
        gflops = measure(n, args.repeats)
        if args.json:
            print(json.dumps({"op": "gemm", "m": n, "n": n, "k": n, "threads": args.threads,
                              "gflops": round(gflops, 2)}), flush=True)
        else:
            print(f"gemm  m={n} n={n} k={n} threads={args.threads}  {gflops:.1f} GFLOPS", flush=True)


if __name__ == "__main__":
    main()
