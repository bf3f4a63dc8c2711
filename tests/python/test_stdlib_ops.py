"""exo.stdlib.stdlib: operations composed from the primitives (divide with
cursors, hoist, stage an expression, interleave, tile, vectorize). Each result is
compared with the original on random inputs (interpreter; vectorized code also
compiled with AVX2); refusals come from the primitive that would be unsafe."""

from __future__ import annotations

import ctypes
import subprocess

import numpy as np
import pytest

import exo
from exo import DRAM, proc
from exo.platforms.x86 import (
    AVX2,
    mm256_add_ps,
    mm256_broadcast_ss,
    mm256_fmadd_ps,
    mm256_loadu_ps,
    mm256_mul_ps,
    mm256_storeu_ps,
)
from exo.stdlib.stdlib import (
    fma_rule,
    set_memory,
    auto_divide_loop,
    auto_stage_mem,
    hoist_stmt,
    interleave_execution,
    parallelize_and_lift_alloc,
    stage_expr,
    tile_loops,
    vectorize,
)

from conftest import ptr


@proc
def matmul(n: size, m: size, kk: size, A: f32[n, kk], B: f32[kk, m], C: f32[n, m]):
    for i in seq(0, n):
        for j in seq(0, m):
            for k in seq(0, kk):
                C[i, j] += A[i, k] * B[k, j]


def run_matmul(p, n, m, kk, seed=0):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((n, kk)).astype(np.float32)
    B = rng.standard_normal((kk, m)).astype(np.float32)
    C = rng.standard_normal((n, m)).astype(np.float32)
    p.interpret(n=n, m=m, kk=kk, A=A, B=B, C=C)
    return C


def same_matmul(p, sizes=((4, 8, 3), (5, 11, 2), (9, 17, 1))):
    for k, (n, m, kk) in enumerate(sizes):
        np.testing.assert_allclose(run_matmul(p, n, m, kk, k), run_matmul(matmul, n, m, kk, k), rtol=1e-5, atol=1e-5)


@proc
def axpb(n: size, a: f32[1], b: f32[1], x: f32[n], y: f32[n]):
    for i in seq(0, n):
        y[i] = a[0] * x[i] + b[0]


def run_axpb(p, n, seed=0):
    rng = np.random.default_rng(seed)
    a, b = rng.standard_normal(1).astype(np.float32), rng.standard_normal(1).astype(np.float32)
    x, y = rng.standard_normal(n).astype(np.float32), rng.standard_normal(n).astype(np.float32)
    p.interpret(n=n, a=a, b=b, x=x, y=y)
    return y


def test_auto_divide_loop_returns_the_pieces():
    for tail, has_tail in (("guard", False), ("cut", True), ("cut_and_guard", True)):
        p, cur = auto_divide_loop(matmul, matmul.find_loop("j"), 4, tail=tail)
        assert cur.outer_loop_cursor.name() == "jo" and cur.inner_loop_cursor.name() == "ji"
        assert bool(cur.tail_loop_cursor) == has_tail
        if has_tail:
            assert cur.tail_loop_cursor.name() == "ji"
        same_matmul(p)


def test_tile_loops_moves_tile_loops_inside():
    p, inner = tile_loops(matmul, [(matmul.find_loop("i"), 4), (matmul.find_loop("j"), 8)])
    lines = [l.strip() for l in p.code().splitlines()]
    assert lines[1:5] == ["for io in seq(0, n / 4):", "for jo in seq(0, m / 8):", "for ii in seq(0, 4):",
                          "for ji in seq(0, 8):"]
    assert [c.name() for c in inner] == ["ii", "ji"]
    same_matmul(p)
    # Sizes the tiles provably divide get no remainder loops.
    q = matmul.add_assertion("n % 4 == 0").add_assertion("m % 8 == 0")
    q, _ = tile_loops(q, [(q.find_loop("i"), 4), (q.find_loop("j"), 8)])
    assert "%" not in q.code().split("\n", 3)[3]


