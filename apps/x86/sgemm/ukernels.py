"""Register-blocked SGEMM micro-kernels, scheduled from a plain triple loop.

    C[0:MR, 0:NR] += A[0:K, 0:MR]^T * B[0:K, 0:NR]

`A` holds MR rows of A column by column (k-major: BLIS's packed layout), or,
with a_rows, row by row (A[0:MR, 0:K], what the SGEMM driver uses: its packed
copy of A's rows, or A in place); `B` holds NR columns of B row by row. C is kept in MR x
NR/VW vector registers for the whole k loop; each step loads NR/VW vectors
of B, broadcasts one element of A per row, and does MR * NR/VW FMAs.

Interface (for the SGEMM driver):

    reference_ukernel(MR, NR, name, a_rows=False) -> Procedure
        The unscheduled kernel, with this signature (kept stable):
            name(K: size, A: [f32][K, MR] @ DRAM, B: [f32][K, NR] @ DRAM,
                 C: [f32][MR, NR] @ DRAM)
        and `stride(X, 1) == 1` asserted for A, B and C. With a_rows, A is
        [f32][MR, K]: MR rows of the caller's A, read in place.

    make_ukernel(MR, NR, isa, a_rows=False) -> (ref_proc, scheduled_proc)
        isa is "avx2" (VW = 8) or "avx512" (VW = 16); NR a multiple of VW and
        1 <= MR <= 12 (smaller MR for the edge kernels of M tails). ref_proc is
        reference_ukernel(MR, NR, "ukernel_<isa>_<MR>x<NR>_ref"); scheduled_proc,
        "ukernel_<isa>_<MR>x<NR>", is scheduled from it, so in a driver that calls
        ref_proc, `p.call_eqv(scheduled_proc, "ukernel_<isa>_<MR>x<NR>_ref(_)")`
        swaps in the fast version. Results are cached per (MR, NR, isa, a_rows);
        a_rows kernels are named "..._rows".

    make_masked_ukernel(MR, isa, a_rows=False) -> (ref_proc, scheduled_proc)
        The same for the last w < VW columns of a row (1 <= w < VW), with
        masked (AVX-512) or prefix (AVX2) instructions: reference
            name(w: size, K: size, A: [f32][K, MR] @ DRAM, B: [f32][K, w] @ DRAM,
                 C: [f32][MR, w] @ DRAM)
        named "ukernel_<isa>_<MR>xw" (+ "_rows"). Only C[:, 0:w] and B[:, 0:w]
        are touched, so it runs on the last columns of a matrix in place.

    ukernel_avx2_ref, ukernel_avx2        the 6 x 16 AVX2 kernel (12 of the 16
                                          ymm registers hold C)
    ukernel_avx512_ref, ukernel_avx512    the 12 x 32 AVX-512 kernel (24 of the
                                          32 zmm registers hold C)

Use the ref_proc that make_ukernel returns: call_eqv accepts only a scheduled
proc of the same reference, and another reference_ukernel(...) call makes a new
one. The generated C needs -mavx2 -mfma (avx2) or -mavx512f (avx512), or
-march=native on a machine that has them.

Performance (docs/benchmarks.md): 6x16 AVX2 and 12x32 AVX-512 run at 96-99% of
the measured FMA peak with gcc and clang. MR * NR/VW accumulators + NR/VW B
vectors + 1 broadcast must fit the 16 (AVX2) or 32 (AVX-512) vector registers;
larger shapes are still correct, only slower. Fewer than about 8 accumulators
cannot hide the FMA latency (a 1x16 AVX2 kernel reaches about a quarter of the
peak), which matters only for the thin edge kernels.
"""

from __future__ import annotations

import functools

from exo import DRAM, proc
from exo.platforms.x86 import (
    AVX2,
    AVX512,
    avx2_mask_storeu_ps,
    avx2_maskz_broadcast_ss,
    avx2_maskz_loadu_ps,
    mm256_broadcast_ss,
    mm256_prefix_fmadd_ps,
    mm256_fmadd_ps,
    mm256_loadu_ps,
    mm256_storeu_ps,
    mm512_fmadd_ps,
    mm512_loadu_ps,
    mm512_mask_fmadd_ps,
    mm512_mask_set1_ps,
    mm512_mask_storeu_ps,
    mm512_maskz_loadu_ps,
    mm512_set1_ps,
    mm512_storeu_ps,
)

