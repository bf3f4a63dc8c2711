"""interpret(): the core's interpreter on numpy arrays, checked against the
generated C run on the same random inputs."""

from __future__ import annotations

import numpy as np
import pytest

from exo import proc

from conftest import compile_shared, ptr


@proc
def gemm(M: size, N: size, K: size, C: f32[M, N] @ DRAM, A: f32[M, K] @ DRAM, B: f32[K, N] @ DRAM):
    for i in seq(0, M):
        for j in seq(0, N):
            for k in seq(0, K):
                C[i, j] += A[i, k] * B[k, j]


@proc
def axpy_window(n: size, alpha: f64, x: [f64][n] @ DRAM, y: f64[n] @ DRAM):
    for i in seq(0, n):
        y[i] += alpha * x[i]


@proc
def int_ops(n: size, a: i32[n] @ DRAM, b: i32[n] @ DRAM):
    for i in seq(0, n):
        if i % 2 == 0:
            b[i] = a[i] * 3
        else:
            b[i] = a[i] - 1


def test_gemm_interpret_matches_c(tmp_path, rng):
    lib = compile_shared([gemm], tmp_path)
    M, N, K = 5, 7, 3
    A = rng.standard_normal((M, K)).astype(np.float32)
    B = rng.standard_normal((K, N)).astype(np.float32)
    C0 = rng.standard_normal((M, N)).astype(np.float32)
    C_interp, C_c = C0.copy(), C0.copy()
    gemm.interpret(M=M, N=N, K=K, C=C_interp, A=A, B=B)
    lib.gemm(None, M, N, K, ptr(C_c), ptr(A), ptr(B))
    np.testing.assert_allclose(C_interp, C_c, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(C_interp, C0 + A @ B, rtol=1e-4, atol=1e-4)


def test_scalar_and_window_args(rng):
    x = rng.standard_normal(12)
    y = rng.standard_normal(6)
    expect = y + 0.5 * x[::2]
    axpy_window.interpret(n=6, alpha=np.array([0.5]), x=x[::2], y=y)
    np.testing.assert_allclose(y, expect)


def test_integer_interpret_matches_c(tmp_path, rng):
    lib = compile_shared([int_ops], tmp_path)
    a = rng.integers(-100, 100, 9).astype(np.int32)
    b1 = np.full(9, -7, np.int32)
    b2 = b1.copy()
    int_ops.interpret(n=9, a=a, b=b1)
    lib.int_ops(None, 9, ptr(a), ptr(b2))
    assert list(b1) == list(b2)


def test_argument_checks():
    A = np.zeros((2, 2), np.float32)
    with pytest.raises(TypeError, match="dtype float32"):
        gemm.interpret(M=2, N=2, K=2, C=A, A=A.astype(np.float64), B=A)
    with pytest.raises(TypeError, match="missing"):
        gemm.interpret(M=2, N=2, K=2, C=A, A=A)
    with pytest.raises(TypeError, match="unexpected"):
        gemm.interpret(M=2, N=2, K=2, C=A, A=A, B=A, Z=A)
    with pytest.raises(ValueError, match="dimensions"):
        gemm.interpret(M=2, N=2, K=2, C=A, A=A, B=np.zeros(4, np.float32))
    with pytest.raises(TypeError, match="numpy array"):
        gemm.interpret(M=2, N=2, K=2, C=A, A=A, B=[[0, 0], [0, 0]])


def test_shape_mismatch_is_refused():
    A = np.zeros((2, 2), np.float32)
    with pytest.raises(Exception):
        gemm.interpret(M=3, N=2, K=2, C=A, A=A, B=A)
