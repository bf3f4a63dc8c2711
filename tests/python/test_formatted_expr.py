"""FormattedExprStr: expression text whose `_` holes are filled by the
expressions cursors point at. Accepted rewrites are compared with the original
on random inputs; the refusals (holes and cursors that do not pair up, a hole
whose variable means something else where the text is typed, a plain string
with a hole) raise ParseFragmentError, a non-expression cursor TypeError."""

from __future__ import annotations

import numpy as np
import pytest

import exo
from exo import DRAM, proc
from exo.API_scheduling import FormattedExprStr, cut_loop, expand_dim, shift_loop


def run(p, n, seed):
    x = np.random.default_rng(seed).standard_normal(n + 3).astype(np.float32)
    p.interpret(n=n, x=x)
    return x


def same(p, q, ns=(4, 7)):
    for n in ns:
        for seed in range(2):
            np.testing.assert_allclose(run(p, n, seed), run(q, n, seed), rtol=1e-6)


@proc
def ramp(n: size, x: f32[n + 3] @ DRAM):
    assert n >= 2
    for i in seq(0, n + 1):
        x[i + 1] = x[i] * 0.5 + 1.0


def test_cut_at_a_hole_filled_by_the_loop_bound():
    loop = ramp.find_loop("i")
    p = cut_loop(ramp, loop, FormattedExprStr("_ - 2", loop.hi()))
    text = str(p)
    assert "for i in seq(0, n + 1 - 2):" in text or "for i in seq(0, n - 1):" in text, text
    same(ramp, p)


def test_two_holes_and_shift():
    loop = ramp.find_loop("i")
    p = shift_loop(ramp, loop, FormattedExprStr("_ + _", loop.lo(), loop.lo()))
    same(ramp, p)


def test_expand_dim_with_a_hole():
    @proc
    def tmp_in_loop(n: size, x: f32[n] @ DRAM):
        for i in seq(0, n):
            t: f32 @ DRAM
            t = x[i] * 2.0
            x[i] = t

    loop = tmp_in_loop.find_loop("i")
    p = expand_dim(tmp_in_loop, "t : _", FormattedExprStr("_", loop.hi()), "i")
    assert "t: f32[n] @ DRAM" in str(p)
    for n in (3, 5):
        a = np.random.default_rng(n).standard_normal(n).astype(np.float32)
        b = a.copy()
        tmp_in_loop.interpret(n=n, x=a)
        p.interpret(n=n, x=b)
        np.testing.assert_allclose(a, b)


def test_holes_and_cursors_must_pair_up():
    loop = ramp.find_loop("i")
    with pytest.raises(exo.ParseFragmentError, match="String contains more holes than expressions provided"):
        cut_loop(ramp, loop, FormattedExprStr("_ - _", loop.hi()))
    with pytest.raises(exo.ParseFragmentError, match="fewer holes than expressions"):
        cut_loop(ramp, loop, FormattedExprStr("n", loop.hi()))
    with pytest.raises(exo.ParseFragmentError, match="String cannot contain holes"):
        cut_loop(ramp, loop, "_ - 1")


def test_a_hole_means_its_own_variable():
    # `i` in the hole is the scalar declared after the loop; where the new
    # extent is typed, `i` is the loop iterator: refused, not reinterpreted.
    @proc
    def shadow(n: size, x: f32[n] @ DRAM, y: f32 @ DRAM):
        for i in seq(0, n):
            t: f32 @ DRAM
            t = 1.0
            x[i] = t
        i: f32 @ DRAM
        i = 1.0
        y = i

    other_i = shadow.find("y = _").rhs()
    with pytest.raises(exo.ParseFragmentError, match="i not found in current environment"):
        expand_dim(shadow, "t : _", "n", FormattedExprStr("_", other_i))


def test_holes_take_expression_cursors_only():
    with pytest.raises(TypeError, match="Cursor provided to fill a hole must be a ExprCursor"):
        FormattedExprStr("_ + 1", ramp.find_loop("i"))
    with pytest.raises(TypeError, match="expr_str must be a string"):
        FormattedExprStr(3)
