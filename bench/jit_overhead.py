"""Call overhead of p.jit(): a procedure that does almost nothing, called
through the jit wrapper (argument checks and conversions) and directly through
ctypes on the same compiled library, in the same run; and a 256^3 SGEMM call
for scale.

usage: PYTHONPATH=build/python /usr/bin/python3 bench/jit_overhead.py
"""

from __future__ import annotations

import ctypes
import timeit

import numpy as np

from exo import proc


@proc
def touch(n: size, x: f32[n]):
    x[0] = 1.0


@proc
def sgemm(M: size, N: size, K: size, A: f32[M, K], B: f32[K, N], C: f32[M, N]):
    for i in seq(0, M):
        for j in seq(0, N):
            for k in seq(0, K):
                C[i, j] += A[i, k] * B[k, j]


def per_call_us(fn, number):
    return min(timeit.repeat(fn, number=number, repeat=5)) / number * 1e6


def main():
    x = np.zeros(16, np.float32)
    f = touch.jit()
    raw = f._fn  # the C function itself, through ctypes
    ptr = x.ctypes.data_as(ctypes.c_void_p)
    n = ctypes.c_int64(16)
    rows = [
        ("touch(x) through jit (n inferred)", per_call_us(lambda: f(x), 20000)),
        ("touch(n=16, x=x) through jit", per_call_us(lambda: f(n=16, x=x), 20000)),
        ("the C function through ctypes", per_call_us(lambda: raw(None, n, ptr), 20000)),
    ]
    g = sgemm.jit()
    A, B, C = (np.random.default_rng(k).random((256, 256), np.float32) for k in range(3))
    rows.append(("naive sgemm 256^3 through jit", per_call_us(lambda: g(A, B, C), 5)))
    print(f"{'call':<40} {'us per call':>12}")
    for name, us in rows:
        print(f"{name:<40} {us:12.2f}")


if __name__ == "__main__":
    main()