def test_hoist_stmt_and_its_refusal():
    @proc
    def inv(n: size, x: f32[n], y: f32[n], c: f32[2]):
        for i in seq(0, n):
            y[i] = x[i] * c[0]
            c[1] = 3.0

    p = hoist_stmt(inv, inv.find("c[1] = _"))
    assert str(p).splitlines()[1].strip() == "c[1] = 3.0"

    def run(q, n, seed):
        rng = np.random.default_rng(seed)
        x, y, c = (rng.standard_normal(s).astype(np.float32) for s in (n, n, 2))
        q.interpret(n=n, x=x, y=y, c=c)
        return np.concatenate([y, c])

    for n in (1, 4):
        np.testing.assert_allclose(run(p, n, n), run(inv, n, n))

    @proc
    def dep(n: size, x: f32[n], y: f32[n], c: f32[2]):
        for i in seq(0, n):
            y[i] = x[i] * c[1]
            c[1] = 3.0

    with pytest.raises(exo.SchedulingError):  # the first iteration reads the old c[1]
        hoist_stmt(dep, dep.find("c[1] = _"))


def test_stage_expr_and_parallelize_and_lift_alloc():
    p = stage_expr(axpb, axpb.find("a[0] * x[i]"), "ax")
    assert "ax: f32[n] @ DRAM" in str(p) and str(p).count("for i in seq(0, n):") == 2
    for n in (1, 6):
        np.testing.assert_allclose(run_axpb(p, n, n), run_axpb(axpb, n, n))

    @proc
    def tmp(n: size, x: f32[n], y: f32[n]):
        for i in seq(0, n):
            t: f32 @ DRAM
            t = x[i] * 2.0
            y[i] = t + 1.0

    q = parallelize_and_lift_alloc(tmp, tmp.find("t: _"))
    assert "t: f32[n] @ DRAM" in str(q)
    x = np.arange(5, dtype=np.float32)
    y1, y2 = np.zeros(5, np.float32), np.zeros(5, np.float32)
    tmp.interpret(n=5, x=x, y=y1)
    q.interpret(n=5, x=x, y=y2)
    np.testing.assert_array_equal(y1, y2)


def test_interleave_execution():
    @proc
    def two(n: size, x: f32[n], y: f32[n], z: f32[n]):
        assert n % 2 == 0
        for i in seq(0, n):
            y[i] = x[i] * 2.0
            z[i] = y[i] + 1.0

    p = interleave_execution(two, two.find_loop("i"), 2)
    body = [l.strip() for l in str(p).splitlines()[3:]]
    assert body == ["y[2 * io + 0] = x[2 * io + 0] * 2.0", "y[2 * io + 1] = x[2 * io + 1] * 2.0",
                    "z[2 * io + 0] = y[2 * io + 0] + 1.0", "z[2 * io + 1] = y[2 * io + 1] + 1.0"], str(p)
    x = np.arange(6, dtype=np.float32)
    a = [np.zeros(6, np.float32) for _ in range(4)]
    two.interpret(n=6, x=x, y=a[0], z=a[1])
    p.interpret(n=6, x=x, y=a[2], z=a[3])
    np.testing.assert_array_equal(a[0], a[2])
    np.testing.assert_array_equal(a[1], a[3])


def test_auto_stage_mem_window_from_loops():
    # Around the k loop, C[i, j] is one element; B[k, j] a column of kk elements.
    p = auto_stage_mem(matmul, matmul.find_loop("k"), "C", "acc")
    assert "acc: f32 @ DRAM" in str(p)
    q = auto_stage_mem(matmul, matmul.find_loop("k"), "B", "Bcol")
    assert "Bcol: f32[kk] @ DRAM" in str(q)
    same_matmul(p)
    same_matmul(q)
    # rc=True: the allocation, load, staged block and store-back.
    r, (alloc, load, block, store) = auto_stage_mem(matmul, matmul.find_loop("k"), "C", "acc", rc=True)
    assert alloc.name() == "acc" and load.name() == "acc" and store.name() == "C"
    assert block[0].name() == "k"


def compile_avx2(procs, workdir, stem):
    exo.compile_procs(procs, workdir, f"{stem}.c", f"{stem}.h")
    lib = workdir / f"lib{stem}.so"
    subprocess.run(["gcc", "-std=c11", "-O1", "-mavx2", "-mfma", "-shared", "-fPIC", "-o", str(lib),
                    str(workdir / f"{stem}.c"), "-lm"], check=True, capture_output=True, text=True)
    return ctypes.CDLL(str(lib))


