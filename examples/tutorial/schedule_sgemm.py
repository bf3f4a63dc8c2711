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
    # `cut_and_guard` adds separate loops for the M % 32 and N % 32 leftovers.
    p = step("split i by 32", p.split("i", 32, ["io", "ii"], tail="cut_and_guard"))
    p = step("split j by 32", p.split("j", 32, ["jo", "ji"], tail="cut_and_guard"))
    # The leftover columns sit inside the ii loop, next to the jo loop: split
    # the ii loop in two (fission) so the jo loop is alone in the first one.
    p = step("fission after the jo loop", p.fission_after("for jo in _: _"))
    # Now the block loops can be brought outside: io, jo, then ii, ji.
    p = step("reorder ii jo", p.reorder("ii", "jo"))
    # Tile k as well, so the 32 rows of B a block uses are reused across ii.
    p = step("split k by 32", p.split("k", 32, ["ko", "ki"], tail="cut_and_guard"))
    # Move the k-leftover out of ji and ii, then bring ko outside ii and ji.
    p = step("fission after the ko loop", p.fission_after("for ko in _: _", n_lifts=2))
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
