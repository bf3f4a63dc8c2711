"""exo.stdlib.stdlib, loop operations with exo-lang's names and signatures:
each result is run against the original on random inputs, and each refusal
sits next to an accepted twin."""

from __future__ import annotations

import pytest

from exo import DRAM, SchedulingError, proc
from exo.stdlib.stdlib import (
    binary_specialize,
    bound_loop_by_if,
    cut_loop_and_unroll,
    divide_loop_recursive,
    fission_into_singles,
    hoist_from_loop,
    hoist_stmt,
    interleave_loop,
    interleave_outer_loop_with_inner_loop,
    jam_stmt,
    parallelize_all_reductions,
    parallelize_reduction,
    reorder_stmt_backwards,
    reorder_stmt_forward,
    round_loop,
    tile_loops,
    tile_loops_bottom_up,
    undo_divide_and_guard_loop,
    unroll_and_jam,
    unroll_and_jam_parent,
)
from exo.stdlib.scheduling import divide_loop

from stdlib_check import assert_same


@proc
def three(n: size, x: f32[n], y: f32[n], c: f32[2]):
    for i in seq(0, n):
        y[i] = x[i] * 2.0
        c[0] = 3.0
        x[i] = y[i] + 1.0


@proc
def total(n: size, x: f32[n], y: f32[1]):
    for i in seq(0, n):
        y[0] += x[i]


@proc
def matvec(n: size, m: size, A: f32[n, m], x: f32[m], y: f32[n]):
    for i in seq(0, n):
        y[i] = 0.0
        for j in seq(0, m):
            y[i] += A[i, j] * x[j]
        y[i] = y[i] * 2.0


@proc
def add2d(n: size, m: size, A: f32[n, m], B: f32[n, m]):
    for i in seq(0, n):
        for j in seq(0, m):
            B[i, j] += A[i, j]


def body_lines(p):
    return [line.strip() for line in p.code().splitlines()[1:]]


def test_hoist_stmt_returns_cursors_and_refuses_loop_dependent_statements():
    p, (allocs, stmt, rest) = hoist_stmt(three, three.find("c[0] = _"), rc=True)
    assert body_lines(p)[0] == "c[0] = 3.0" and allocs == [] and rest.name() == "i"
    assert stmt == p.body()[0]
    assert_same(three, p, {"n": 5}, {"n": 1})
    with pytest.raises(SchedulingError, match="depends on enclosing loop"):
        hoist_stmt(three, three.find("y[_] = _"))
    with pytest.raises(SchedulingError, match="not within a loop"):
        hoist_stmt(total, total.find_loop("i"))


def test_hoist_from_loop_hoists_what_it_can():
    p, (hoisted, loop) = hoist_from_loop(three, three.find_loop("i"), rc=True)
    assert len(hoisted) == 1 and loop.name() == "i"
    assert body_lines(p)[0] == "c[0] = 3.0"
    assert_same(three, p, {"n": 4})


def test_jam_stmt_moves_a_statement_into_the_next_loop():
    @proc
    def jam(n: size, x: f32[n], c: f32[2]):
        c[0] = 2.0
        for i in seq(0, n):
            x[i] = x[i] * 2.0

    p, (loop, stmt) = jam_stmt(jam, jam.find("c[0] = _"), rc=True)
    assert body_lines(p)[:3] == ["for i in seq(0, n):", "x[i] = x[i] * 2.0", "c[0] = 2.0"]
    assert loop.name() == "i"
    assert_same(jam, p, {"n": 3})

    @proc
    def uses(n: size, x: f32[n], c: f32[2]):
        c[0] = 2.0
        for i in seq(0, n):
            x[i] = c[0]

    # Every iteration sets c[0] to the same value before reading it, so the
    # loops fuse; the statement cannot move past the read of c[0].
    u = jam_stmt(uses, uses.find("c[0] = _"))
    assert body_lines(u) == ["for i in seq(0, n):", "c[0] = 2.0", "x[i] = c[0]"]
    assert_same(uses, u, {"n": 3})
    with pytest.raises(SchedulingError, match="Next statement must be a loop"):
        jam_stmt(jam, jam.find("x[_] = _"))


