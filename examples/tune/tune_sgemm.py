"""Tuning the SGEMM app's blocking with exo.tune.

The app (apps/x86/sgemm/sgemm.py) builds its single-threaded SGEMM from the
triple loop for given micro-kernel and block sizes (make_sgemm). Here the
KC x NC slice of B is tuned on one problem size: each variant is scheduled,
compiled with `jit`, checked against the plain triple loop on random inputs,
and timed; the table lists them fastest first.

    PYTHONPATH=build/python /usr/bin/python3 examples/tune/tune_sgemm.py [SIZE] [--plot FILE]
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

import numpy as np

import exo

REPO = Path(__file__).resolve().parents[2]


def load_app():
    spec = importlib.util.spec_from_file_location("sgemm_app", REPO / "apps/x86/sgemm/sgemm.py")
    app = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(app)
    return app


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("size", nargs="?", type=int, default=512)
    ap.add_argument("--plot", help="write a bar chart of the variants to this PNG")
    args = ap.parse_args(argv)
    app = load_app()
    isa = app.ISA
    MR, NR, WIDE_M, HEIGHTS = (12, 32, 48, (8, 4, 2, 1)) if isa == "avx512" else (6, 16, 24, (4, 2, 1))

    def make_schedule(KC, NC):
        name = f"SGEMM_{KC}x{NC}"
        return app.make_sgemm(name, isa, MR, NR, KC, NC, WIDE_M, HEIGHTS)[name]

    n = args.size
    rng = np.random.default_rng(0)
    inputs = {"A": rng.uniform(-1, 1, (n, n)).astype(np.float32),
              "B": rng.uniform(-1, 1, (n, n)).astype(np.float32),
              "C": rng.uniform(-1, 1, (n, n)).astype(np.float32)}
    inputs.update(M=n, N=n, K=n)
    space = {"KC": [128, 256, 384], "NC": [256, 512, 1024]}
    result = exo.tune(make_schedule, space, inputs, reference=app.sgemm_spec, rtol=1e-3, atol=1e-3)
    flops = 2.0 * n ** 3
    print(f"SGEMM {n}x{n}x{n}, {isa}, one thread")
    print(result.table())
    best = result.best
    print(f"best: {best.params}, {flops / best.seconds * 1e-9:.1f} GFLOP/s")
    if args.plot:
        result.plot(args.plot)
        print(f"plot: {args.plot}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
