"""Compile-time benchmark: how long going from Exo source to C takes.

usage: /usr/bin/python3 bench/compile_time.py [APP.py ...]
       (default: apps/x86/sgemm/ukernels.py and apps/x86/sgemm/sgemm.py)

For each app, inside this process: the time spent in each scheduling primitive
(every Procedure method call, counted per name), the rest of running the
app's source (parsing and checking @proc/@instr definitions, Python itself),
and generating C for the procs it exports; the analysis's query counts (all
queries, Z3 calls, cache hits). Then, as a whole process, `exocc` on the app.
"""

from __future__ import annotations

import functools
import inspect
import os
import runpy
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import exo
from exo import _core
from exo.procedure import Procedure, compile_procs_to_strings

REPO = Path(__file__).resolve().parents[1]
DEFAULT_APPS = [REPO / "apps/x86/sgemm/ukernels.py", REPO / "apps/x86/sgemm/sgemm.py"]

# Procedure methods that are not scheduling primitives.
NOT_PRIMITIVES = {
    "name", "is_instr", "get_instr", "args", "get_ast", "check_effects", "show_effects",
    "show_effect", "c_code_str", "compile_c", "interpret", "is_eq", "find", "find_loop",
    "find_alloc", "find_alloc_or_arg", "find_all", "forward", "body",
}

timings = defaultdict(lambda: [0, 0.0])  # name -> [calls, seconds]
_depth = [0]


def _timed(name, fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        # Only the outermost call counts (repeat() calls other primitives).
        _depth[0] += 1
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            dt = time.perf_counter() - t0
            _depth[0] -= 1
            if _depth[0] == 0:
                timings[name][0] += 1
                timings[name][1] += dt

    return wrapper


def instrument():
    for name, fn in inspect.getmembers(Procedure, inspect.isfunction):
        if name.startswith("_") or name in NOT_PRIMITIVES:
            continue
        setattr(Procedure, name, _timed(name, fn))


def exported_procs(namespace):
    names = namespace.get("__all__")
    if names is None:
        names = [k for k, v in namespace.items() if isinstance(v, Procedure) and not k.startswith("_")]
    return [namespace[n] for n in names if isinstance(namespace.get(n), Procedure)]


def bench_app(app: Path):
    timings.clear()
    before = _core.solver_stats()
    t0 = time.perf_counter()
    namespace = runpy.run_path(str(app), run_name="exo_app")
    t_run = time.perf_counter() - t0
    procs = exported_procs(namespace)
    t1 = time.perf_counter()
    compile_procs_to_strings(procs, app.stem + ".h")
    t_codegen = time.perf_counter() - t1
    after = _core.solver_stats()
    t_sched = sum(s for _, s in timings.values())
    n_prims = sum(c for c, _ in timings.values())

    print(f"\n== {app.relative_to(REPO)} ==")
    print(f"{'phase':<40} {'calls':>6} {'ms':>9}")
    print(f"{'define procs (parse, check) + Python':<40} {'':>6} {1e3 * (t_run - t_sched):9.2f}")
    print(f"{'scheduling primitives':<40} {n_prims:6d} {1e3 * t_sched:9.2f}")
    for name, (calls, secs) in sorted(timings.items(), key=lambda kv: -kv[1][1]):
        print(f"{'  ' + name:<40} {calls:6d} {1e3 * secs:9.2f}")
    print(f"{'generate C':<40} {'':>6} {1e3 * t_codegen:9.2f}")
    q = {k: after[k] - before[k] for k in after}
    print(f"analysis queries: {q['queries']}, sent to Z3: {q['solver_calls']}, cache hits: {q['cache_hits']}")

    exocc = os.environ.get("EXOCC", "exocc")
    with tempfile.TemporaryDirectory() as out:
        t2 = time.perf_counter()
        r = subprocess.run([exocc, "-o", out, "--stem", app.stem, str(app)], capture_output=True, text=True)
        t_exocc = time.perf_counter() - t2
    status = "" if r.returncode == 0 else f"  (failed: {r.stderr.strip().splitlines()[-1:]})"
    print(f"exocc {app.name}, whole process: {1e3 * t_exocc:.0f} ms{status}")
    return t_sched, t_exocc


def main(argv):
    apps = [Path(a).resolve() for a in argv] or [a for a in DEFAULT_APPS if a.exists()]
    if not apps:
        print("no apps to benchmark")
        return 1
    instrument()
    for app in apps:
        bench_app(app)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
