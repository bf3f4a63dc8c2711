"""exo.stdlib: the higher-order scheduling helpers (scheduling), the cursor
questions (analysis, inspection), the combinators (higher_order) and the larger
operations (stdlib). Every rewrite is checked against the original procedure on
random inputs; every refusal has an accepted twin."""

from __future__ import annotations

import numpy as np
import pytest

import exo
from exo import DRAM, proc
from exo.libs.memories import DRAM_STACK
from exo.platforms.x86 import AVX2, mm256_loadu_ps, mm256_storeu_ps
from exo.stdlib.scheduling import *  # noqa: F401,F403
from exo.stdlib import analysis, higher_order as ho, inspection as ins


@proc
def rowsum(n: size, m: size, A: f32[n, m], s: f32[n], c: f32[1]):
    for i in seq(0, n):
        s[i] = 0.0
        for j in seq(0, m):
            if j % 2 == 0:
                s[i] += A[i, j] * c[0]


def run_rowsum(p, n=5, m=7, seed=0):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((n, m)).astype(np.float32)
    s = rng.standard_normal(n).astype(np.float32)
    c = np.abs(rng.standard_normal(1)).astype(np.float32) + 0.5
    p.interpret(n=n, m=m, A=A, s=s, c=c)
    return s


def same_as(p, q, run, sizes):
    for k, sz in enumerate(sizes):
        np.testing.assert_allclose(run(p, *sz, seed=k), run(q, *sz, seed=k), rtol=1e-5)


# --------------------------------------------------------------------------- #
# exo.stdlib.scheduling


def test_repeat_until_refused_and_n_times():
    # divide_loop on "for i1 in _: _" applies once per matching loop: the
    # reference's x86 example depends on repeat() stopping at the refusal.
    @proc
    def two(a: f32[16], b: f32[16]):
        for i1 in seq(0, 16):
            a[i1] = 1.0
        for i1 in seq(0, 16):
            b[i1] = 2.0

    p = repeat(divide_loop)(two, "for i1 in _: _", 8, ["i2", "i3"], perfect=True)
    assert str(p).count("for i2 in seq(0, 2):") == 2
    q = repeat(divide_loop, n_times=1)(two, "for i1 in _: _", 8, ["i2", "i3"], perfect=True)
    assert str(q).count("for i2 in seq(0, 2):") == 1
    with pytest.raises(exo.SchedulingError):
        repeat(divide_loop, n_times=3)(two, "for i1 in _: _", 8, ["i2", "i3"], perfect=True)
    with pytest.raises(TypeError, match="positive int"):
        repeat(divide_loop, n_times=0)


def test_sched_seq_and_loop_hack():
    p = sched_seq(rowsum, [(rename, "rs2"), simplify, (divide_loop, "i", 2, ["io", "ii"])])
    assert p.name() == "rs2" and "for io in seq(0, (n + 1) / 2):" in str(p)
    same_as(p, rowsum, run_rowsum, [(5, 3), (4, 1)])
    with pytest.raises(TypeError, match="sched_seq"):
        sched_seq(rowsum, [42])
    # loop_hack: apply to every match, re-finding after each rewrite.
    q = loop_hack(divide_loop, lambda pr: pr.find_loop("j", many=True))(rowsum, 4, ["jo", "ji"], tail="cut")
    assert "for jo in seq(0, m / 4):" in str(q)
    same_as(q, rowsum, run_rowsum, [(3, 9), (2, 4)])


@proc
def copy16(n: size, x: f32[n, 16], y: f32[n, 16]):
    for i in seq(0, n):
        for j in seq(0, 16):
            y[i, j] = x[i, j]


def test_replace_all_and_once_respect_memories():
    p = divide_loop(copy16, "j", 8, ["jo", "ji"], perfect=True)
    # No buffer is in AVX2 memory: nothing matches the load/store instructions.
    assert str(replace_all(p, [mm256_loadu_ps, mm256_storeu_ps])) == str(p)
    q = stage_mem(p, "for ji in _: _", "x[i, 8 * jo:8 * jo + 8]", "xv")
    q = set_memory(simplify(q), "xv", AVX2)
    once = replace_once(q, [mm256_loadu_ps])
    assert str(once).count("mm256_loadu_ps(") == 1
    allq = replace_all(q, mm256_loadu_ps)
    assert str(allq).count("mm256_loadu_ps(") == 1
    with pytest.raises(TypeError, match="Procedure"):
        replace_all(q, ["not a proc"])


@proc
def guarded(n: size, x: f32[n], flag: size):
    for i in seq(0, n):
        if flag > 3:
            x[i] = 1.0
        else:
            x[i] = 2.0


