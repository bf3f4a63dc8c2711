"""A rewrite that removes the last statement of a loop or if body leaves a real
`pass` there: the body stays a block cursors can navigate, find_loop sees the
loop, and delete_pass can then remove it."""

from __future__ import annotations

import numpy as np
import pytest

from exo import config, proc
from exo.API_cursors import ForCursor, IfCursor, InvalidCursor, PassCursor
from exo.stdlib.scheduling import *


def empty_bodies(p):
    """The headers of loops and ifs whose body is not a non-empty block."""
    bad = []

    def walk(block):
        for s in block:
            if not isinstance(s, (ForCursor, IfCursor)):
                continue
            body = s.body()
            if isinstance(body, InvalidCursor) or len(body) == 0:
                bad.append(str(s).splitlines()[0])
                continue
            walk(body)
            if isinstance(s, IfCursor) and not isinstance(s.orelse(), InvalidCursor):
                walk(s.orelse())

    walk(p.body())
    return bad


@proc
def assign_then_use(A: f32[8], B: f32[8]):
    x: f32[8]
    for i in seq(0, 8):
        x[i] = A[i] * 3.0
    for i in seq(0, 8):
        B[i] = A[i] + 2.0


def test_inline_assign_leaves_a_pass():
    # x[i] = ... has no reads after it: inlining deletes it, and the loop that
    # held only it keeps a pass.
    p = inline_assign(assign_then_use, assign_then_use.find("x[_] = _"))
    assert empty_bodies(p) == []
    loop = p.find_loop("i")
    assert isinstance(loop.body()[0], PassCursor)
    assert len(p.find_loop("i", many=True)) == 2
    q = delete_pass(p)
    assert len(q.find_loop("i", many=True)) == 1
    rng = np.random.default_rng(3)
    A = rng.standard_normal(8).astype(np.float32)
    for r in (p, q):
        B, want = np.full(8, np.nan, dtype=np.float32), np.full(8, np.nan, dtype=np.float32)
        r.interpret(A=A.copy(), B=B)
        assign_then_use.interpret(A=A.copy(), B=want)
        np.testing.assert_allclose(B, want)


def test_inline_assign_keeps_the_rest_of_a_block():
    # The twin: the assignment has a reader after it in its block; no pass.
    @proc
    def assign_read(A: f32[8], B: f32[8]):
        for i in seq(0, 8):
            x: f32
            x = A[i] * 3.0
            B[i] = x + 1.0

    p = inline_assign(assign_read, assign_read.find("x = _"))
    assert empty_bodies(p) == []
    assert "pass" not in str(p) and "B[i] = A[i] * 3.0 + 1.0" in str(p)


@config
class BlockCfg:
    a: f32


@proc
def single_alloc(A: f32[8]):
    for i in seq(0, 8):
        x: f32


@proc
def single_window(A: f32[8]):
    for i in seq(0, 8):
        w = A[0:4]


@proc
def dead_inner_loop(A: f32[8]):
    for i in seq(0, 8):
        for j in seq(0, 0):
            A[i] = 1.0


@proc
def dead_if(A: f32[8]):
    for i in seq(0, 8):
        if i < 0:
            A[i] = 1.0


@proc
def single_config_write(A: f32[8]):
    for i in seq(0, 8):
        BlockCfg.a = 1.0


@proc
def alloc_in_nest(A: f32[8]):
    for i in seq(0, 8):
        for j in seq(0, 2):
            x: f32


# Other primitives that delete statements: each must leave a pass too.
SWEEP = {
    "delete_buffer": lambda: delete_buffer(single_alloc, "x"),
    "inline_window": lambda: inline_window(single_window, "w = _"),
    "eliminate_dead_code (loop)": lambda: eliminate_dead_code(dead_inner_loop, "for j in _: _"),
    "eliminate_dead_code (if)": lambda: eliminate_dead_code(dead_if, "if _: _"),
    "unroll_loop (no iterations)": lambda: unroll_loop(dead_inner_loop, "j"),
    "delete_config": lambda: delete_config(single_config_write, "BlockCfg.a = _"),
    "lift_alloc": lambda: lift_alloc(alloc_in_nest, "x"),
    "simplify": lambda: simplify(dead_inner_loop),
}


@pytest.mark.parametrize("name", sorted(SWEEP))
def test_deleting_primitives_leave_no_empty_body(name):
    p = SWEEP[name]()
    assert empty_bodies(p) == [], str(p)