def test_round_loop_up_and_down():
    up = round_loop(three, three.find_loop("i"), 4)
    assert "if " in str(up) and str(up).count("for ") == 1
    down = round_loop(three, three.find_loop("i"), 4, up=False)
    assert "n % 4" in str(down)
    assert_same(three, up, {"n": 5}, {"n": 8})
    assert_same(three, down, {"n": 7})


def test_divide_loop_recursive_halves_the_tail():
    p, (outers, inners, rest) = divide_loop_recursive(three, three.find_loop("i"), 4, rc=True)
    assert [c.name() for c in outers] == ["io", "iio"] and [c.name() for c in inners] == ["ii", "iii"]
    assert rest.name() == "iii"
    assert_same(three, p, {"n": 7}, {"n": 8}, {"n": 2})
    with pytest.raises(SchedulingError, match="cut or cut_and_guard"):
        divide_loop_recursive(three, three.find_loop("i"), 4, tail="guard")


def test_cut_loop_and_unroll_peels_an_iteration():
    q = three.add_assertion("n >= 1")
    front = cut_loop_and_unroll(q, q.find_loop("i"), 1)
    assert body_lines(front)[1] == "y[0] = x[0] * 2.0"
    back, (rest,) = cut_loop_and_unroll(q, q.find_loop("i"), 1, front=False, rc=True)
    assert rest.name() == "i"
    assert_same(q, front, {"n": 1}, {"n": 5})
    assert_same(q, back, {"n": 1}, {"n": 5})

    @proc
    def from2(n: size, x: f32[n + 2]):
        assert n >= 2
        for i in seq(2, n):
            x[i] = 1.0

    with pytest.raises(SchedulingError):  # 3 <= n is not known (the loop may be empty)
        cut_loop_and_unroll(from2, from2.find_loop("i"), 1)
    ok = from2.add_assertion("n >= 3")
    assert_same(ok, cut_loop_and_unroll(ok, ok.find_loop("i"), 1), {"n": 3}, {"n": 6})


def test_binary_specialize_covers_each_value():
    @proc
    def few(n: size, x: f32[n]):
        assert n < 4
        for i in seq(0, n):
            x[i] = x[i] * 2.0

    p, (stmts,) = binary_specialize(few, few.find_loop("i"), "n", [1, 2, 3], rc=True)
    assert "if n < 2:" in str(p) and all(s.name() == "i" for s in stmts) and len(stmts) == 3
    assert_same(few, p, {"n": 1}, {"n": 2}, {"n": 3})
    with pytest.raises(SchedulingError, match="one value"):
        binary_specialize(few, few.find_loop("i"), "n", [1])


def test_bound_loop_by_if_and_undo_divide():
    @proc
    def guarded(n: size, x: f32[n + 3]):
        for i in seq(0, n + 3):
            if i < n:
                x[i] = 1.0

    p = bound_loop_by_if(guarded, guarded.find_loop("i"))
    assert "if " not in str(p)
    assert_same(guarded, p, {"n": 2})
    with pytest.raises(SchedulingError, match="Expected loop to be of the following structure"):
        bound_loop_by_if(three, three.find_loop("i"))
    d = divide_loop(three, three.find_loop("i"), 4, ["io", "ii"], tail="guard")
    u = undo_divide_and_guard_loop(d, d.find_loop("io"))
    assert "for i in seq(0, n):" in str(u)
    assert_same(three, u, {"n": 6})


