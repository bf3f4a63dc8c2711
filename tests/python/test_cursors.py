"""exo.API_cursors: finding, navigating and inspecting cursors, and forwarding
them through schedules (results of schedules checked on random inputs)."""

from __future__ import annotations

import numpy as np
import re

import pytest

import exo
from exo import DRAM, SchedulingError, config, proc
from exo.API_cursors import *
from exo.libs.externs import select


@config
class CurCfg:
    scale: f32


@proc
def copy4(a: [f32][4] @ DRAM, b: [f32][4] @ DRAM):
    for k in seq(0, 4):
        b[k] = a[k]


@proc
def kernel(n: size, x: f32[n, 8] @ DRAM, y: f32[n, 8] @ DRAM, s: f32 @ DRAM):
    assert n >= 1
    t: f32[8] @ DRAM
    for i in seq(0, n):
        for j in seq(0, 8):
            if j < 4:
                y[i, j] = x[i, j] * 2.0
            else:
                y[i, j] = -x[i, j] + CurCfg.scale
    w = x[0, 0:4]
    copy4(w, y[0, 4:8])
    s += select(0.0, x[0, 1], 1.0, 2.0)
    if stride(x, 1) == 1:
        t[0] = 3.0
    CurCfg.scale = 1.5
    pass


def random_args(n, seed=0):
    rng = np.random.default_rng(seed)
    return dict(
        n=n,
        x=rng.standard_normal((n, 8)).astype(np.float32),
        y=rng.standard_normal((n, 8)).astype(np.float32),
        s=rng.standard_normal(1).astype(np.float32),
    )


def same_results(p, q, ns=(1, 3, 5)):
    for n in ns:
        for seed in range(2):
            a, b = random_args(n, seed), random_args(n, seed)
            p.interpret(**a)
            q.interpret(**b)
            for k in ("x", "y", "s"):
                np.testing.assert_allclose(a[k], b[k], rtol=1e-5, err_msg=f"{k} (n={n})")


# --------------------------------------------------------------------------- #
# Finding


def test_find_returns_the_most_specific_class():
    assert isinstance(kernel.find_loop("i"), ForCursor)
    assert isinstance(kernel.find("if _: _"), IfCursor)
    assert isinstance(kernel.find("y[_] = _"), AssignCursor)
    assert isinstance(kernel.find("s += _"), ReduceCursor)
    assert isinstance(kernel.find("t : _"), AllocCursor)
    assert isinstance(kernel.find("copy4(_)"), CallCursor)
    assert isinstance(kernel.find("w = _"), WindowStmtCursor)
    assert isinstance(kernel.find("CurCfg.scale = _"), AssignConfigCursor)
    assert isinstance(kernel.find("pass"), PassCursor)
    assert isinstance(kernel.find("x[_] * 2.0"), BinaryOpCursor)
    assert isinstance(kernel.find("w = _ ; copy4(_)"), BlockCursor)


def test_find_many_and_find_all():
    assigns = kernel.find("y[_] = _", many=True)
    assert len(assigns) == 2 and all(isinstance(a, AssignCursor) for a in assigns)
    assert kernel.find_all("y[_] = _") == assigns
    assert kernel.find("y[_] = _ #1") == assigns[1]
    assert kernel.find_loop("j", many=True) == [kernel.find_loop("j")]
    with pytest.raises(SchedulingError, match="failed to find matches"):
        kernel.find("z[_] = _", many=True)
    with pytest.raises(SchedulingError):
        kernel.find_loop("q")
    with pytest.raises(TypeError):
        kernel.find(42)


def test_find_under_a_cursor():
    loop = kernel.find_loop("i")
    reads = loop.find("x[_]", many=True)
    assert [str(r) for r in reads] == ["x[i, j]", "x[i, j]"]
    assert all(loop.is_ancestor_of(r) for r in reads)
    # `#N` counts matches under the cursor only.
    else_assign = loop.find("y[_] = _ #1")
    assert else_assign == kernel.find("y[_] = _ #1")
    with pytest.raises(SchedulingError):
        loop.find("s += _")
    rhs = else_assign.rhs()
    assert str(rhs.find("x[_]")) == "x[i, j]"


def test_find_alloc_or_arg():
    t = kernel.find_alloc_or_arg("t")
    assert isinstance(t, AllocCursor) and t.name() == "t"
    x = kernel.find_alloc_or_arg("x")
    assert isinstance(x, ArgCursor) and x.name() == "x"
    with pytest.raises(SchedulingError):
        kernel.find_alloc_or_arg("nothing")


# --------------------------------------------------------------------------- #
# Inspection


