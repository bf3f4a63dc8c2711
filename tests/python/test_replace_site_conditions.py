"""replace where the subproc has a constant and the code a variable the
context fixes (`for i in seq(0, M)` under `if M == 4` against the subproc's
`seq(0, 4)`): the match holds only where M == 4, which the site must prove.
Accepted under the guard (results compared with the original on random
inputs); refused without it. Also: set_precision of a local buffer to the
type its values already have keeps the procedure equivalent (call_eqv)."""

from __future__ import annotations

import numpy as np
import pytest

import exo
from exo import DRAM, proc
from exo.API_scheduling import call_eqv, replace, set_precision, specialize


@proc
def scale4(x: [f32][4] @ DRAM):
    for i in seq(0, 4):
        x[i] = x[i] * 2.0


@proc
def scale_m(M: size, x: f32[8] @ DRAM):
    assert M <= 8
    for i in seq(0, M):
        x[i] = x[i] * 2.0


def run(p, M, seed):
    x = np.random.default_rng(seed).standard_normal(8).astype(np.float32)
    p.interpret(M=M, x=x)
    return x


def test_constant_matched_under_a_guard():
    p = specialize(scale_m, scale_m.find_loop("i"), ["M == 4"])
    q = replace(p, p.find_loop("i"), scale4)
    assert "scale4(x[0:4])" in str(q)
    for M in (3, 4, 8):
        np.testing.assert_array_equal(run(q, M, M), run(scale_m, M, M))


def test_constant_refused_without_the_guard():
    with pytest.raises(exo.SchedulingError, match=r"'M - 4 == 0' is not provable here|'M == 4'"):
        replace(scale_m, scale_m.find_loop("i"), scale4)


def test_set_precision_to_the_same_values_keeps_equivalence():
    @proc
    def with_tmp(x: f32[4] @ DRAM):
        for i in seq(0, 4):
            t: R @ DRAM
            t = x[i]
            x[i] = t * 2.0

    same = set_precision(with_tmp, "t", "f32")
    assert same.is_eq(with_tmp)
    narrower = set_precision(with_tmp, "t", "f64")
    assert not narrower.is_eq(with_tmp)


@proc
def masked_copy(dst: [f32][8] @ DRAM, src: [f32][8] @ DRAM, bound: size):
    for i in seq(0, 8):
        if i < bound:
            dst[i] = src[i]


@proc
def guarded_lt(n: size, m: size, x: f32[8] @ DRAM, y: f32[8] @ DRAM):
    assert n - m >= 1
    assert n - m <= 7
    for i in seq(0, 8):
        if i + m < n:
            y[i] = x[i]


@proc
def guarded_le(n: size, m: size, x: f32[8] @ DRAM, y: f32[8] @ DRAM):
    assert n - m >= 1
    assert n - m <= 7
    for i in seq(0, 8):
        if i + m <= n:
            y[i] = x[i]


@proc
def guarded_gt(n: size, m: size, x: f32[8] @ DRAM, y: f32[8] @ DRAM):
    assert n - m >= 1
    assert n - m <= 7
    for i in seq(0, 8):
        if n > i + m:
            y[i] = x[i]


@proc
def guarded_ge(n: size, m: size, x: f32[8] @ DRAM, y: f32[8] @ DRAM):
    assert n - m >= 1
    assert n - m <= 7
    for i in seq(0, 8):
        if n >= m + i:
            y[i] = x[i]


@pytest.mark.parametrize("guarded", [guarded_lt, guarded_le, guarded_gt, guarded_ge])
def test_orderings_unify_as_differences(guarded):
    # `i + m <= n` is `i < bound` with bound = n - m + 1, and so on.
    q = replace(guarded, guarded.find_loop("i"), masked_copy)
    assert "masked_copy(y[0:8], x[0:8]," in str(q)
    for n, m in ((5, 2), (9, 2), (3, 2)):
        x = np.random.default_rng(n).standard_normal(8).astype(np.float32)
        a, b = np.zeros(8, np.float32), np.zeros(8, np.float32)
        guarded.interpret(n=n, m=m, x=x, y=a)
        q.interpret(n=n, m=m, x=x, y=b)
        np.testing.assert_array_equal(a, b)


def test_arguments_the_subproc_never_uses_get_any_value():
    @proc
    def copy_nn(flag: bool, n: size, src: R[n, n] @ DRAM, dst: R[n, n] @ DRAM, k: index, s: size):
        for i in seq(0, n):
            for j in seq(0, n):
                dst[i, j] = src[i, j]

    @proc
    def copy55(x: R[5, 5] @ DRAM, y: R[5, 5] @ DRAM):
        for i in seq(0, 5):
            for j in seq(0, 5):
                x[i, j] = y[i, j]

    q = replace(copy55, "for i in _ : _", copy_nn)
    assert "copy_nn(False, 5, y, x, 0, 1)" in str(q)
    y = np.random.default_rng(0).standard_normal((5, 5)).astype(np.float32)
    a, b = np.zeros((5, 5), np.float32), np.zeros((5, 5), np.float32)
    copy55.interpret(x=a, y=y)
    q.interpret(x=b, y=y)
    np.testing.assert_array_equal(a, b)

    # Used in a precondition: not free, so it must be determined from the code.
    @proc
    def copy_nn_checked(n: size, src: R[n, n] @ DRAM, dst: R[n, n] @ DRAM, k: index):
        assert k < n
        for i in seq(0, n):
            for j in seq(0, n):
                dst[i, j] = src[i, j]

    with pytest.raises(exo.SchedulingError, match="cannot determine 'k'"):
        replace(copy55, "for i in _ : _", copy_nn_checked)
