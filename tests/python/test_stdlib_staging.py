"""exo.stdlib.stdlib, staging and passes (bind_and_set_expr, cse, dealias,
stage_compute, unfold_reduce, dce, cleanup, unroll_*, checked replacement,
vectorize with predicated tails): results against the original on random
inputs, refusals next to accepted twins."""

from __future__ import annotations

import pytest

from exo import DRAM, SchedulingError, proc
from exo.platforms.x86 import (
    AVX2,
    mm256_add_ps,
    mm256_loadu_ps,
    mm256_prefix_add_ps,
    mm256_prefix_load_ps,
    mm256_prefix_store_ps,
    mm256_setzero_ps,
    mm256_storeu_ps,
)
from exo.stdlib.stdlib import (
    abs_rule,
    bind_and_set_expr,
    check_call_site,
    checked_replace,
    cleanup,
    cse,
    dce,
    dealias,
    dealiasing_pass,
    fma_rule,
    inline_copies,
    ordered_stage_expr,
    parallelize_allocs,
    replace_all_stmts,
    stage_compute,
    stage_expr_into_memory,
    unfold_reduce,
    unroll_buffers,
    unroll_loops,
    vectorize,
    vectorize_predicate_tail,
)

from exo.stdlib.inspection import expr_to_string
from stdlib_check import assert_same


def text(e):
    """An expression's Exo text without the parentheses expr_to_string adds."""
    return expr_to_string(e).replace("(", "").replace(")", "")


@proc
def ex(n: size, x: f32[n], y: f32[n], z: f32[n]):
    for i in seq(0, n):
        z[i] = x[i] * y[i] + x[i] * y[i]
        y[i] += x[i]


def test_bind_and_set_expr_binds_every_occurrence():
    p, (alloc, bound, _) = bind_and_set_expr(ex, ex.find("x[i] * y[i]", many=True), "f64", DRAM, rc=True)
    assert "var0: f64 @ DRAM" in str(p) and "z[i] = var0 + var0" in str(p)
    assert alloc.name() == "var0" and text(bound) == "x[i] * y[i]"
    assert_same(ex, p, {"n": 4})


def test_cse_and_dealias():
    p = cse(ex, ex.find_loop("i").body(), "f32")
    assert "var0 = x[i]" in str(p)
    assert_same(ex, p, {"n": 4}, {"n": 1})
    d = dealias(ex, ex.find("z[_] = _"))
    assert "z[i] = var0 * var1 + x[i] * y[i]" in str(d)
    assert_same(ex, d, {"n": 3})
    assert str(dealiasing_pass(ex)) == str(d)
    with pytest.raises(TypeError, match="assign or reduce"):
        dealias(ex, ex.find_loop("i"))


def test_unfold_reduce_and_stage_compute():
    u = unfold_reduce(ex, ex.find("y[_] += _"))
    assert "y[i] = y[i] + x[i]" in str(u)
    assert_same(ex, u, {"n": 4})
    with pytest.raises(SchedulingError, match="Expected a reduce cursor"):
        unfold_reduce(ex, ex.find("z[_] = _"))
    s = stage_compute(ex, ex.find_loop("i"), "f32", DRAM)
    assert "var0 = x[i] * y[i]" in str(s) and "var1 = x[i] * y[i]" in str(s) and "y[i] += x[i]" in str(s)
    assert_same(ex, s, {"n": 4})
    f = stage_compute(ex, ex.find_loop("i"), "f32", DRAM, [fma_rule])
    assert "z[i] = x[i] * y[i] + var0" in str(f)
    assert_same(ex, f, {"n": 2})
    with pytest.raises(SchedulingError, match="children_ops to be a list"):
        stage_compute(ex, ex.find_loop("i"), "f32", DRAM, fma_rule)
    p, e = stage_expr_into_memory(ex, ex.find("x[i] * y[i]"), "f32", DRAM)
    assert text(e) == "x[i] * y[i]" and "var0 = x[i] * y[i]" in str(p)
    same_p, read = stage_expr_into_memory(ex, ex.find("x[i]"), "f32", DRAM)  # already in DRAM
    assert same_p is ex and text(read) == "x[i]"


def test_rules_pick_operands():
    assert [text(c) for c in fma_rule(ex, ex.find("x[i] * y[i] + x[i] * y[i]"))] == ["x[i]", "y[i]", "x[i] * y[i]"]
    assert fma_rule(ex, ex.find("x[i] * y[i]")) is None

    @proc
    def ab(x: f32[4], y: f32[4]):
        for i in seq(0, 4):
            y[i] = select(0.0, x[i], x[i], -x[i])

    (triple,) = abs_rule(ab, ab.find("select(_)"))
    assert [text(c) for c in triple] == ["x[i]", "x[i]", "x[i]"]
    assert abs_rule(ab, ab.find("x[i]")) is None