# isa -> vector width, register memory, and the instructions the schedule uses.
ISAS = {
    "avx2": dict(VW=8, mem=AVX2, load=mm256_loadu_ps, store=mm256_storeu_ps,
                 bcast=mm256_broadcast_ss, fmadd=mm256_fmadd_ps),
    "avx512": dict(VW=16, mem=AVX512, load=mm512_loadu_ps, store=mm512_storeu_ps,
                   bcast=mm512_set1_ps, fmadd=mm512_fmadd_ps),
}
# The same for the first w < VW lanes (the last columns of a row).
MASKED = {
    "avx2": dict(load=avx2_maskz_loadu_ps, store=avx2_mask_storeu_ps,
                 bcast=avx2_maskz_broadcast_ss, fmadd=mm256_prefix_fmadd_ps),
    "avx512": dict(load=mm512_maskz_loadu_ps, store=mm512_mask_storeu_ps,
                   bcast=mm512_mask_set1_ps, fmadd=mm512_mask_fmadd_ps),
}
MAX_MR = 12


def reference_ukernel(MR, NR, name, a_rows=False):
    """The micro-kernel's meaning: a triple loop over one MR x NR tile of C."""
    if a_rows:

        @proc
        def ukernel(K: size, A: [f32][MR, K] @ DRAM, B: [f32][K, NR] @ DRAM, C: [f32][MR, NR] @ DRAM):
            assert stride(A, 1) == 1
            assert stride(B, 1) == 1
            assert stride(C, 1) == 1
            for i in seq(0, MR):
                for j in seq(0, NR):
                    for k in seq(0, K):
                        C[i, j] += A[i, k] * B[k, j]

    else:

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


def reference_masked_ukernel(MR, VW, name, a_rows=False):
    """An MR x w tile of C for 1 <= w < VW columns."""
    if a_rows:

        @proc
        def ukernel(w: size, K: size, A: [f32][MR, K] @ DRAM, B: [f32][K, w] @ DRAM,
                    C: [f32][MR, w] @ DRAM):
            assert w < VW
            assert stride(A, 1) == 1
            assert stride(B, 1) == 1
            assert stride(C, 1) == 1
            for i in seq(0, MR):
                for j in seq(0, w):
                    for k in seq(0, K):
                        C[i, j] += A[i, k] * B[k, j]

    else:

        @proc
        def ukernel(w: size, K: size, A: [f32][K, MR] @ DRAM, B: [f32][K, w] @ DRAM,
                    C: [f32][MR, w] @ DRAM):
            assert w < VW
            assert stride(A, 1) == 1
            assert stride(B, 1) == 1
            assert stride(C, 1) == 1
            for i in seq(0, MR):
                for j in seq(0, w):
                    for k in seq(0, K):
                        C[i, j] += A[k, i] * B[k, j]

    return ukernel.rename(name)


def schedule_ukernel(p, MR, NR, VW, mem, load, store, bcast, fmadd, a_expr="A[k, i]", unrolled=True):
    """Output-stationary register blocking with vector width VW in memory `mem`.
    `a_expr` is how the kernel reads A's element of row i at step k (the packed
    panel is k-major; a kernel reading A's rows in place uses "A[i, k]").
    unrolled=False leaves the tile's loops rolled, for the C compiler to unroll."""
    # k outermost: C stays in registers for the whole reduction.
    p = p.reorder("j", "k")
    p = p.reorder("i", "k")
    p = p.split("j", VW, ["jo", "ji"], perfect=True)

    # C: loaded into MR x NR/VW vector registers before the k loop, stored after.
    p = p.stage_mem(f"C[0:{MR}, 0:{NR}]", "C_reg", "for k in _: _")
    p = p.divide_dim("C_reg", 1, VW)
    for copy in [p.find("C_reg[_] = _").parent(), p.find("C[_] = _").parent()]:
        p = p.split(copy, VW, ["jo", "ji"], perfect=True)
    p = p.simplify()
    p = p.set_memory("C_reg", mem)
    p = p.replace_all(load)
    p = p.replace_all(store)

    # B: one row of NR loaded into NR/VW vectors per k.
    p = p.stage_mem(f"B[k, 0:{NR}]", "B_reg", "for i in _: _")
    p = p.divide_dim("B_reg", 0, VW)
    p = p.split(p.find("B_reg[_] = _").parent(), VW, ["jo", "ji"], perfect=True)
    p = p.simplify()
    p = p.set_memory("B_reg", mem)
    p = p.replace_all(load)

    # A: one element per row and k, broadcast once to a vector shared by the jo
    # loop. The broadcast ignores jo and rewrites the same value, so fission may
    # hoist it out of jo, and then remove_loop drops its now-redundant loop.
    p = p.bind_expr("A_reg", a_expr)
    p = p.expand_dim("A_reg", VW, "ji")
    p = p.lift_alloc("A_reg", n_lifts=2)
    p = p.fission_after("A_reg[_] = _", n_lifts=2)
    p = p.remove_loop(p.find("A_reg[_] = _").parent().parent())
    p = p.set_memory("A_reg", mem)
    p = p.replace_all(bcast)
    p = p.replace_all(fmadd)

    # Fully unrolled tile, innermost loops first: only the k loop is left.
    for name in ["jo", "i0", "i"] if unrolled else []:
        for loop in p.find_loop(name, many=True):
            p = p.unroll(loop)
    return p.simplify()


