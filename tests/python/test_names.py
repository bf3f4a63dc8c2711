"""Names given to primitives: the scheduling functions and the Procedure methods
accept and refuse the same names (the core's identifier rule, exo/names.h)."""

from __future__ import annotations

import pytest

import exo
import exo.API_scheduling as api
from exo import DRAM, proc


@proc
def axpy(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        y[i] += 2.0 * x[i]


@pytest.mark.parametrize("bad", ["1x", "a b", "", "x-y", "x.y", "\u00e9t\u00e9", "abc\n"])
def test_bad_names_are_refused_by_both_front_doors(bad):
    with pytest.raises(exo.ExoError, match="argument 1, 'name' to rename: expected a valid name"):
        api.rename(axpy, bad)
    with pytest.raises(exo.ExoError, match="expected a valid name"):
        axpy.rename(bad)
    with pytest.raises(exo.ExoError, match="expected a valid name"):
        api.divide_loop(axpy, "i", 2, ["io", bad])


def test_keywords_are_refused_with_the_name_shown():
    with pytest.raises(exo.ExoError, match="expected a valid name, got 'for'"):
        api.rename(axpy, "for")
    with pytest.raises(exo.ExoError, match="expected a valid name, got 'in'"):
        api.divide_loop(axpy, "i", 2, ["in", "ii"])


def test_good_names_are_accepted():
    assert api.rename(axpy, "axpy_2").name() == "axpy_2"
    assert axpy.rename("_axpy").name() == "_axpy"
    split = api.divide_loop(axpy, "i", 2, ["io", "i_1"], tail="cut")
    assert "for i_1 in seq(0, 2)" in str(split)