def test_lift_if_and_lift_scope():
    p = lift_if(guarded, guarded.find("if _: _"))
    assert str(p).splitlines()[1].strip() == "if flag > 3:"
    for flag in (1, 5):
        a, b = np.zeros(4, np.float32), np.zeros(4, np.float32)
        guarded.interpret(n=4, x=a, flag=flag)
        p.interpret(n=4, x=b, flag=flag)
        np.testing.assert_array_equal(a, b)
    # A loop lifted out of a loop is an interchange; a triangular nest refuses.
    with pytest.raises(exo.SchedulingError):
        lift_scope(rowsum, "for j in _: _")  # the i loop holds another statement

    @proc
    def tri(n: size, A: f32[n, n]):
        for i in seq(0, n):
            for j in seq(0, i):
                A[i, j] = 0.0

    with pytest.raises(exo.SchedulingError):
        lift_scope(tri, "j")

    @proc
    def square(n: size, A: f32[n, n]):
        for i in seq(0, n):
            for j in seq(0, n):
                A[i, j] = A[i, j] * 2.0

    s = lift_scope(square, "j")
    assert str(s).splitlines()[1].strip() == "for j in seq(0, n):"
    with pytest.raises(exo.SchedulingError, match="top-level"):
        lift_scope(square, "i")


# --------------------------------------------------------------------------- #
# exo.stdlib.analysis / inspection / higher_order


@proc
def vscale(v: f32[8] @ DRAM_STACK):
    for k in seq(0, 8):
        v[k] = v[k] * 2.0


@proc
def caller(x: f32[8]):
    t: f32[8] @ DRAM_STACK
    for k in seq(0, 8):
        t[k] = x[k]
    vscale(t)
    u: f32[8] @ DRAM
    for k in seq(0, 8):
        u[k] = t[k]
    x[0] = u[0]


def test_observed_statements_and_call_memories():
    call = caller.find("vscale(_)")
    seen = list(analysis.get_observed_stmts(call))
    assert [type(s).__name__ for s in seen] == ["ForCursor", "AllocCursor"]
    assert analysis.check_call_mem_types(call)
    # The same call with t in DRAM passes a buffer of the wrong memory.
    bad = set_memory(caller, "t", DRAM)
    assert not analysis.check_call_mem_types(bad.find("vscale(_)"))
    with pytest.raises(TypeError):
        analysis.check_call_mem_types(caller.find("u: _"))


def test_traversals_and_navigation():
    stmts = list(ins.nlr_stmts(rowsum))
    assert [type(s).__name__ for s in stmts] == ["ForCursor", "AssignCursor", "ForCursor", "IfCursor", "ReduceCursor"]
    post = list(ins.lrn_stmts(rowsum))
    assert type(post[-1]).__name__ == "ForCursor" and type(post[0]).__name__ == "AssignCursor"
    red = rowsum.find("s[_] += _")
    assert ins.get_enclosing_loop(rowsum, red).name() == "j"
    assert ins.get_enclosing_loop(rowsum, red, n=2).name() == "i"
    assert ins.get_enclosing_loop_by_name(rowsum, red, "i") == rowsum.find_loop("i")
    assert isinstance(ins.get_enclosing_if(rowsum, red), IfCursor)
    assert ins.get_enclosing_stmt(rowsum, red, n=2) == rowsum.find_loop("j")
    assert [type(c).__name__ for c in ins.get_parents(rowsum, red)] == ["IfCursor", "ForCursor", "ForCursor"]
    assert ins.get_top_level_stmt(rowsum, red) == rowsum.find_loop("i")
    assert ins.get_lca(rowsum, red, rowsum.find("s[_] = _")) == rowsum.find_loop("i")
    assert ins.get_depth(rowsum, red) - ins.get_depth(rowsum, rowsum.find_loop("i")) == 3
    assert ins.get_index_in_body(rowsum, rowsum.find_loop("j")) == 1
    assert ins.get_index_in_body(rowsum, rowsum.find_loop("j"), from_top=False) == -1
    assert isinstance(ins.get_declaration(rowsum, red, "A"), ArgCursor)
    assert ins.get_declaration(caller, caller.find("vscale(_)"), "t").mem() is DRAM_STACK
    with pytest.raises(exo.SchedulingError, match="Declaration of nope not found"):
        ins.get_declaration(rowsum, red, "nope")
    assert ins.is_reduce(rowsum, red) and not ins.is_assign(rowsum, red) and ins.is_write(rowsum, red)
    assert ins.is_mul(rowsum, red.rhs()) and not ins.is_add(rowsum, red.rhs())
    assert ins.expr_to_string(red.rhs()) == "((A[(i), (j)]) * (c[(0)]))"
    assert ins.expr_to_string(red.rhs(), {"i": "3"}) == "((A[(3), (j)]) * (c[(0)]))"
    a, b = caller.find("t[_] = _"), caller.find("u[_] = _")
    assert ins.are_exprs_equal(caller, a.idx()[0], b.idx()[0])
    assert not ins.are_exprs_equal(caller, a.rhs(), b.rhs())
    blk = ins.get_bounding_block(caller, [a, caller.find("vscale(_)")])
    assert len(blk) == 2
    with pytest.raises(ins.CursorNavigationError):
        ins.get_enclosing_loop_by_name(rowsum, red, "k")


