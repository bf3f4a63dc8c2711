"""Definition-time rules seen from Python: loops with a possibly negative extent,
aliased call arguments and racing par loops are refused with exo errors naming
the code; cut_loop takes exo-lang's absolute cut point. Each refusal next to an
accepted twin whose results are compared with the original on random inputs."""

from __future__ import annotations

import numpy as np
import pytest

import exo
from exo import DRAM, proc
from exo.API_scheduling import cut_loop, divide_loop


def same(p, q, **sizes):
    for seed in range(3):
        args_p, args_q = {}, {}
        for k, a in enumerate(p.args()):
            name = a.name()
            if name in sizes:
                args_p[name] = args_q[name] = sizes[name]
                continue
            shape = [eval(str(e), {}, dict(sizes)) for e in a.shape()] if a.shape() else [1]
            v = np.random.default_rng(seed * 10 + k).standard_normal(shape).astype(np.float32)
            args_p[name], args_q[name] = v.copy(), v.copy()
        p.interpret(**args_p)
        q.interpret(**args_q)
        for name in args_p:
            if isinstance(args_p[name], np.ndarray):
                np.testing.assert_allclose(args_p[name], args_q[name], rtol=1e-5, err_msg=name)


def test_negative_loop_extent_refused():
    with pytest.raises(exo.BoundsError, match=r"loop 'j' over seq\(0, n - 8\) may run a negative number of times"):

        @proc
        def tail(n: size, x: f32[n] @ DRAM):
            for j in seq(0, n - 8):
                x[j] = 0.0

    @proc
    def tail_ok(n: size, x: f32[n] @ DRAM):
        assert n >= 8
        for j in seq(0, n - 8):
            x[j] = 0.0

    q = divide_loop(tail_ok, "j", 4, ["jo", "ji"], tail="cut")
    same(tail_ok, q, n=9)
    same(tail_ok, q, n=13)


@proc
def two_writes(x: [f32][4] @ DRAM, y: [f32][4] @ DRAM):
    x[0] = 1.0
    y[0] = 2.0


def test_aliased_arguments_refused():
    with pytest.raises(exo.BoundsError, match="arguments 'x' = 'z' and 'y' = 'z' may share storage of 'z'"):

        @proc
        def caller(z: f32[4] @ DRAM):
            two_writes(z, z)

    @proc
    def caller_ok(z: f32[8] @ DRAM):
        two_writes(z[0:4], z[4:8])

    same(caller_ok, caller_ok)


def test_racing_par_loop_refused():
    # Accepted as written (exo-lang checks par loops in its C backend), refused
    # when compiled.
    @proc
    def total(A: f32[10] @ DRAM, t: f32[1] @ DRAM):
        for i in par(0, 10):
            t[0] += A[i]

    with pytest.raises(TypeError, match="not parallelizable because of potential data races: "
                                        "par loop 'i' over par\\(0, 10\\) may race"):
        total.c_code_str()

    @proc
    def rows(A: f32[10, 4] @ DRAM, s: f32[10] @ DRAM):
        for i in par(0, 10):
            for j in seq(0, 4):
                s[i] += A[i, j]

    assert "for i in par(0, 10):" in str(rows)


@proc
def shifted(n: size, x: f32[n + 2] @ DRAM):
    assert n >= 2
    for i in seq(2, n + 2):
        x[i] = x[i - 1] + 1.0


def test_cut_loop_absolute_cut_point():
    p = cut_loop(shifted, shifted.find_loop("i"), 4)
    assert "for i in seq(2, 4):" in str(p)
    same(shifted, p, n=5)
    q = cut_loop(shifted, shifted.find_loop("i"), "n + 1")
    same(shifted, q, n=3)
    with pytest.raises(exo.SchedulingError, match="Expected `lo` <= `cut_point`"):
        cut_loop(shifted, shifted.find_loop("i"), 1)
    with pytest.raises(exo.SchedulingError, match="Expected `cut_point` <= `hi`"):
        cut_loop(shifted, shifted.find_loop("i"), "n + 3")
