"""apps/x86/halide/{blur,unsharp} and apps/x86/conv: the C exocc generates,
compiled with gcc, each scheduled proc against its unscheduled original on
random inputs (blur on the whole 16-bit range, where a wrapped sum would
show), with the par runtime at its default thread count."""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
APPS = {"blur": REPO / "apps/x86/halide/blur.py", "unsharp": REPO / "apps/x86/halide/unsharp.py",
        "conv": REPO / "apps/x86/conv/conv.py"}


def cpu_flags():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


needs_avx512 = pytest.mark.skipif(not {"avx512f", "avx512bw"} <= cpu_flags(),
                                  reason="the schedules use AVX-512 (F and BW)")
# (all three schedules use it: elsewhere their C does not even compile with
# -march=native, and every test here is skipped)


@pytest.fixture(scope="module")
def libs(tmp_path_factory):
    if shutil.which("gcc") is None:
        pytest.skip("gcc not installed")
    out = tmp_path_factory.mktemp("apps")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    built = {}
    for stem, src in APPS.items():
        r = subprocess.run([sys.executable, "-m", "exo.main", "-o", str(out), "--stem", stem, str(src)],
                           env=env, capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        lib = out / f"lib{stem}.so"
        r = subprocess.run(["gcc", "-O2", "-march=native", "-shared", "-fPIC", "-pthread", "-Wall", "-Werror",
                            "-Wno-unused-variable", "-Wno-unused-function", "-o", str(lib), str(out / f"{stem}.c"),
                            "-lm"], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        built[stem] = ctypes.CDLL(str(lib))
    return built


def ptr(a):
    return a.ctypes.data_as(ctypes.c_void_p)


def sz(n):
    """A size argument: int_fast32_t, 64 bits wide on x86-64 Linux."""
    return ctypes.c_int64(n)




@needs_avx512
@pytest.mark.parametrize("W,H", [(256, 32), (512, 96)])
def test_blur_matches_the_algorithm_on_the_whole_range(libs, W, H):
    lib = libs["blur"]
    rng = np.random.default_rng(W + H)
    for hi in (256, 65536):
        inp = rng.integers(0, hi, (H + 2, W + 2)).astype(np.uint16)
        want = np.zeros((H, W), np.uint16)
        got = np.full((H, W), 7, np.uint16)
        lib.blur_base(None, sz(W), sz(H), ptr(want), ptr(inp))
        lib.blur(None, sz(W), sz(H), ptr(got), ptr(inp))
        np.testing.assert_array_equal(got, want)
    # the algorithm itself: the exact quotients, computed wide
    x = inp.astype(np.int64)
    bx = (x[:, :-2] + x[:, 1:-1] + x[:, 2:]) // 3
    np.testing.assert_array_equal(want, (bx[:-2] + bx[1:-1] + bx[2:]) // 3)


@needs_avx512
@pytest.mark.parametrize("W,H", [(8, 32), (72, 64)])
def test_unsharp_matches_the_algorithm(libs, W, H):
    lib = libs["unsharp"]
    rng = np.random.default_rng(W * H)
    inp = rng.uniform(0.1, 1.0, (3, H + 6, W + 6)).astype(np.float32)
    want = np.zeros((3, H, W), np.float32)
    got = np.zeros((3, H, W), np.float32)
    lib.unsharp_base(None, sz(W), sz(H), ptr(want), ptr(inp))
    lib.unsharp(None, sz(W), sz(H), ptr(got), ptr(inp))
    np.testing.assert_allclose(got, want, rtol=2e-6, atol=1e-6)
    assert np.isfinite(want).all() and want.std() > 0


@needs_avx512
def test_conv_matches_the_algorithm(libs):
    lib = libs["conv"]
    n, h, w, c, k = 5, 80, 100, 128, 3
    rng = np.random.default_rng(3)
    inp = rng.standard_normal((n, h + k - 1, w + k - 1, c)).astype(np.float32)
    weights = rng.standard_normal((c, k, k, c)).astype(np.float32)
    bias = rng.standard_normal(c).astype(np.float32)
    want = np.zeros((n, h, w, c), np.float32)
    got = np.zeros((n, h, w, c), np.float32)
    lib.conv_base(None, *map(sz, (h, w, c, h + k - 1, w + k - 1, c, k, n)), ptr(inp), ptr(want), ptr(weights), ptr(bias))
    lib.conv(None, ptr(inp), ptr(got), ptr(weights), ptr(bias))
    # sums of 1152 products in another order: a few ulps of the sum of |terms|
    scale = np.abs(weights).sum() / c * 1.0
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-5 * scale)
    assert (want > 0).any() and (want == 0).any()  # the ReLU did something