def test_arguments():
    n, x, y, s = kernel.args()
    assert [a.name() for a in kernel.args()] == ["n", "x", "y", "s"]
    assert n.type() == ExoType.Size and n.type().is_indexable()
    assert x.type() == ExoType.F32 and x.type().is_numeric() and x.mem() is DRAM
    assert x.is_tensor() and not s.is_tensor()
    shape = x.shape()
    assert isinstance(shape, ExprListCursor) and len(shape) == 2
    assert isinstance(shape[0], ReadCursor) and shape[0].name() == "n"
    assert isinstance(shape[1], LiteralCursor) and shape[1].value() == 8
    assert shape == ["n", "8"]
    assert isinstance(x.parent(), InvalidCursor)
    wa = copy4.args()[0]
    assert wa.is_window() and str(wa) == "a: [f32][4] @ DRAM"


@proc
def all_arg_kinds(n: size, i: index, k: int, flag: bool, st: stride, x: f32[n] @ DRAM, s: f32 @ DRAM):
    assert i >= 0
    assert i < n
    assert stride(x, 0) == st
    if flag:
        x[i] = s


def test_arg_mem_of_control_values_is_an_assertion_error():
    n, i, k, flag, st, x, s = all_arg_kinds.args()
    # As exo-lang: a size, index or int argument has no memory, and asking fails
    # an assertion (here an exo error that is also an AssertionError).
    # The message is empty, as exo-lang's bare assert; the note says why.
    for arg in (n, i, k):
        with pytest.raises(exo.ApiAssertionError, match="^$") as failed:
            arg.mem()
        assert re.search(f"mem\\(\\) is not defined for the .* argument '{arg.name()}'", failed.value.__notes__[0])
        with pytest.raises(AssertionError, match="^$") as failed:
            arg.shape()
        assert failed.value.__notes__ == [f"shape() is not defined for the scalar argument '{arg.name()}'"]
        assert str(arg) == f"{arg.name()}: {arg.type().value}"  # printing does not ask
    assert issubclass(exo.ApiAssertionError, AssertionError) and issubclass(exo.ApiAssertionError, exo.ExoError)
    # Every other argument has one: its own for data, DRAM for bool and stride.
    assert x.mem() is DRAM and s.mem() is DRAM
    assert flag.mem() is DRAM and st.mem() is DRAM
    assert str(x) == "x: f32[n] @ DRAM" and str(st) == "st: stride"


def test_statement_inspection():
    i = kernel.find_loop("i")
    assert i.name() == "i" and i.lo().value() == 0 and i.hi().name() == "n"
    assert isinstance(i.body(), BlockCursor) and len(i.body()) == 1
    cond = kernel.find("if _: _")
    assert cond.cond().op() == "<" and cond.cond().rhs().value() == 4
    assert isinstance(cond.orelse(), BlockCursor)
    then = cond.body()[0]
    assert then.name() == "y" and then.type() == ExoType.F32
    assert [str(e) for e in then.idx()] == ["i", "j"]
    assert str(then.rhs()) == "x[i, j] * 2.0"
    t = kernel.find_alloc("t")
    assert t.is_tensor() and t.shape() == ["8"] and t.mem() is DRAM and t.type() == ExoType.F32
    w = kernel.find("w = _")
    assert w.name() == "w"
    idx = w.winexpr().idx()
    assert isinstance(w.winexpr(), WindowExprCursor) and w.winexpr().name() == "x"
    assert str(idx[0]) == "0" and [str(e) for e in idx[1]] == ["0", "4"]
    call = kernel.find("copy4(_)")
    assert call.subproc().name() == "copy4"
    assert [str(a) for a in call.args()] == ["w", "y[0, 4:8]"]
    cw = kernel.find("CurCfg.scale = _")
    assert cw.config().name() == "CurCfg" and cw.field() == "scale" and cw.rhs().value() == 1.5


def test_expression_inspection():
    neg = kernel.find("y[_] = _ #1").rhs()
    assert isinstance(neg, BinaryOpCursor) and neg.op() == "+"
    assert isinstance(neg.lhs(), UnaryMinusCursor) and USubCursor is UnaryMinusCursor
    assert neg.lhs().arg().name() == "x"
    cfg = neg.rhs()
    assert isinstance(cfg, ReadConfigCursor) and cfg.field() == "scale" and cfg.config().name() == "CurCfg"
    sel = kernel.find("s += _").rhs()
    assert isinstance(sel, BuiltInFunctionCursor) and sel.name() == "select"
    assert [a.type() for a in sel.args()] == [ExoType.F32] * 4 or len(sel.args()) == 4
    st = kernel.find("t[_] = _").parent().cond().lhs()
    assert isinstance(st, StrideExprCursor) and st.name() == "x" and st.dim() == 1
    lit = kernel.find("x[_] * 2.0").rhs()
    assert isinstance(lit, LiteralCursor) and lit.value() == 2.0 and isinstance(lit.value(), float)
    assert lit.type().is_numeric()
    assert kernel.find("j < 4").lhs().type() == ExoType.Index
    assert kernel.find("j < 4").type().is_bool()