def test_higher_order_combinators():
    try_unroll = ho.attempt(unroll_loop)
    assert try_unroll(rowsum, "i") is rowsum  # symbolic bound: refused, unchanged
    assert try_unroll(caller, "k", rs=True)[1]
    # Unroll every constant loop of caller, wherever it is.
    p = ho.make_pass(ho.attempt(unroll_loop))(caller)
    assert "for k" not in str(p)
    x = np.arange(8, dtype=np.float32)
    y = x.copy()
    caller.interpret(x=x)
    p.interpret(x=y)
    np.testing.assert_array_equal(x, y)
    only_first = ho.predicate(unroll_loop, lambda pr, c: ins.get_index_in_body(pr, c) < 2)
    q = ho.apply(only_first)(caller, [caller.find_loop("k"), caller.find_loop("k #1")])
    assert str(q).count("for k in") == 1
    r = ho.repeate(lambda pr: unroll_loop(pr, pr.find_loop("k")))(caller)
    assert "for k" not in str(r)


def test_package_exports_like_the_reference():
    import exo.stdlib.scheduling as sched

    ns = {}
    exec("from exo import *", ns)
    assert ns["stdlib"] is exo.stdlib and ns["stdlib"].scheduling is sched
    assert ns["ExoType"] is exo.API_cursors.ExoType
    ns = {}
    exec("from exo.stdlib.scheduling import *", ns)
    for name in ("BinaryOpCursor", "InvalidCursor", "ForCursor", "SchedulingError", "repeat", "replace_all",
                 "lift_if", "divide_loop", "stage_mem"):
        assert name in ns, name
    # As exo-lang's module (which has no __all__), the star import brings its
    # MemoryError, raised by call_site_mem_aware_replace.
    assert ns["MemoryError"] is sched.MemoryError


def test_introspection_dependencies():
    from exo.stdlib import introspection as intro

    assert [type(s).__name__ for s in intro.get_statements(rowsum)] == [
        "ForCursor", "AssignCursor", "ForCursor", "IfCursor", "ReduceCursor"]
    red = rowsum.find("s[_] += _")
    assert set(intro.get_stmt_dependencies(red)) == {"s", "i", "A", "j", "c"}
    assert set(intro.get_stmt_dependencies(rowsum.find_loop("j"))) == {"m", "j", "s", "i", "A", "c"}
    assert list(intro.get_expr_dependencies(red.rhs())) == ["A", "i", "j", "c"]
    assert intro.get_declaration(caller, caller.find("vscale(_)"), "t").name() == "t"
    assert intro.get_declaration(caller, caller.find("t[_] = _"), "u") is None  # declared later
    assert isinstance(intro.get_declaration(caller, caller.find("t[_] = _"), "x"), ArgCursor)


def test_lift_scope_moves_a_loop_out_of_an_if():
    @proc
    def cond_loop(n: size, k: size, x: f32[n]):
        if k > 2:
            for i in seq(0, n):
                x[i] = x[i] * 3.0

    p = lift_scope(cond_loop, "i")
    assert "for i in seq(0, n):\n        if k > 2:\n            x[i] = x[i] * 3.0" in str(p)
    for k in (1, 5):
        a = np.arange(4, dtype=np.float32)
        b = a.copy()
        cond_loop.interpret(n=4, k=k, x=a)
        p.interpret(n=4, k=k, x=b)
        np.testing.assert_array_equal(a, b)

    @proc
    def cond_loop_else(n: size, k: size, x: f32[n]):
        if k > 2:
            for i in seq(0, n):
                x[i] = x[i] * 3.0
        else:
            x[0] = 0.0

    with pytest.raises(exo.SchedulingError, match="if has an orelse clause"):
        lift_scope(cond_loop_else, "i")


def test_mem_aware_replace_raises_memory_error_on_a_memory_mismatch():
    from exo.libs.memories import AVX2
    from exo.platforms.x86 import mm256_storeu_ps
    from exo.stdlib.scheduling import MemoryError as ExoMemoryError, call_site_mem_aware_replace

    @proc
    def spill(src: f32[8] @ DRAM):
        reg: f32[8] @ AVX2
        for i in seq(0, 8):
            reg[i] = src[i]
        for i in seq(0, 8):
            src[i] = reg[i]

    # mm256_storeu_ps stores an AVX2 register to DRAM: the first loop (DRAM to
    # AVX2) has the memories the other way round.
    with pytest.raises(ExoMemoryError, match="memory type mismatch between block and subproc"):
        call_site_mem_aware_replace(spill, spill.find_loop("i"), mm256_storeu_ps)
    stored = call_site_mem_aware_replace(spill, spill.find_loop("i #1"), mm256_storeu_ps)
    assert "mm256_storeu_ps(src[0:8], reg[0:8])" in str(stored)
