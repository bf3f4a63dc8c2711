"""SGEMM for x86: C += A * B, row-major and contiguous (A: M x K, B: K x N,
C: M x N), for any M, N, K >= 1.

    exocc -o OUT --stem sgemm apps/x86/sgemm/sgemm.py

exports
    SGEMM(ctxt, M, N, K, A, B, C)         single-threaded, the ISA picked at generation
    SGEMM_PAR(ctxt, M, N, K, A, B, C)     multithreaded (OpenMP; compile with -fopenmp)
    SGEMM_AVX2, SGEMM_AVX512 (+ _PAR)     each variant explicitly

The ISA of SGEMM / SGEMM_PAR is AVX-512 when the generating machine's
/proc/cpuinfo lists avx512f, else AVX2; EXO_SGEMM_ISA=avx2|avx512 overrides.

Structure (BLIS; details in README.md): N is cut into NC column blocks and K
into KC slices (both scheduled from the plain triple loop `sgemm_win_spec`);
each KC x NC slice packs B into NR-wide k-major micro-panels and, per MC row
block, A into MR-high k-major micro-panels, then runs one micro-kernel per
MR x NR tile of C. *_PAR opens one parallel region: two halves of C, each the
single-threaded code on one thread with its own (thread-local) buffers. Panels are zero-padded, so edge tiles run
the smallest of the 3 x 2 kernel shapes that covers them, into a local tile
whose valid part is then added to C. Skinny slices skip the packing that cannot
pay off: N <= NR uses A's rows in place, M <= WIDE_M uses B's rows in place.
"""

from __future__ import annotations

import os
import sys

from exo import DRAM, proc
from exo.memory import DRAM_STACK, Memory

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ukernels import ISAS, make_ukernel, schedule_ukernel  # noqa: E402


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


def row_ukernel(MR, NR, isa):
    """(reference, scheduled) micro-kernel like ukernels.make_ukernel's, but with
    A row-major ([MR, K]: rows of the caller's A used in place) instead of a
    k-major packed panel; the schedule is the same."""
    cfg = ISAS[isa]
    name = f"ukernel_{isa}_{MR}x{NR}_rows"

    @proc
    def ukernel(K: size, A: [f32][MR, K] @ DRAM, B: [f32][K, NR] @ DRAM, C: [f32][MR, NR] @ DRAM):
        assert stride(A, 1) == 1
        assert stride(B, 1) == 1
        assert stride(C, 1) == 1
        for i in seq(0, MR):
            for j in seq(0, NR):
                for k in seq(0, K):
                    C[i, j] += A[i, k] * B[k, j]

    ref = ukernel.rename(name + "_ref")
    return ref, schedule_ukernel(ref.rename(name), MR, NR, a_expr="A[i, k]", **cfg)


def tile_proc(pfx, MR, NR, MRt, NRt, isa, a_rows=False):
    """C[0:t, 0:w] += A^T B for t <= MRt, w <= NRt with the MRt x NRt kernel:
    straight into C when the tile is whole, else into a zeroed local tile whose
    valid part is then added to C (the panels are zero-padded, so the kernel
    reads only initialised data)."""
    uk, fast = row_ukernel(MRt, NRt, isa) if a_rows else make_ukernel(MRt, NRt, isa)
    if a_rows:

        @proc
        def tile(t: size, w: size, k: size, A: [f32][MR, k] @ DRAM, B: [f32][k, NR] @ DRAM,
                 C: [f32][t, w] @ DRAM):
            assert t == MRt
            assert w <= NRt
            assert stride(A, 1) == 1
            assert stride(B, 1) == 1
            assert stride(C, 1) == 1
            if w == NRt:
                uk(k, A[0:MRt, :], B[:, 0:NRt], C[0:MRt, 0:NRt])
            else:
                Ct: f32[MRt, NRt] @ DRAM_STACK
                for i in seq(0, MRt):
                    for j in seq(0, NRt):
                        Ct[i, j] = 0.0
                uk(k, A[0:MRt, :], B[:, 0:NRt], Ct)
                for i in seq(0, t):
                    for j in seq(0, w):
                        C[i, j] += Ct[i, j]

    else:

        @proc
        def tile(t: size, w: size, k: size, A: [f32][k, MR] @ DRAM, B: [f32][k, NR] @ DRAM,
                 C: [f32][t, w] @ DRAM):
            assert t <= MRt
            assert w <= NRt
            assert stride(A, 1) == 1
            assert stride(B, 1) == 1
            assert stride(C, 1) == 1
            if t == MRt and w == NRt:
                uk(k, A[:, 0:MRt], B[:, 0:NRt], C[0:MRt, 0:NRt])
            else:
                Ct: f32[MRt, NRt] @ DRAM_STACK
                for i in seq(0, MRt):
                    for j in seq(0, NRt):
                        Ct[i, j] = 0.0
                uk(k, A[:, 0:MRt], B[:, 0:NRt], Ct)
                for i in seq(0, t):
                    for j in seq(0, w):
                        C[i, j] += Ct[i, j]

    tile = tile.rename(f"{pfx}_tile_{MRt}x{NRt}" + ("_rows" if a_rows else ""))
    for _ in range(2):
        tile = tile.call_eqv(fast, f"{uk.name()}(_)")
    return tile, uk, fast


