"""Compile-time benchmark: how long going from Exo source to C takes.

usage: PYTHONPATH=build/python /usr/bin/python3 bench/compile_time.py [--runs N] [APP.py ...]
       (default: apps/x86/sgemm/ukernels.py and apps/x86/sgemm/sgemm.py)

For each app, inside this process: the time spent in each scheduling primitive
(every Procedure method call, counted per name, and per proc being scheduled:
the name of the proc a primitive returns, e.g. all the steps that build
`ukernel_avx2_6x16`), the rest of running the app's source (parsing and
checking @proc/@instr definitions, Python itself), and generating C for the
procs it exports; the analysis's query counts (all queries, Z3 calls, cache
hits). Then, as a whole process, `exocc` on the app (the `exocc` on PATH, else
`python -m exo.main`; EXOCC overrides). With --runs N, each app is measured in
N fresh processes and every row reports its minimum and median (the machine
may be shared: the minimum is the least disturbed run).
"""

from __future__ import annotations

import argparse
import functools
import inspect
import json
import os
import runpy
import shutil
import statistics
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
by_proc = defaultdict(lambda: [0, 0.0])  # scheduled proc's name -> [calls, seconds]
_depth = [0]


def _timed(name, fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        # Only the outermost call counts (repeat() calls other primitives).
        _depth[0] += 1
        t0 = time.perf_counter()
        result = None
        try:
            result = fn(*args, **kwargs)
            return result
        finally:
            dt = time.perf_counter() - t0
            _depth[0] -= 1
            if _depth[0] == 0:
                timings[name][0] += 1
                timings[name][1] += dt
                target = result if isinstance(result, Procedure) else args[0]
                by_proc[target.name()][0] += 1
                by_proc[target.name()][1] += dt

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


def exocc_command():
    if "EXOCC" in os.environ:
        return [os.environ["EXOCC"]]
    if shutil.which("exocc"):
        return ["exocc"]
    return [sys.executable, "-m", "exo.main"]


def exocc_env():
    # The child imports the same exo package as this process.
    env = dict(os.environ)
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(exo.__file__)))
    env["PYTHONPATH"] = os.pathsep.join([package_root] + sys.path[1:])
    return env


def measure(app: Path):
    """One in-process run of `app`: [(row label, calls or None, ms)], query counts."""
    timings.clear()
    by_proc.clear()
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

    rows = [("define procs (parse, check) + Python", None, 1e3 * (t_run - t_sched)),
            ("scheduling primitives", n_prims, 1e3 * t_sched)]
    for name, (calls, secs) in sorted(timings.items(), key=lambda kv: -kv[1][1]):
        rows.append(("  " + name, calls, 1e3 * secs))
    rows.append(("scheduling primitives by proc scheduled:", None, None))
    for name, (calls, secs) in sorted(by_proc.items(), key=lambda kv: -kv[1][1]):
        rows.append(("  " + name, calls, 1e3 * secs))
    rows.append(("generate C", None, 1e3 * t_codegen))
    return rows, {k: after[k] - before[k] for k in after}


def time_exocc(app: Path):
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        r = subprocess.run(exocc_command() + ["-o", out, "--stem", app.stem, str(app)],
                           capture_output=True, text=True, env=exocc_env())
        ms = 1e3 * (time.perf_counter() - t0)
    return ms, "" if r.returncode == 0 else f"  (failed: {r.stderr.strip().splitlines()[-1:]})"


def repeated(app: Path, runs: int):
    """`runs` fresh processes (cold caches each time): each row's minimum (the
    least disturbed by other load on the machine) and median."""
    results = []
    for _ in range(runs):
        r = subprocess.run([sys.executable, __file__, "--json", str(app)], capture_output=True,
                           text=True, env=exocc_env(), check=True)
        results.append(json.loads(r.stdout))
    # Rows are matched by label within their section (their order follows the times).
    def keyed(res):
        section, out = 0, {}
        for label, calls, ms in res["rows"]:
            section += ms is None
            out[(section, label)] = ms
        return out

    runs_by_key = [keyed(res) for res in results]
    rows, section = [], 0
    for label, calls, ms in results[0]["rows"]:
        section += ms is None
        values = [r[(section, label)] for r in runs_by_key if r.get((section, label)) is not None]
        rows.append((label, calls, None if ms is None else (min(values), statistics.median(values))))
    exocc = [time_exocc(app)[0] for _ in range(runs)]
    return rows, results[0]["queries"], (min(exocc), statistics.median(exocc)), ""


def bench_app(app: Path, runs: int):
    if runs > 1:
        rows, q, exocc_ms, status = repeated(app, runs)
        note = f" ({runs} fresh processes: minimum and median)"
    else:
        rows, q = measure(app)
        exocc_ms, status = time_exocc(app)
        note = ""

    def ms_text(ms):
        return f"{ms[0]:9.2f} {ms[1]:9.2f}" if isinstance(ms, tuple) else f"{ms:9.2f}"

    shown = app.relative_to(REPO) if app.is_relative_to(REPO) else app
    print(f"\n== {shown} =={note}")
    print(f"{'phase':<40} {'calls':>6} {'ms':>9}" + (f" {'median':>9}" if runs > 1 else ""))
    for label, calls, ms in rows:
        if ms is None:
            print(label)
        else:
            print(f"{label:<40} {'' if calls is None else calls:>6} {ms_text(ms)}")
    print(f"analysis queries: {q['queries']}, sent to Z3: {q['solver_calls']}, cache hits: {q['cache_hits']}")
    whole = f"{exocc_ms[0]:.0f} ms (median {exocc_ms[1]:.0f} ms)" if runs > 1 else f"{exocc_ms:.0f} ms"
    print(f"exocc {app.name}, whole process: {whole}{status}")


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("apps", nargs="*")
    ap.add_argument("--runs", type=int, default=1, help="fresh processes per app (minimum, median)")
    ap.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # one run, for --runs
    args = ap.parse_args(argv)
    apps = [Path(a).resolve() for a in args.apps] or [a for a in DEFAULT_APPS if a.exists()]
    if not apps:
        print("no apps to benchmark")
        return 1
    instrument()
    if args.json:
        rows, q = measure(apps[0])
        print(json.dumps({"rows": rows, "queries": q}))
        return 0
    for app in apps:
        bench_app(app, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
