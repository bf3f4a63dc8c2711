"""SGEMM for x86: C += A * B, row-major and contiguous (A: M x K, B: K x N,
C: M x N), for any M, N, K >= 1.

    exocc -o OUT --stem sgemm apps/x86/sgemm/sgemm.py

exports
    SGEMM(ctxt, M, N, K, A, B, C)         single-threaded, the ISA picked at generation
    SGEMM_PAR(ctxt, M, N, K, A, B, C)     multithreaded (OpenMP; compile with -fopenmp)
    SGEMM_AVX2, SGEMM_AVX512 (+ _PAR)     each variant explicitly

The ISA of SGEMM / SGEMM_PAR is AVX-512 when the generating machine's
/proc/cpuinfo lists avx512f, else AVX2; EXO_SGEMM_ISA=avx2|avx512 overrides.

Structure (BLIS): for each NC-wide column block of B and C, for each KC-deep
slice of K, B[KC, NC] is packed into NR-wide k-major micro-panels; for each
MC-row block of A, A[MC, KC] is packed into MR-high k-major micro-panels; then
every MR x NR tile of C gets one micro-kernel call over the KC slice. Packed
panels are zero-padded to whole micro-panels, so tiles on the M / N edges run
the same full-size micro-kernel into a local MR x NR tile whose valid part is
then added to C.
"""

from __future__ import annotations

import os
import sys

from exo import DRAM, proc
from exo.memory import DRAM_STACK, Memory

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


class DRAM_TLS(Memory):
    """Thread-local static storage, 64-byte aligned: packing buffers that live
    across calls (no allocation per call) and keep SGEMM reentrant."""

    @classmethod
    def alloc(cls, new_name, prim_type, shape, srcinfo):
        n = " * ".join(shape)
        return f"static _Thread_local {prim_type} {new_name}[{n}] __attribute__((aligned(64)));"

    @classmethod
    def free(cls, new_name, prim_type, shape, srcinfo):
        return ""

    @classmethod
    def can_read(cls):
        return True


class DRAM_SHARED(DRAM_TLS):
    """Static storage shared by all threads, 64-byte aligned: the packed B block
    that every thread of SGEMM_PAR reads."""

    @classmethod
    def alloc(cls, new_name, prim_type, shape, srcinfo):
        n = " * ".join(shape)
        return f"static {prim_type} {new_name}[{n}] __attribute__((aligned(64)));"


def reference_ukernel(MR, NR, name):
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


