"""Reference strings (loop names, `#N` selectors, "outer inner" nests) are
parsed one way everywhere, and no C++ library exception reaches Python."""

from __future__ import annotations

import numpy as np
import pytest

import exo
from exo import SchedulingError, proc
from exo.API_cursors import ForCursor
from exo.stdlib.scheduling import reorder_loops


@proc
def nest(n: size, A: f32[n, 4], B: f32[n, 4]):
    for i in seq(0, n):
        for j in seq(0, 4):
            A[i, j] = B[i, j] * 2.0
    for i in seq(0, n):
        for k in seq(0, 4):
            B[i, k] = A[i, k] + 1.0


def run(p, n=3, seed=0):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((n, 4)).astype(np.float32)
    B = rng.standard_normal((n, 4)).astype(np.float32)
    p.interpret(n=n, A=A, B=B)
    return A, B


def test_loop_name_with_trailing_space():
    # "i " is the loop name i, not the start of an "outer inner" pair.
    p = reorder_loops(nest, "i ")
    assert str(p).count("for j in seq(0, 4):\n        for i in seq(0, n):") == 1
    for got, want in zip(run(p), run(nest)):
        np.testing.assert_allclose(got, want)
    q = reorder_loops(nest, "  i   j  ")
    assert str(q) == str(p)


def test_outer_inner_shorthand_selects_the_nest():
    # As exo-lang: "i k" is the first loop i directly holding a loop k (the
    # second i loop here), and "i j #0" the first such nest.
    p = reorder_loops(nest, "i k")
    assert "for k in seq(0, 4):\n        for i in seq(0, n):" in str(p)
    assert "for i in seq(0, n):\n        for j in seq(0, 4):" in str(p)
    for got, want in zip(run(p), run(nest)):
        np.testing.assert_allclose(got, want)
    assert str(reorder_loops(nest, "i j #0")) == str(reorder_loops(nest, "i j"))
    with pytest.raises(SchedulingError, match="has 1 such nest"):
        reorder_loops(nest, "i j #1")
    with pytest.raises(SchedulingError, match="expected loop 'x' directly inside 'i', found 'j'"):
        reorder_loops(nest, "i x")


@pytest.mark.parametrize("selector", ["2147483648", "99999999999", "99999999999999999999999999"])
def test_huge_selectors_select_nothing(selector):
    # A selector beyond the int range is still a selector: it selects a match
    # that does not exist, the same way with and without many=True.
    for call in (
        lambda: nest.find(f"A[_] = _ #{selector}", many=True),
        lambda: nest.find(f"A[_] = _ #{selector}"),
        lambda: nest.find_loop(f"i #{selector}", many=True),
        lambda: nest.find_loop(f"i #{selector}"),
        lambda: nest.body()[0].find(f"A[_] = _ #{selector}"),
        lambda: reorder_loops(nest, f"i #{selector}"),
        lambda: reorder_loops(nest, f"i j #{selector}"),
    ):
        with pytest.raises(SchedulingError) as e:
            call()
        assert f"#{selector}" in str(e.value) or "selects match" in str(e.value)
        assert not isinstance(e.value, (IndexError, RuntimeError))


def test_selectors_in_range_select():
    assert nest.find_loop("i #1").body()[0].name() == "k"
    assert [c.name() for c in nest.find_loop("i #1", many=True)] == ["i"]
    assert len(nest.find_loop("i", many=True)) == 2
    assert isinstance(nest.find("B[_] = _ #0"), exo.API_cursors.AssignCursor)
    # Anything but digits after '#' is a comment.
    assert nest.find_loop("i # the outer loop").body()[0].name() == "j"


def test_cpp_library_exceptions_become_internal_errors():
    # The last-resort translation: a C++ library exception escaping the core
    # is an exo InternalError saying what it was, never a bare IndexError.
    with pytest.raises(exo.InternalError, match=r"unexpected C\+\+ exception std::out_of_range: boom") as e:
        exo._core._throw_cpp_exception_for_testing("boom")
    assert not isinstance(e.value, IndexError)
