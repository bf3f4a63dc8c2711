"""Buffer primitives as Procedure methods: stage_mem, bind_expr, expand_dim,
rearrange_dim, lift_alloc, data_reuse, inline_window."""

from __future__ import annotations

import numpy as np
import pytest

import exo
from exo import DRAM, SchedulingError, proc


@proc
def gemm_tiled(M: size, N: size, K: size, A: f32[M, K] @ DRAM, B: f32[K, N] @ DRAM, C: f32[M, N] @ DRAM):
    assert M % 8 == 0
    assert N % 16 == 0
    for io in seq(0, M / 8):
        for jo in seq(0, N / 16):
            for ii in seq(0, 8):
                for ji in seq(0, 16):
                    for k in seq(0, K):
                        C[8 * io + ii, 16 * jo + ji] += A[8 * io + ii, k] * B[k, 16 * jo + ji]


@proc
def ex(n: size, x: f32[n, 16] @ DRAM, y: f32[n, 16] @ DRAM):
    for i in seq(0, n):
        for j in seq(0, 16):
            t: f32 @ DRAM
            t = x[i, j] * 2.0
            y[i, j] = t + 1.0


@proc
def reuse(n: size, x: f32[n, 8] @ DRAM, y: f32[n, 8] @ DRAM):
    for i in seq(0, n):
        a: f32[8] @ DRAM
        for j in seq(0, 8):
            a[j] = x[i, j] * 2.0
        b: f32[8] @ DRAM
        for j in seq(0, 8):
            b[j] = x[i, j] + 1.0
        for j in seq(0, 8):
            y[i, j] = b[j] + a[j]


@proc
def win(n: size, x: f32[n, 16] @ DRAM, y: f32[n, 4, 8] @ DRAM):
    for i in seq(0, n):
        xr = x[i, 4:12]
        u: f32[4, 8] @ DRAM
        for a in seq(0, 4):
            for b in seq(0, 8):
                u[a, b] = xr[b] * 2.0 + x[i, a]
        for a in seq(0, 4):
            for b in seq(0, 8):
                y[i, a, b] = u[a, b]