def make_sgemm(name, uk, uk_fast, MR, NR, MC, KC, NC):
    """SGEMM `name` and `name`_PAR around micro-kernel `uk` (MR x NR), whose calls
    are then swapped for the equivalent scheduled `uk_fast`."""
    assert MC % MR == 0 and NC % NR == 0
    MP, NP = MC // MR, NC // NR
    pfx = name.lower()

    @proc
    def pack_a(m: size, k: size, A: [f32][m, k] @ DRAM, Ap: f32[MP, KC, MR] @ DRAM):
        # Ap[ir, kk, i] = A[ir * MR + i, kk], rows past m zero.
        assert m <= MC
        assert k <= KC
        assert stride(A, 1) == 1
        for ir in seq(0, (m + MR - 1) / MR):
            if ir * MR + MR <= m:
                for i in seq(0, MR):
                    for kk in seq(0, k):
                        Ap[ir, kk, i] = A[ir * MR + i, kk]
            else:
                for i in seq(0, MR):
                    if ir * MR + i < m:
                        for kk in seq(0, k):
                            Ap[ir, kk, i] = A[ir * MR + i, kk]
                    else:
                        for kk in seq(0, k):
                            Ap[ir, kk, i] = 0.0

    pack_a = pack_a.rename(f"{pfx}_pack_a")

    @proc
    def pack_b(k: size, n: size, B: [f32][k, n] @ DRAM, Bp: f32[NP, KC, NR] @ DRAM):
        # Bp[jr, kk, j] = B[kk, jr * NR + j], columns past n zero.
        assert n <= NC
        assert k <= KC
        assert stride(B, 1) == 1
        for jr in seq(0, (n + NR - 1) / NR):
            if jr * NR + NR <= n:
                for kk in seq(0, k):
                    for j in seq(0, NR):
                        Bp[jr, kk, j] = B[kk, jr * NR + j]
            else:
                for kk in seq(0, k):
                    for j in seq(0, NR):
                        if jr * NR + j < n:
                            Bp[jr, kk, j] = B[kk, jr * NR + j]
                        else:
                            Bp[jr, kk, j] = 0.0

    pack_b = pack_b.rename(f"{pfx}_pack_b")

    @proc
    def gebp(m: size, n: size, k: size, Ap: f32[MP, KC, MR] @ DRAM, Bp: f32[NP, KC, NR] @ DRAM,
             C: [f32][m, n] @ DRAM):
        # C[0:m, 0:n] += packed A block * packed B block, one micro-kernel per tile.
        assert m <= MC
        assert n <= NC
        assert k <= KC
        assert stride(C, 1) == 1
        for jr in seq(0, (n + NR - 1) / NR):
            for ir in seq(0, (m + MR - 1) / MR):
                if ir * MR + MR <= m and jr * NR + NR <= n:
                    uk(k, Ap[ir, 0:k, :], Bp[jr, 0:k, :], C[ir * MR:ir * MR + MR, jr * NR:jr * NR + NR])
                else:
                    Ct: f32[MR, NR] @ DRAM_STACK
                    for i in seq(0, MR):
                        for j in seq(0, NR):
                            Ct[i, j] = 0.0
                    uk(k, Ap[ir, 0:k, :], Bp[jr, 0:k, :], Ct)
                    for i in seq(0, MR):
                        if ir * MR + i < m:
                            for j in seq(0, NR):
                                if jr * NR + j < n:
                                    C[ir * MR + i, jr * NR + j] += Ct[i, j]

    gebp = gebp.rename(f"{pfx}_gebp")
    for _ in range(2):  # the full tile and the edge tile
        gebp = gebp.call_eqv(uk_fast, f"{uk.name()}(_)")

    @proc
    def block_nk(M: size, n: size, k: size, A: [f32][M, k] @ DRAM, B: [f32][k, n] @ DRAM,
                 C: [f32][M, n] @ DRAM):
        assert n <= NC
        assert k <= KC
        assert stride(A, 1) == 1
        assert stride(B, 1) == 1
        assert stride(C, 1) == 1
        Bp: f32[NP, KC, NR] @ DRAM_TLS
        pack_b(k, n, B, Bp)
        Ap: f32[MP, KC, MR] @ DRAM_TLS
        for ic in seq(0, (M + MC - 1) / MC):
            if ic * MC + MC <= M:
                pack_a(MC, k, A[ic * MC:ic * MC + MC, :], Ap)
                gebp(MC, n, k, Ap, Bp, C[ic * MC:ic * MC + MC, :])
            else:
                pack_a(M - ic * MC, k, A[ic * MC:M, :], Ap)
                gebp(M - ic * MC, n, k, Ap, Bp, C[ic * MC:M, :])

    block_nk = block_nk.rename(f"{pfx}_block_nk")

    @proc
    def block_nk_par(M: size, n: size, k: size, A: [f32][M, k] @ DRAM, B: [f32][k, n] @ DRAM,
                     C: [f32][M, n] @ DRAM):
        # The packed B block is shared; each thread packs its own A blocks.
        assert n <= NC
        assert k <= KC
        assert stride(A, 1) == 1
        assert stride(B, 1) == 1
        assert stride(C, 1) == 1
        Bp: f32[NP, KC, NR] @ DRAM_SHARED
        pack_b(k, n, B, Bp)
        for ic in par(0, (M + MC - 1) / MC):
            Ap: f32[MP, KC, MR] @ DRAM_TLS
            if ic * MC + MC <= M:
                pack_a(MC, k, A[ic * MC:ic * MC + MC, :], Ap)
                gebp(MC, n, k, Ap, Bp, C[ic * MC:ic * MC + MC, :])
            else:
                pack_a(M - ic * MC, k, A[ic * MC:M, :], Ap)
                gebp(M - ic * MC, n, k, Ap, Bp, C[ic * MC:M, :])

    block_nk_par = block_nk_par.rename(f"{pfx}_block_nk_par")

    def driver(block, sfx):
        @proc
        def block_n(M: size, n: size, K: size, A: [f32][M, K] @ DRAM, B: [f32][K, n] @ DRAM,
                    C: [f32][M, n] @ DRAM):
            assert n <= NC
            assert stride(A, 1) == 1
            assert stride(B, 1) == 1
            assert stride(C, 1) == 1
            for pc in seq(0, (K + KC - 1) / KC):
                if pc * KC + KC <= K:
                    block(M, n, KC, A[:, pc * KC:pc * KC + KC], B[pc * KC:pc * KC + KC, :], C)
                else:
                    block(M, n, K - pc * KC, A[:, pc * KC:K], B[pc * KC:K, :], C)

        block_n = block_n.rename(f"{pfx}{sfx}_block_n")

        @proc
        def sgemm(M: size, N: size, K: size, A: f32[M, K] @ DRAM, B: f32[K, N] @ DRAM,
                  C: f32[M, N] @ DRAM):
            for jc in seq(0, (N + NC - 1) / NC):
                if jc * NC + NC <= N:
                    block_n(M, NC, K, A, B[:, jc * NC:jc * NC + NC], C[:, jc * NC:jc * NC + NC])
                else:
                    block_n(M, N - jc * NC, K, A, B[:, jc * NC:N], C[:, jc * NC:N])

        return sgemm

    return {name: driver(block_nk, "").rename(name),
            name + "_PAR": driver(block_nk_par, "_par").rename(name + "_PAR")}



