"""SGEMM for x86: C += A * B, row-major and contiguous (A: M x K, B: K x N,
C: M x N), for any M, N, K >= 1.

    exocc -o OUT --stem sgemm apps/x86/sgemm/sgemm.py

exports
    SGEMM(ctxt, M, N, K, A, B, C)         single-threaded, the ISA picked at generation
    SGEMM_PAR(ctxt, M, N, K, A, B, C)     multithreaded (a par loop: POSIX threads)
    SGEMM_AVX2 (+ _PAR)                   the AVX2 variant explicitly
    SGEMM_AVX512 (+ _PAR)                 the AVX-512 one (generated for AVX-512 only)

The ISA of SGEMM / SGEMM_PAR is AVX-512 when the generating machine's
/proc/cpuinfo lists avx512f, else AVX2; EXO_SGEMM_ISA=avx2|avx512 overrides.
The AVX-512 variant is in the library only when that ISA is AVX-512.

Structure (BLIS; details in README.md), all of it scheduled from the plain
triple loop `sgemm_win_spec` with the primitives (nothing asserted equal):
N is cut into NC column blocks and K into KC slices; each KC x NC slice
(`*_block`) is one of three schedules of the slice's loop nest, by shape:
`*_packed` copies B into NR-wide k-major micro-panels (stage_mem +
divide_dim + rearrange_dim), `*_wide` (M <= WIDE_M) reads B in place,
`*_narrow` (N <= NR) packs nothing. Rows go by panels of MR (and the tail's
own height: exactly, or in pieces of HEIGHTS), each panel copying its rows
of A into a contiguous buffer (except narrow) and running the MR x NR
micro-kernel across the columns, then one VW-wide kernel and one masked
(AVX-512) or prefix (AVX2) kernel for the last w < VW columns: no scalar
code for any edge. *_PAR is one par loop over
PAR_CHUNKS chunks of C's rows (or columns), each the single-threaded code on
whichever thread takes it, with that thread's own (thread-local) buffers.
"""

from __future__ import annotations

import os
import sys

from exo import DRAM, proc
from exo.memory import Memory

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ukernels import ISAS, make_masked_ukernel, make_ukernel  # noqa: E402


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

    @classmethod
    def write(cls, s, lhs, rhs):
        return f"{lhs} = {rhs};"


def _panel_ref(h, KC, NC, NR, b_packed):
    """The plain loop nest for h rows of C over all n columns of one slice: B
    either in place or already packed (Bp[j / NR, kk, j % NR] = B[kk, j])."""
    NP = NC // NR
    if b_packed:
        # Cut into whole NR-wide panels and a tail: index expressions of a
        # subproc must be affine for `replace` (no j / NR).

        @proc
        def panel_ref(n: size, np: index, k: size, A: [f32][h, k] @ DRAM,
                      Bp: f32[NP, KC, NR] @ DRAM, C: [f32][h, n] @ DRAM):
            assert n <= NC
            assert np >= 0
            assert NR * np <= n
            assert n - NR * np < NR
            assert k <= KC
            assert stride(A, 1) == 1
            assert stride(C, 1) == 1
            for i in seq(0, h):
                for jo in seq(0, np):
                    for ji in seq(0, NR):
                        for kk in seq(0, k):
                            C[i, NR * jo + ji] += A[i, kk] * Bp[jo, kk, ji]
                for ji in seq(0, n - NR * np):
                    for kk in seq(0, k):
                        C[i, NR * np + ji] += A[i, kk] * Bp[np, kk, ji]

    else:

        @proc
        def panel_ref(n: size, k: size, A: [f32][h, k] @ DRAM, B: [f32][k, n] @ DRAM,
                      C: [f32][h, n] @ DRAM):
            assert n <= NC
            assert k <= KC
            assert stride(A, 1) == 1
            assert stride(B, 1) == 1
            assert stride(C, 1) == 1
            for i in seq(0, h):
                for j in seq(0, n):
                    for kk in seq(0, k):
                        C[i, j] += A[i, kk] * B[kk, j]

    return panel_ref


def _swap_in(p, site, ref, impl):
    """`site` (code equal to `ref`'s body) replaced by a call of `ref`, whose
    callee is then swapped for `impl`, a schedule of `ref`."""
    p = p.replace(ref, site)
    return p.call_eqv(impl, ref.name() + "(_)")


