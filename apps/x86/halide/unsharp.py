"""Unsharp mask of a 3-channel float image (Halide's unsharp pipeline): gray
image, separable 7-tap Gaussian blur (vertical then horizontal), sharpened
gray, and each channel scaled by sharpened / gray.

    exocc -o OUT --stem unsharp apps/x86/halide/unsharp.py

exports
    unsharp_base(ctxt, W, H, output, input)   the algorithm as written
    unsharp(ctxt, W, H, output, input)        strips in parallel, rows fused, AVX-512
"""
from __future__ import annotations

from math import exp, pi, sqrt

from exo import *
from exo.API_cursors import AllocCursor, InvalidCursor
from exo.libs.memories import DRAM_STACK
from exo.platforms.x86 import (
    AVX512,
    mm512_add_ps,
    mm512_div_ps,
    mm512_loadu_ps,
    mm512_mul_ps,
    mm512_set1_ps,
    mm512_storeu_ps,
    mm512_sub_ps,
)
from exo.stdlib.scheduling import *
from exo.stdlib.stdlib import vectorize

ROWS = 32  # output rows per strip (a parallel task)
LANES = 16  # f32 lanes of a zmm register
AVX512_F32 = [mm512_loadu_ps, mm512_storeu_ps, mm512_add_ps, mm512_sub_ps, mm512_mul_ps, mm512_div_ps,
              mm512_set1_ps]
SIGMA = 1.5
k0, k1, k2, k3 = [exp(-x * x / (2 * SIGMA**2)) / (sqrt(2 * pi) * SIGMA) for x in range(4)]
r_to_gray, g_to_gray, b_to_gray = 0.299, 0.587, 0.114


@proc
def unsharp_base(W: size, H: size, output: f32[3, H, W], input: f32[3, H + 6, W + 6]):
    assert H % 32 == 0
    assert W % 8 == 0
    gray: f32[H + 6, W + 6]
    for y in seq(0, H + 6):
        for x in seq(0, W + 6):
            gray[y, x] = (
                r_to_gray * input[0, y, x]
                + g_to_gray * input[1, y, x]
                + b_to_gray * input[2, y, x]
            )
    blur_y: f32[H, W + 6]
    for y in seq(0, H):
        for x in seq(0, W + 6):
            blur_y[y, x] = (
                k0 * gray[y + 3, x]
                + k1 * (gray[y + 2, x] + gray[y + 4, x])
                + k2 * (gray[y + 1, x] + gray[y + 5, x])
                + k3 * (gray[y, x] + gray[y + 6, x])
            )
    blur_x: f32[H, W]
    for y in seq(0, H):
        for x in seq(0, W):
            blur_x[y, x] = (
                k0 * blur_y[y, x + 3]
                + k1 * (blur_y[y, x + 2] + blur_y[y, x + 4])
                + k2 * (blur_y[y, x + 1] + blur_y[y, x + 5])
                + k3 * (blur_y[y, x] + blur_y[y, x + 6])
            )
    sharpen: f32[H, W]
    for y in seq(0, H):
        for x in seq(0, W):
            sharpen[y, x] = 2.0 * gray[y + 3, x + 3] - blur_x[y, x]
    ratio: f32[H, W]
    for y in seq(0, H):
        for x in seq(0, W):
            ratio[y, x] = sharpen[y, x] / gray[y + 3, x + 3]
    for y in seq(0, H):
        for c in seq(0, 3):
            for x in seq(0, W):
                output[c, y, x] = ratio[y, x] * input[c, y + 3, x + 3]


def sink_into_last(p, name):
    """Moves an allocation down to the last statement of its block (the loop
    that uses it) and into that loop."""
    alloc = p.find(f"{name} : _")
    while not isinstance(alloc.next().next(), InvalidCursor):
        p = reorder_stmts(p, alloc.expand(0, 1))
        alloc = p.forward(alloc)
    return sink_alloc(p, alloc)


