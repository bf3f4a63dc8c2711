"""A window passed to a parameter that is not a window: accepted when its
layout is the parameter's dense one (a row of a matrix, a full-width block),
where the callee indexes it as its own dense buffer; refused when it is not
(a column, a narrower block) or cannot be proven so (a window argument of
unknown strides). Accepted calls are run in C and in the interpreter and
compared with the same computation written inline."""

from __future__ import annotations

import numpy as np
import pytest

import exo
from exo import DRAM, proc

from conftest import compile_shared, ptr


@proc
def double4(v: f32[4] @ DRAM):
    for i in seq(0, 4):
        v[i] = v[i] * 2.0


@proc
def double2x4(v: f32[2, 4] @ DRAM):
    for i in seq(0, 2):
        for j in seq(0, 4):
            v[i, j] = v[i, j] * 2.0


@proc
def rows(n: size, a: f32[n, 4] @ DRAM):
    for r in seq(0, n):
        double4(a[r, 0:4])


@proc
def blocks(n: size, a: f32[2 * n, 4] @ DRAM):
    for b in seq(0, n):
        double2x4(a[2 * b:2 * b + 2, 0:4])


def test_dense_windows_run_in_c_and_interpreter(tmp_path):
    lib = compile_shared([rows, blocks], tmp_path, "win_to_tensor")
    for n in (1, 3):
        for p, nrows in ((rows, n), (blocks, 2 * n)):
            x = np.random.default_rng(n).standard_normal((nrows, 4)).astype(np.float32)
            interp, c_out = x.copy(), x.copy()
            p.interpret(n=n, a=interp)
            getattr(lib, p.name())(None, n, ptr(c_out))
            np.testing.assert_array_equal(interp, x * 2.0)
            np.testing.assert_array_equal(c_out, x * 2.0)


def test_column_is_not_dense():
    with pytest.raises(exo.BoundsError, match="must be laid out densely"):

        @proc
        def column(n: size, a: f32[4, n] @ DRAM):
            double4(a[0:4, 0])


def test_narrow_block_is_not_dense():
    with pytest.raises(exo.BoundsError, match="must be laid out densely"):

        @proc
        def narrow(a: f32[2, 8] @ DRAM):
            double2x4(a[0:2, 0:4])


def test_window_of_unknown_strides_refused_unless_asserted():
    with pytest.raises(exo.BoundsError, match="must be laid out densely"):

        @proc
        def unknown(v: [f32][4] @ DRAM):
            double4(v)

    @proc
    def asserted(v: [f32][4] @ DRAM):
        assert stride(v, 0) == 1
        double4(v)

    assert "double4(v)" in str(asserted)
