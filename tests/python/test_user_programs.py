"""Programs written the way exo-lang's example programs are written (free
functions from exo.stdlib.scheduling, cursors found by pattern and navigated,
find(...).after() gaps, repeat(), replace_all() with AVX2 instructions), on
kernels of our own. Each schedule is checked against its unscheduled proc on
random inputs, interpreted and compiled; the wrong schedule is refused."""

from __future__ import annotations

import ctypes
import subprocess

import numpy as np
import pytest

import exo
from exo import *  # noqa: F401,F403 (as user programs import it)
from exo.libs.memories import AVX2
from exo.platforms.x86 import mm256_broadcast_ss, mm256_fmadd_ps, mm256_loadu_ps, mm256_storeu_ps
from exo.stdlib.scheduling import *  # noqa: F401,F403

from conftest import ptr


def build(procs, workdir, stem):
    exo.compile_procs(procs, workdir, f"{stem}.c", f"{stem}.h")
    lib = workdir / f"lib{stem}.so"
    subprocess.run(["gcc", "-std=c11", "-O1", "-Wall", "-Werror", "-mavx2", "-mfma", "-shared", "-fPIC",
                    "-o", str(lib), str(workdir / f"{stem}.c"), "-lm"], check=True, capture_output=True, text=True)
    return ctypes.CDLL(str(lib))


# --------------------------------------------------------------------------- #
# A 6x16 AVX2 micro-kernel, A given transposed (k-major)


@proc
def rank_k_at(K: size, At: f32[K, 6] @ DRAM, B: f32[K, 16] @ DRAM, C: f32[6, 16] @ DRAM):
    for i in seq(0, 6):
        for j in seq(0, 16):
            for k in seq(0, K):
                C[i, j] += At[k, i] * B[k, j]


def schedule_6x16(p):
    p = rename(p, "rank_k_at_avx2")
    p = reorder_loops(p, "j k")
    p = reorder_loops(p, "i k")
    p = divide_loop(p, "for j in _: _", 8, ["jo", "ji"], perfect=True)
    p = stage_mem(p, "for k in _:_", "C[0:6, 0:16]", "C_reg")
    p = simplify(p)
    p = divide_dim(p, "C_reg:_", 1, 8)
    p = repeat(divide_loop)(p, "for i1 in _: _", 8, ["i2", "i3"], perfect=True)
    p = simplify(p)
    p = set_memory(p, "C_reg:_", AVX2)
    p = replace_all(p, [mm256_loadu_ps, mm256_storeu_ps])
    p = simplify(p)
    # B's row k: two vector loads.
    p = stage_mem(p, "for i in _:_", "B[k, 0:16]", "B_reg")
    p = simplify(p)
    p = divide_loop(p, "for i0 in _: _ #1", 8, ["io", "ii"], perfect=True)
    p = divide_dim(p, "B_reg:_", 0, 8)
    p = set_memory(p, "B_reg:_", AVX2)
    p = simplify(p)
    p = replace_all(p, mm256_loadu_ps)
    # At[k, i] broadcast to all lanes.
    p = bind_expr(p, "At[k, i]", "A_reg")
    p = expand_dim(p, "A_reg", 8, "ji")
    p = lift_alloc(p, "A_reg", n_lifts=2)
    p = fission(p, p.find("A_reg[ji] = _").after(), n_lifts=2)
    p = remove_loop(p, "for jo in _: _")
    p = set_memory(p, "A_reg:_", AVX2)
    p = replace_all(p, mm256_broadcast_ss)
    p = replace_all(p, mm256_fmadd_ps)
    return simplify(p)


def test_avx2_micro_kernel_6x16(tmp_path):
    avx = schedule_6x16(rank_k_at)
    text = str(avx)
    assert "for ji" not in text and "for i3" not in text  # every lane loop became an instruction
    for call, n in (("mm256_loadu_ps(", 2), ("mm256_storeu_ps(", 1), ("mm256_broadcast_ss(", 1),
                    ("mm256_fmadd_ps(", 1)):
        assert text.count(call) == n, text
    lib = build([rank_k_at, avx], tmp_path, "mk")
    rng = np.random.default_rng(11)
    for K in (1, 3, 50):
        At = rng.standard_normal((K, 6)).astype(np.float32)
        B = rng.standard_normal((K, 16)).astype(np.float32)
        C0 = rng.standard_normal((6, 16)).astype(np.float32)
        want = C0 + At.T @ B
        for p in (rank_k_at, avx):
            c_int, c_bin = C0.copy(), C0.copy()
            p.interpret(K=K, At=At, B=B, C=c_int)
            getattr(lib, p.name())(None, ctypes.c_int64(K), ptr(At), ptr(B), ptr(c_bin))
            np.testing.assert_allclose(c_int, want, rtol=1e-5, atol=1e-5)
            np.testing.assert_allclose(c_bin, want, rtol=1e-5, atol=1e-5)