# --------------------------------------------------------------------------- #
# Navigation


def test_statement_navigation():
    body = kernel.body()
    assert isinstance(body, BlockCursor) and len(body) == 8
    alloc, loop = body[0], body[1]
    assert loop.prev() == alloc and alloc.next() == loop and alloc.next(2) == kernel.find("w = _")
    assert isinstance(alloc.prev(), InvalidCursor) and not alloc.prev()
    assert isinstance(body[-1].next(), InvalidCursor)
    assert isinstance(loop.parent(), InvalidCursor)
    inner = kernel.find_loop("j")
    assert inner.parent() == loop and loop.is_ancestor_of(inner) and not inner.is_ancestor_of(loop) and loop.is_ancestor_of(loop)
    assert kernel.find("if _: _").parent() == inner
    # blocks: slicing, expand, before/after
    assert body[1:3] == alloc.next().expand(0, 1)
    assert len(body[1:3]) == 2 and body[1:3][1] == body[2]
    assert alloc.expand() == body and alloc.expand(0, 2) == body[0:3]
    with pytest.raises(ValueError):
        body.expand(-1)
    assert body[2:4].before() == body[2].before() and body[2:4].after() == body[3].after()
    assert list(body[2:4]) == [body[2], body[3]]


def test_gaps():
    loop = kernel.find_loop("i")
    g = loop.after()
    assert isinstance(g, GapCursor) and g.type() == GapType.After and g.anchor() == loop
    b = loop.before()
    assert b.type() == GapType.Before and b.anchor() == loop
    assert loop.after() == loop.next().before()  # the same position
    assert isinstance(kernel.find("pass").after().anchor(), PassCursor)


def test_expression_navigation():
    rhs = kernel.find("y[_] = _").rhs()
    lhs = rhs.lhs()
    assert lhs.parent() == rhs
    assert isinstance(rhs.parent(), AssignCursor)
    assert lhs.idx()[1].parent() == lhs


def test_invalid_cursor():
    c = kernel.body()[0].prev()
    assert isinstance(c, InvalidCursor) and not c and c.is_invalid()
    assert c.parent() is c
    with pytest.raises(InvalidCursorError):
        c.proc()
    with pytest.raises(InvalidCursorError):
        c.next()
    with pytest.raises(InvalidCursorError):
        c.name()
    assert c == InvalidCursor()


def test_equality_and_hashing():
    a, b = kernel.find_loop("i"), kernel.find_loop("i")
    assert a == b and hash(a) == hash(b) and len({a, b, kernel.find_loop("j")}) == 2
    assert a != kernel.find_loop("j") and a != "not a cursor"
    assert {kernel.find("y[_] = _").rhs(): 1}[kernel.find("y[_] = _").rhs()] == 1
    assert a.proc() is kernel
    # The same position in a different proc is a different cursor.
    other = kernel.partial_eval(4)
    assert other.forward(a) != a and other.forward(a).proc() is other
    assert a.get_index() == 1 and kernel.find("y[_] = _").get_index() == 0


# --------------------------------------------------------------------------- #
# Forwarding


def test_forward_through_proc_edits():
    loop = kernel.find_loop("j")
    assign = kernel.find("y[_] = _ #1")
    rhs = assign.rhs()
    gap = kernel.find_loop("i").after()
    p = kernel.partial_eval(3)
    p = p.add_assertion("3 >= 1")
    for c in (loop, assign, rhs):
        f = p.forward(c)
        assert type(f) is type(c) and f.code() == c.code() and f.proc() is p
    assert isinstance(p.forward(gap), GapCursor) and p.forward(gap).type() == GapType.After
    # Forwarding is the identity on the proc itself; unrelated procs are refused.
    assert kernel.forward(loop) == loop
    with pytest.raises(exo.ApiError):
        copy4.forward(loop)
    with pytest.raises(TypeError):
        p.forward("j")


@proc
def square(n: size, A: f32[n, n] @ DRAM, B: f32[n, n] @ DRAM):
    for i in seq(0, n):
        for j in seq(0, n):
            B[i, j] = A[i, j] + 1.0


def test_forward_through_transpose():
    a = square.find("B[_] = _")
    q = square.transpose(square.args()[1])
    f = q.forward(a)
    assert isinstance(f, AssignCursor) and f.name() == "B"
    assert q.forward(square.args()[1]).name() == "A"