def schedule_unsharp(p):
    """Strips of ROWS output rows in parallel. Each strip computes the
    ROWS + 6 rows of gray it reads (6 recomputed per strip) as a sliding
    window in a circle of 8 rows, one row ahead of the other stages, which
    go row by row: blur_y, ratio (blur_x and sharpen inlined into it, as
    Halide does) and the output, their buffers one row long (allocated
    once per strip). The row loops run on AVX-512 vectors (vectorize_rows)."""
    # The allocations first, so that the stages' loops are adjacent.
    for name in ("blur_y", "blur_x", "sharpen", "ratio"):
        alloc = p.find(f"{name} : _")
        while not isinstance(alloc.prev(), AllocCursor):
            p = reorder_stmts(p, alloc.prev().expand(0, 1))
            alloc = p.forward(alloc)
    # Every stage by strips; gray's strips overlap by 6 rows (recomputed).
    p = divide_with_recompute(p, p.find_loop("y"), f"H / {ROWS}", ROWS, ["yo", "yi"])
    p = rewrite_expr(p, f"H % {ROWS}", 0)
    for _ in range(5):
        p = divide_loop(p, p.find_loop("y"), ROWS, ["yo", "yi"], perfect=True)
    for _ in range(5):
        p = fuse(p, p.find_loop("yo"), p.find_loop("yo #1"))
    # Within a strip, the stages after gray row by row.
    for _ in range(4):
        p = fuse(p, p.find_loop("yi #1"), p.find_loop("yi #2"))
    # Buffers sized to what one strip (gray) or one row (the rest) uses.
    for name in ("ratio", "sharpen", "blur_x", "blur_y", "gray"):
        p = sink_into_last(p, name)
    p = resize_dim(p, "gray : _", 0, ROWS + 6, f"{ROWS} * yo")
    # gray as a sliding window: the strip's first 6 rows before the row
    # loop, then one new row in each iteration, just before blur_y reads
    # it; 8 rows kept, in a circle.
    gray_loop = p.find("gray = _").parent().parent()
    p = cut_loop(p, gray_loop, 6)
    p = shift_loop(p, p.forward(gray_loop).next(), 0)
    main = p.forward(gray_loop).next()
    p = fuse(p, main, main.next())
    p = resize_dim(p, "gray : _", 0, 8, 0, fold=True)
    for name in ("ratio", "sharpen", "blur_x", "blur_y"):
        p = resize_dim(p, f"{name} : _", 0, 1, f"{ROWS} * yo", fold=True)
    # blur_x and sharpen computed where ratio reads them (Halide inlines them).
    for name in ("blur_x", "sharpen"):
        loop = p.find(f"{name} = _").parent()
        p = fuse(p, loop, loop.next())
        p = inline_assign(p, p.find(f"{name} = _"))
        p = delete_buffer(p, p.find(f"{name} : _"))
    p = parallelize_loop(p, p.find_loop("yo"))
    return vectorize_rows(simplify(p))


def vectorize_rows(p):
    """Every row loop on 16 f32 lanes of AVX-512 (the last W % 16 columns in
    scalar code). The constants go to one-element buffers first, set where
    every use can see them, so that a broadcast can read them."""
    consts = {"r_to_gray": r_to_gray, "g_to_gray": g_to_gray, "b_to_gray": b_to_gray,
              "k0": k0, "k1": k1, "k2": k2, "k3": k3}
    for name, value in list(consts.items()) + [("two", None)]:
        # sharpen's 2.0, inlined into ratio: ((2.0 * gray - blur_x) / gray)
        where = p.find("ratio = _").rhs().lhs().lhs().lhs() if value is None else p.find(str(value), many=True)
        p = bind_expr(p, where, name)
        alloc = p.find(f"{name} : _")
        p = expand_dim(p, alloc, 1, 0)
        p = set_precision(p, alloc, "f32")
        p = set_memory(p, alloc, DRAM_STACK)
        if p.find(f"{name} = _").parent().name() == "x":  # a single use: out of its row loop
            p = lift_alloc(p, p.find(f"{name} : _"))
            p = fission(p, p.find(f"{name} = _").after())
            p = remove_loop(p, p.find(f"{name} = _").parent())
    for _ in range(len(p.find_loop("x", many=True))):
        p = vectorize(p, p.find_loop("x"), LANES, "f32", AVX512, AVX512_F32, tail="cut")
    return simplify(p)


unsharp = rename(schedule_unsharp(unsharp_base), "unsharp")
