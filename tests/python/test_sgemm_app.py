"""apps/x86/sgemm: the library exocc builds from sgemm.py, compiled with gcc and
clang (OpenMP on), against a float64 numpy reference on random data.

Error bound per entry: |c - ref| <= 2 * (K + 1) * u * (|c0| + sum_k |a_ik b_kj|)
with u = 2^-24, the forward error bound of any summation order of K + 1 terms
(with a factor 2 of slack); numpy computes the reference in float64."""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "apps" / "x86" / "sgemm" / "sgemm.py"

SHAPES = [
    (1, 1, 1), (7, 13, 5), (97, 131, 257), (300, 17, 64), (12, 32, 256), (13, 33, 257),
    (1, 100, 3), (100, 1, 3), (3, 3, 1000), (11, 31, 1), (25, 65, 600), (131, 1031, 7),
    (192, 96, 512), (7, 2053, 2), (100, 150, 40), (104, 144, 33), (16, 48, 20), (60, 16, 300),
    (53, 47, 3), (20, 512, 256), (150, 1024, 512), (11, 30, 40), (59, 23, 17), (6, 300, 70),
]


def cpu_has(flag):
    try:
        return flag in Path("/proc/cpuinfo").read_text().split()
    except OSError:
        return False


def exocc(outdir, isa=None):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    if isa:
        env["EXO_SGEMM_ISA"] = isa
    else:
        env.pop("EXO_SGEMM_ISA", None)
    r = subprocess.run([sys.executable, "-m", "exo.main", "-o", str(outdir), "--stem", "sgemm", str(APP)],
                       env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return outdir / "sgemm.c"


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    return exocc(tmp_path_factory.mktemp("sgemm"))


@pytest.fixture(scope="module")
def generated_avx512(tmp_path_factory):
    """Both variants, whatever this CPU has (compiled, never run, where it lacks AVX-512)."""
    return exocc(tmp_path_factory.mktemp("sgemm512"), "avx512")


def build(c_file, cc, tag):
    if shutil.which(cc) is None:
        pytest.skip(f"{cc} not installed")
    lib = c_file.parent / f"libsgemm_{cc}_{tag}.so"
    # AVX-512 only for a library that holds the AVX-512 variant: with it, the
    # compiler may use AVX-512 anywhere in the file.
    avx512 = ["-mavx512f"] if "_mm512_" in c_file.read_text() else []
    flags = ["-O2", "-march=x86-64-v3", *avx512, "-fopenmp", "-std=gnu11", "-Wall", "-Werror",
             "-Wno-unused-variable", "-Wno-unused-function"]
    r = subprocess.run([cc, *flags, "-shared", "-fPIC", "-o", str(lib), str(c_file), "-lm"],
                       capture_output=True, text=True)
    if r.returncode and "fopenmp" in r.stderr:
        pytest.skip(f"{cc} has no OpenMP runtime: {r.stderr.strip()[:200]}")
    assert r.returncode == 0, r.stderr
    return ctypes.CDLL(str(lib))


def run(fn, M, N, K, seed):
    rng = np.random.default_rng(seed)
    A = rng.uniform(-1, 1, (M, K)).astype(np.float32)
    B = rng.uniform(-1, 1, (K, N)).astype(np.float32)
    C0 = rng.uniform(-1, 1, (M, N)).astype(np.float32)
    C = C0.copy()
    p = lambda x: x.ctypes.data_as(ctypes.c_void_p)  # noqa: E731
    fn(None, M, N, K, p(A), p(B), p(C))
    ref = C0.astype(np.float64) + A.astype(np.float64) @ B.astype(np.float64)
    mag = np.abs(C0).astype(np.float64) + np.abs(A).astype(np.float64) @ np.abs(B).astype(np.float64)
    bound = 2.0 * (K + 1) * 2.0**-24 * mag + 1e-30
    return np.max(np.abs(C - ref) / bound)


def variants():
    names = ["SGEMM", "SGEMM_PAR", "SGEMM_AVX2", "SGEMM_AVX2_PAR"]
    if cpu_has("avx512f"):
        names += ["SGEMM_AVX512", "SGEMM_AVX512_PAR"]
    return names


@pytest.mark.parametrize("cc", ["gcc", "clang"])
def test_all_variants_all_shapes(generated, cc):
    if not cpu_has("avx2") or not cpu_has("fma"):
        pytest.skip("needs AVX2 and FMA")
    lib = build(generated, cc, "default")
    for name in variants():
        fn = getattr(lib, name)
        for s, (M, N, K) in enumerate(SHAPES):
            err = run(fn, M, N, K, seed=s)
            assert err <= 1.0, f"{cc} {name} {M}x{N}x{K}: error {err:.3g} x bound"


def test_large_blocks_cross_every_boundary(generated):
    # M, N, K past MC, NC and KC, none a multiple of the tile sizes.
    if not cpu_has("avx2") or not cpu_has("fma"):
        pytest.skip("needs AVX2 and FMA")
    lib = build(generated, "gcc", "default")
    for name in variants():
        err = run(getattr(lib, name), 293, 1100, 531, seed=99)
        assert err <= 1.0, f"{name}: error {err:.3g} x bound"


def test_concurrent_par_calls(generated):
    # Two threads calling SGEMM_PAR (and SGEMM) at once, each with its own
    # operands: the packing buffers are thread-local, so neither sees the
    # other's packed data. ctypes releases the GIL during the calls.
    if not cpu_has("avx2") or not cpu_has("fma"):
        pytest.skip("needs AVX2 and FMA")
    lib = build(generated, "gcc", "default")
    errors = {}
    barrier = threading.Barrier(2)

    def worker(tid):
        barrier.wait()
        worst = 0.0
        for rep in range(6):
            for name in ["SGEMM_PAR", "SGEMM"]:
                M, N, K = (300 + 37 * tid, 700 - 50 * tid, 600 + 11 * rep)
                worst = max(worst, run(getattr(lib, name), M, N, K, seed=100 * tid + rep))
        errors[tid] = worst

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(errors) == {0, 1}
    assert max(errors.values()) <= 1.0, errors


def test_c_is_accumulated_not_overwritten(generated):
    lib = build(generated, "gcc", "default")
    A = np.zeros((5, 3), np.float32)
    B = np.zeros((3, 7), np.float32)
    C = np.arange(35, dtype=np.float32).reshape(5, 7)
    p = lambda x: x.ctypes.data_as(ctypes.c_void_p)  # noqa: E731
    lib.SGEMM(None, 5, 7, 3, p(A), p(B), p(C))
    assert np.array_equal(C, np.arange(35, dtype=np.float32).reshape(5, 7))


@pytest.mark.parametrize("isa,expected", [("avx2", "SGEMM_AVX2"), ("avx512", "SGEMM_AVX512")])
def test_isa_override(tmp_path, isa, expected):
    c = exocc(tmp_path, isa).read_text()
    body = c[c.index("void SGEMM( void"):]
    body = body[:body.index("\n}")]
    assert f"{expected}(ctxt" in body
    par = c[c.index("void SGEMM_PAR( void"):]
    assert f"{expected}_PAR(ctxt" in par[:par.index("\n}")]


def test_isa_override_rejects_unknown(tmp_path):
    env = dict(os.environ, EXO_SGEMM_ISA="sse", PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    r = subprocess.run([sys.executable, "-m", "exo.main", "-o", str(tmp_path), "--stem", "sgemm", str(APP)],
                       env=env, capture_output=True, text=True)
    assert r.returncode != 0 and "EXO_SGEMM_ISA" in r.stderr


def definition(c, name):
    m = re.search(rf"void {name}\( void[^;{{]*\) {{\n", c)
    assert m, name
    return c[m.end():c.index("\n}\n", m.end())]


def test_avx512_only_when_generated_for_it(generated, generated_avx512):
    # A library generated for an AVX2-only CPU holds no AVX-512 code, so it
    # compiles without -mavx512f and runs there; one generated for AVX-512
    # compiles with it (run by the tests above on such a CPU).
    c = generated.read_text()
    assert ("_mm512_" in c) == cpu_has("avx512f")
    assert ("void SGEMM_AVX512(" in c) == cpu_has("avx512f")
    assert "void SGEMM_AVX2(" in c
    build(generated, "gcc", "default")
    assert "void SGEMM_AVX512(" in generated_avx512.read_text()
    build(generated_avx512, "gcc", "avx512")


def test_generated_structure(generated_avx512):
    c = generated_avx512.read_text()
    # Only the parallel variants run par loops, through the thread-pool
    # runtime, each iteration the single-threaded code on part of C.
    for isa in ["avx512", "avx2"]:
        body = definition(c, f"SGEMM_{isa.upper()}_PAR")
        assert body.count("exo_par_for(") == 2
        assert f"sgemm_{isa}_seq(" in c
    assert "#pragma omp parallel for\n" not in c
    # Every packing buffer is thread-local: nothing is shared between calls.
    assert re.findall(r"static (?!_Thread_local)\w+ \w+\[", c) == []
    assert "_mm512_fmadd_ps" in definition(c, "ukernel_avx512_12x32_rows")
    assert "_mm256_fmadd_ps" in definition(c, "ukernel_avx2_6x16_rows")
    assert "_Thread_local" in c and "aligned(64)" in c
    # Edge columns run masked (AVX-512) / prefix (AVX2) vector kernels, and a
    # tail of t < MR rows on a slice of few rows runs one panel of exactly t rows.
    assert "_mm512_mask3_fmadd_ps" in definition(c, "ukernel_avx512_12xw_rows")
    assert "_mm256_maskload_ps" in definition(c, "ukernel_avx2_6xw_rows")
    for t in range(1, 12):  # (called from sgemm_avx512_wide only)
        assert f"sgemm_avx512_panel_{t}_pa(ctxt" in c


def test_generation_isa_follows_the_cpu(generated):
    # Without EXO_SGEMM_ISA the generating machine's flags decide.
    c = generated.read_text()
    expected = "SGEMM_AVX512" if cpu_has("avx512f") else "SGEMM_AVX2"
    assert f"{expected}(ctxt" in definition(c, "SGEMM")
    assert f"{expected}_PAR(ctxt" in definition(c, "SGEMM_PAR")


def test_scheduled_from_the_triple_loop():
    # Every level is derived with the primitives: nothing is asserted equal.
    source = APP.read_text()
    assert "unsafe_assert_eq" not in source and "@instr" not in source