def rand(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def run_gemm(p, M=16, N=32, K=5):
    A, B = rand(M, K, seed=1), rand(K, N, seed=2)
    C = rand(M, N, seed=3)
    p.interpret(M=M, N=N, K=K, A=A, B=B, C=C)
    return C


def run_ex(p, n=3, shape=(16,)):
    x = rand(n, 16, seed=4)
    y = np.full((n,) + shape, -7.0, np.float32)
    p.interpret(n=n, x=x, y=y)
    return y


def test_stage_mem_seed_order_and_reference_order():
    p = gemm_tiled.stage_mem("C[8*io:8*io+8, 16*jo:16*jo+16]", "C_reg", "for ii in _: _")
    assert "C_reg: f32[8, 16] @ DRAM" in str(p)
    np.testing.assert_allclose(run_gemm(p), run_gemm(gemm_tiled), rtol=1e-5, atol=1e-5)
    block = gemm_tiled.find_loop("ii")
    q = gemm_tiled.stage_mem(block, "C[8*io:8*io+8, 16*jo:16*jo+16]", "C_reg")
    assert str(q) == str(p)
    # accum=True: zero-initialised and added back instead of loaded and stored.
    acc = gemm_tiled.stage_mem(block, "C[8*io:8*io+8, 16*jo:16*jo+16]", "C_reg", True)
    assert "C_reg[i0, i1] = 0.0" in str(acc) and "+= C_reg[i0, i1]" in str(acc)
    assert "C_reg[i0, i1] = 0.0" not in str(p)
    np.testing.assert_allclose(run_gemm(acc), run_gemm(gemm_tiled), rtol=1e-5, atol=1e-5)
    a = gemm_tiled.stage_mem("A[8*io:8*io+8, 0:K]", "A_tile", "for ii in _: _")
    np.testing.assert_allclose(run_gemm(a), run_gemm(gemm_tiled), rtol=1e-5, atol=1e-5)


def test_stage_mem_refusals_with_twins():
    # A window reaching past C is staged with guarded copies (see test_stage_mem_guards.py).
    over = gemm_tiled.stage_mem("C[8*io:8*io+9, 16*jo:16*jo+16]", "C_reg", "for ii in _: _")
    np.testing.assert_allclose(run_gemm(over), run_gemm(gemm_tiled), rtol=1e-5, atol=1e-5)
    with pytest.raises(SchedulingError, match=r"may be outside the window"):
        gemm_tiled.stage_mem("C[8*io:8*io+4, 16*jo:16*jo+16]", "C_reg", "for ii in _: _")
    gemm_tiled.stage_mem("C[8*io:8*io+8, 16*jo:16*jo+16]", "C_reg", "for ii in _: _")


def test_stage_mem_statement_range():
    p = ex.stage_mem("x[i, j]", "xv", "t = _", "y[_] = _")
    assert "xv: f32 @ DRAM" in str(p)
    np.testing.assert_allclose(run_ex(p), run_ex(ex))


def test_expand_lift_and_refusal():
    p = ex.expand_dim("t", 16, "j").lift_alloc("t")
    assert "t: f32[16] @ DRAM" in str(p)
    np.testing.assert_allclose(run_ex(p), run_ex(ex))
    with pytest.raises(SchedulingError, match="may be out of range"):
        ex.expand_dim("t", 8, "j")
    q = ex.lift_alloc("t", n_lifts=1, keep_dims=True)
    assert "t[j] = x[i, j] * 2.0" in str(q)
    np.testing.assert_allclose(run_ex(q), run_ex(ex))
    both = ex.lift_alloc("t", n_lifts=2, keep_dims=True)  # n slots: n is a positive size
    assert "t: f32[n, 16] @ DRAM" in str(both)
    np.testing.assert_allclose(run_ex(both), run_ex(ex))


def test_bind_expr_pattern_and_cse():
    p = ex.bind_expr("s", "x[i, j] * 2.0")
    assert "s = x[i, j] * 2.0" in str(p)
    np.testing.assert_allclose(run_ex(p), run_ex(ex))
    q = ex.bind_expr("s", ex.find("x[i, j] * 2.0"), cse=True)
    assert str(q) == str(p)


def test_data_reuse_live_and_dead():
    with pytest.raises(SchedulingError, match="can potentially be used after"):
        reuse.data_reuse("a", "b")


@proc
def last_use(a: f32 @ DRAM, b: f32 @ DRAM):
    aa: f32 @ DRAM
    bb: f32 @ DRAM
    aa = a
    bb = b * 2.0
    c: f32 @ DRAM
    c = aa + bb
    b = c


@proc
def last_use_in_loop(n: size, a: f32 @ DRAM, y: f32[n] @ DRAM):
    bb: f32 @ DRAM
    bb = a
    for i in seq(0, n):
        c: f32 @ DRAM
        c = bb + 1.0
        y[i] = c


def test_data_reuse_by_the_statement_that_first_writes():
    # `c = aa + bb` reads bb before it stores into c: bb's storage may be c's.
    from exo.API_scheduling import reuse_buffer

    q = reuse_buffer(last_use, "bb:_", "c:_")
    assert "bb = aa + bb" in str(q)
    for a0, b0 in ((1.5, -2.0), (0.25, 3.0)):
        want, got = np.array([b0], np.float32), np.array([b0], np.float32)
        last_use.interpret(a=np.array([a0], np.float32), b=want)
        q.interpret(a=np.array([a0], np.float32), b=got)
        np.testing.assert_array_equal(want, got)
    # In a loop, the next iteration would read bb after c overwrote it: refused.
    with pytest.raises(SchedulingError, match="can potentially be used after"):
        reuse_buffer(last_use_in_loop, "bb:_", "c:_")


@proc
def tiles_allocated_early(x: f32[2, 4] @ DRAM, y: f32[2, 4] @ DRAM):
    t0: f32[4] @ DRAM
    t1: f32[4] @ DRAM
    for k in seq(0, 4):
        t0[k] = x[0, k] * 2.0
    for k in seq(0, 4):
        y[0, k] = t0[k]
    for k in seq(0, 4):
        t1[k] = x[1, k] + 1.0
    for k in seq(0, 4):
        y[1, k] = t1[k] + t0[k]


@proc
def copy_into(dst: f32[4] @ DRAM, src: f32[4] @ DRAM):
    for k in seq(0, 4):
        dst[k] = src[k] * 3.0


@proc
def call_reads_old_writes_new(x: f32[4] @ DRAM, y: f32[4] @ DRAM):
    t0: f32[4] @ DRAM
    t1: f32[4] @ DRAM
    for k in seq(0, 4):
        t0[k] = x[k]
    copy_into(t1, t0)
    for k in seq(0, 4):
        y[k] = t1[k]


def test_data_reuse_from_the_first_use_of_the_new_buffer():
    from exo.API_scheduling import reuse_buffer

    # t1 is allocated before t0's last use but first used after it.
    with pytest.raises(SchedulingError, match="can potentially be used after"):
        reuse_buffer(tiles_allocated_early, "t0:_", "t1:_")  # t0 is read with t1 at the end
    # Without the last read of t0, its storage is free once t1 is first written.
    r = reuse_buffer(_drop_last_t0_read(), "t0:_", "t1:_")
    assert "t1" not in str(r)
    x = rand(2, 4, seed=3)
    want, got = np.zeros((2, 4), np.float32), np.zeros((2, 4), np.float32)
    _drop_last_t0_read().interpret(x=x, y=want)
    r.interpret(x=x, y=got)
    np.testing.assert_array_equal(want, got)
    # A call that reads the old buffer and writes the new one would alias them.
    with pytest.raises(SchedulingError, match="can potentially be used after"):
        reuse_buffer(call_reads_old_writes_new, "t0:_", "t1:_")


def _drop_last_t0_read():
    @proc
    def tiles(x: f32[2, 4] @ DRAM, y: f32[2, 4] @ DRAM):
        t0: f32[4] @ DRAM
        t1: f32[4] @ DRAM
        for k in seq(0, 4):
            t0[k] = x[0, k] * 2.0
        for k in seq(0, 4):
            y[0, k] = t0[k]
        for k in seq(0, 4):
            t1[k] = x[1, k] + 1.0
        for k in seq(0, 4):
            y[1, k] = t1[k]

    return tiles


def test_inline_window_and_rearrange():
    p = win.inline_window("xr = _")
    assert "xr" not in str(p)
    def run(q):
        x = rand(2, 16, seed=5)
        y = np.zeros((2, 4, 8), np.float32)
        q.interpret(n=2, x=x, y=y)
        return y
    np.testing.assert_allclose(run(p), run(win))
    r = p.rearrange_dim("u", [1, 0])
    assert "u: f32[8, 4] @ DRAM" in str(r)
    np.testing.assert_allclose(run(r), run(win))
    with pytest.raises(ValueError):
        win.rearrange_dim("u", [0, 0])