# --------------------------------------------------------------------------- #
# Cursors: finding, navigating, forwarding, user-defined operators


@proc
def matvec_t(M: size, N: size, A: f32[N, M], x: f32[N], y: f32[M]):
    assert M % 4 == 0
    assert N % 4 == 0
    for i in seq(0, M):
        for j in seq(0, N):
            y[i] += A[j, i] * x[j]


def run_matvec(p, M, N, seed):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((N, M)).astype(np.float32)
    x = rng.standard_normal(N).astype(np.float32)
    y = rng.standard_normal(M).astype(np.float32)
    p.interpret(M=M, N=N, A=A, x=x, y=y)
    return y


def tile_2d(p, i_lp, j_lp, i_itrs, j_itrs, i_sz, j_sz):
    p = divide_loop(p, i_lp, i_sz, i_itrs, perfect=True)
    p = divide_loop(p, j_lp, j_sz, j_itrs, perfect=True)
    return lift_scope(p, j_itrs[0])


def test_cursor_navigation_and_forwarding():
    i_loop = matvec_t.find_loop("i")
    assert i_loop == matvec_t.find("for i in _: _")
    j_loop = i_loop.body()[0]
    assert isinstance(j_loop, ForCursor) and j_loop.parent() == i_loop
    assert isinstance(j_loop.body()[0], ReduceCursor)
    assert isinstance(i_loop.parent(), InvalidCursor)

    g = rename(matvec_t, "matvec_t_tiled")
    g = divide_loop(g, i_loop, 4, ["io", "ii"], perfect=True)
    g = divide_loop(g, j_loop, 4, ["jo", "ji"], perfect=True)
    # Cursors of the original proc are forwarded implicitly, or explicitly.
    g1 = lift_scope(g, j_loop)
    g2 = lift_scope(g, g.forward(j_loop))
    assert g1 == g2 and hash(g1) == hash(g2)
    assert g.forward(j_loop).name() == "jo"
    assert [l.strip() for l in g1.code().splitlines()[3:7]] == [
        "for io in seq(0, M / 4):", "for jo in seq(0, N / 4):", "for ii in seq(0, 4):", "for ji in seq(0, 4):"]
    # A user-defined operator with cursors of the original and names.
    final = tile_2d(matvec_t, i_loop, j_loop, ["io", "ii"], ["jo", "ji"], 4, 4)
    assert final.code() == g1.code().replace("matvec_t_tiled", "matvec_t")
    for M, N in ((4, 8), (12, 4)):
        np.testing.assert_allclose(run_matvec(final, M, N, M), run_matvec(matvec_t, M, N, M), rtol=1e-5)
    # Equal text is not enough for equal procs: they must come from one original.
    @proc
    def matvec_t_tiled(M: size, N: size, A: f32[N, M], x: f32[N], y: f32[M]):
        assert M % 4 == 0
        assert N % 4 == 0
        for i in seq(0, M):
            for j in seq(0, N):
                y[i] += A[j, i] * x[j]

    assert matvec_t_tiled != rename(matvec_t, "matvec_t_tiled")


# --------------------------------------------------------------------------- #
# A broadcast constant and staged vectors (the pattern of exo-lang's quiz 1)


@instr("{dst_data} = _mm256_loadu_ps(&{src_data});")
def vload(dst: [f32][8] @ AVX2, src: [f32][8] @ DRAM):
    assert stride(src, 0) == 1
    assert stride(dst, 0) == 1
    for i in seq(0, 8):
        dst[i] = src[i]


@instr("_mm256_storeu_ps(&{dst_data}, {src_data});")
def vstore(dst: [f32][8] @ DRAM, src: [f32][8] @ AVX2):
    assert stride(src, 0) == 1
    assert stride(dst, 0) == 1
    for i in seq(0, 8):
        dst[i] = src[i]