def _widen(p, loop, VW):
    """`for j in seq(0, w): s` with w < VW as `for j in seq(0, VW): if j < w: s`
    (a split with a guarded tail whose outer loop runs once)."""
    loop = p.forward(loop)
    name = loop.name()
    p = p.split(loop, VW, [name + "_o", name], tail="guard")
    outer = p.find_loop(name + "_o")
    p = p.rewrite_expr(outer.hi(), "1")
    return p.unroll(p.forward(outer))


def schedule_masked_ukernel(p, MR, VW, mem, load, store, bcast, fmadd, a_expr="A[k, i]"):
    """The schedule of schedule_ukernel for one vector of w < VW columns: every
    loop over the w columns widened to VW lanes under `if j < w`, which the
    masked (prefix) instructions state."""
    p = p.reorder("j", "k")
    p = p.reorder("i", "k")
    p = _widen(p, p.find_loop("j"), VW)

    p = p.stage_mem(f"C[0:{MR}, 0:w]", "C_reg", "for k in _: _")
    p = p.resize_dim("C_reg", 1, VW, 0)
    for copy in [p.find("C_reg[_] = _").parent(), p.find("C[_] = _").parent()]:
        p = _widen(p, copy, VW)
    p = p.simplify()
    p = p.set_memory("C_reg", mem)
    p = p.replace_all(load)
    p = p.replace_all(store)

    p = p.stage_mem("B[k, 0:w]", "B_reg", "for i in _: _")
    p = p.resize_dim("B_reg", 0, VW, 0)
    p = _widen(p, p.find("B_reg[_] = _").parent(), VW)
    p = p.simplify()
    p = p.set_memory("B_reg", mem)
    p = p.replace_all(load)

    # A's element broadcast (in the lanes below w) before the row's FMA.
    p = p.bind_expr("A_reg", a_expr)
    p = p.expand_dim("A_reg", VW, "j")
    p = p.lift_alloc("A_reg", n_lifts=3)
    p = p.fission_after("A_reg[_] = _", n_lifts=2)
    p = p.set_memory("A_reg", mem)
    p = p.replace_all(bcast)
    p = p.replace_all(fmadd)
    for name in ["i0", "i"]:
        for loop in p.find_loop(name, many=True):
            p = p.unroll(loop)
    return p.simplify()


def _check_isa_mr(isa, MR):
    if isa not in ISAS:
        raise ValueError(f"isa must be one of {sorted(ISAS)}, not {isa!r}")
    if not (isinstance(MR, int) and 1 <= MR <= MAX_MR):
        raise ValueError(f"MR must be in 1..{MAX_MR}, not {MR!r}")


@functools.lru_cache(maxsize=None)
def make_ukernel(MR, NR, isa, a_rows=False, unrolled=True):
    """(reference proc, scheduled proc) for an MR x NR tile with `isa`."""
    _check_isa_mr(isa, MR)
    cfg = ISAS[isa]
    VW = cfg["VW"]
    if not (isinstance(NR, int) and NR > 0 and NR % VW == 0):
        raise ValueError(f"NR must be a positive multiple of {VW} for {isa}, not {NR!r}")
    name = f"ukernel_{isa}_{MR}x{NR}" + ("_rows" if a_rows else "") + ("" if unrolled else "_rolled")
    ref = reference_ukernel(MR, NR, name + "_ref", a_rows)
    a_expr = "A[i, k]" if a_rows else "A[k, i]"
    sched = schedule_ukernel(ref.rename(name), MR, NR, a_expr=a_expr, unrolled=unrolled, **cfg)
    return ref, sched


@functools.lru_cache(maxsize=None)
def make_masked_ukernel(MR, isa, a_rows=False):
    """(reference proc, scheduled proc) for an MR x w tile, 1 <= w < VW."""
    _check_isa_mr(isa, MR)
    cfg = ISAS[isa]
    name = f"ukernel_{isa}_{MR}xw" + ("_rows" if a_rows else "")
    ref = reference_masked_ukernel(MR, cfg["VW"], name + "_ref", a_rows)
    a_expr = "A[i, k]" if a_rows else "A[k, i]"
    sched = schedule_masked_ukernel(ref.rename(name), MR, cfg["VW"], cfg["mem"], a_expr=a_expr,
                                    **MASKED[isa])
    return ref, sched


ukernel_avx2_ref, ukernel_avx2 = make_ukernel(6, 16, "avx2")
ukernel_avx512_ref, ukernel_avx512 = make_ukernel(12, 32, "avx512")

__all__ = [
    "reference_ukernel",
    "reference_masked_ukernel",
    "make_ukernel",
    "make_masked_ukernel",
    "ukernel_avx2_ref",
    "ukernel_avx2",
    "ukernel_avx512_ref",
    "ukernel_avx512",
]

if __name__ == "__main__":
    print(ukernel_avx2)
    print(ukernel_avx512)
