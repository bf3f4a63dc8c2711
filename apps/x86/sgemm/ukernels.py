"""Register-blocked SGEMM micro-kernels, scheduled from a plain triple loop.

    C[0:MR, 0:NR] += A_packed[0:K, 0:MR]^T * B_packed[0:K, 0:NR]

`A` holds MR rows of A column by column (k-major), `B` holds NR columns of B
row by row: the layout the SGEMM driver packs them into. C is kept in MR x
NR/VW vector registers for the whole k loop; each step loads NR/VW vectors
of B, broadcasts one element of A per row, and does MR * NR/VW FMAs.

Two shapes: AVX2 (6 x 16: 12 accumulators of the 16 ymm registers) and
AVX-512 (12 x 32: 24 accumulators of the 32 zmm registers).
"""

from __future__ import annotations

from exo import DRAM, proc
from exo.platforms.x86 import (
    AVX2,
    AVX512,
    mm256_broadcast_ss,
    mm256_fmadd_ps,
    mm256_loadu_ps,
    mm256_storeu_ps,
    mm512_fmadd_ps,
    mm512_loadu_ps,
    mm512_set1_ps,
    mm512_storeu_ps,
)


def reference_ukernel(MR, NR, name):
    """The micro-kernel's meaning: a triple loop over one MR x NR tile of C."""

    @proc
    def ukernel(K: size, A: [f32][K, MR] @ DRAM, B: [f32][K, NR] @ DRAM, C: [f32][MR, NR] @ DRAM):
        assert stride(A, 1) == 1
        assert stride(B, 1) == 1
        assert stride(C, 1) == 1
        for i in seq(0, MR):
            for j in seq(0, NR):
                for k in seq(0, K):
                    C[i, j] += A[k, i] * B[k, j]

    return ukernel.rename(name)


def schedule_ukernel(p, MR, NR, VW, mem, load, store, bcast, fmadd):
    """Output-stationary register blocking with vector width VW in memory `mem`."""
    # k outermost: C stays in registers for the whole reduction.
    p = p.reorder("j", "k")
    p = p.reorder("i", "k")
    p = p.split("j", VW, ["jo", "ji"], perfect=True)

    # C: staged into registers around the k loop, one vector per (i, jo).
    p = p.stage_mem("C[0:%d, 0:%d]" % (MR, NR), "C_reg", "for k in _: _")
    p = p.divide_dim("C_reg", 1, VW)
    for _ in range(2):  # the copy-in and copy-out loops
        p = p.split("i1", VW, ["i2", "i3"], perfect=True)
    p = p.simplify()
    p = p.set_memory("C_reg", mem)
    p = p.replace_all(load)
    p = p.replace_all(store)

    # B: one row of NR loaded per k.
    p = p.stage_mem("B[k, 0:%d]" % NR, "B_reg", "for i in _: _")
    p = p.split("i0", VW, ["io", "ii"], perfect=True)
    p = p.divide_dim("B_reg", 0, VW)
    p = p.simplify()
    p = p.set_memory("B_reg", mem)
    p = p.replace_all(load)

    # A: one element per row, broadcast to a vector.
    p = p.bind_expr("A_reg", "A[k, i]")
    p = p.expand_dim("A_reg", VW, "ji")
    p = p.lift_alloc("A_reg", n_lifts=2)
    p = p.fission_after("A_reg[_] = _", n_lifts=2)
    p = p.remove_loop("jo")
    p = p.set_memory("A_reg", mem)
    p = p.replace_all(bcast)

    p = p.replace_all(fmadd)
    # Fully unrolled tile: every register access has constant indices.
    for loop in ["jo", "i", "io", "i2", "i2", "i0", "i0"]:
        p = p.unroll(loop)
    return p.simplify()


ukernel_avx2_ref = reference_ukernel(6, 16, "ukernel_avx2_6x16_ref")
ukernel_avx2 = schedule_ukernel(
    ukernel_avx2_ref.rename("ukernel_avx2_6x16"), 6, 16, 8, AVX2,
    mm256_loadu_ps, mm256_storeu_ps, mm256_broadcast_ss, mm256_fmadd_ps,
)

ukernel_avx512_ref = reference_ukernel(12, 32, "ukernel_avx512_12x32_ref")
ukernel_avx512 = schedule_ukernel(
    ukernel_avx512_ref.rename("ukernel_avx512_12x32"), 12, 32, 16, AVX512,
    mm512_loadu_ps, mm512_storeu_ps, mm512_set1_ps, mm512_fmadd_ps,
)

__all__ = ["ukernel_avx2", "ukernel_avx512"]

if __name__ == "__main__":
    print(ukernel_avx2)
    print(ukernel_avx512)
