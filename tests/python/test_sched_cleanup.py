"""simplify, set_precision, set_window, set_memory and repeat as Procedure methods."""

from __future__ import annotations

import numpy as np
import pytest

import exo
from exo import DRAM, SchedulingError, proc
from exo.API_scheduling import eliminate_dead_code
from exo.libs.memories import AVX2, DRAM_STATIC


@proc
def bar(N: size, x: R[N] @ DRAM):
    assert N >= 1
    assert N % 4 == 0
    for io in seq(0, N / 4):
        for ii in seq(0, 4):
            x[(io * 4 + ii + 8) / 4 - 2] = 1.0


@proc
def axpy(n: size, a: f32, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    t: f32[n] @ DRAM
    for i in seq(0, n):
        t[i] = a * x[i]
    for i in seq(0, n):
        y[i] += t[i] * 0.1


@proc
def copy8(x: f32[8] @ DRAM, y: f32[8] @ DRAM):
    u: f32[5] @ DRAM
    for i in seq(0, 5):
        u[i] = x[i]
    for i in seq(0, 5):
        y[i] = u[i]


def rand(n, seed=0):
    return np.random.default_rng(seed).standard_normal(n).astype(np.float32)


def test_simplify_prints_the_reference_shape():
    s = bar.simplify()
    assert str(s).splitlines()[-1] == "            x[io] = 1.0"
    x0, x1 = np.zeros(8, np.float32), np.zeros(8, np.float32)
    bar.interpret(N=8, x=x0)
    s.interpret(N=8, x=x1)
    np.testing.assert_array_equal(x0, x1)


def test_simplify_keeps_branches_only_the_analysis_decides():
    # As in exo-lang: simplify folds constants; eliminate_dead_code decides
    # a branch with the loop ranges.
    @proc
    def foo(n: size, x: f32[n] @ DRAM):
        for i in seq(0, n):
            if i < n:
                x[i] = 1.0
            else:
                x[i] = 2.0
            if 2 < 1:
                x[i] = 3.0

    s = str(foo.simplify())
    assert "if i < n:" in s and "x[i] = 3.0" not in s
    d = str(eliminate_dead_code(foo, foo.find("if i < n: _")))
    assert "if i < n" not in d and "x[i] = 2.0" not in d and "x[i] = 1.0" in d
    for n in (1, 5):
        x0, x1 = np.random.rand(n).astype(np.float32), None
        x1 = x0.copy()
        foo.interpret(n=n, x=x0)
        foo.simplify().interpret(n=n, x=x1)
        np.testing.assert_array_equal(x0, x1)


def test_simplify_knows_the_remainder_of_a_division():
    # n - 32 * (n / 32) is n % 32, which the assertion knows to be 0.
    @proc
    def tail(n: size, x: f32[n] @ DRAM):
        assert n % 32 == 0
        for i in seq(0, n - 32 * (n / 32) + 4):
            x[i] = 1.0

    assert "for i in seq(0, 4):" in str(tail.simplify())

    @proc
    def free_tail(n: size, m: size, x: f32[n + 32] @ DRAM):
        assert m == n
        for i in seq(0, n - 32 * (n / 32)):
            x[i] = 1.0
        for i in seq(0, m - 32 * (n / 32)):
            x[i] = 2.0

    # Without a fact the written form stays (as exo-lang prints it).
    s = str(free_tail.simplify())
    assert "for i in seq(0, n - 32 * (n / 32)):" in s
    assert "seq(0, m - 32 * (n / 32))" in s
    for n in (5, 40, 64):
        x0, x1 = rand(n + 32), rand(n + 32)
        x1[:] = x0
        free_tail.interpret(n=n, m=n, x=x0)
        free_tail.simplify().interpret(n=n, m=n, x=x1)
        np.testing.assert_array_equal(x0, x1)


def test_set_precision_allocation_and_argument():
    p = axpy.set_precision("t", "f64")
    assert "t: f64[n] @ DRAM" in str(p)
    q = axpy.set_precision("y", "f64")
    assert "y: f64[n] @ DRAM" in str(q)
    a = np.array([1.5], np.float32)
    x = rand(6)
    y0, y1 = rand(6, 1), rand(6, 1).astype(np.float64)
    axpy.interpret(n=6, a=a, x=x, y=y0)
    q.interpret(n=6, a=a, x=x, y=y1)
    np.testing.assert_allclose(y0, y1, rtol=1e-5)
    # An allocation cursor works as well as its name.
    assert "t: f16[n]" in str(axpy.set_precision(axpy.find("t : _"), "f16"))


def test_set_precision_refusals():
    with pytest.raises(SchedulingError, match="'n' is not a data buffer"):
        axpy.set_precision("n", "f64")
    with pytest.raises(Exception, match="one of the following strings specifying precision"):
        axpy.set_precision("t", "index")


def test_set_window():
    p = axpy.set_window("x", True)
    assert "x: [f32][n] @ DRAM" in str(p)
    assert "x: f32[n] @ DRAM" in str(p.set_window("x", False))
    with pytest.raises(SchedulingError, match="only arguments can be windows"):
        axpy.set_window("t", True)


def test_set_memory_and_memgen_errors():
    p = axpy.set_memory("t", DRAM_STATIC)
    assert "t: f32[n] @ DRAM_STATIC" in str(p)
    bad = copy8.set_memory("u", AVX2)
    assert "u: f32[5] @ AVX2" in str(bad)
    with pytest.raises(Exception) as err:
        exo.compile_procs_to_strings([bad], "bad.h")
    assert "AVX2" in str(err.value) or "vector" in str(err.value)
    with pytest.raises(SchedulingError, match="not a data buffer"):
        axpy.set_memory("n", DRAM)


def test_repeat():
    @proc
    def nest(x: f32[4, 2] @ DRAM):
        for i in seq(0, 4):
            for j in seq(0, 2):
                x[i, j] = 1.0

    p = nest.repeat(exo.Procedure.unroll, "j")
    assert "for j" not in str(p) and "for i" in str(p)
    assert nest.repeat(exo.Procedure.unroll, "k") is nest
    with pytest.raises(TypeError, match="callable"):
        nest.repeat("unroll", "j")
