"""Expression and statement primitives through exo.API_scheduling: results
compared with the original proc on random inputs, refusals with their twins."""

from __future__ import annotations

import numpy as np
import pytest

import exo
from exo import DRAM, proc
from exo.API_scheduling import (
    commute_expr,
    fold_into_reduce,
    inline_assign,
    insert_noop_call,
    left_reassociate_expr,
    lift_reduce_constant,
    merge_writes,
    rewrite_expr,
    split_write,
)

RNG = np.random.default_rng(7)


def run(p, **shapes):
    """Runs p on fixed random inputs (the same for every proc with these
    arguments); returns the data arguments afterwards."""
    rng = np.random.default_rng(11)
    args = {}
    for a in p._handle.args():
        name = a["name"]
        if name in shapes and isinstance(shapes[name], int):
            args[name] = shapes[name]
        else:
            args[name] = rng.uniform(-2, 2, size=shapes[name]).astype(np.float32)
    p.interpret(**args)
    return {k: v for k, v in args.items() if isinstance(v, np.ndarray)}


def same(p, q, **shapes):
    a, b = run(p, **shapes), run(q, **shapes)
    for k in a:
        np.testing.assert_allclose(a[k], b[k], rtol=1e-5, atol=1e-5, err_msg=k)


@proc
def axpy(n: size, a: f32, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        y[i] = a * x[i] + y[i]


@proc
def sub(n: size, a: f32, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        y[i] = x[i] - a


@proc
def sum3(n: size, a: f32, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        y[i] = x[i] + (a + y[i])


@proc
def guarded(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        if i < 4:
            y[i] = x[i % 4] * 2.0


@proc
def shift(n: size, x: f32[n + 1] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        y[i] = x[i + 1]


AXPY = dict(n=7, a=(1,), x=(7,), y=(7,))


def test_commute_expr():
    p = commute_expr(axpy, [axpy.find("a * x[i]")])
    assert "y[i] = x[i] * a + y[i]" in str(p)
    same(axpy, p, **AXPY)
    # A pattern commutes every match; a single cursor works too.
    q = commute_expr(axpy, axpy.find("_ + _"))
    assert "y[i] = y[i] + a * x[i]" in str(q)
    same(axpy, q, **AXPY)


def test_commute_expr_refuses_other_operators():
    with pytest.raises(TypeError, match="only '\\+' or '\\*' can commute, got -"):
        commute_expr(sub, [sub.find("x[_] - a")])
    with pytest.raises(TypeError, match="only numeric"):
        commute_expr(shift, "i + 1")
    # Twin: the same shape with `+`.
    same(axpy, commute_expr(axpy, "_ + y[i]"), **AXPY)


def test_left_reassociate_expr():
    p = left_reassociate_expr(sum3, sum3.find("x[i] + (a + y[i])"))
    assert "y[i] = x[i] + a + y[i]" in str(p)
    same(sum3, p, **AXPY)
    with pytest.raises(TypeError, match="same binary operation"):
        left_reassociate_expr(axpy, axpy.find("_ + y[i]"))


def test_rewrite_expr():
    p = rewrite_expr(guarded, guarded.find("i % 4"), "i")
    assert "y[i] = x[i] * 2.0" in str(p)
    same(guarded, p, n=7, x=(7,), y=(7,))
    # Data expressions: index parts proven, the rest identical.
    q = rewrite_expr(guarded, "x[_] * 2.0", "x[i % 4 + 0] * 2.0")
    same(guarded, q, n=7, x=(7,), y=(7,))
    with pytest.raises(exo.SchedulingError, match="cannot prove 'i % 4' and 'i \\+ 1' equal here"):
        rewrite_expr(guarded, guarded.find("i % 4"), "i + 1")
    with pytest.raises(exo.SchedulingError, match="cannot prove"):
        rewrite_expr(guarded, "x[_] * 2.0", "2.0 * x[i]")
    # The branch condition is what makes `i % 4 == i`: it must hold at the statement.
    with pytest.raises(exo.SchedulingError, match="cannot prove"):
        rewrite_expr(guarded, guarded.find("i < 4"), "i < 5")
    # Numbers are accepted as expressions.
    r = rewrite_expr(guarded, "i < 4", "i < 4 + 0")
    same(guarded, r, n=7, x=(7,), y=(7,))


# --------------------------------------------------------------------------- #
# merge_writes, split_write, fold_into_reduce, lift_reduce_constant
# --------------------------------------------------------------------------- #


@proc
def writes(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, z: f32[n] @ DRAM):
    for i in seq(0, n):
        y[i] = x[i]
        y[i] += z[i]
        z[i] = z[i] + x[i]
        z[i] = x[i] + z[i]


@proc
def writes_self(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, z: f32[n] @ DRAM):
    for i in seq(0, n):
        y[i] = x[i]
        y[i] += z[i] * y[i]


W = dict(n=6, x=(6,), y=(6,), z=(6,))


def test_merge_writes():
    p = merge_writes(writes, writes.find("y[_] = _\ny[_] += _"))
    assert "y[i] = x[i] + z[i]" in str(p)
    same(writes, p, **W)
    with pytest.raises(exo.SchedulingError, match="not depend on the left hand side"):
        merge_writes(writes_self, writes_self.find("y[_] = _\ny[_] += _"))
    with pytest.raises(ValueError, match="expected a block of 2 statements"):
        merge_writes(writes, writes.find("y[_] = _"))


def test_split_write_and_fold_into_reduce():
    s = writes.find("y[_] += _").prev()
    p = merge_writes(writes, s.expand(0, 1))
    q = split_write(p, p.find("y[_] = _"))
    assert "y[i] = x[i]\n        y[i] += z[i]" in str(q)
    same(writes, q, **W)
    f = fold_into_reduce(writes, writes.find("z[_] = z[_] + _"))
    assert "z[i] += x[i]" in str(f)
    same(writes, f, **W)
    with pytest.raises(exo.SchedulingError, match="is not a read of the element assigned"):
        fold_into_reduce(writes, writes.find("z[_] = x[_] + _"))
    with pytest.raises(exo.SchedulingError, match="may be the element written"):
        split_write(writes, writes.find("z[_] = x[_] + _"))


@proc
def dot(n: size, a: f32, x: f32[n] @ DRAM, out: f32 @ DRAM):
    acc: f32 @ DRAM
    acc = 0.0
    for i in seq(0, n):
        acc += a * x[i]
    out = acc


@proc
def dot_one(n: size, a: f32, x: f32[n] @ DRAM, out: f32 @ DRAM):
    acc: f32 @ DRAM
    acc = 1.0
    for i in seq(0, n):
        acc += a * x[i]
    out = acc


def test_lift_reduce_constant():
    init = dot.find("acc = _")
    p = lift_reduce_constant(dot, init.expand(0, 1))
    assert "acc += x[i]" in str(p) and "acc = a * acc" in str(p)
    same(dot, p, n=8, a=(1,), x=(8,), out=(1,))
    with pytest.raises(exo.SchedulingError, match="initial value 0"):
        lift_reduce_constant(dot_one, dot_one.find("acc = _").expand(0, 1))


# --------------------------------------------------------------------------- #
# inline_assign, insert_noop_call
# --------------------------------------------------------------------------- #


@proc
def staged(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        t: f32 @ DRAM
        t = x[i] * 2.0
        y[i] = t + 1.0
        x[i] = t


@proc
def staged_clobber(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        t: f32 @ DRAM
        t = x[i] * 2.0
        x[i] = 0.0
        y[i] = t + 1.0


def test_inline_assign():
    p = inline_assign(staged, staged.find("t = _"))
    assert "y[i] = x[i] * 2.0 + 1.0" in str(p) and "x[i] = x[i] * 2.0" in str(p)
    same(staged, p, n=6, x=(6,), y=(6,))
    with pytest.raises(exo.SchedulingError, match="would be evaluated after 'x\\[i\\] = 0.0'"):
        inline_assign(staged_clobber, staged_clobber.find("t = _"))
    with pytest.raises(exo.SchedulingError, match="'y' is not an allocation"):
        inline_assign(writes, writes.find("y[_] = _"))


@exo.instr("/* prefetch {x_data} */")
def prefetch(n: size, x: [f32][n] @ DRAM):
    assert n >= 4
    pass


@exo.instr("/* zero */")
def zero4(x: [f32][4] @ DRAM):
    for k in seq(0, 4):
        x[k] = 0.0


@proc
def big(n: size, x: f32[n] @ DRAM):
    assert n >= 8
    for i in seq(0, n):
        x[i] = x[i] * 2.0


def test_insert_noop_call():
    loop = big.find_loop("i")
    p = insert_noop_call(big, loop.before(), prefetch, ["n", "x[0:n]"])
    assert "prefetch(n, x[0:n])\n    for i in seq(0, n):" in str(p)
    same(big, p, n=9, x=(9,))
    q = insert_noop_call(big, loop.body()[0].after(), prefetch, [4, "x[0:4]"])
    assert "x[i] = x[i] * 2.0\n        prefetch(4, x[0:4])" in str(q)
    same(big, q, n=9, x=(9,))
    with pytest.raises(exo.SchedulingError, match="its body is not pass"):
        insert_noop_call(big, loop.before(), zero4, ["x[0:4]"])
    with pytest.raises(exo.SchedulingError, match="the call is not valid here"):
        insert_noop_call(big, loop.before(), prefetch, [2, "x[0:2]"])
    with pytest.raises(TypeError, match="argument count mismatch"):
        insert_noop_call(big, loop.before(), prefetch, ["n"])


@proc
def staged_reduce(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        tmp: f32 @ DRAM
        tmp = y[i]
        tmp += x[i] * 2.0
        y[i] = tmp


def test_unfold_staged_reduce_chain():
    """The stdlib's unfold_reduce chain: merge the load into the reduction, then
    inline the temporary (its value reads y[i], which the last statement writes
    after reading the temporary)."""
    red = staged_reduce.find("tmp += _")
    alloc = red.prev().prev()
    p = merge_writes(staged_reduce, red.as_block().expand(1, 0))
    assert "tmp = y[i] + x[i] * 2.0" in str(p)
    assign = p.forward(alloc).next()
    q = inline_assign(p, assign)
    assert "y[i] = y[i] + x[i] * 2.0" in str(q)
    same(staged_reduce, q, n=5, x=(5,), y=(5,))
    # Cursors from the original follow the whole chain; the temporary is now unused.
    assert q.forward(alloc).code().strip().startswith("tmp: f32")
    from exo.API_scheduling import delete_buffer

    r = delete_buffer(q, q.forward(alloc))
    assert "tmp" not in str(r)
    same(staged_reduce, r, n=5, x=(5,), y=(5,))


@proc
def gemm_alpha(M: size, N: size, K: size, alpha: f32, A: f32[M, K] @ DRAM, B: f32[K, N] @ DRAM,
               C: f32[M, N] @ DRAM):
    for i in seq(0, M):
        for j in seq(0, N):
            for k in seq(0, K):
                C[i, j] += alpha * (A[i, k] * B[k, j])


def test_sgemm_alpha_chain():
    """The reference's sgemm schedule: stage C[i, j] as an accumulator, lift
    alpha out of the k loop, inline the scaled accumulator into the store."""
    from exo.API_scheduling import stage_mem

    k_loop = gemm_alpha.find_loop("k")
    p = stage_mem(gemm_alpha, k_loop, "C[i, j]", "C_tile", accum=True)
    p = lift_reduce_constant(p, p.forward(k_loop).expand(1, 0))
    assert "C_tile += A[i, k] * B[k, j]" in str(p) and "C_tile = alpha * C_tile" in str(p)
    p = inline_assign(p, p.find("C_tile = _ * _"))
    assert "C[i, j] += alpha * C_tile" in str(p)
    same(gemm_alpha, p, M=3, N=5, K=4, alpha=(1,), A=(3, 4), B=(4, 5), C=(3, 5))


def test_rewrite_expr_after_divide_with_recompute():
    """The reference's use: a loop bound that the precondition makes constant."""
    from exo.API_scheduling import divide_with_recompute

    @proc
    def fill(n: size, A: i8[n + 3]):
        assert n % 4 == 0
        for i in seq(0, n + 3):
            A[i] = 1.0

    @proc
    def fill_any(n: size, A: i8[n + 3]):
        assert n >= 4
        for i in seq(0, n + 3):
            A[i] = 1.0

    p = divide_with_recompute(fill, fill.find_loop("i"), "n/4", 4, ["io", "ii"])
    q = rewrite_expr(p, p.find_loop("ii").hi(), 7)
    assert "for ii in seq(0, 7):" in str(q)
    A = np.zeros(11, dtype=np.int8)
    q.interpret(n=8, A=A)
    assert (A == 1).all()
    r = divide_with_recompute(fill_any, fill_any.find_loop("i"), "n/4", 4, ["io", "ii"])
    with pytest.raises(exo.SchedulingError, match="cannot prove"):
        rewrite_expr(r, r.find_loop("ii").hi(), 7)
    # The tail is written with `n % 4` (n - n % 4 iterations come before it), so
    # the remainder itself can be rewritten where the precondition knows it.
    assert "for ii in seq(0, n % 4 + 7):" in str(p)
    s = rewrite_expr(p, "n % 4", 0)
    assert "for ii in seq(0, 0 + 7):" in str(s)
    A = np.zeros(11, dtype=np.int8)
    s.interpret(n=8, A=A)
    assert (A == 1).all()
    with pytest.raises(exo.SchedulingError, match="cannot prove"):
        rewrite_expr(r, "n % 4", 0)
    for n in (4, 5, 7):
        A = np.zeros(n + 3, dtype=np.int8)
        r.interpret(n=n, A=A)
        assert (A == 1).all()


@exo.instr("/* fence */")
def fence():
    pass


def test_insert_noop_call_fence_after_a_call():
    """The reference's Gemmini idiom: a fence after each accelerator call."""
    @proc
    def twice(n: size, x: f32[n] @ DRAM):
        assert n >= 8
        big(n, x)
        big(n, x)

    p = insert_noop_call(twice, twice.find("big(_) #0").after(), fence, [])
    assert "big(n, x)\n    fence()\n    big(n, x)" in str(p)
    same(twice, p, n=9, x=(9,))


@proc
def two_loops(n: size, a: f32, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        x[i] = a * 2.0
    for i in seq(0, n):
        y[i] = y[i] + a * 2.0


def test_bind_expr_binds_once_before_the_loops_holding_the_occurrences():
    from exo.API_scheduling import bind_expr

    p = bind_expr(two_loops, two_loops.find("a * 2.0", many=True), "twice_a")
    text = str(p)
    assert text.count("twice_a = a * 2.0") == 1
    assert text.index("twice_a = a * 2.0") < text.index("for i in seq")
    same(two_loops, p, n=5, a=(1,), x=(5,), y=(5,))
    # The binding may not move past a write of what the expression reads.

    @proc
    def rewritten(n: size, a: f32[1] @ DRAM, x: f32[n] @ DRAM):
        for i in seq(0, n):
            x[i] = a[0] * 2.0
        a[0] = 1.0
        for i in seq(0, n):
            x[i] += a[0] * 2.0

    with pytest.raises(exo.SchedulingError, match="is written in between"):
        bind_expr(rewritten, rewritten.find("a[0] * 2.0", many=True), "t")


@proc
def main_and_tail(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    assert n >= 8
    for i in seq(0, 8):
        x[i] = x[i] * y[i] * y[i]
    for j in seq(8, n):
        x[j] = x[j] * y[j]


def test_bind_expr_binds_the_copies_of_the_first_expression_only():
    # As in exo-lang: of the cursors given, those equal to the first are bound.
    from exo.API_scheduling import bind_expr

    p = bind_expr(main_and_tail, main_and_tail.find("y[_]", many=True), "yv")
    text = str(p)
    assert "yv = y[i]" in text and "x[i] = x[i] * yv * yv" in text
    assert "x[j] = x[j] * y[j]" in text
    same(main_and_tail, p, n=12, x=(12,), y=(12,))
