"""Shared helpers for the Python front end tests.

The package under test is whatever `import exo` finds: run_tests.sh points
PYTHONPATH at the build tree (build/python) so the tests see the fresh build.
"""

import ctypes
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]

if "exo" not in sys.modules:
    try:
        import exo  # noqa: F401
    except ImportError:  # fall back to a build tree next to the sources
        for d in ("build/python", "build-py/python"):
            if (REPO / d / "exo").is_dir():
                sys.path.insert(0, str(REPO / d))
                break


def compile_shared(procs, workdir, stem="kernels"):
    """Compile procs to C, build a shared library with gcc and load it."""
    import exo

    workdir = Path(workdir)
    exo.compile_procs(procs, workdir, f"{stem}.c", f"{stem}.h")
    lib = workdir / f"lib{stem}.so"
    subprocess.run(
        ["gcc", "-std=c11", "-O1", "-Wall", "-Werror", "-shared", "-fPIC",
         "-o", str(lib), str(workdir / f"{stem}.c"), "-lm"],
        check=True,
        capture_output=True,
        text=True,
    )
    return ctypes.CDLL(str(lib))


def ptr(a):
    """ctypes pointer to a numpy array's data."""
    return a.ctypes.data_as(ctypes.c_void_p)


def exocc(*args, cwd=None):
    """Run exocc through the interpreter running the tests (sees the same package)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    return subprocess.run(
        [sys.executable, "-m", "exo.main", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )


@pytest.fixture
def rng():
    return np.random.default_rng(1234)