def make_panel(pfx, h, KC, NC, NR, VW, isa, pack_a, b_packed):
    """(reference, scheduled) h-row panel of one slice: the n columns cut into
    whole NR-wide tiles (the h x NR kernel), then at most one VW-wide tile (the
    h x VW kernel), then fewer than VW columns (the masked kernel). The kernels
    read A's rows as they are (broadcasting A[i, k]); with pack_a the h rows are
    first copied into a contiguous thread-local h x KC buffer (stage_mem +
    resize_dim), else read in place. (A row copy vectorises with both C
    compilers; a k-major copy is a transpose, which they turn into scalar or
    scatter stores: 5-10% slower at 1024-2048.)"""
    nm = f"{pfx}_panel_{h}" + ("_pa" if pack_a else "") + ("_pb" if b_packed else "")
    ref = _panel_ref(h, KC, NC, NR, b_packed).rename(nm + "_ref")
    p = ref.rename(nm)
    if not b_packed:
        p = p.split("j", NR, ["jo", "ji"], tail="cut")
    p = p.split(p.find_loop("ji", many=True)[1], VW, ["jt", "jv"], tail="cut")
    p = p.fission_after(p.find_loop("jo"), n_lifts=1)
    p = p.fission_after(p.find_loop("jt"), n_lifts=1)
    p = p.reorder(p.find_loop("i", many=True)[0], "jo")
    p = p.reorder(p.find_loop("i", many=True)[1], "jt")
    if pack_a:
        p = p.stage_mem(f"A[0:{h}, 0:k]", "Ap", p.find_loop("jo"), p.find_loop("i", many=True)[2])
        p = p.resize_dim("Ap", 1, KC, 0)
    for loop, w in [("jo", NR), ("jt", VW)]:
        uk, fast = make_ukernel(h, w, isa, a_rows=True)
        p = _swap_in(p, p.find_loop(loop).body()[0], uk, fast)
    # The last w < VW columns, if any: the masked kernel (w is a size, so the
    # call goes under `if w > 0`; the other branch runs no iteration).
    rest = p.find_loop("i")
    p = p.specialize(rest, [f"{rest.body()[0].hi()} > 0"])
    uk, fast = make_masked_ukernel(h, isa, a_rows=True)
    p = _swap_in(p, p.find_loop("i"), uk, fast)
    p = p.eliminate_dead_code(p.find_loop("jv"))
    p = p.delete_pass()
    if pack_a:
        p = p.set_memory("Ap", DRAM_TLS)
    return ref, p


def _cut_rows(p, MR, HEIGHTS):
    """The rows of `p` (reordered to rows outermost) cut into MR-row panels and a
    tail: exact-height panels (HEIGHTS None) or HEIGHTS pieces. Returns the proc
    and (height, loop pattern) per panel loop."""
    p = p.reorder("kk", "j").reorder("kk", "i").reorder("j", "i")
    p = p.split("i", MR, ["io", "ii"], tail="cut")
    panels = [(MR, "ii")]
    if HEIGHTS is None:
        tail = p.find_loop("ii #1")
        heights = range(MR - 1, 0, -1)
        p = p.specialize(tail, [f"{tail.hi()} == {t}" for t in heights])
        for n, t in enumerate(heights, 1):
            p = p.rewrite_expr(p.find_loop(f"ii #{n}").hi(), str(t))
            panels.append((t, f"ii #{n}"))
        # The last branch, a multiple of MR rows: no tail.
        p = p.eliminate_dead_code(p.find_loop(f"ii #{MR}"))
        p = p.delete_pass()
    else:
        tail = "ii #1"
        for h in HEIGHTS:
            p = p.split(p.find_loop(tail), h, [f"a{h}", f"r{h}"], tail="cut")
            tail = f"r{h} #1"
            panels.append((h, f"r{h}"))
    return p, panels


