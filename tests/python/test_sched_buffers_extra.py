"""resize_dim, unroll_buffer, sink_alloc, delete_buffer and extract_subproc
through the reference's free functions (exo.API_scheduling): results compared
with the original on random inputs; refusals next to accepted twins."""

from __future__ import annotations

import numpy as np
import pytest

from exo import DRAM, SchedulingError, proc
from exo.API_scheduling import (
    delete_buffer,
    extract_subproc,
    resize_dim,
    simplify,
    sink_alloc,
    unroll_buffer,
    unroll_loop,
)


@proc
def blur(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    buf: f32[n + 2] @ DRAM
    for i in seq(0, n):
        buf[i + 2] = x[i] * 2.0
        if i >= 2:
            y[i] = buf[i + 2] + buf[i + 1] + buf[i]


@proc
def pairs(n: size, x: f32[n, 2] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        acc: f32[2] @ DRAM
        for j in seq(0, 2):
            acc[j] = x[i, j] * 2.0
        y[i] = acc[0] - acc[1]


@proc
def rowsum(n: size, m: size, x: f32[n, m] @ DRAM, y: f32[n] @ DRAM):
    acc: f32 @ DRAM
    unused: f32[m] @ DRAM
    for i in seq(0, n):
        acc = 0.0
        for j in seq(0, m):
            acc += x[i, j]
        y[i] = acc


@proc
def running(n: size, m: size, x: f32[n, m] @ DRAM, y: f32[n] @ DRAM):
    acc: f32 @ DRAM
    unused: f32[m] @ DRAM
    for i in seq(0, n):
        if i == 0:
            acc = 0.0
        for j in seq(0, m):
            acc += x[i, j]
        y[i] = acc


def rand(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


# Data arguments of each test proc, by proc name: shape from the sizes.
SHAPES = {
    "blur": lambda n: {"x": (n,), "y": (n,)},
    "pairs": lambda n: {"x": (n, 2), "y": (n,)},
    "rowsum": lambda n, m: {"x": (n, m), "y": (n,)},
}


def run(p, seed, **sizes):
    """Interpret p on random inputs; outputs start random too (never zeros)."""
    args = dict(sizes)
    for k, (name, shape) in enumerate(SHAPES[p.name()](**sizes).items()):
        args[name] = rand(*shape, seed=seed * 10 + k)
    p.interpret(**args)
    return {k: v for k, v in args.items() if isinstance(v, np.ndarray)}


def same_results(before, after, **sizes):
    for seed in (1, 2, 3):
        a, b = run(before, seed, **sizes), run(after, seed, **sizes)
        for name in a:
            np.testing.assert_allclose(a[name], b[name], rtol=1e-5, atol=1e-5, err_msg=name)


def test_resize_dim_shift_and_refusal():
    p = resize_dim(blur, "buf", 0, "n", 2)
    assert "buf: f32[n] @ DRAM" in str(p)
    assert "buf[i + 2 - 2] = x[i] * 2.0" in str(p)  # shifted by the offset as written
    assert "buf[i] = x[i] * 2.0" in str(simplify(p))
    same_results(blur, p, n=7)
    with pytest.raises(SchedulingError, match="may fall outside"):
        resize_dim(blur, "buf", 0, "n", 3)


def test_resize_dim_fold_with_cursor():
    alloc = blur.find_alloc("buf")
    p = resize_dim(blur, alloc, 0, 3, 0, fold=True)
    assert "buf: f32[3] @ DRAM" in str(p)
    assert "buf[(i + 2) % 3]" in str(p)
    same_results(blur, p, n=8)
    with pytest.raises(SchedulingError, match="cannot fold dimension 0 of 'buf' to 2"):
        resize_dim(blur, alloc, 0, 2, 0, fold=True)


def test_unroll_buffer_after_unroll_loop():
    with pytest.raises(SchedulingError, match="expected a constant index in dimension 0 of acc\\[j\\]"):
        unroll_buffer(pairs, "acc", 0)
    q = unroll_loop(pairs, "j")
    p = unroll_buffer(q, q.find_alloc("acc"), 0)
    assert "acc_0: f32 @ DRAM" in str(p) and "acc_1: f32 @ DRAM" in str(p)
    # A cursor to an assignment's value follows it (its index went away).
    rhs = q.find("y[_] = _").rhs()
    assert str(p.forward(rhs)) == "acc_0 - acc_1"
    same_results(pairs, p, n=5)


def test_delete_buffer():
    p = delete_buffer(rowsum, "unused")
    assert "unused" not in str(p)
    same_results(rowsum, p, n=3, m=4)
    with pytest.raises(SchedulingError, match="The variable acc can potentially be used after the statement"):
        delete_buffer(rowsum, "acc")


def test_sink_alloc_and_carried_value_refusal():
    # Followed by another allocation: a ValueError, as in the reference.
    with pytest.raises(ValueError, match="not a loop or an if statement"):
        sink_alloc(rowsum, "acc")
    q = delete_buffer(rowsum, "unused")
    p = sink_alloc(q, q.find_alloc("acc"))
    assert "for i in seq(0, n):\n        acc: f32 @ DRAM" in str(p)
    # Cursors follow: the allocation into the loop, the loop up one, its body down one.
    assert p.forward(q.find_alloc("acc")).code().strip() == "acc: f32 @ DRAM"
    assert repr(p.forward(q.find_loop("i"))) == "<ForCursor body[0]>"
    assert repr(p.forward(q.find("y[_] = _"))) == "<AssignCursor body[0].body[3]>"
    same_results(rowsum, p, n=4, m=3)
    r = delete_buffer(running, "unused")
    with pytest.raises(SchedulingError, match="may read a value written in an earlier iteration"):
        sink_alloc(r, "acc")


def test_extract_subproc_returns_proc_and_subproc():
    p, sub = extract_subproc(rowsum, rowsum.find_loop("j"), "add_row")
    assert "def add_row(n: size, m: size, x: f32[n, m] @ DRAM, acc: f32 @ DRAM, i: index):" in str(sub)
    assert "assert 0 <= i\n    assert i < n\n" in str(sub)
    assert "add_row(n, m, x, acc, i)" in str(p)
    same_results(rowsum, p, n=3, m=5)
    # The subproc is a procedure of its own: it runs alone.
    acc = np.zeros(1, np.float32)
    x = rand(3, 5, seed=9)
    sub.interpret(n=3, m=5, x=x, acc=acc, i=1)
    np.testing.assert_allclose(acc[0], x[1].sum(), rtol=1e-5)


def test_extract_subproc_without_asserts_and_bad_name():
    p, sub = extract_subproc(rowsum, "for j in _: _", "add_row2", include_asserts=False)
    assert "assert" not in str(sub)
    same_results(rowsum, p, n=2, m=2)
    with pytest.raises(TypeError, match="subproc_name"):
        extract_subproc(rowsum, "for j in _: _", "not a name")


def test_extract_subproc_block_cursor():
    block = rowsum.find_loop("j").expand(1, 0)
    p, sub = extract_subproc(rowsum, block, "row")
    assert "row(n, m, x, acc, i)\n        y[i] = acc" in str(p)
    assert "    acc = 0.0\n    for j in seq(0, m):" in str(sub)
    same_results(rowsum, p, n=3, m=4)
    # Cursors of the original outside the block still reach their statements.
    assert p.forward(rowsum.find("y[_] = _")).code().strip() == "y[i] = acc"
