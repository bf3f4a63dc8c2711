"""References by name ("i", "i #1", "i # a comment", "i j #1"): every front door
reads the `#N` suffix the same way (the core's split_occurrence)."""

from __future__ import annotations

import numpy as np
import pytest

import exo
import exo.API_scheduling as api
from exo import DRAM, proc


@proc
def two_nests(n: size, x: f32[n, 4] @ DRAM, y: f32[n, 4] @ DRAM):
    for i in seq(0, n):
        for j in seq(0, 4):
            x[i, j] = 2.0 * x[i, j]
    for i in seq(0, n):
        for j in seq(0, 4):
            y[i, j] = x[i, j] + 1.0


def results(p, n=3):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((n, 4)).astype(np.float32)
    y = rng.standard_normal((n, 4)).astype(np.float32)
    p.interpret(n=n, x=x, y=y)
    return x, y


@pytest.mark.parametrize("ref, index", [("i", 0), ("i #1", 1), ("  i #1  ", 1), ("i # the first", 0)])
def test_find_loop_reads_the_selector_the_same_with_and_without_many(ref, index):
    every = two_nests.find_loop("i", many=True)
    one = two_nests.find_loop(ref)
    assert str(one) == str(every[index])
    if "#1" in ref:
        assert [str(c) for c in two_nests.find_loop(ref, many=True)] == [str(every[1])]
    else:
        assert len(two_nests.find_loop(ref, many=True)) == 2


def test_lift_scope_takes_a_name_reference_with_a_selector_or_a_comment():
    def top_loops(p):
        return [c.name() for c in p.body()]

    for ref, order in (("j #1", ["i", "j"]), ("j # of the first nest", ["j", "i"]), ("j", ["j", "i"])):
        p = api.lift_scope(two_nests, ref)
        assert top_loops(p) == order, ref
        for a, b in zip(results(two_nests), results(p)):
            np.testing.assert_allclose(a, b)
    with pytest.raises(exo.SchedulingError, match="#5"):
        api.lift_scope(two_nests, "j #5")


def test_mult_loops_nest_shorthand_with_a_selector():
    p = api.mult_loops(two_nests, "i j #1", "k")
    s = str(p)
    assert s.count("for k in seq(0, n * 4)") == 1 and s.index("for k in") > s.index("x[i, j] = 2.0")
    for a, b in zip(results(two_nests), results(p)):
        np.testing.assert_allclose(a, b)
    q = api.mult_loops(two_nests, "i j # the first nest", "k")
    assert "for k in seq(0, n * 4):\n        x[k / 4, k % 4] = 2.0" in str(q)
    for a, b in zip(results(two_nests), results(q)):
        np.testing.assert_allclose(a, b)
    with pytest.raises(exo.SchedulingError, match="#2"):
        api.mult_loops(two_nests, "i j #2", "k")