def _local_ukernel(MR, NR, isa):
    from exo.platforms.x86 import (AVX2, AVX512, mm256_broadcast_ss, mm256_fmadd_ps, mm256_loadu_ps,
                                   mm256_storeu_ps, mm512_fmadd_ps, mm512_loadu_ps, mm512_set1_ps,
                                   mm512_storeu_ps)
    if isa == "avx2":
        VW, mem, load, store, bcast, fmadd = 8, AVX2, mm256_loadu_ps, mm256_storeu_ps, mm256_broadcast_ss, mm256_fmadd_ps
    else:
        VW, mem, load, store, bcast, fmadd = 16, AVX512, mm512_loadu_ps, mm512_storeu_ps, mm512_set1_ps, mm512_fmadd_ps
    name = f"ukernel_{isa}_{MR}x{NR}"
    ref = reference_ukernel(MR, NR, name + "_ref")
    p = ref.rename(name)
    p = p.reorder("j", "k")
    p = p.reorder("i", "k")
    p = p.split("j", VW, ["jo", "ji"], perfect=True)
    p = p.stage_mem(f"C[0:{MR}, 0:{NR}]", "C_reg", "for k in _: _")
    p = p.divide_dim("C_reg", 1, VW)
    for copy in [p.find("C_reg[_] = _").parent(), p.find("C[_] = _").parent()]:
        p = p.split(copy, VW, ["jo", "ji"], perfect=True)
    p = p.simplify()
    p = p.set_memory("C_reg", mem)
    p = p.replace_all(load)
    p = p.replace_all(store)
    p = p.stage_mem(f"B[k, 0:{NR}]", "B_reg", "for i in _: _")
    p = p.divide_dim("B_reg", 0, VW)
    p = p.split(p.find("B_reg[_] = _").parent(), VW, ["jo", "ji"], perfect=True)
    p = p.simplify()
    p = p.set_memory("B_reg", mem)
    p = p.replace_all(load)
    p = p.bind_expr("A_reg", "A[k, i]")
    p = p.expand_dim("A_reg", VW, "ji")
    p = p.lift_alloc("A_reg", n_lifts=1)
    p = p.fission_after("A_reg[_] = _", n_lifts=1)
    p = p.set_memory("A_reg", mem)
    p = p.replace_all(bcast)
    p = p.replace_all(fmadd)
    for nm in ["jo", "i0", "i"]:
        for loop in p.find_loop(nm, many=True):
            p = p.unroll(loop)
    return ref, p.simplify()


def _generation_isa():
    isa = os.environ.get("EXO_SGEMM_ISA", "").strip().lower()
    if isa:
        if isa not in ("avx2", "avx512"):
            raise ValueError(f"EXO_SGEMM_ISA must be avx2 or avx512, not {isa!r}")
        return isa
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((line for line in f if line.startswith("flags")), "")
    except OSError:
        flags = ""
    return "avx512" if "avx512f" in flags.split() else "avx2"


_AVX512 = make_sgemm("SGEMM_AVX512", *_local_ukernel(12, 32, "avx512"), 12, 32, 96, 256, 1024)
_AVX2 = make_sgemm("SGEMM_AVX2", *_local_ukernel(6, 16, "avx2"), 6, 16, 96, 256, 1024)

SGEMM_AVX512 = _AVX512["SGEMM_AVX512"]
SGEMM_AVX512_PAR = _AVX512["SGEMM_AVX512_PAR"]
SGEMM_AVX2 = _AVX2["SGEMM_AVX2"]
SGEMM_AVX2_PAR = _AVX2["SGEMM_AVX2_PAR"]
ISA = _generation_isa()
_single, _par = (SGEMM_AVX512, SGEMM_AVX512_PAR) if ISA == "avx512" else (SGEMM_AVX2, SGEMM_AVX2_PAR)


@proc
def SGEMM(M: size, N: size, K: size, A: f32[M, K] @ DRAM, B: f32[K, N] @ DRAM, C: f32[M, N] @ DRAM):
    _single(M, N, K, A, B, C)


@proc
def SGEMM_PAR(M: size, N: size, K: size, A: f32[M, K] @ DRAM, B: f32[K, N] @ DRAM, C: f32[M, N] @ DRAM):
    _par(M, N, K, A, B, C)


__all__ = ["SGEMM", "SGEMM_PAR", "SGEMM_AVX2", "SGEMM_AVX2_PAR", "SGEMM_AVX512", "SGEMM_AVX512_PAR"]