def _pack_b(p, KC, NC, NR):
    """B staged over the whole slice into Bp[NC / NR, KC, NR]: NR-wide k-major
    micro-panels, copied panel by panel (each row of a panel contiguous)."""
    first, last = p.find_loop("io"), p.body()[-1]
    p = p.stage_mem("B[0:k, 0:n]", "Bp", first, last)
    p = p.resize_dim("Bp", 1, NC, 0)
    p = p.resize_dim("Bp", 0, KC, 0)
    p = p.divide_dim("Bp", 1, NR)
    p = p.rearrange_dim("Bp", [1, 0, 2])
    p = p.split(p.find("Bp[_] = _").parent(), NR, ["bo", "bi"], tail="cut")
    p = p.fission_after(p.find_loop("bo"), n_lifts=1)
    p = p.reorder(p.find_loop("bo").parent(), "bo")
    # (simplify is slow here and does not use the loop ranges: each index is
    # rewritten to its simple form, which rewrite_expr checks.)
    for copy, outer in [(p.find("Bp[_] = _"), "bo"), (p.find("Bp[_] = _ #1"), f"n / {NR}")]:
        p = p.rewrite_expr(copy.idx()[0], outer)
        p = p.rewrite_expr(p.forward(copy).idx()[2], "bi")
    return p


def _as_packed_panel(p, loop, NR):
    """A panel loop reading Bp[j / NR, kk, j % NR], rewritten to the packed panel
    reference's form: whole NR-wide panels, then the last partial one."""
    p = p.split(loop.body()[0], NR, ["jo", "ji"], tail="cut")
    loop = p.forward(loop)
    whole = loop.body()[0].body()[0].body()[0].body()[0].rhs().rhs()
    part = loop.body()[1].body()[0].body()[0].rhs().rhs()
    for rd, outer in [(whole, "jo"), (part, f"n / {NR}")]:
        p = p.rewrite_expr(p.forward(rd).idx()[0], outer)
        p = p.rewrite_expr(p.forward(rd).idx()[2], "ji")
    return p.rewrite_expr(p.forward(loop).body()[1].hi(), f"n - {NR} * (n / {NR})")


def make_block(pfx, name, block_ref, MR, NR, VW, KC, NC, HEIGHTS, isa, pack_a, pack_b):
    """`block_ref` scheduled: rows cut into MR-row panels and a tail of fewer than
    MR rows; the tail cut into panels of HEIGHTS rows (a binary decomposition:
    each runs at most once) or, with HEIGHTS None, one panel of exactly the
    tail's height (specialized on it); with pack_b, B copied first into NR-wide
    k-major micro-panels (stage_mem + divide_dim + rearrange_dim); each panel a
    call of the panel proc of its height (`make_panel`)."""
    p, panels = _cut_rows(block_ref.rename(name), MR, HEIGHTS)
    if pack_b:
        p = _pack_b(p, KC, NC, NR)
    # (cursors taken before any panel is replaced: "ii #n" counts loops named ii)
    panels = [(h, p.find_loop(pattern)) for h, pattern in panels]
    for h, loop in panels:
        ref, fast = make_panel(pfx, h, KC, NC, NR, VW, isa, pack_a, pack_b)
        if pack_b:
            p = _as_packed_panel(p, p.forward(loop), NR)
        p = _swap_in(p, p.forward(loop), ref, fast)
    if pack_b:
        p = p.set_memory("Bp", DRAM_TLS)
    return p


# SGEMM_PAR's chunks of C: enough for the par runtime to balance two threads
# when one of them is slowed down (it hands out chunks dynamically), few enough
# that packing B again for each chunk of rows stays cheap (measured on 2 cores:
# 8 chunks cost up to 15% of an idle machine's speed at 512^3, 4 about 4%).
# EXO_SGEMM_PAR_CHUNKS overrides it.
PAR_CHUNKS = int(os.environ.get("EXO_SGEMM_PAR_CHUNKS", "4"))


