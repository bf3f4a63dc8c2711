"""apps/x86/sgemm/ukernels.py: the scheduled SGEMM micro-kernels compute what
their reference triple loop computes (compiled C, random inputs, strided
operands), are reachable from a caller through call_eqv, and keep C in
registers across a single k loop."""

from __future__ import annotations

import ctypes
import importlib.util
import subprocess
from pathlib import Path

import numpy as np
import pytest

import exo
from exo import SchedulingError, proc

from conftest import REPO, ptr

_spec = importlib.util.spec_from_file_location("ukernels", REPO / "apps/x86/sgemm/ukernels.py")
ukernels = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ukernels)


def _cpu_flags():
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


FLAGS = _cpu_flags()
CFLAGS = {"avx2": ["-mavx2", "-mfma"], "avx512": ["-mavx512f"]}
NEEDS = {"avx2": {"avx2", "fma"}, "avx512": {"avx512f"}}


def skip_unless(isa):
    missing = NEEDS[isa] - FLAGS
    if missing:
        pytest.skip(f"this CPU lacks {', '.join(sorted(missing))}: {isa} kernels cannot run here")


def harness(ker, MR, NR, name):
    """A caller with plain dense arguments that runs `ker` on sub-blocks of
    larger, padded matrices, so every row stride differs from the tile width."""

    @proc
    def run(K: size, A: f32[K, MR + 3], B: f32[K, NR + 5], C: f32[MR + 2, NR + 7]):
        ker(K, A[0:K, 1:MR + 1], B[0:K, 2:NR + 2], C[1:MR + 1, 3:NR + 3])

    return run.rename(name)


def build(procs, workdir, isa):
    exo.compile_procs(procs, workdir, "uk.c", "uk.h")
    lib = workdir / "libuk.so"
    subprocess.run(
        ["gcc", "-std=c11", "-O2", "-Wall", "-Werror", *CFLAGS[isa], "-shared", "-fPIC",
         "-o", str(lib), str(workdir / "uk.c")],
        check=True, capture_output=True, text=True,
    )
    return ctypes.CDLL(str(lib))


CASES = [("avx2", MR, NR, True) for MR in (1, 3, 6) for NR in (8, 16)] + [("avx2", 4, 24, True)]
CASES += [("avx512", MR, NR, True) for MR in (1, 5, 12) for NR in (16, 32)]
# The same schedules with the tile's loops left rolled (the C compiler unrolls).
CASES += [("avx2", 6, 16, False), ("avx512", 5, 32, False)]


@pytest.mark.parametrize("isa,MR,NR,unrolled", CASES)
def test_scheduled_matches_reference(tmp_path, isa, MR, NR, unrolled):
    skip_unless(isa)
    ref, sched = ukernels.make_ukernel(MR, NR, isa, unrolled=unrolled)
    run_ref = harness(ref, MR, NR, "run_ref")
    # The driver's path: a caller of the reference gets the scheduled kernel.
    run_fast = run_ref.rename("run_fast").call_eqv(sched, f"{ref.name()}(_)")
    assert sched.name() in run_fast.c_code_str()
    lib = build([run_ref, run_fast], tmp_path, isa)
    rng = np.random.default_rng(MR * 100 + NR)
    for K in (1, 2, 37):
        A = rng.standard_normal((K, MR + 3)).astype(np.float32)
        B = rng.standard_normal((K, NR + 5)).astype(np.float32)
        C = rng.standard_normal((MR + 2, NR + 7)).astype(np.float32)
        want, got = C.copy(), C.copy()
        lib.run_ref(None, ctypes.c_int64(K), ptr(A), ptr(B), ptr(want))
        lib.run_fast(None, ctypes.c_int64(K), ptr(A), ptr(B), ptr(got))
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
        # Only the MR x NR tile changes, by A_tile^T B_tile.
        exact = C.astype(np.float64)
        exact[1:MR + 1, 3:NR + 3] += A[:, 1:MR + 1].T.astype(np.float64) @ B[:, 2:NR + 2]
        np.testing.assert_allclose(got, exact, rtol=1e-4, atol=1e-4)
        mask = np.ones_like(C, dtype=bool)
        mask[1:MR + 1, 3:NR + 3] = False
        np.testing.assert_array_equal(got[mask], C[mask])