def make_sgemm(name, isa, MR, NR, MC, KC, NC, WIDE_M, ROWS, COLS):
    """SGEMM `name` and `name`_PAR: MR x NR micro-kernel of `isa`, blocks MC x KC
    (packed A) and KC x NC (packed B). An edge tile of t x w runs the kernel of
    ROWS[r] x COLS[c] rows and columns, the smallest that covers it (ROWS: three
    row counts up to MR, COLS: two column counts up to NR). Problems with
    M <= WIDE_M use B in place (no B packing); with N <= NR, A in place."""
    assert MC % MR == 0 and NC % NR == 0 and ROWS[2] == MR and COLS[1] == NR
    MP, NP = MC // MR, NC // NR
    MR2 = 2 * MR
    PAR_MIN = 64
    (M1, M2, _), (N1, _) = ROWS, COLS
    pfx = name.lower()
    block_n_ref, block_ref = _block_refs(KC, NC, pfx)
    tiles = {}

    def tile(MRt, NRt, a_rows=False):
        key = (MRt, NRt, a_rows)
        if key not in tiles:
            tiles[key] = tile_proc(pfx, MR, NR, MRt, NRt, isa, a_rows)
        return tiles[key][0]

    t11, t21, t31 = (tile(r, N1) for r in ROWS)
    t12, t22, t32 = (tile(r, NR) for r in ROWS)
    r1, r2 = tile(MR, N1, True), tile(MR, NR, True)
    _, uk, fast = tiles[(MR, NR, False)]

    @proc
    def edge(t: size, w: size, k: size, A: [f32][k, MR] @ DRAM, B: [f32][k, NR] @ DRAM,
             C: [f32][t, w] @ DRAM):
        # One tile of t x w (1 <= t <= MR, 1 <= w <= NR) by the smallest kernel covering it.
        assert t <= MR
        assert w <= NR
        assert stride(A, 1) == 1
        assert stride(B, 1) == 1
        assert stride(C, 1) == 1
        if w <= N1:
            if t <= M1:
                t11(t, w, k, A, B, C)
            else:
                if t <= M2:
                    t21(t, w, k, A, B, C)
                else:
                    t31(t, w, k, A, B, C)
        else:
            if t <= M1:
                t12(t, w, k, A, B, C)
            else:
                if t <= M2:
                    t22(t, w, k, A, B, C)
                else:
                    t32(t, w, k, A, B, C)

    edge = edge.rename(f"{pfx}_edge")

    @proc
    def row_tile(w: size, k: size, A: [f32][MR, k] @ DRAM, B: [f32][k, NR] @ DRAM, C: [f32][MR, w] @ DRAM):
        # MR rows of A used in place, w <= NR columns.
        assert w <= NR
        assert stride(A, 1) == 1
        assert stride(B, 1) == 1
        assert stride(C, 1) == 1
        if w <= N1:
            r1(MR, w, k, A, B, C)
        else:
            r2(MR, w, k, A, B, C)

    row_tile = row_tile.rename(f"{pfx}_row_tile")

    @proc
    def pack_a(m: size, k: size, A: [f32][m, k] @ DRAM, Ap: f32[MP, KC, MR] @ DRAM):
        # Ap[ir, kk, i] = A[ir * MR + i, kk], rows past m zero.
        assert m <= MC
        assert k <= KC
        assert stride(A, 1) == 1
        for ir in seq(0, (m + MR - 1) / MR):
            if ir * MR + MR <= m:
                # 16 columns of the MR rows at a time: each row's 64 bytes are
                # read whole, and the stores stay within a few cache lines
                # (rows by columns, the compilers emit 12 scalar transposes).
                for ko in seq(0, k / 16):
                    for i in seq(0, MR):
                        for ki in seq(0, 16):
                            Ap[ir, 16 * ko + ki, i] = A[ir * MR + i, 16 * ko + ki]
                for i in seq(0, MR):
                    for kk in seq(0, k % 16):
                        Ap[ir, k / 16 * 16 + kk, i] = A[ir * MR + i, k / 16 * 16 + kk]
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
        # C[0:m, 0:n] += packed A block * packed B block, tile by tile.
        assert m <= MC
        assert n <= NC
        assert k <= KC
        assert stride(C, 1) == 1
        for ir in seq(0, (m + MR - 1) / MR):
            for jr in seq(0, (n + NR - 1) / NR):
                if ir * MR + MR <= m and jr * NR + NR <= n:
                    uk(k, Ap[ir, 0:k, :], Bp[jr, 0:k, :], C[ir * MR:ir * MR + MR, jr * NR:jr * NR + NR])
                else:
                    if ir * MR + MR <= m:
                        edge(MR, n - jr * NR, k, Ap[ir, 0:k, :], Bp[jr, 0:k, :],
                             C[ir * MR:ir * MR + MR, jr * NR:n])
                    else:
                        if jr * NR + NR <= n:
                            edge(m - ir * MR, NR, k, Ap[ir, 0:k, :], Bp[jr, 0:k, :],
                                 C[ir * MR:m, jr * NR:jr * NR + NR])
                        else:
                            edge(m - ir * MR, n - jr * NR, k, Ap[ir, 0:k, :], Bp[jr, 0:k, :],
                                 C[ir * MR:m, jr * NR:n])

    gebp = gebp.rename(f"{pfx}_gebp").call_eqv(fast, f"{uk.name()}(_)")

    @proc
    def wide(m: size, n: size, k: size, Ap: f32[MP, KC, MR] @ DRAM, B: [f32][k, n] @ DRAM,
             Bp: f32[NP, KC, NR] @ DRAM, C: [f32][m, n] @ DRAM):
        # Few rows: B's whole panels are used in place, only its last partial panel is packed.
        assert m <= MC
        assert n <= NC
        assert k <= KC
        assert stride(B, 1) == 1
        assert stride(C, 1) == 1
        for jr in seq(0, n / NR):
            for ir in seq(0, (m + MR - 1) / MR):
                if ir * MR + MR <= m:
                    uk(k, Ap[ir, 0:k, :], B[:, jr * NR:jr * NR + NR],
                       C[ir * MR:ir * MR + MR, jr * NR:jr * NR + NR])
                else:
                    edge(m - ir * MR, NR, k, Ap[ir, 0:k, :], B[:, jr * NR:jr * NR + NR],
                         C[ir * MR:m, jr * NR:jr * NR + NR])
        if n % NR > 0:
            pack_b(k, n % NR, B[:, n - n % NR:n], Bp)
            for ir in seq(0, (m + MR - 1) / MR):
                if ir * MR + MR <= m:
                    edge(MR, n % NR, k, Ap[ir, 0:k, :], Bp[0, 0:k, :], C[ir * MR:ir * MR + MR, n - n % NR:n])
                else:
                    edge(m - ir * MR, n % NR, k, Ap[ir, 0:k, :], Bp[0, 0:k, :], C[ir * MR:m, n - n % NR:n])

    wide = wide.rename(f"{pfx}_wide").call_eqv(fast, f"{uk.name()}(_)")

    @proc
    def narrow(M: size, n: size, k: size, A: [f32][M, k] @ DRAM, Ap: f32[MP, KC, MR] @ DRAM,
               Bp: f32[NP, KC, NR] @ DRAM, C: [f32][M, n] @ DRAM):
        # One panel of columns: A's whole row tiles are used in place, only its last
        # partial tile is packed.
        assert n <= NR
        assert k <= KC
        assert stride(A, 1) == 1
        assert stride(C, 1) == 1
        for ir in seq(0, M / MR):
            row_tile(n, k, A[ir * MR:ir * MR + MR, :], Bp[0, 0:k, :], C[ir * MR:ir * MR + MR, :])
        if M % MR > 0:
            pack_a(M % MR, k, A[M - M % MR:M, :], Ap)
            edge(M % MR, n, k, Ap[0, 0:k, :], Bp[0, 0:k, :], C[M - M % MR:M, :])

    narrow = narrow.rename(f"{pfx}_narrow")

    @proc
    def packed_seq(M: size, n: size, k: size, A: [f32][M, k] @ DRAM, Bp: f32[NP, KC, NR] @ DRAM,
               C: [f32][M, n] @ DRAM):
        assert n <= NC
        assert k <= KC
        assert stride(A, 1) == 1
        assert stride(C, 1) == 1
        Ap: f32[MP, KC, MR] @ DRAM_TLS
        for ic in seq(0, (M + MC - 1) / MC):
            if ic * MC + MC <= M:
                pack_a(MC, k, A[ic * MC:ic * MC + MC, :], Ap)
                gebp(MC, n, k, Ap, Bp, C[ic * MC:ic * MC + MC, :])
            else:
                pack_a(M - ic * MC, k, A[ic * MC:M, :], Ap)
                gebp(M - ic * MC, n, k, Ap, Bp, C[ic * MC:M, :])

    packed_seq = packed_seq.rename(f"{pfx}_packed")

    @proc
    def block(M: size, n: size, k: size, A: [f32][M, k] @ DRAM, B: [f32][k, n] @ DRAM,
              C: [f32][M, n] @ DRAM):
        # One KC slice of one NC column block: C[:, n] += A[:, k] * B[k, n].
        assert n <= NC
        assert k <= KC
        assert stride(A, 1) == 1
        assert stride(B, 1) == 1
        assert stride(C, 1) == 1
        Bp: f32[NP, KC, NR] @ DRAM_TLS
        Ap: f32[MP, KC, MR] @ DRAM_TLS
        if n > 0 and k > 0:  # the tail slices of the cut loops may be empty
            if n <= NR:
                pack_b(k, n, B, Bp)
                narrow(M, n, k, A, Ap, Bp, C)
            else:
                if M <= WIDE_M:
                    pack_a(M, k, A, Ap)
                    wide(M, n, k, Ap, B, Bp, C)
                else:
                    pack_b(k, n, B, Bp)
                    packed_seq(M, n, k, A, Bp, C)

    # Not derivable with the primitives (padded edge tiles compute values
    # that are then dropped): its equivalence to the plain loop nest is
    # asserted, and checked by tests/python/test_sgemm_app.py.
    block = block.rename(f"{pfx}_block")
    block_ref.unsafe_assert_eq(block)

    # One NC column block, all of K: K cut into KC slices, each a `block_ref`.
    bn = block_n_ref.rename(f"{pfx}_block_n")
    bn = bn.reorder("i", "k").reorder("j", "k")
    bn = bn.split("k", KC, ["kc", "kk"], tail="cut_and_guard")
    for _ in range(2):  # the whole slices, then the tail slice
        bn = bn.replace(block_ref, "for kk in _: _")
        bn = bn.call_eqv(block, f"{block_ref.name()}(_)")
    # The whole problem (on windows, so that SGEMM_PAR can hand each thread a
    # part): N cut into NC column blocks, each a `block_n_ref`.
    win = sgemm_win_spec.rename(f"{pfx}_seq")
    win = win.reorder("i", "j")
    win = win.split("j", NC, ["jc", "jj"], tail="cut_and_guard")
    for _ in range(2):
        win = win.replace(block_n_ref, "for jj in _: _")
        win = win.call_eqv(bn, f"{block_n_ref.name()}(_)")

    @proc
    def top(M: size, N: size, K: size, A: f32[M, K] @ DRAM, B: f32[K, N] @ DRAM, C: f32[M, N] @ DRAM):
        win(M, N, K, A, B, C)

    NR2 = 2 * NR
    _ = (MR2, NR2, PAR_MIN)  # @proc free names

    @proc
    def par_top(M: size, N: size, K: size, A: f32[M, K] @ DRAM, B: f32[K, N] @ DRAM, C: f32[M, N] @ DRAM):
        # One parallel region per call: the rows (or, when N > M, the columns) of
        # C in two halves of whole tiles, each half the single-threaded SGEMM on
        # one thread, which packs its own A and B into its thread-local buffers.
        if M <= PAR_MIN and N <= PAR_MIN:  # too little work for two threads
            win(M, N, K, A, B, C)
        else:
            if M >= N and M > MR2:
                for h in par(0, 2):
                    if h == 0:
                        win((M + MR2 - 1) / MR2 * MR, N, K, A[0:(M + MR2 - 1) / MR2 * MR, :], B,
                            C[0:(M + MR2 - 1) / MR2 * MR, :])
                    else:
                        win(M - (M + MR2 - 1) / MR2 * MR, N, K, A[(M + MR2 - 1) / MR2 * MR:M, :], B,
                            C[(M + MR2 - 1) / MR2 * MR:M, :])
            else:
                if N > NR2:
                    for h in par(0, 2):
                        if h == 0:
                            win(M, (N + NR2 - 1) / NR2 * NR, K, A, B[:, 0:(N + NR2 - 1) / NR2 * NR],
                                C[:, 0:(N + NR2 - 1) / NR2 * NR])
                        else:
                            win(M, N - (N + NR2 - 1) / NR2 * NR, K, A, B[:, (N + NR2 - 1) / NR2 * NR:N],
                                C[:, (N + NR2 - 1) / NR2 * NR:N])
                else:
                    win(M, N, K, A, B, C)

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


# Blocks: KC x NR of B (32 KB) stays in L1 during a micro-kernel, the MC x KC
# A block (144 KB) and KC x NC B block (512 KB) together in the 1 MB L2.
_AVX512 = make_sgemm("SGEMM_AVX512", "avx512", 12, 32, 144, 256, 512, 48, (4, 8, 12), (16, 32))
_AVX2 = make_sgemm("SGEMM_AVX2", "avx2", 6, 16, 144, 256, 512, 24, (2, 4, 6), (8, 16))

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