def make_sgemm(name, isa, MR, NR, KC, NC, WIDE_M, HEIGHTS):
    """SGEMM `name` and `name`_PAR: MR x NR micro-kernel of `isa`, B packed in
    KC x NC slices. Slices with N <= NR pack nothing, with M <= WIDE_M only A.
    A tail of t < MR rows runs one panel of exactly t rows when M <= WIDE_M
    (few rows: each panel reads all of B from memory), else panels of HEIGHTS
    rows (powers of two: fewer schedules to build)."""
    VW = ISAS[isa]["VW"]
    PAR_MIN = 64
    pfx = name.lower()
    block_n_ref, block_ref = _block_refs(KC, NC, pfx)
    narrow = make_block(pfx, f"{pfx}_narrow", block_ref, MR, NR, VW, KC, NC, HEIGHTS, isa, False, False)
    wide = make_block(pfx, f"{pfx}_wide", block_ref, MR, NR, VW, KC, NC, None, isa, True, False)
    packed = make_block(pfx, f"{pfx}_packed", block_ref, MR, NR, VW, KC, NC, HEIGHTS, isa, True, True)

    # One KC slice of one NC column block: the three cases by specialize, each
    # the plain loop nest (replaced by a call of `block_ref`) swapped for its
    # schedule.
    block = block_ref.rename(f"{pfx}_block")
    block = block.specialize(block.find_loop("kk"), [f"n <= {NR}", f"M <= {WIDE_M}"])
    for impl in (narrow, wide, packed):
        block = _swap_in(block, block.find_loop("kk"), block_ref, impl)

    # One NC column block, all of K: K cut into KC slices, each a `block_ref`.
    bn = block_n_ref.rename(f"{pfx}_block_n")
    bn = bn.reorder("i", "k").reorder("j", "k")
    bn = bn.split("k", KC, ["kc", "kk"], tail="cut_and_guard")
    for _ in range(2):  # the whole slices, then the tail slice
        bn = _swap_in(bn, "for kk in _: _", block_ref, block)
    # The whole problem (on windows, so that SGEMM_PAR can hand each thread a
    # part): N cut into NC column blocks, each a `block_n_ref`.
    win = sgemm_win_spec.rename(f"{pfx}_seq")
    win = win.reorder("i", "j")
    win = win.split("j", NC, ["jc", "jj"], tail="cut_and_guard")
    for _ in range(2):
        win = _swap_in(win, "for jj in _: _", block_n_ref, bn)

    @proc
    def top(M: size, N: size, K: size, A: f32[M, K] @ DRAM, B: f32[K, N] @ DRAM, C: f32[M, N] @ DRAM):
        win(M, N, K, A, B, C)

    CH = PAR_CHUNKS
    RQ, CQ = CH * MR, CH * NR  # rows / columns per chunk = M / RQ * MR, N / CQ * NR
    _ = (PAR_MIN, CH, RQ, CQ)  # @proc free names

    @proc
    def par_top(M: size, N: size, K: size, A: f32[M, K] @ DRAM, B: f32[K, N] @ DRAM, C: f32[M, N] @ DRAM):
        # C cut into CH chunks of whole tiles, the rows (or, when N > M, the
        # columns), each the single-threaded SGEMM on its part, packing into
        # the running thread's own buffers. The par loop's chunks go to
        # whichever thread is free: a thread slowed by another process's load
        # does fewer. (A chunk is empty when the problem has fewer tiles.)
        if M <= PAR_MIN and N <= PAR_MIN:  # too little work for two threads
            win(M, N, K, A, B, C)
        else:
            if M >= N:
                for h in par(0, CH):
                    with python:
                        for c in range(CH - 1):
                            with exo:
                                if h == {c}:
                                    if {c} * M / RQ * MR < ({c} + 1) * M / RQ * MR:
                                        win(({c} + 1) * M / RQ * MR - {c} * M / RQ * MR, N, K,
                                            A[{c} * M / RQ * MR:({c} + 1) * M / RQ * MR, :], B,
                                            C[{c} * M / RQ * MR:({c} + 1) * M / RQ * MR, :])
                    if h == CH - 1:
                        win(M - (CH - 1) * M / RQ * MR, N, K, A[(CH - 1) * M / RQ * MR:M, :], B,
                            C[(CH - 1) * M / RQ * MR:M, :])
            else:
                for h in par(0, CH):
                    with python:
                        for c in range(CH - 1):
                            with exo:
                                if h == {c}:
                                    if {c} * N / CQ * NR < ({c} + 1) * N / CQ * NR:
                                        win(M, ({c} + 1) * N / CQ * NR - {c} * N / CQ * NR, K, A,
                                            B[:, {c} * N / CQ * NR:({c} + 1) * N / CQ * NR],
                                            C[:, {c} * N / CQ * NR:({c} + 1) * N / CQ * NR])
                    if h == CH - 1:
                        win(M, N - (CH - 1) * N / CQ * NR, K, A, B[:, (CH - 1) * N / CQ * NR:N],
                            C[:, (CH - 1) * N / CQ * NR:N])

    return {name: top.rename(name), name + "_PAR": par_top.rename(name + "_PAR")}