def test_rolled_tile_loops_ask_the_c_compiler_to_unroll():
    # Loops of a constant trip count that index the register tile carry
    # `#pragma GCC unroll <trip>` (gcc otherwise keeps C_reg[6][2] in memory);
    # the k loop and loops over plain DRAM buffers carry none.
    _, sched = ukernels.make_ukernel(6, 16, "avx2", unrolled=False)
    c = sched.c_code_str()
    assert c.count("#pragma GCC unroll 6\n") == 3, c
    assert c.count("#pragma GCC unroll 2\n") == 4, c
    assert "#pragma GCC unroll" not in c[c.index("for (int_fast32_t k") - 40:c.index("for (int_fast32_t k")]

    @proc
    def plain(x: f32[4, 8], y: f32[4, 8]):
        for i in seq(0, 4):
            for j in seq(0, 8):
                y[i, j] = x[i, j]

    assert "#pragma GCC unroll" not in plain.c_code_str()
    _, unrolled = ukernels.make_ukernel(6, 16, "avx2")
    assert "#pragma GCC unroll" not in unrolled.c_code_str()


@pytest.mark.parametrize("isa,MR,NR,VW", [("avx2", 6, 16, 8), ("avx512", 12, 32, 16)])
def test_register_tile_shape(isa, MR, NR, VW):
    # Structure, whatever the CPU: one loop (over k); C loaded before it and
    # stored after it as MR * NR/VW vectors; per k, NR/VW loads of B, MR
    # broadcasts of A and MR * NR/VW FMAs, all on constant register indices.
    _, sched = ukernels.make_ukernel(MR, NR, isa)
    text = str(sched)
    assert text.count("for ") == 1 and "for k in seq(0, K):" in text
    body = text.split("for k in seq(0, K):")[1]
    head, tail = text.split("for k in seq(0, K):")[0], body.split("\n    mm")[1:]
    p = "mm256" if isa == "avx2" else "mm512"
    bcast = "mm256_broadcast_ss" if isa == "avx2" else "mm512_set1_ps"
    assert head.count(f"{p}_loadu_ps(C_reg") == MR * NR // VW
    assert body.count(f"{p}_loadu_ps(B_reg") == NR // VW
    assert body.count(f"{bcast}(A_reg") == MR
    assert body.count(f"{p}_fmadd_ps(") == MR * NR // VW
    assert len(tail) == MR * NR // VW and all(t.startswith(f"{p[2:]}_storeu_ps(C[") for t in tail)
    assert sched.is_eq(ukernels.make_ukernel(MR, NR, isa)[0])


def test_module_kernels_and_cache():
    assert ukernels.ukernel_avx2.name() == "ukernel_avx2_6x16"
    assert ukernels.ukernel_avx2_ref.name() == "ukernel_avx2_6x16_ref"
    assert ukernels.ukernel_avx512.name() == "ukernel_avx512_12x32"
    assert ukernels.make_ukernel(6, 16, "avx2") == (ukernels.ukernel_avx2_ref, ukernels.ukernel_avx2)
    ref = ukernels.reference_ukernel(2, 8, "tile_2x8")
    assert ref.name() == "tile_2x8"
    assert ref.code().splitlines()[0] == (
        "def tile_2x8(K: size, A: [f32][K, 2] @ DRAM, B: [f32][K, 8] @ DRAM, C: [f32][2, 8] @ DRAM):")


@pytest.mark.parametrize("MR,NR,isa", [(6, 12, "avx2"), (6, 24, "avx512"), (0, 16, "avx2"),
                                       (13, 16, "avx2"), (6, 16, "sse")])
def test_bad_shapes_are_value_errors(MR, NR, isa):
    with pytest.raises(ValueError):
        ukernels.make_ukernel(MR, NR, isa)


def test_unrelated_kernel_is_refused_by_call_eqv():
    # call_eqv only accepts the scheduled kernel of the same reference.
    ref6, _ = ukernels.make_ukernel(6, 16, "avx2")
    other = ukernels.reference_ukernel(6, 16, "other_6x16")
    caller = harness(ref6, 6, 16, "caller")
    with pytest.raises(SchedulingError):
        caller.call_eqv(other, f"{ref6.name()}(_)")


def masked_harness(ker, MR, w, name, a_rows):
    """A caller running the masked kernel on the last w columns of padded
    matrices: B and C end right after those columns (a full vector would run
    past the row), and A is a k-major panel or MR rows in place."""
    if a_rows:

        @proc
        def run(K: size, A: f32[MR + 3, K + 2], B: f32[K, w + 2], C: f32[MR + 2, w + 3]):
            ker(w, K, A[1:MR + 1, 2:K + 2], B[0:K, 2:w + 2], C[1:MR + 1, 3:w + 3])

    else:

        @proc
        def run(K: size, A: f32[K, MR + 3], B: f32[K, w + 2], C: f32[MR + 2, w + 3]):
            ker(w, K, A[0:K, 1:MR + 1], B[0:K, 2:w + 2], C[1:MR + 1, 3:w + 3])

    return run.rename(name)


