"""3x3 box blur of a 16-bit image (Halide's classic pipeline): a horizontal
pass then a vertical one, each dividing a sum of three pixels by 3. The sums
are exact (C adds 16-bit values in int; they reach 196605), and so is the
schedule: its vector instruction never keeps a sum in a 16-bit lane.
Needs AVX-512 F and BW.

    exocc -o OUT --stem blur apps/x86/halide/blur.py

exports
    blur_base(ctxt, W, H, blur_y, inp)      the algorithm as written
    blur(ctxt, W, H, blur_y, inp)           scheduled for AVX-512, in parallel
"""
from __future__ import annotations

from exo import *
from exo.libs.memories import DRAM_STACK
from exo.platforms.x86 import AVX512
from exo.stdlib.scheduling import *
from exo.stdlib.stdlib import is_add, is_div, is_literal, vectorize

ROWS, COLS, LANES = 32, 256, 32  # a tile of blur_y; 16-bit lanes of a zmm register


# The AVX-512 operations on 32 lanes of 16 bits the schedule uses, described
# here beside it (the x86 library has the AVX2 ones).
@instr("{dst_data} = _mm512_loadu_si512((const void *) &{src_data});")
def mm512_loadu_ui16(dst: [ui16][32] @ AVX512, src: [ui16][32] @ DRAM):
    assert stride(src, 0) == 1
    assert stride(dst, 0) == 1
    for i in seq(0, 32):
        dst[i] = src[i]


@instr("_mm512_storeu_si512((void *) &{dst_data}, {src_data});")
def mm512_storeu_ui16(dst: [ui16][32] @ DRAM, src: [ui16][32] @ AVX512):
    assert stride(src, 0) == 1
    assert stride(dst, 0) == 1
    for i in seq(0, 32):
        dst[i] = src[i]


# floor((x + y + z) / 3), exactly, in 16-bit lanes: the sum, up to 196605,
# is 65536 * h + u with h the carries of the two additions; as
# 65536 = 3 * 21845 + 1, the quotient is 21845 * h + u / 3 + (u % 3 + h >= 3).
@instr(
    """{{
    __m512i t = _mm512_add_epi16({x_data}, {y_data});
    __mmask32 c1 = _mm512_cmplt_epu16_mask(t, {x_data});
    __m512i u = _mm512_add_epi16(t, {z_data});
    __mmask32 c2 = _mm512_cmplt_epu16_mask(u, t);
    __m512i q = _mm512_srli_epi16(_mm512_mulhi_epu16(u, _mm512_set1_epi16((short) 43691)), 1);
    __m512i r = _mm512_sub_epi16(u, _mm512_mullo_epi16(q, _mm512_set1_epi16(3)));
    const __m512i one = _mm512_set1_epi16(1), third = _mm512_set1_epi16(21845);
    r = _mm512_mask_add_epi16(r, c1, r, one);
    r = _mm512_mask_add_epi16(r, c2, r, one);
    q = _mm512_mask_add_epi16(q, c1, q, third);
    q = _mm512_mask_add_epi16(q, c2, q, third);
    {out_data} = _mm512_mask_add_epi16(q, _mm512_cmpge_epu16_mask(r, _mm512_set1_epi16(3)), q, one);
}}"""
)
def mm512_avg3_ui16(out: [ui16][32] @ AVX512, x: [ui16][32] @ AVX512, y: [ui16][32] @ AVX512,
                    z: [ui16][32] @ AVX512):
    assert stride(out, 0) == 1
    assert stride(x, 0) == 1
    assert stride(y, 0) == 1
    assert stride(z, 0) == 1
    for i in seq(0, 32):
        out[i] = (x[i] + y[i] + z[i]) / 3.0


AVX512_UI16 = [mm512_loadu_ui16, mm512_storeu_ui16, mm512_avg3_ui16]


def three_terms(proc, expr):
    """Stage `(a + b + c) / 3` as a, b and c: the sum never goes through a
    16-bit register (it may exceed 65535)."""
    expr = proc.forward(expr)
    if is_div(proc, expr) and is_literal(proc, expr.rhs(), value=3):
        total = expr.lhs()
        if is_add(proc, total) and is_add(proc, total.lhs()):
            return [total.lhs().lhs(), total.lhs().rhs(), total.rhs()]


@proc
def blur_base(W: size, H: size, blur_y: ui16[H, W], inp: ui16[H + 2, W + 2]):
    assert H % 32 == 0
    assert W % 256 == 0
    blur_x: ui16[H + 2, W]
    for y in seq(0, H + 2):
        for x in seq(0, W):
            blur_x[y, x] = (inp[y, x] + inp[y, x + 1] + inp[y, x + 2]) / 3.0
    for y in seq(0, H):
        for x in seq(0, W):
            blur_y[y, x] = (blur_x[y, x] + blur_x[y + 1, x] + blur_x[y + 2, x]) / 3.0


def schedule_blur(p):
    """Halide's tiled blur: blur_y in ROWS x COLS tiles, each computing the
    ROWS + 2 rows of blur_x it needs (two rows recomputed per tile) into a
    tile-sized buffer; strips of tiles in parallel; both stages vectorized."""
    # blur_x: strips of ROWS + 2 rows starting every ROWS rows (the overlap
    # is recomputed); blur_y: strips of ROWS rows.
    p = divide_with_recompute(p, p.find_loop("y"), f"H / {ROWS}", ROWS, ["yo", "yi"])
    p = divide_loop(p, p.find_loop("y"), ROWS, ["yo", "yi"], perfect=True)
    p = fuse(p, p.find_loop("yo"), p.find_loop("yo #1"))
    # Within a strip, both stages by COLS-wide columns, fused in turn.
    for k in (0, 1):
        p = divide_loop(p, p.find_loop("x"), COLS, ["xo", "xi"], perfect=True)
        p = reorder_loops(p, p.find_loop(f"yi #{k}"))
    p = fuse(p, p.find_loop("xo"), p.find_loop("xo #1"))
    # blur_x lives in the tile: ROWS + 2 rows of COLS columns, on the stack.
    p = sink_alloc(p, "blur_x : _")
    p = sink_alloc(p, "blur_x : _")
    p = resize_dim(p, "blur_x : _", 0, ROWS + 2, f"{ROWS} * yo")
    p = resize_dim(p, "blur_x : _", 1, COLS, f"{COLS} * xo")
    p = set_memory(p, "blur_x : _", DRAM_STACK)
    for k in (0, 1):
        p = vectorize(p, p.find_loop("xi"), LANES, "ui16", AVX512, AVX512_UI16,
                      rules=[three_terms], tail="perfect")
    p = parallelize_loop(p, p.find_loop("yo"))
    return simplify(p)


blur = rename(schedule_blur(blur_base), "blur")