def test_parallelize_reduction_gives_each_lane_an_accumulator():
    p = parallelize_reduction(total, total.find("y[_] += _"), 4, DRAM)
    assert "f32[4] @ DRAM" in str(p)
    assert_same(total, p, {"n": 7}, {"n": 8}, {"n": 1})
    q = parallelize_reduction(total, total.find("y[_] += _"), 4, DRAM, unroll=True)
    assert "[3] = 0.0" in str(q)
    assert_same(total, q, {"n": 9})
    r = parallelize_all_reductions(total, total.find_loop("i"), 4)
    assert_same(total, r, {"n": 5})
    with pytest.raises(SchedulingError, match="isn't a reduction over the specified loop"):
        parallelize_reduction(add2d, add2d.find("B[_] += _"), 4)
    with pytest.raises(TypeError):
        parallelize_reduction(three, three.find("y[_] = _"), 4)


def test_interleave_loop_tails():
    for tail in ("cut", "cut_and_guard", "recursive"):
        p = interleave_loop(three, three.find_loop("i"), 4, tail=tail)
        assert "x[4 * io + 3]" in str(p)
        assert_same(three, p, {"n": 7}, {"n": 8})
    # "specialize": one interleaved copy of the tail per remainder length.
    p = interleave_loop(three, three.find_loop("i"), 4, tail="specialize")
    assert "if n % 4 < 2:" in str(p) and "for ii" not in str(p)
    assert_same(three, p, {"n": 5}, {"n": 6}, {"n": 7}, {"n": 8})
    with pytest.raises(SchedulingError, match="factor=None"):
        interleave_loop(three, three.find_loop("i"), None, tail="specialize")
    p = interleave_loop(total, total.find_loop("i"), 4, par_reduce=True)
    assert_same(total, p, {"n": 9}, {"n": 3})
    assert interleave_loop(three, three.find_loop("i"), 1) is three
    with pytest.raises(SchedulingError, match="Unknown tail strategy"):
        interleave_loop(three, three.find_loop("i"), 2, tail="whatever")


def test_unroll_and_jam_variants():
    p = unroll_and_jam(matvec, matvec.find_loop("i"), 2)
    assert "y[1 + 2 * io] += A[1 + 2 * io, j] * x[j]" in str(p)
    assert_same(matvec, p, {"n": 5, "m": 3})
    q = unroll_and_jam_parent(matvec, matvec.find_loop("j"), 2, (False, True, False))
    assert_same(matvec, q, {"n": 5, "m": 3})
    r = interleave_outer_loop_with_inner_loop(matvec, matvec.find_loop("i"), matvec.find_loop("j"), 2)
    assert_same(matvec, r, {"n": 4, "m": 2})
    with pytest.raises(SchedulingError, match="No loops found"):
        unroll_and_jam(three, three.find_loop("i"), 2)
    with pytest.raises(SchedulingError, match="parent is not a loop"):
        unroll_and_jam_parent(matvec, matvec.find_loop("i"), 2)


def test_tile_loops_and_bottom_up():
    p, tiles = tile_loops(add2d, [(add2d.find_loop("i"), 2), (add2d.find_loop("j"), 4)])
    assert body_lines(p)[:4] == ["for io in seq(0, n / 2):", "for jo in seq(0, m / 4):",
                                 "for ii in seq(0, 2):", "for ji in seq(0, 4):"]
    assert [c.name() for c in tiles] == ["ii", "ji"]
    assert_same(add2d, p, {"n": 5, "m": 7}, {"n": 4, "m": 8})
    b = tile_loops_bottom_up(add2d, add2d.body()[0], (2, 4))
    assert body_lines(b)[:4] == body_lines(p)[:4]
    assert_same(add2d, b, {"n": 5, "m": 7}, {"n": 2, "m": 4})

    @proc
    def gemm(M: size, N: size, K: size, A: f32[M, K], B: f32[K, N], C: f32[M, N]):
        for k in seq(0, K):
            for i in seq(0, M):
                for j in seq(0, N):
                    C[i, j] += A[i, k] * B[k, j]

    # None: k is not divided, but the i and j tiles move inside it.
    g = tile_loops_bottom_up(gemm, gemm.body()[0], (None, 6, 16))
    assert body_lines(g)[:5] == ["for io in seq(0, M / 6):", "for jo in seq(0, N / 16):", "for k in seq(0, K):",
                                 "for ii in seq(0, 6):", "for ji in seq(0, 16):"]
    assert_same(gemm, g, {"M": 7, "N": 20, "K": 3}, {"M": 12, "N": 16, "K": 1})
    with pytest.raises(SchedulingError, match="body length of 1"):
        tile_loops_bottom_up(matvec, matvec.body()[0], (2, 2))