MASKED_CASES = [("avx2", MR, w, rows) for MR, w, rows in [(1, 1, False), (6, 7, False), (3, 5, True)]]
MASKED_CASES += [("avx512", MR, w, rows) for MR, w, rows in [(1, 15, False), (12, 1, False),
                                                                (7, 9, False), (12, 13, True)]]


@pytest.mark.parametrize("isa,MR,w,a_rows", MASKED_CASES)
def test_masked_kernel_matches_reference(tmp_path, isa, MR, w, a_rows):
    skip_unless(isa)
    ref, sched = ukernels.make_masked_ukernel(MR, isa, a_rows)
    run_ref = masked_harness(ref, MR, w, "run_ref", a_rows)
    run_fast = run_ref.rename("run_fast").call_eqv(sched, f"{ref.name()}(_)")
    lib = build([run_ref, run_fast], tmp_path, isa)
    rng = np.random.default_rng(MR * 100 + w)
    for K in (1, 3, 40):
        A = rng.standard_normal((MR + 3, K + 2) if a_rows else (K, MR + 3)).astype(np.float32)
        B = rng.standard_normal((K, w + 2)).astype(np.float32)
        C = rng.standard_normal((MR + 2, w + 3)).astype(np.float32)
        want, got = C.copy(), C.copy()
        lib.run_ref(None, ctypes.c_int64(K), ptr(A), ptr(B), ptr(want))
        lib.run_fast(None, ctypes.c_int64(K), ptr(A), ptr(B), ptr(got))
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
        a_tile = A[1:MR + 1, 2:K + 2].T if a_rows else A[:, 1:MR + 1]
        exact = C.astype(np.float64)
        exact[1:MR + 1, 3:w + 3] += a_tile.T.astype(np.float64) @ B[:, 2:w + 2]
        np.testing.assert_allclose(got, exact, rtol=1e-4, atol=1e-4)
        mask = np.ones_like(C, dtype=bool)
        mask[1:MR + 1, 3:w + 3] = False
        np.testing.assert_array_equal(got[mask], C[mask])


@pytest.mark.parametrize("isa,VW", [("avx2", 8), ("avx512", 16)])
def test_masked_kernel_is_all_vector_instructions(isa, VW):
    # One k loop; every other statement is an instruction call (masked loads,
    # broadcasts, FMAs and stores), and w is asserted below the vector width.
    _, sched = ukernels.make_masked_ukernel(4, isa)
    text = str(sched)
    assert f"assert w < {VW}" in text
    assert text.count("for ") == 1
    calls = [line.strip() for line in text.splitlines()[6:] if line.strip() and
             not line.strip().startswith(("for ", "C_reg:", "B_reg:", "A_reg:"))]
    fma = "mm256_prefix_fmadd_ps" if isa == "avx2" else "mm512_mask_fmadd_ps"
    assert sum(c.startswith(fma) for c in calls) == 4
    assert all(c.split("(")[0] in {f.name() for f in ukernels.MASKED[isa].values()} for c in calls), calls


def test_row_kernel_matches_reference(tmp_path):
    # a_rows: A's rows read in place ([MR, K]) instead of a k-major panel.
    skip_unless("avx2")
    MR, NR = 3, 16
    ref, sched = ukernels.make_ukernel(MR, NR, "avx2", a_rows=True)
    assert sched.name() == "ukernel_avx2_3x16_rows"

    @proc
    def run_ref(K: size, A: f32[MR + 3, K + 2], B: f32[K, NR + 5], C: f32[MR + 2, NR + 7]):
        ref(K, A[1:MR + 1, 2:K + 2], B[0:K, 2:NR + 2], C[1:MR + 1, 3:NR + 3])

    run_fast = run_ref.rename("run_fast").call_eqv(sched, f"{ref.name()}(_)")
    lib = build([run_ref, run_fast], tmp_path, "avx2")
    rng = np.random.default_rng(5)
    K = 29
    A = rng.standard_normal((MR + 3, K + 2)).astype(np.float32)
    B = rng.standard_normal((K, NR + 5)).astype(np.float32)
    C = rng.standard_normal((MR + 2, NR + 7)).astype(np.float32)
    want, got = C.copy(), C.copy()
    lib.run_ref(None, ctypes.c_int64(K), ptr(A), ptr(B), ptr(want))
    lib.run_fast(None, ctypes.c_int64(K), ptr(A), ptr(B), ptr(got))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    exact = C.astype(np.float64)
    exact[1:MR + 1, 3:NR + 3] += A[1:MR + 1, 2:K + 2].astype(np.float64) @ B[:, 2:NR + 2]
    np.testing.assert_allclose(got, exact, rtol=1e-4, atol=1e-4)