def _try(p, method, *args, **kwargs):
    """p.method(...) if this build has the primitive, else None (the chain skips it)."""
    fn = getattr(p, method, None)
    if fn is None:
        return None
    try:
        return fn(*args, **kwargs)
    except (AttributeError, NotImplementedError):
        return None


@proc
def chain(n: size, x: f32[n, 8] @ DRAM, y: f32[n, 8] @ DRAM, s: f32 @ DRAM):
    for i in seq(0, n):
        for j in seq(0, 8):
            y[i, j] = x[i, j] * 2.0
            y[i, j] += 1.0
    for k in seq(0, 2):
        pass
    s = 1.0
    s += 2.0


def test_forward_through_long_schedules():
    assign = chain.find("y[_] = _")
    red = chain.find("y[_] += _")
    j_body = chain.find_loop("j").body()
    s_set = chain.find("s = _")
    s_rhs = s_set.rhs()
    k_loop = chain.find_loop("k")
    p, applied = chain, []
    steps = [
        ("split", ("j", 4, ["jo", "ji"]), {"perfect": True}),
        ("reorder", ("i", "jo"), {}),
        ("unroll", ("k",), {}),
        ("delete_pass", (), {}),
        ("split", ("i", 2, ["io", "ii"]), {"tail": "cut"}),
        ("fission_after", ("y[_] = _",), {}),
        ("reorder_stmts", ("s = _", "s += _"), {}),  # refused: they do not commute
    ]
    for name, args, kwargs in steps:
        try:
            q = _try(p, name, *args, **kwargs)
        except SchedulingError:
            assert name == "reorder_stmts"
            continue
        if q is not None:
            p, applied = q, applied + [name]
    assert "delete_pass" in applied, applied
    same_results(chain, p)
    # Cursors taken on the original still name the same code.
    assert isinstance(p.forward(assign), AssignCursor) and p.forward(assign).name() == "y"
    assert isinstance(p.forward(red), ReduceCursor)
    assert p.forward(s_set) == p.find("s = _") and p.forward(s_rhs).value() == 1.0
    with pytest.raises(InvalidCursorError, match="node no longer exists"):
        p.forward(k_loop)  # unrolled, or removed with its pass
    if "split" in applied and "unroll" not in applied:
        fj = p.forward(j_body)
        assert isinstance(fj, BlockCursor) and len(fj) == 2


def test_primitive_given_a_removed_cursor_raises_invalid_cursor_error():
    # As in exo-lang: InvalidCursorError (not a SchedulingError), naming the cursor.
    loop = chain.find_loop("k")
    if not hasattr(chain, "remove_loop"):
        pytest.skip("remove_loop is not bound")
    q = chain.partial_eval(4).remove_loop(loop)
    with pytest.raises(InvalidCursorError, match="no longer points at anything") as e:
        q.unroll(loop)
    assert not isinstance(e.value, SchedulingError)
    q.unroll(q.find_loop("i"))  # a live cursor still works


def test_primitives_take_cursors_of_earlier_procs():
    loop = chain.find_loop("k")
    if not hasattr(chain, "remove_loop"):
        pytest.skip("remove_loop is not bound")
    p = chain.partial_eval(4)
    q = p.remove_loop(loop)  # a cursor of `chain`, forwarded implicitly
    with pytest.raises(InvalidCursorError, match="node no longer exists"):
        q.forward(loop)
    assert len(q.forward(loop.body())) == len(loop.body())  # the body outlives its loop
    a = np.ones((4, 8), dtype=np.float32)
    b1, b2 = np.zeros((4, 8), dtype=np.float32), np.zeros((4, 8), dtype=np.float32)
    s1, s2 = np.zeros(1, dtype=np.float32), np.zeros(1, dtype=np.float32)
    chain.interpret(n=4, x=a, y=b1, s=s1)
    q.interpret(x=a, y=b2, s=s2)
    np.testing.assert_allclose(b1, b2)
    np.testing.assert_allclose(s1, s2)


def test_a_gap_follows_the_statement_it_was_made_from():
    from exo.stdlib.scheduling import fission, reorder_stmts

    @proc
    def three(A: f32[8] @ DRAM, B: f32[8] @ DRAM, C: f32[8] @ DRAM):
        for k in seq(0, 8):
            A[k] = 1.0
            B[k] = 2.0
            C[k] = 3.0

    b = three.find("B[_] = _")
    moved = reorder_stmts(three, b.expand(1, 0))  # B now comes first
    after_b = moved.forward(b.after())
    assert after_b.anchor() == moved.forward(b)
    # Used as an argument too: the split falls right after B.
    split = fission(moved, b.after())
    assert str(split).count("for k in seq(0, 8):") == 2
    first = split.body()[0].body()
    assert len(first) == 1 and first[0].name() == "B"