def test_vectorize_onto_avx2(tmp_path):
    instrs = [mm256_loadu_ps, mm256_storeu_ps, mm256_broadcast_ss, mm256_mul_ps, mm256_add_ps, mm256_fmadd_ps]
    # Without rules every operation gets a register: a product, then a sum.
    p = vectorize(axpb, axpb.find_loop("i"), 8, "f32", AVX2, instrs, tail="cut")
    text = str(p)
    for call in ("mm256_broadcast_ss(", "mm256_loadu_ps(", "mm256_mul_ps(", "mm256_add_ps(", "mm256_storeu_ps("):
        assert call in text, text
    assert "for ii in seq(0, n % 8):" in text  # the remainder stays scalar
    lib = compile_avx2([p], tmp_path, "vec_axpb")
    rng = np.random.default_rng(5)
    for n in (1, 8, 13, 40):
        a, b = rng.standard_normal(1).astype(np.float32), rng.standard_normal(1).astype(np.float32)
        x, y0 = rng.standard_normal(n).astype(np.float32), rng.standard_normal(n).astype(np.float32)
        want, interp, compiled = y0.copy(), y0.copy(), y0.copy()
        axpb.interpret(n=n, a=a, b=b, x=x, y=want)
        p.interpret(n=n, a=a, b=b, x=x, y=interp)
        getattr(lib, p.name())(None, ctypes.c_int64(n), ptr(a), ptr(b), ptr(x), ptr(compiled))
        np.testing.assert_allclose(interp, want, rtol=1e-6)
        np.testing.assert_allclose(compiled, want, rtol=1e-5, atol=1e-6)


def test_vectorize_reduction_uses_fma():
    @proc
    def kern(k: size, a: f32[k], x: f32[k, 8], y: f32[8]):
        for kk in seq(0, k):
            for i in seq(0, 8):
                y[i] += a[kk] * x[kk, i]

    # The accumulator lives in a register across kk; fma_rule stages a, x and
    # the accumulator separately so the reduction folds into an fmadd.
    p = auto_stage_mem(kern, kern.find_loop("kk"), "y", "acc")
    p = set_memory(p, "acc", AVX2)
    instrs = [mm256_loadu_ps, mm256_storeu_ps, mm256_broadcast_ss, mm256_fmadd_ps]
    for loop in ("i0", "i"):  # the instructions replace every lane loop they match
        p = vectorize(p, p.find_loop(loop), 8, "f32", AVX2, instrs, rules=[fma_rule], tail="perfect")
    text = str(p)
    assert "mm256_fmadd_ps(" in text and "mm256_broadcast_ss(" in text and "for " + "ii" not in text, text
    rng = np.random.default_rng(2)
    for k in (1, 5):
        a, x, y = rng.standard_normal(k).astype(np.float32), rng.standard_normal((k, 8)).astype(np.float32), \
            rng.standard_normal(8).astype(np.float32)
        y1, y2 = y.copy(), y.copy()
        kern.interpret(k=k, a=a, x=x, y=y1)
        p.interpret(k=k, a=a, x=x, y=y2)
        np.testing.assert_allclose(y1, y2, rtol=1e-5)


def test_vectorize_refusals_come_from_the_primitives():
    @proc
    def odd(n: size, x: f32[n], y: f32[n]):
        for i in seq(0, n):
            y[i] = x[i]

    # A perfect division needs n % 8 == 0; the twin with the assertion is accepted.
    with pytest.raises(exo.SchedulingError, match="n % 8 == 0"):
        vectorize(odd, odd.find_loop("i"), 8, "f32", AVX2, [mm256_loadu_ps], tail="perfect")
    even = odd.add_assertion("n % 8 == 0")
    p = vectorize(even, even.find_loop("i"), 8, "f32", AVX2, [mm256_loadu_ps, mm256_storeu_ps], tail="perfect")
    assert "mm256_loadu_ps(" in str(p) and "mm256_storeu_ps(" in str(p)
    with pytest.raises(AttributeError):  # not a loop
        vectorize(odd, odd.find("y[_] = _"), 8, "f32", AVX2, [mm256_loadu_ps])
