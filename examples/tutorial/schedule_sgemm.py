"""The seed's example_sgemm, scheduled step by step for cache locality.

Run with Debian's Python:  /usr/bin/python3 examples/tutorial/schedule_sgemm.py
Every step prints the procedure it produced; at the end the scheduled
procedure is run by the interpreter against the original on random inputs.
Each step is checked by the compiler: a step that would change the result is
refused with a SchedulingError (one such step is tried at the end).
"""

from __future__ import annotations

import numpy as np

from exo import DRAM, SchedulingError, proc


@proc
def example_sgemm(
    M: size,
    N: size,
    K: size,
    C: f32[M, N] @ DRAM,
    A: f32[M, K] @ DRAM,
    B: f32[K, N] @ DRAM,
):
    for i in seq(0, M):
        for j in seq(0, N):
            for k in seq(0, K):
                C[i, j] += A[i, k] * B[k, j]


def step(title, p):
    print(f"# ---- {title}")
    print(p)
    return p


def schedule(p):
    p = step("original", p)
    p = step("rename", p.rename("sgemm_tiled"))
    # Tile i and j by 32 so a 32x32 block of C stays in cache while k runs;
    # `cut_and_guard` keeps a separate loop for the M % 32 leftover rows.
    p = step("split i by 32", p.split("i", 32, ["io", "ii"], tail="cut_and_guard"))
    p = step("split j by 32", p.split("j", 32, ["jo", "ji"], tail="cut_and_guard"))
    # Tile k too, so the 32 rows of B used by a block are reused across ii.
    p = step("split k by 32", p.split("k", 32, ["ko", "ki"], tail="cut_and_guard"))
    # Bring the block loops outside: io, jo, ko, then ii, ji, ki.
    p = step("reorder ii jo", p.reorder("ii", "jo"))
    p = step("reorder ji ko", p.reorder("ji", "ko"))
    p = step("reorder ii ko", p.reorder("ii", "ko"))
    # Inside a block, run k outside j so B[k, j] and C[i, j] stream along rows.
    p = step("reorder ji ki", p.reorder("ji", "ki"))
    p = step("simplify", p.simplify())
    return p


def check(original, scheduled, M=45, N=37, K=29, seed=0):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((M, K)).astype(np.float32)
    B = rng.standard_normal((K, N)).astype(np.float32)
    C0 = rng.standard_normal((M, N)).astype(np.float32)
    C1, C2 = C0.copy(), C0.copy()
    original.interpret(M=M, N=N, K=K, C=C1, A=A, B=B)
    scheduled.interpret(M=M, N=N, K=K, C=C2, A=A, B=B)
    return float(np.max(np.abs(C1 - C2)))


def main():
    scheduled = schedule(example_sgemm)
    err = check(example_sgemm, scheduled)
    print(f"# max difference from the original on random 45x37x29 inputs: {err:.2e}")
    # A wrong step: tiling with perfect=True needs M % 32 == 0, which nothing says.
    try:
        example_sgemm.split("i", 32, ["io", "ii"], perfect=True)
    except SchedulingError as e:
        print("# refused as expected:\n" + str(e))
    return scheduled, err


if __name__ == "__main__":
    main()
