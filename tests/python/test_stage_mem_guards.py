"""stage_mem of a window that may reach outside its buffer (the tail tile of a
guarded split): the copies in and out are guarded, the block touches only
elements inside the buffer, and results equal the original's, in the
interpreter and in compiled C, on sizes that are and are not multiples of the
tile. A window whose interval may run backwards is still refused."""

from __future__ import annotations

import numpy as np
import pytest

import exo
from exo import DRAM, proc
from exo.API_scheduling import divide_loop, simplify, stage_mem

from conftest import compile_shared, ptr


@proc
def scale_add(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        y[i] += x[i] * 3.0


def tiled():
    return divide_loop(scale_add, scale_add.find_loop("i"), 4, ("io", "ii"), tail="guard")


def inputs(n, seed):
    g = np.random.default_rng(seed)
    return g.standard_normal(n).astype(np.float32), g.standard_normal(n).astype(np.float32)


def check(p, q, tmp_path, stem):
    lib = compile_shared([q], tmp_path, stem)
    for n in (1, 4, 7, 13):
        x, y = inputs(n, n)
        want, interp, c_out = y.copy(), y.copy(), y.copy()
        p.interpret(n=n, x=x, y=want)
        q.interpret(n=n, x=x, y=interp)
        getattr(lib, q.name())(None, n, ptr(x), ptr(c_out))
        np.testing.assert_allclose(interp, want, rtol=1e-6)
        np.testing.assert_allclose(c_out, want, rtol=1e-6)


@pytest.mark.parametrize("accum", [False, True])
def test_tail_tile_copies_are_guarded(tmp_path, accum):
    p = tiled()
    q = simplify(stage_mem(p, p.find_loop("ii"), "y[4 * io:4 * io + 4]", "yReg", accum=accum))
    text = str(q)
    assert "if i0 + 4 * io < n:" in text, text
    check(scale_add, q, tmp_path, "guarded_accum" if accum else "guarded")


def test_point_window_guarded():
    @proc
    def copy_some(n: size, m: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
        assert m >= n
        for i in seq(0, m):
            if i < n:
                y[i] = x[i]

    q = stage_mem(copy_some, copy_some.find_loop("i").body(), "x[i]", "t")
    assert "if i < n:\n            t = x[i]" in str(q)
    for n, m in ((3, 5), (4, 4)):
        x, y = inputs(n, m)
        a, b = y.copy(), y.copy()
        copy_some.interpret(n=n, m=m, x=x, y=a)
        q.interpret(n=n, m=m, x=x, y=b)
        np.testing.assert_array_equal(a, b)


def test_backwards_window_refused():
    p = tiled()
    with pytest.raises(exo.SchedulingError, match="may run backwards"):
        stage_mem(p, p.find_loop("ii"), "y[4 * io + 4:4 * io]", "yReg")
