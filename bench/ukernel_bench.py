"""Micro-kernel benchmark: the SGEMM micro-kernels of apps/x86/sgemm/ukernels.py
in GFLOP/s against the measured FMA peak, built with gcc and with clang
(-O3 -march=native). Each kernel runs repeatedly on packed panels that stay in
L1 (K x MR of A, K x NR of B); its result is checked first.

usage: PYTHONPATH=build/python /usr/bin/python3 bench/ukernel_bench.py
           [--k K] [--seconds S] [--cc gcc,clang] [isa:MRxNR[:rolled] ...]
       (default kernels: avx2:6x16 avx512:12x32, each also :rolled)

A `:rolled` kernel has the same schedule with the tile's loops left rolled (as
exo-lang's examples/avx2_matmul writes it): the C compiler must unroll them to
keep the register tile in registers, which the generated C asks gcc to do.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import exo

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "build/bench/ukernel"


def load_ukernels():
    spec = importlib.util.spec_from_file_location("ukernels", REPO / "apps/x86/sgemm/ukernels.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def write_sources(kernels):
    """ukernels.c/.h (the generated code) and ukernel_table.h (what to run)."""
    uk = load_ukernels()
    procs, rows = [], []
    for isa, MR, NR, unrolled in kernels:
        _, sched = uk.make_ukernel(MR, NR, isa, unrolled=unrolled)
        procs.append(sched)
        rows.append(f'  {{"{sched.name()}", {int(isa == "avx512")}, {MR}, {NR}, {sched.name()}}},')
    OUT.mkdir(parents=True, exist_ok=True)
    exo.compile_procs(procs, OUT, "ukernels.c", "ukernels.h")
    (OUT / "ukernel_table.h").write_text(
        '#include "ukernels.h"\n'
        "typedef struct {\n  const char* name;\n  int avx512, MR, NR;\n"
        "  void (*fn)(void*, int_fast32_t, struct exo_win_2f32c, struct exo_win_2f32c,"
        " struct exo_win_2f32);\n} UKernel;\n"
        "static const UKernel ukernels[] = {\n" + "\n".join(rows) + "\n};\n"
    )


def build(cc):
    exe = OUT / f"ukernel_bench_{cc}"
    subprocess.run(
        [cc, "-O3", "-march=native", "-std=gnu11", "-I", str(OUT), "-o", str(exe),
         str(REPO / "bench/ukernel_bench.c"), str(OUT / "ukernels.c"), "-lm"],
        check=True,
    )
    return exe


def parse_kernel(text):
    isa, shape, *form = text.split(":")
    MR, NR = shape.lower().split("x")
    if form not in ([], ["rolled"]):
        raise SystemExit(f"kernel {text!r}: the only form is ':rolled'")
    return isa, int(MR), int(NR), not form


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("kernels", nargs="*", default=["avx2:6x16", "avx2:6x16:rolled", "avx512:12x32", "avx512:12x32:rolled"])
    ap.add_argument("--k", type=int, default=256)
    ap.add_argument("--seconds", type=float, default=0.3)
    ap.add_argument("--cc", default="gcc,clang")
    args = ap.parse_args(argv)
    write_sources([parse_kernel(k) for k in args.kernels])
    status = 0
    for cc in args.cc.split(","):
        if shutil.which(cc) is None:
            print(f"{cc}: not found, skipped")
            continue
        exe = build(cc)
        r = subprocess.run([str(exe), str(args.k), str(args.seconds)])
        status |= r.returncode
        print()
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