@proc
def sgemm_spec(M: size, N: size, K: size, A: f32[M, K] @ DRAM, B: f32[K, N] @ DRAM, C: f32[M, N] @ DRAM):
    # What every SGEMM_* computes.
    for i in seq(0, M):
        for j in seq(0, N):
            for k in seq(0, K):
                C[i, j] += A[i, k] * B[k, j]


@proc
def sgemm_win_spec(M: size, N: size, K: size, A: [f32][M, K] @ DRAM, B: [f32][K, N] @ DRAM,
                   C: [f32][M, N] @ DRAM):
    # sgemm_spec on windows with contiguous rows.
    assert stride(A, 1) == 1
    assert stride(B, 1) == 1
    assert stride(C, 1) == 1
    for i in seq(0, M):
        for j in seq(0, N):
            for k in seq(0, K):
                C[i, j] += A[i, k] * B[k, j]


def _block_refs(KC, NC, pfx):
    """The plain loop nests the driver levels stand for: one NC column block
    over all of K, and one KC slice of it."""

    @proc
    def block_n_ref(M: size, n: size, K: size, A: [f32][M, K] @ DRAM, B: [f32][K, n] @ DRAM,
                    C: [f32][M, n] @ DRAM):
        assert n <= NC
        assert stride(A, 1) == 1
        assert stride(B, 1) == 1
        assert stride(C, 1) == 1
        for j in seq(0, n):
            for i in seq(0, M):
                for k in seq(0, K):
                    C[i, j] += A[i, k] * B[k, j]

    @proc
    def block_ref(M: size, n: size, k: size, A: [f32][M, k] @ DRAM, B: [f32][k, n] @ DRAM,
                  C: [f32][M, n] @ DRAM):
        assert n <= NC
        assert k <= KC
        assert stride(A, 1) == 1
        assert stride(B, 1) == 1
        assert stride(C, 1) == 1
        for kk in seq(0, k):
            for j in seq(0, n):
                for i in seq(0, M):
                    C[i, j] += A[i, kk] * B[kk, j]

    return block_n_ref.rename(f"{pfx}_block_n_ref"), block_ref.rename(f"{pfx}_block_ref")


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


ISA = _generation_isa()

# Blocks: a KC x MR panel of A (12 KB) stays in L1 across a row of tiles, the
# KC x NC B block (512 KB) in the 1 MB L2.
_AVX2 = make_sgemm("SGEMM_AVX2", "avx2", 6, 16, 256, 512, 24, (4, 2, 1))
SGEMM_AVX2 = _AVX2["SGEMM_AVX2"]
SGEMM_AVX2_PAR = _AVX2["SGEMM_AVX2_PAR"]
_single, _par = SGEMM_AVX2, SGEMM_AVX2_PAR
_exported_variants = ["SGEMM_AVX2", "SGEMM_AVX2_PAR"]

# The AVX-512 variant only when generating for AVX-512: its C needs -mavx512f,
# and a file compiled with it may use AVX-512 anywhere (gcc vectorises the
# plain loops with it too), so a library for an AVX2-only CPU must not hold it.
if ISA == "avx512":
    _AVX512 = make_sgemm("SGEMM_AVX512", "avx512", 12, 32, 256, 512, 48, (8, 4, 2, 1))
    SGEMM_AVX512 = _AVX512["SGEMM_AVX512"]
    SGEMM_AVX512_PAR = _AVX512["SGEMM_AVX512_PAR"]
    _single, _par = SGEMM_AVX512, SGEMM_AVX512_PAR
    _exported_variants += ["SGEMM_AVX512", "SGEMM_AVX512_PAR"]


@proc
def SGEMM(M: size, N: size, K: size, A: f32[M, K] @ DRAM, B: f32[K, N] @ DRAM, C: f32[M, N] @ DRAM):
    _single(M, N, K, A, B, C)


@proc
def SGEMM_PAR(M: size, N: size, K: size, A: f32[M, K] @ DRAM, B: f32[K, N] @ DRAM, C: f32[M, N] @ DRAM):
    _par(M, N, K, A, B, C)


__all__ = ["SGEMM", "SGEMM_PAR", *_exported_variants]