def test_fission_into_singles_and_statement_swaps():
    p = fission_into_singles(matvec, matvec.find_loop("i"))
    assert str(p).count("for i in seq(0, n):") == 3
    assert_same(matvec, p, {"n": 3, "m": 4})
    with pytest.raises(SchedulingError, match="expected"):
        fission_into_singles(matvec, matvec.find("y[_] = 0.0"))
    f = reorder_stmt_forward(three, three.find("y[_] = _"))
    b = reorder_stmt_backwards(three, three.find("c[_] = _"))
    assert str(f) == str(b) and body_lines(f)[1] == "c[0] = 3.0"

    @proc
    def dep(n: size, x: f32[n], y: f32[n]):
        for i in seq(0, n):
            y[i] = x[i]
            x[i] = y[i] + 1.0

    with pytest.raises(SchedulingError):  # the second statement reads what the first writes
        reorder_stmt_forward(dep, dep.find("y[_] = _"))
    with pytest.raises(SchedulingError):
        reorder_stmt_backwards(dep, dep.find("x[_] = _"))


def test_exo_lang_sgemm_kernel_schedule():
    """exo-lang's AVX-512 SGEMM micro-kernel schedule (apps/x86/sgemm), run
    with the interpreter: round_loop, dce, auto_stage_mem, vectorize with
    fma_rule, hoist_from_loop, then the instructions replace the lane loops."""
    from exo.platforms.x86 import (AVX512, mm512_fmadd_ps, mm512_loadu_ps, mm512_set1_ps,
                                   mm512_storeu_ps)
    from exo.stdlib.stdlib import (auto_stage_mem, dce, divide_dim, fma_rule, hoist_from_loop, rename,
                                   replace_all, set_memory, simplify, specialize, unroll_loop, vectorize)

    @proc
    def sgemm(M: size, N: size, K: size, A: f32[M, K], B: f32[K, N], C: f32[M, N]):
        assert M >= 1
        assert N >= 1
        assert K >= 1
        for k in seq(0, K):
            for i in seq(0, M):
                for j in seq(0, N):
                    C[i, j] += A[i, k] * B[k, j]

    base = simplify(rename(sgemm, "kernel_2x64").partial_eval(2, 64)).add_assertion("0 == 0")
    p = round_loop(base, base.find_loop("j"), 16)
    p = dce(simplify(specialize(p, p.find_loop("k"), "0 == 0")))
    p = simplify(auto_stage_mem(p, p.find_loop("k"), "C", "C_reg"))
    p = set_memory(simplify(divide_dim(p, "C_reg", 1, 16)), "C_reg", AVX512)
    for loop in ("i1", "j", "i1"):
        p = vectorize(p, p.find_loop(loop), 16, "f32", AVX512, rules=[fma_rule], tail="perfect")
    p = hoist_from_loop(p, p.find_loop("jo"))
    for loop in ("i1o", "jo", "i1o"):
        p = unroll_loop(p, loop)
    p = replace_all(simplify(dce(p)), [mm512_loadu_ps, mm512_storeu_ps, mm512_fmadd_ps, mm512_set1_ps])
    text = str(p)
    assert text.count("mm512_fmadd_ps(") == 4 and text.count("mm512_set1_ps(") == 1, text
    assert "for ji" not in text and "for i1i" not in text
    assert_same(base, p, {"K": 1}, {"K": 4})
