"""partial_eval, add_assertion, transpose, show_effects and show_effect."""

from __future__ import annotations

import numpy as np
import pytest

import exo
from exo import DRAM, proc


@proc
def scale(n: size, m: size, flag: bool, x: f32[n, m] @ DRAM, y: f32[n, m] @ DRAM):
    assert n >= 2
    for i in seq(0, n):
        for j in seq(0, m):
            if flag:
                y[i, j] = x[i, j] * 2.0
            else:
                y[i, j] = x[i, j] + 1.0


@proc
def gemm(M: size, N: size, K: size, A: f32[M, K] @ DRAM, B: f32[K, N] @ DRAM, C: f32[M, N] @ DRAM):
    for i in seq(0, M):
        for j in seq(0, N):
            for k in seq(0, K):
                C[i, j] += A[i, k] * B[k, j]


def rand(*shape):
    return np.random.default_rng(len(shape)).standard_normal(shape).astype(np.float32)


def test_partial_eval_positional_and_named():
    p = scale.partial_eval(4, 3)
    assert [a.name() for a in p.args()] == ["flag", "x", "y"]
    assert "x: f32[4, 3]" in str(p) and "seq(0, 3)" in str(p)
    q = scale.partial_eval(m=3, flag=True)
    assert [a.name() for a in q.args()] == ["n", "x", "y"]
    x = rand(4, 3)
    y0, y1 = np.zeros((4, 3), np.float32), np.zeros((4, 3), np.float32)
    scale.interpret(n=4, m=3, flag=True, x=x, y=y0)
    q.interpret(n=4, x=x, y=y1)
    np.testing.assert_allclose(y0, y1)
    assert scale.partial_eval() is scale


def test_partial_eval_refusals():
    with pytest.raises(ValueError):
        scale.partial_eval(4, m=3)
    with pytest.raises(exo.SchedulingError, match="'x'"):
        scale.partial_eval(x=1)
    with pytest.raises(ValueError, match="'m'"):
        scale.partial_eval(m=0)
    with pytest.raises(exo.PreconditionError, match="n >= 2"):
        scale.partial_eval(1)
    with pytest.raises(TypeError):
        scale.partial_eval(2.5)


def test_add_assertion():
    p = gemm.add_assertion("M % 4 == 0")
    assert "assert M % 4 == 0" in str(p)
    assert p != gemm
    with pytest.raises(TypeError):
        gemm.add_assertion(3)
    with pytest.raises(exo.PreconditionError, match="contradictory"):
        p.add_assertion("M < 4 and M > 2")


def test_transpose():
    t = gemm.transpose(gemm.args()[4])
    assert "B: f32[N, K]" in str(t) and "B[j, k]" in str(t)
    assert str(gemm.transpose("B")) == str(t)
    A, B = rand(3, 4), rand(4, 5)
    C0, C1 = np.zeros((3, 5), np.float32), np.zeros((3, 5), np.float32)
    gemm.interpret(M=3, N=5, K=4, A=A, B=B, C=C0)
    t.interpret(M=3, N=5, K=4, A=A, B=np.ascontiguousarray(B.T), C=C1)
    np.testing.assert_allclose(C0, C1, rtol=1e-5)
    with pytest.raises(ValueError, match="2-D"):
        gemm.transpose("M")


def test_show_effects(capsys):
    text = gemm.show_effects()
    assert "reduce C[i, j] for 0 <= i < M, 0 <= j < N, 0 <= k < K" in text
    assert "read A[i, k]" in text
    assert capsys.readouterr().out == text
    one = scale.show_effect("y[_] = _ #1")
    assert "write y[i, j]" in one and "if not (flag)" in one
    with pytest.raises(exo.SchedulingError, match="z"):
        gemm.show_effect("z[_] = _")


def test_add_assertion_with_configs():
    from exo import config

    @config
    class TileCfg:
        n_tile: size

    p = gemm.add_assertion("M == TileCfg.n_tile", configs=[TileCfg])
    assert "assert M == TileCfg.n_tile" in str(p)
    with pytest.raises(exo.TypeCheckError, match="TileCfg"):
        gemm.add_assertion("M == TileCfg.n_tile")
