"""autolift_alloc: exo-lang's lift with extra dimensions per lifted loop (row or
col, sized by the loop bound or `size`), compared with the original on random
inputs; refusals next to accepted twins."""

from __future__ import annotations

import pytest

from exo import SchedulingError, proc
from exo.API_scheduling import autolift_alloc

from stdlib_check import assert_same


@proc
def rows(n: size, A: f32[n, 8], B: f32[n, 8]):
    for i in seq(0, n):
        for j in seq(0, 3):
            t: f32[8]
            for k in seq(0, 8):
                t[k] = A[i, k] * 2.0
            for k in seq(0, 8):
                B[i, k] += t[k]


def lines(p):
    return [line.strip() for line in str(p).splitlines()]


def test_keep_dims_adds_one_dimension_per_loop_the_values_depend_on():
    # t depends on i (it reads A[i, k]) but not on j: only i gets a dimension,
    # of extent n + 1 (a symbolic bound, sized as exo-lang does).
    p = autolift_alloc(rows, rows.find("t : _"), n_lifts=2, keep_dims=True)
    assert "t: f32[n + 1, 8] @ DRAM" in lines(p)
    assert "t[i, k] = A[i, k] * 2.0" in lines(p)
    assert_same(rows, p, {"n": 3}, {"n": 1})
    # mode="col" puts the new dimension last; `size` fixes its extent, which
    # must cover the loop (here by the precondition).
    small = rows.add_assertion("n <= 5")
    q = autolift_alloc(small, small.find("t : _"), n_lifts=2, mode="col", size=5, keep_dims=True)
    assert "t: f32[8, 5] @ DRAM" in lines(q)
    assert "B[i, k] += t[k, i]" in lines(q)
    assert_same(rows, q, {"n": 4}, {"n": 5})
    # Without keep_dims the buffer is only moved.
    r = autolift_alloc(rows, rows.find("t : _"), n_lifts=2)
    assert "t: f32[8] @ DRAM" in lines(r)
    assert_same(rows, r, {"n": 2})


def test_refusals():
    with pytest.raises(SchedulingError, match="Lift size cannot be less than for-loop bound n"):
        autolift_alloc(rows, rows.find("t : _"), n_lifts=2, size=5, keep_dims=True)
    with pytest.raises(SchedulingError, match="specified lift level 3 is higher than the number of loop 2"):
        autolift_alloc(rows, rows.find("t : _"), n_lifts=3)

    @proc
    def shifted(n: size, A: f32[n + 4], B: f32[n + 4]):
        for i in seq(-2, n):
            t: f32
            t = A[i + 2]
            B[i + 2] = t

    # The iterator indexes the new dimension: a negative one cannot.
    with pytest.raises(SchedulingError, match="its iterator may be negative"):
        autolift_alloc(shifted, shifted.find("t : _"), keep_dims=True)
    assert_same(shifted, autolift_alloc(shifted, shifted.find("t : _")), {"n": 3})