@instr("{out_data} = _mm256_add_ps({x_data}, {y_data});")
def vadd(out: [f32][8] @ AVX2, x: [f32][8] @ AVX2, y: [f32][8] @ AVX2):
    assert stride(out, 0) == 1
    assert stride(x, 0) == 1
    assert stride(y, 0) == 1
    for i in seq(0, 8):
        out[i] = x[i] + y[i]


@instr("{out_data} = _mm256_set1_ps(0.5f);")
def vhalf(out: [f32][8] @ AVX2):
    assert stride(out, 0) == 1
    for i in seq(0, 8):
        out[i] = 0.5


@proc
def add_half(N: size, inp: f32[N], out: f32[N]):
    assert N % 8 == 0
    for i in seq(0, N):
        out[i] = 0.5 + inp[i]


def schedule_add_half(p, with_memories):
    p = rename(p, "add_half_avx" if with_memories else "add_half_dram")
    p = divide_loop(p, "i", 8, ["io", "ii"], perfect=True)
    p = bind_expr(p, "0.5", "half")
    half_alloc = p.find("half: _")
    half_assign = p.find("half = _")
    p = expand_dim(p, half_alloc, 8, "ii")
    p = lift_alloc(p, half_alloc, 2)
    p = fission(p, half_assign.after(), 2)
    p = remove_loop(p, half_assign.parent().parent())
    inner = p.find_loop("ii #1")
    p = stage_mem(p, inner, "out[8*io:8*io+8]", "out_vec")
    p = stage_mem(p, inner, "inp[8*io:8*io+8]", "inp_vec")
    p = simplify(p)
    if with_memories:
        for name in ("half", "out_vec", "inp_vec"):
            p = set_memory(p, name, AVX2)
    return replace_all(p, [vhalf, vadd, vload, vstore])


def test_memory_aware_replace_all(tmp_path):
    plain = schedule_add_half(add_half, with_memories=False)
    assert "vadd(" not in str(plain) and "vload(" not in str(plain)  # DRAM buffers: nothing matches
    avx = schedule_add_half(add_half, with_memories=True)
    for call in ("vhalf(", "vadd(", "vload(", "vstore("):
        assert call in str(avx), str(avx)
    lib = build([plain, avx], tmp_path, "half")
    rng = np.random.default_rng(4)
    for N in (8, 32):
        inp = rng.standard_normal(N).astype(np.float32)
        for p in (plain, avx):
            o_int, o_bin = np.zeros(N, np.float32), np.zeros(N, np.float32)
            p.interpret(N=N, inp=inp, out=o_int)
            getattr(lib, p.name())(None, ctypes.c_int64(N), ptr(inp), ptr(o_bin))
            np.testing.assert_allclose(o_int, inp + 0.5, rtol=1e-6)
            np.testing.assert_allclose(o_bin, inp + 0.5, rtol=1e-6)


# --------------------------------------------------------------------------- #
# Recursive expression staging and a refused fission (exo-lang's quiz 2)


@proc
def blend(N: size, a: f32[N], b: f32[N], c: f32[N]):
    assert N % 8 == 0
    for i in seq(0, N):
        c[i] = 4 * a[i] - 2 * b[i]


def stage_operands(p, count, assign):
    if isinstance(assign.rhs(), BinaryOpCursor):
        p = bind_expr(p, assign.rhs().lhs(), "v")
        count += 1
        p, count = stage_operands(p, count, p.forward(assign).prev())
        p = bind_expr(p, assign.rhs().rhs(), "v")
        count += 1
        p, count = stage_operands(p, count, p.forward(assign).prev())
    return p, count


def staged(p):
    p = divide_loop(p, "i", 8, ["io", "ii"], perfect=True)
    return stage_operands(p, 0, p.find("c[_] = _"))


