"""p.jit() / exo.jit(p): a procedure's generated C called on numpy arrays,
checked against the interpreter (and numpy) on random inputs, with its
argument checks and its on-disk cache."""

from __future__ import annotations

import importlib.util
import platform

import numpy as np
import pytest

import exo
from exo import proc, config

from conftest import REPO


@pytest.fixture(autouse=True)
def jit_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("EXO_JIT_CACHE", str(tmp_path / "jit"))
    return tmp_path / "jit"


def rand(shape, seed, dtype=np.float32):
    return np.random.default_rng(seed).uniform(-2, 2, size=shape).astype(dtype)


@proc
def scale_rows(n: size, m: size, a: f32, x: f32[n, m + 2], y: f32[n, m]):
    assert n % 2 == 0
    for i in seq(0, n):
        for j in seq(0, m):
            y[i, j] += a * x[i, j + 2]


def test_results_match_the_interpreter_with_sizes_inferred():
    f = scale_rows.jit()
    for seed, (n, m) in enumerate([(2, 1), (4, 7), (10, 3)]):
        x, y = rand((n, m + 2), seed), rand((n, m), seed + 10)
        want = y.copy()
        scale_rows.interpret(n=n, m=m, a=np.array([1.5], np.float32), x=x, y=want)
        got = y.copy()
        f(1.5, x, got)  # n and m from x's and y's shapes (m from `m + 2` too)
        np.testing.assert_allclose(got, want, rtol=1e-6)
        np.testing.assert_allclose(got, y + 1.5 * x[:, 2:], rtol=1e-6)
        by_name = y.copy()
        exo.jit(scale_rows)(n=n, m=m, a=1.5, x=x, y=by_name)
        np.testing.assert_array_equal(by_name, got)


def test_windows_strided_arrays_and_written_scalars():
    @proc
    def col_sum(n: size, w: [f32][n], out: f32):
        out = 0.0
        for i in seq(0, n):
            out += w[i]

    f = col_sum.jit()
    a = rand((6, 5), 3)
    out = np.zeros((), np.float32)
    f(a[:, 2], out)  # a strided column: a window of stride 5
    assert out == pytest.approx(a[:, 2].sum(), rel=1e-5)
    want = np.zeros((), np.float32)
    col_sum.interpret(n=6, w=np.ascontiguousarray(a[:, 2]), out=want)
    assert out == want
    with pytest.raises(exo.ApiError, match="'out' .* is written by col_sum: pass a float32 array of shape"):
        f(a[:, 2], 0.0)


def test_configs_are_read_and_written_between_calls():
    @config
    class JitCfg:
        scale: f32

    @proc
    def bump(n: size, x: f32[n]):
        for i in seq(0, n):
            x[i] = x[i] * JitCfg.scale
        JitCfg.scale = JitCfg.scale + 1.0

    f = bump.jit()
    assert f.config["JitCfg"]["scale"] == 0.0  # a zeroed context, as the interpreter's
    f.config["JitCfg"]["scale"] = 2.0
    x = rand(5, 4)
    got = x.copy()
    f(got)
    f(got)
    np.testing.assert_allclose(got, x * 2.0 * 3.0, rtol=1e-6)
    assert f.config["JitCfg"]["scale"] == 4.0


def test_argument_errors_name_the_argument():
    f = scale_rows.jit()
    x, y = rand((4, 5), 0), rand((4, 3), 1)
    cases = [
        (lambda: f(1.5, x.astype(np.float64), y), exo.ApiTypeError, "argument 'x': expected dtype float32, got float64"),
        (lambda: f(1.5, x, y[:3]), exo.ApiError, r"argument 'y': expected shape \(4, 3\) \(n, m\), got \(3, 3\)"),
        (lambda: f(1.5, x[:3], y[:3]), exo.ApiError, "precondition n % 2 == 0 does not hold"),
        (lambda: f(1.5, np.asfortranarray(x), y), exo.ApiError, "argument 'x': expected a C-contiguous array"),
        (lambda: f(1.5, x), exo.ApiTypeError, "takes 3 positional arguments"),
        (lambda: f(1.5, x, y, z=1), exo.ApiTypeError, "has no argument 'z'"),
        (lambda: f(n=0, m=3, a=1.5, x=x, y=y), exo.ApiError, "'n' \\(size\\): expected a positive integer"),
    ]
    for call, kind, text in cases:
        with pytest.raises(kind, match=text):
            call()
    ro = y.copy()
    ro.flags.writeable = False
    with pytest.raises(exo.ApiError, match="'y' is written by scale_rows: the array is read-only"):
        f(1.5, x, ro)


def test_compiled_once_and_cached_on_disk(jit_cache):
    scale_rows.jit()
    entries = list(jit_cache.iterdir())
    assert len(entries) == 1 and (entries[0] / "libexo_jit.so").exists()
    mtime = (entries[0] / "libexo_jit.so").stat().st_mtime_ns
    scale_rows.jit()  # the same C and flags: the library on disk is reused
    assert list(jit_cache.iterdir()) == entries
    assert (entries[0] / "libexo_jit.so").stat().st_mtime_ns == mtime
    scale_rows.jit(cflags=["-O1"])  # other flags: another build
    assert len(list(jit_cache.iterdir())) == 2


def test_the_sgemm_app_through_jit():
    if platform.machine() != "x86_64":
        pytest.skip("the SGEMM app is x86")
    with open("/proc/cpuinfo") as f:
        flags = f.read()
    if " avx2 " not in flags or " fma " not in flags:
        pytest.skip("needs AVX2 and FMA")
    spec = importlib.util.spec_from_file_location("sgemm_app", REPO / "apps/x86/sgemm/sgemm.py")
    app = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(app)
    for name in ("SGEMM", "SGEMM_PAR"):
        f = getattr(app, name).jit()
        for seed, (M, N, K) in enumerate([(1, 1, 1), (13, 37, 5), (96, 70, 130)]):
            A, B, C = rand((M, K), seed), rand((K, N), seed + 1), rand((M, N), seed + 2)
            got = C.copy()
            f(A, B, got)  # M, N, K from the shapes
            want = C.astype(np.float64) + A.astype(np.float64) @ B.astype(np.float64)
            np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)