def test_parallelize_allocs_and_ordered_stage_expr():
    p = bind_and_set_expr(ex, ex.find("x[i] * y[i]"), "f32", DRAM)
    q = parallelize_allocs(p, p.find_loop("i"))
    assert "var0: f32[n] @ DRAM" in str(q)
    assert_same(ex, q, {"n": 5})

    @proc
    def scale(n: size, x: f32[n, 4], y: f32[n, 4], a: f32[4]):
        for i in seq(0, n):
            for j in seq(0, 4):
                y[i, j] = x[i, j] * a[j]

    o = ordered_stage_expr(scale, scale.find("a[j]"), "areg", "f32", n_lifts=2)
    assert str(o).splitlines()[1].strip() == "areg: f32[4] @ DRAM"
    assert_same(scale, o, {"n": 3})
    with pytest.raises(SchedulingError, match="Not implemented yet"):
        ordered_stage_expr(scale, scale.find("a[j]"), "areg", "f32", n_lifts=3)


def test_dce_cleanup_and_unrolling():
    @proc
    def dead(n: size, x: f32[n]):
        for i in seq(0, n):
            if n < 0:
                x[i] = 1.0
            else:
                x[i] = 2.0
        for j in seq(0, 1):
            x[j] = 3.0
        pass

    d = dce(dead)
    assert "if " not in str(d) and "for j in seq(0, 1):" in str(d)  # dead branches go, loops stay
    c = cleanup(dead)
    assert "x[0] = 3.0" in str(c) and "pass" not in str(c)
    assert_same(dead, c, {"n": 3})
    u = unroll_loops(dead)
    assert "for j" not in str(u) and "for i" in str(u)
    assert_same(dead, u, {"n": 2})

    @proc
    def regs(x: f32[8]):
        t: f32[2, 4]
        for i in seq(0, 4):
            t[0, i] = x[i]
            t[1, i] = x[i + 4]
        for i in seq(0, 4):
            x[i] = t[1, i]
            x[i + 4] = t[0, i]

    kept = unroll_buffers(regs, mem=DRAM)  # a buffer in `mem` keeps its last dimension
    assert "t_0: f32[4] @ DRAM" in str(kept) and "t_1: f32[4] @ DRAM" in str(kept)
    assert_same(regs, kept, {})
    with pytest.raises(SchedulingError, match="constant index"):  # t_0[i]: the loops are not unrolled
        unroll_buffers(regs)


def test_copies_are_inlined():
    @proc
    def cp(n: size, x: f32[n], y: f32[n]):
        for i in seq(0, n):
            t: f32
            t = x[i]
            y[i] = t * 2.0

    p = inline_copies(cp)
    assert "y[i] = x[i] * 2.0" in str(p)
    assert_same(cp, p, {"n": 3})


@proc
def fill(n: size, x: [f32][n] @ DRAM):
    for i in seq(0, n):
        x[i] = 0.0


@proc
def user(x: f32[8] @ AVX2, y: f32[8]):
    for i in seq(0, 8):
        y[i] = 0.0
    for i in seq(0, 8):
        x[i] = 0.0


def test_checked_replace_and_replace_all_stmts():
    p = checked_replace(user, user.find_loop("i"), fill)
    call = p.body()[0]
    assert call.subproc().name() == "fill" and check_call_site(p, call)
    with pytest.raises(SchedulingError, match="Call site inconsistency"):  # x lives in AVX2, fill wants DRAM
        checked_replace(user, user.find_loop("i #1"), fill)
    with pytest.raises(TypeError):
        check_call_site(p, p.body()[1])
    both = replace_all_stmts(user, [mm256_setzero_ps, fill])
    assert "fill(8, y[0:8])" in str(both) and "mm256_setzero_ps(x[0:8])" in str(both)


@proc
def vadd(n: size, x: f32[n], y: f32[n]):
    for i in seq(0, n):
        y[i] = x[i] + y[i]


VADD = [mm256_loadu_ps, mm256_storeu_ps, mm256_add_ps, mm256_prefix_load_ps, mm256_prefix_store_ps,
        mm256_prefix_add_ps]


def test_vectorize_with_predicated_tails():
    p, (loop,) = vectorize(vadd, vadd.find_loop("i"), 8, "f32", AVX2, VADD, rc=True)
    text = str(p)
    assert loop.name() == "io" and "mm256_add_ps(" in text and "if ii + 8 * io < n:" in text
    assert_same(vadd, p, {"n": 13}, {"n": 8}, {"n": 3})
    q = vectorize_predicate_tail(vadd, vadd.find_loop("i"), 8, "f32", AVX2, VADD, tail="predicate")
    assert "mm256_add_ps(" not in str(q)  # every vector guarded: no full-vector instruction applies
    assert_same(vadd, q, {"n": 13})
