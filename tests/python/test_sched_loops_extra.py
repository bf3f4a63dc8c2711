"""exo.API_scheduling loop and guard functions (parallelize_loop, shift_loop,
join_loops, mult_loops, insert_pass, eliminate_dead_code, specialize,
add_unsafe_guard, add_loop, autofission, divide_with_recompute) on procs with
symbolic sizes, guards and calls: results compared with the original on random
inputs, each refusal paired with a near-identical accepted case."""

from __future__ import annotations

import numpy as np
import pytest

import exo
from exo import DRAM, proc
from exo.API_scheduling import (
    add_loop,
    add_unsafe_guard,
    autofission,
    divide_with_recompute,
    eliminate_dead_code,
    insert_pass,
    join_loops,
    lift_scope,
    mult_loops,
    parallelize_loop,
    shift_loop,
    specialize,
)


@proc
def scale2(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        y[i] = x[i] * 2.0


@proc
def prefix(n: size, x: f32[n + 1] @ DRAM):
    for i in seq(0, n):
        x[i + 1] += x[i]


@proc
def total(n: size, x: f32[n] @ DRAM, s: f32[1] @ DRAM):
    for i in seq(0, n):
        s[0] += x[i]


@proc
def private_tmp(n: size, x: f32[n, 4] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        t: f32[4] @ DRAM
        for j in seq(0, 4):
            t[j] = x[i, j] * 3.0
        y[i] = t[0] + t[3]


@proc
def halves(n: size, x: f32[2 * n] @ DRAM, y: f32[2 * n] @ DRAM):
    for i in seq(0, n):
        y[i] = x[i] + 1.0
    for i in seq(n, 2 * n):
        y[i] = x[i] + 1.0


@proc
def halves_differ(n: size, x: f32[2 * n] @ DRAM, y: f32[2 * n] @ DRAM):
    for i in seq(0, n):
        y[i] = x[i] + 1.0
    for i in seq(n, 2 * n):
        y[i] = x[i] + 2.0


@proc
def grid(n: size, x: f32[n, 8] @ DRAM, y: f32[n, 8] @ DRAM):
    for i in seq(0, n):
        for j in seq(0, 8):
            y[i, j] = x[i, j] * 0.5


@proc
def grid_sym(n: size, m: size, x: f32[n, m] @ DRAM, y: f32[n, m] @ DRAM):
    for i in seq(0, n):
        for j in seq(0, m):
            y[i, j] = x[i, j] * 0.5


@proc
def guarded(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    assert n >= 8
    for i in seq(0, n):
        if i < n:
            y[i] = x[i]
        else:
            y[i] = 0.0
        if i < 4:
            y[i] += 1.0
    for k in seq(n, n):
        y[0] = 7.0


@proc
def two_stmts(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, z: f32[n] @ DRAM):
    for i in seq(0, n):
        y[i] = x[i] * 2.0
        z[i] = x[i] + 1.0


@proc
def init_then_acc(n: size, x: f32[n] @ DRAM, c: f32[1] @ DRAM, y: f32[n] @ DRAM):
    assert n >= 1
    for i in seq(0, n):
        c[0] = 3.0
        y[i] = x[i] * 2.0


@proc
def acc_then(n: size, x: f32[n] @ DRAM, c: f32[1] @ DRAM, y: f32[n] @ DRAM):
    assert n >= 1
    for i in seq(0, n):
        c[0] += 3.0
        y[i] = x[i] * 2.0


@proc
def stencil(n: size, x: f32[n + 2] @ DRAM, y: f32[n] @ DRAM):
    assert n >= 8
    for i in seq(0, n):
        y[i] = x[i] + x[i + 1] + x[i + 2]


def rand(shape, seed):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def same(p, q, **sizes):
    """p and q compute the same on random inputs (every data buffer compared)."""
    for seed in range(3):
        args_p, args_q = {}, {}
        for k, a in enumerate(p.args()):
            name = a.name()
            if name in sizes:
                args_p[name] = args_q[name] = sizes[name]
                continue
            shape = [eval(str(e), {}, dict(sizes)) for e in a.shape()] if a.is_tensor() else [1]
            v = rand(shape, seed * 10 + k)
            args_p[name], args_q[name] = v.copy(), v.copy()
        p.interpret(**args_p)
        q.interpret(**args_q)
        for name in args_p:
            if isinstance(args_p[name], np.ndarray):
                np.testing.assert_allclose(args_p[name], args_q[name], rtol=1e-5, err_msg=name)


def test_parallelize_loop():
    p = parallelize_loop(scale2, "i")
    assert "for i in par(0, n):" in str(p)
    same(scale2, p, n=7)
    # A cursor of the original proc works too; a private allocation is fine.
    q = parallelize_loop(private_tmp, private_tmp.find_loop("i"))
    assert "for i in par(0, n):" in str(q)
    same(private_tmp, q, n=5)
    with pytest.raises(exo.SchedulingError, match="cannot parallelize loop 'i'"):
        parallelize_loop(prefix, "i")
    # Reductions into one location would race.
    with pytest.raises(exo.SchedulingError, match="reduce s"):
        parallelize_loop(total, "i")


def test_shift_loop():
    p = shift_loop(scale2, "i", 3)
    assert "for i in seq(3, 3 + n):" in str(p) or "for i in seq(3, n + 3):" in str(p)
    same(scale2, p, n=6)
    q = shift_loop(grid_sym, grid_sym.find_loop("j"), "i")
    same(grid_sym, q, n=4, m=3)
    with pytest.raises(exo.SchedulingError, match="Expected 0 <= `new_lo`"):
        shift_loop(scale2, "i", "n - 5")
    with pytest.raises(TypeError, match="argument 2, 'new_lo' to shift_loop"):
        shift_loop(scale2, "i", 1.5)


def test_join_loops():
    p = join_loops(halves, "i", "i #1")
    assert str(p).count("for i in") == 1
    assert "for i in seq(0, 2 * n):" in str(p)
    same(halves, p, n=5)
    c1, c2 = halves.find_loop("i", many=True)
    assert str(join_loops(halves, c1, c2)) == str(p)
    with pytest.raises(exo.SchedulingError, match="identical bodies"):
        join_loops(halves_differ, "i", "i #1")
    with pytest.raises(exo.SchedulingError, match="directly after"):
        join_loops(halves, "i #1", "i")


def test_mult_loops():
    p = mult_loops(grid, "i j", "k")
    s = str(p)
    assert "for k in seq(0, n * 8):" in s and "y[k / 8, k % 8]" in s
    same(grid, p, n=3)
    q = mult_loops(grid, grid.find_loop("i"), "k")
    assert str(q) == s
    with pytest.raises(exo.SchedulingError, match="constant bound"):
        mult_loops(grid_sym, "i j", "k")
    with pytest.raises(TypeError, match="new_iter_name"):
        mult_loops(grid, "i j", "not a name")


def test_insert_pass():
    loop = scale2.find_loop("i")
    p = insert_pass(scale2, loop.body()[0].after())
    assert "pass" in str(p)
    same(scale2, p, n=4)
    q = insert_pass(scale2, loop.before())
    assert str(q).index("pass") < str(q).index("for i")
    with pytest.raises(TypeError, match="GapCursor"):
        insert_pass(scale2, loop)


def test_eliminate_dead_code():
    p = eliminate_dead_code(guarded, "if i < n: _")
    assert "y[i] = 0.0" not in str(p) and "y[i] = x[i]" in str(p)
    same(guarded, p, n=9)
    q = eliminate_dead_code(guarded, "k")
    assert "for k in" not in str(q)
    same(guarded, q, n=8)
    with pytest.raises(exo.SchedulingError, match="If condition isn't always True or always False"):
        eliminate_dead_code(guarded, "if i < 4: _")
    with pytest.raises(exo.SchedulingError, match="Loop condition isn't always False"):
        eliminate_dead_code(scale2, "i")


def test_specialize():
    p = specialize(scale2, scale2.find_loop("i"), ["n < 4", "n == 8"])
    s = str(p)
    assert "if n < 4:" in s and "if n == 8:" in s and s.count("for i in") == 3
    for n in (2, 8, 11):
        same(scale2, p, n=n)
    q = specialize(scale2, "for i in _: _", "n > 3")
    assert str(q).count("for i in") == 2
    same(scale2, q, n=5)
    # A name visible nowhere in the condition is a fragment error (exo-lang's text).
    with pytest.raises(exo.ParseFragmentError, match="m not found in the current environment"):
        specialize(scale2, "for i in _: _", "m > 3")


def test_add_unsafe_guard():
    # The guard is not checked (unsafe by name); a guard that always holds keeps results.
    p = add_unsafe_guard(scale2, "for i in _: _", "n > 0")
    assert "if n > 0:" in str(p)
    same(scale2, p, n=5)


def test_add_loop():
    p = add_loop(init_then_acc, "c[_] = _", "r", "n")
    assert "for r in seq(0, n):" in str(p)
    same(init_then_acc, p, n=3)
    with pytest.raises(exo.SchedulingError, match="is not idempotent: it reduces into 'c'"):
        add_loop(acc_then, "c[_] += _", "r", "n")
    q = add_loop(acc_then, "c[_] += _", "r", "n", guard=True)
    assert "if r == 0:" in str(q)
    same(acc_then, q, n=3)
    with pytest.raises(exo.SchedulingError, match="at least once"):
        add_loop(init_then_acc, "c[_] = _", "r", "n - 1")


def test_autofission():
    p = autofission(two_stmts, two_stmts.find("y[_] = _").after())
    assert str(p).count("for i in seq(0, n):") == 2
    same(two_stmts, p, n=5)
    # The part that ignores i and is idempotent loses its loop.
    q = autofission(init_then_acc, init_then_acc.find("c[_] = _").after())
    assert str(q).count("for i in") == 1
    same(init_then_acc, q, n=4)
    # Reductions repeat: the loop stays.
    r = autofission(acc_then, acc_then.find("c[_] += _").after())
    assert str(r).count("for i in") == 2
    same(acc_then, r, n=4)
    with pytest.raises(ValueError, match="not at an edge"):
        autofission(two_stmts, two_stmts.find("y[_] = _").before())


def test_divide_with_recompute():
    p = divide_with_recompute(stencil, "i", "n / 4", 4, ["io", "ii"])
    assert "for io in seq(0, n / 4):" in str(p)
    same(stencil, p, n=10)
    same(stencil, p, n=8)
    with pytest.raises(exo.SchedulingError, match="The statement at .* is not idempotent"):
        divide_with_recompute(prefix.add_assertion("n >= 8"), "i", "n / 4", 4, ["io", "ii"])
    with pytest.raises(exo.SchedulingError, match="outer_hi >= 1"):
        divide_with_recompute(scale2, "i", "n / 4", 4, ["io", "ii"])
    with pytest.raises(exo.SchedulingError, match="exceeds"):
        divide_with_recompute(stencil, "i", "n / 2", 4, ["io", "ii"])
    with pytest.raises(TypeError, match="outer_stride"):
        divide_with_recompute(stencil, "i", "n / 4", 0, ["io", "ii"])


def test_cursors_of_earlier_procs_are_forwarded():
    loop = two_stmts.find_loop("i")
    y_store = two_stmts.find("y[_] = _")
    p = shift_loop(two_stmts, loop, 2)
    q = parallelize_loop(p, loop)  # a cursor of two_stmts, forwarded through shift_loop
    assert "for i in par(2, n + 2):" in str(q)
    same(two_stmts, q, n=6)
    r = add_loop(q, y_store, "r", 2)
    assert "for r in seq(0, 2):" in str(r)
    same(two_stmts, r, n=3)
    # The statement inside the new loop is found again through the forwarding.
    assert r.forward(y_store).code().startswith("y[i - 2] = ")


# Cases from the reference's scheduling tests, with its messages.


def test_reference_divide_with_recompute_and_shift():
    @proc
    def foo(n: size, A: f32[n + 3]):
        assert n % 4 == 0
        for i in seq(0, n + 3):
            A[i] = 1.0

    p = divide_with_recompute(foo, foo.find_loop("i"), "n/4", 4, ["io", "ii"])
    same(foo, p, n=8)

    @proc
    def bad(n: size, A: f32[n + 3]):
        for i in seq(0, n + 3):
            A[i] += 1.0

    with pytest.raises(exo.SchedulingError, match="The statement at .* is not idempotent"):
        divide_with_recompute(bad, bad.find_loop("i"), "n/4", 4, ["io", "ii"])

    @proc
    def big(n: size, A: f32[n + 3]):
        for i in seq(0, n + 3):
            A[i] = 1.0

    with pytest.raises(exo.SchedulingError, match=r"outer_hi \* outer_stride exceeds loop's hi n \+ 3"):
        divide_with_recompute(big, big.find_loop("i"), "(n + 4) / 4", 4, ["io", "ii"])
    for lo in (-3, "n-3"):
        with pytest.raises(exo.SchedulingError, match="Expected 0 <= `new_lo`"):
            shift_loop(scale2, scale2.find_loop("i"), lo)


def test_reference_join_specialize_dead_code():
    @proc
    def do_nothing(x: [f32][2, 1]):
        pass

    @proc
    def foo(n: size, x: f32[n + 1]):
        for i in seq(0, n):
            x[i] = 0.0
            x[i] += -(1.0 + x[i])
            for j in seq(0, 1):
                if i == j:
                    pass
            a: f32[4, 2]
            y = a[1:3, 1:2]
            do_nothing(y)
        for i in seq(n, n + 1):
            x[i] = 0.0
            x[i] += -(1.0 + x[i])
            for j in seq(0, 1):
                if i == j:
                    pass
            a: f32[4, 2]
            y = a[1:3, 1:2]
            do_nothing(y)

    p = join_loops(foo, foo.find_loop("i"), foo.find_loop("i #1"))
    assert "for i in seq(0, n + 1):" in str(p)
    same(foo, p, n=4)

    @proc
    def gap(n: size, x: f32[n + 2]):
        for i in seq(0, n):
            x[i] = 0.0
        for i in seq(n + 1, n + 2):
            x[i] = 0.0

    with pytest.raises(exo.SchedulingError,
                       match=r"expected the first loop upper bound n to be the same as the second loop lower bound n \+ 1"):
        join_loops(gap, gap.find_loop("i"), gap.find_loop("i #1"))

    @proc
    def gemv(M: size, N: size, C: f32[M, N], A: f32[M, N], alpha: f32):
        for i in seq(0, M):
            for j in seq(0, N):
                C[i, j] += alpha * A[i, j]

    s = specialize(gemv, "for i in _:_", [f"N <= {x}" for x in [2, 4, 8]])
    for n in (1, 3, 9):
        same(gemv, s, M=2, N=n)
    with pytest.raises(exo.SchedulingError, match="Invalid specialization condition"):
        specialize(gemv, "for i in _:_", [f"alpha == {x}" for x in [0.0, 1.0]])

    @proc
    def alloc_used(n: size, x: f32[1]):
        a: f32
        a = 1.0
        x[0] = a

    with pytest.raises(exo.SchedulingError, match="Block contains allocations"):
        specialize(alloc_used, alloc_used.body()[0], "n > 0")
    whole = specialize(alloc_used, alloc_used.body(), ["n > 2"])
    same(alloc_used, whole, n=3)

    @proc
    def dead(n: size, x: f32[n]):
        for i in seq(0, n):
            x[i] = 1.0

    d = specialize(dead, dead.find_loop("i"), "0 < n")
    d = eliminate_dead_code(d, d.find_loop("i #1"))
    assert str(d).count("for i in") == 1
    same(dead, d, n=3)

    @proc
    def empty(n: size, x: f32[n]):
        for i in seq((7 + n) / 8 * 8, (7 + n) / 8 * 8):
            x[0] = 2.0

    e = eliminate_dead_code(empty, empty.find_loop("i"))
    assert "for i" not in str(e)
    same(empty, e, n=5)


# --- Refusals over configuration fields: a loop that writes a field its own
# bounds (or a condition) read would see a different value once rewritten.

@exo.config
class LoopCfg:
    k: index
    on: bool


@proc
def cfg_writer(n: size, x: f32[1] @ DRAM):
    LoopCfg.k = 2
    for i in seq(LoopCfg.k, LoopCfg.k + n):
        LoopCfg.k = 3
        x[0] += 1.0


@proc
def cfg_reader(n: size, x: f32[1] @ DRAM):
    LoopCfg.k = 2
    for i in seq(LoopCfg.k, LoopCfg.k + n):
        x[0] += 1.0


def test_shift_loop_refuses_a_bound_the_body_writes():
    with pytest.raises(exo.SchedulingError, match="the body writes config field 'k', which the lower "
                                                  "bound or new_lo reads"):
        shift_loop(cfg_writer, "i", 0)
    q = shift_loop(cfg_reader, "i", 0)  # nothing in the body writes k
    assert "for i in seq(0, " in str(q)
    same(cfg_reader, q, n=3)


@proc
def cfg_if(n: size, x: f32[n] @ DRAM):
    if LoopCfg.on:
        for i in seq(0, n):
            LoopCfg.on = False
            x[i] = 1.0


@proc
def cfg_if_reads(n: size, x: f32[n] @ DRAM):
    if LoopCfg.on:
        for i in seq(0, n):
            x[i] = 1.0


def test_lift_scope_refuses_a_condition_the_loop_writes():
    with pytest.raises(exo.SchedulingError, match="the loop writes config field 'on', which the "
                                                  "condition 'LoopCfg.on' reads"):
        lift_scope(cfg_if, cfg_if.find_loop("i"))
    q = lift_scope(cfg_if_reads, cfg_if_reads.find_loop("i"))
    assert str(q).index("for i in") < str(q).index("if LoopCfg.on")


@proc
def cfg_halves(x: f32[1] @ DRAM):
    for i in seq(0, 4):
        LoopCfg.k = 4
        x[0] += 1.0
    for i in seq(LoopCfg.k, LoopCfg.k + 4):
        LoopCfg.k = 4
        x[0] += 1.0


def test_join_loops_refuses_bounds_the_first_loop_writes():
    with pytest.raises(exo.SchedulingError, match="the first loop writes config field 'k', which the "
                                                  "bounds of the second loop read"):
        join_loops(cfg_halves, "i", "i #1")


@proc
def branchy(x: size, y: f32[1] @ DRAM):
    if x < 10:
        y[0] += 1.0
    else:
        y[0] += 3.0
        y[0] = y[0] * 2.0


def test_fission_in_an_else_branch():
    from exo.API_scheduling import fission

    p = fission(branchy, branchy.find("y[0] += 3.0").after())
    text = str(p)
    assert text.count("if x < 10:") == 2
    assert "    else:\n        y[0] += 3.0\n    if x < 10:\n        pass\n    else:\n        y[0] = y[0] * 2.0" in text
    for x in (3, 12):
        same(branchy, p, x=x)