def test_fission_before_lifting_every_allocation_is_refused():
    p, count = staged(blend)
    assert count == 6
    # Lift one allocation and split right away: a later temporary is still
    # declared inside the loop and used after the split point.
    q = expand_dim(p, p.find("v: _ #0"), 8, "ii")
    q = lift_alloc(q, q.find("v: _ #0"))
    with pytest.raises(SchedulingError, match="fission"):
        fission(q, q.find("v = _ #0").after())
    # Lifting every allocation first, then splitting, is accepted.
    for k in range(count):
        p = expand_dim(p, p.find(f"v: _ #{k}"), 8, "ii")
        p = lift_alloc(p, p.find(f"v: _ #{k}"))
    for k in range(count):
        p = fission(p, p.find(f"v = _ #{k}").after())
    assert str(p).count("for ii in seq(0, 8):") == count + 1
    rng = np.random.default_rng(9)
    for N in (8, 24):
        a, b = rng.standard_normal(N).astype(np.float32), rng.standard_normal(N).astype(np.float32)
        c1, c2 = np.zeros(N, np.float32), np.zeros(N, np.float32)
        blend.interpret(N=N, a=a, b=b, c=c1)
        p.interpret(N=N, a=a, b=b, c=c2)
        np.testing.assert_allclose(c2, c1, rtol=1e-6)


# --------------------------------------------------------------------------- #
# Walking up from a cursor (exo-lang's quiz 3), with the allocation moved


@proc
def two_stage(W: size, H: size, out: f32[H, W], inp: f32[H + 1, W]):
    assert H % 4 == 0
    tmp: f32[H + 1, W] @ DRAM
    for yo in seq(0, H / 4):
        for x in seq(0, W):
            for yi in seq(0, 5):
                tmp[yi + 4 * yo, x] = inp[yi + 4 * yo, x] * 2.0
            for yi in seq(0, 4):
                out[yi + 4 * yo, x] = tmp[yi + 4 * yo, x] + tmp[1 + yi + 4 * yo, x]


def loops_at_or_above(cursor):
    loops = [cursor]
    while not isinstance((parent := cursor.parent()), InvalidCursor):
        loops.append(parent)
        cursor = parent
    return list(reversed(loops))


def test_walking_up_to_the_top():
    x_loop = two_stage.find_loop("x")
    assert [l.name() for l in loops_at_or_above(x_loop)] == ["yo", "x"]
    assert [l.name() for l in loops_at_or_above(x_loop)[:-1]] == ["yo"]
    # Cursors of the original are forwarded through later rewrites.
    p = rename(two_stage, "two_stage_split")
    p = divide_loop(p, x_loop, 2, ["xo", "xi"], tail="cut")
    assert [l.name() for l in loops_at_or_above(p.forward(x_loop))] == ["yo", "xo"]
    rng = np.random.default_rng(8)
    for H, W in ((4, 3), (8, 6)):
        inp = rng.standard_normal((H + 1, W)).astype(np.float32)
        o1, o2 = np.zeros((H, W), np.float32), np.zeros((H, W), np.float32)
        two_stage.interpret(W=W, H=H, out=o1, inp=inp)
        p.interpret(W=W, H=H, out=o2, inp=inp)
        np.testing.assert_allclose(o1, o2, rtol=1e-6)


def test_sinking_and_shrinking_the_producer_buffer():
    """quiz3's pattern: the intermediate buffer is sunk into the tile loops and
    resized to one tile (plus the halo row) per level, then lifted back out."""
    p = rename(two_stage, "two_stage_tiled")
    tmp = p.find("tmp : _")
    for i, loop in enumerate(loops_at_or_above(p.find_loop("x"))):
        loop, tmp = p.forward(loop), p.forward(tmp)
        p = sink_alloc(p, tmp)
        if i == 0:  # rows: a 5-row window starting at 4 * yo
            p = resize_dim(p, tmp, 0, 5, f"4 * {loop.name()}")
        else:  # columns: one column at x
            p = resize_dim(p, tmp, 1, 1, loop.name())
    p = simplify(lift_alloc(p, tmp, 2))
    text = str(p)
    assert "tmp: f32[5, 1] @ DRAM" in text and "tmp[yi, 0] = inp[yi + 4 * yo, x] * 2.0" in text
    # The row window cannot be shrunk to 4 rows: the consumer reads the halo row.
    q = sink_alloc(two_stage, two_stage.find("tmp : _"))
    with pytest.raises(SchedulingError):
        resize_dim(q, q.find("tmp : _"), 0, 4, "4 * yo")
    rng = np.random.default_rng(9)
    for H, W in ((4, 3), (12, 5)):
        inp = rng.standard_normal((H + 1, W)).astype(np.float32)
        o1, o2 = np.zeros((H, W), np.float32), np.zeros((H, W), np.float32)
        two_stage.interpret(W=W, H=H, out=o1, inp=inp)
        p.interpret(W=W, H=H, out=o2, inp=inp)
        np.testing.assert_allclose(o1, o2, rtol=1e-6)
