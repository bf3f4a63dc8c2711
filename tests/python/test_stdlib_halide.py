"""exo.stdlib.halide_scheduling_ops, range_analysis, rc_wrappers and
inspection.match_parent: Halide-style schedules checked against the original
on random inputs; what the compiler cannot prove stays refused."""

from __future__ import annotations

import pytest

from exo import SchedulingError, proc
from exo.stdlib.halide_scheduling_ops import (
    compute_and_store_at,
    compute_at,
    halide_compute_and_store_at,
    halide_compute_at,
    halide_parallel,
    halide_split,
    halide_store_at,
    halide_tile,
    split,
    store_at,
    tile,
)
from exo.API_cursors import InvalidCursor
from exo.stdlib.inspection import CursorNavigationError, match_parent
from exo.stdlib.range_analysis import IndexRange, bounds_inference, constant_bound, infer_range
from exo.stdlib.rc_wrappers import cut_loop_, divide_loop_, fission_, specialize_, stage_mem_

from stdlib_check import assert_same


@proc
def blur(consumer: f32[10, 10], producer: f32[11, 11], inp: f32[11, 11]):
    for y in seq(0, 11):
        for x in seq(0, 11):
            producer[y, x] = inp[y, x] * 2.0
    for y in seq(0, 10):
        for x in seq(0, 10):
            consumer[y, x] = producer[y, x] + producer[y, x + 1] + producer[y + 1, x] + producer[y + 1, x + 1]


@proc
def blur_local(n: size, consumer: f32[n], inp: f32[n + 1]):
    producer: f32[n + 1]
    for i in seq(0, n + 1):
        producer[i] = inp[i] * 2.0
    for i in seq(0, n):
        consumer[i] = producer[i] + producer[i + 1]


def lines(p):
    return [line.strip() for line in p.code().splitlines()[1:]]


def test_compute_at_with_prologue_slides_a_window():
    p = compute_at(blur, blur.find("producer = _"), blur.find_loop("x #1"), with_prologue=True)
    assert lines(p) == [
        "for y in seq(0, 1):", "for x in seq(0, 11):", "producer[y, x] = inp[y, x] * 2.0",
        "for y in seq(0, 10):", "for x in seq(0, 1):", "producer[1 + y, x] = inp[1 + y, x] * 2.0",
        "for x in seq(0, 10):", "producer[1 + y, 1 + x] = inp[1 + y, 1 + x] * 2.0",
        "consumer[y, x] = producer[y, x] + producer[y, 1 + x] + producer[1 + y, x] + producer[1 + y, 1 + x]",
    ]
    assert_same(blur, p, {})
    h = halide_compute_at(blur, "producer", "consumer", "x")
    assert str(h) == str(p)


def test_compute_at_recomputes_overlapping_windows():
    # Iteration i computes producer[i] and producer[i + 1]; the next one
    # writes producer[i + 1] again with the same value, which fuse proves.
    p = compute_at(blur_local, blur_local.find("producer = _"), blur_local.find_loop("i #1"))
    assert lines(p)[1:5] == ["for i in seq(0, n):", "for ii in seq(0, 2):", "producer[i + ii] = inp[i + ii] * 2.0",
                             "consumer[i] = producer[i] + producer[1 + i]"]
    assert_same(blur_local, p, {"n": 5}, {"n": 1})
    q = compute_and_store_at(blur_local, "producer", blur_local.find_loop("i #1"))
    assert lines(q)[1:2] == ["producer: f32[2] @ DRAM"]
    assert_same(blur_local, q, {"n": 5})


def test_compute_at_refuses_a_recomputation_that_reads_what_the_consumer_wrote():
    @proc
    def in_place(n: size, inp: f32[n + 1]):
        producer: f32[n + 1]
        for i in seq(0, n + 1):
            producer[i] = inp[i] * 2.0
        for i in seq(0, n):
            inp[i + 1] = producer[i] + producer[i + 1]

    # Iteration i + 1 would recompute producer[i + 1] from the inp[i + 1]
    # iteration i has just overwritten.
    with pytest.raises(SchedulingError, match=r"the write inp\[1 \+ i\] of the second loop"):
        compute_at(in_place, in_place.find("producer = _"), in_place.find_loop("i #1"))


def test_store_at_shrinks_the_buffer_to_one_iteration():
    @proc
    def stage(n: size, out: f32[n, 4], inp: f32[n, 4]):
        tmp: f32[n, 4]
        for i in seq(0, n):
            for j in seq(0, 4):
                tmp[i, j] = inp[i, j] * 3.0
            for j in seq(0, 4):
                out[i, j] = tmp[i, j] + 1.0

    p = store_at(stage, stage.find("tmp : _"), stage.find_loop("i"))
    assert lines(p)[:2] == ["for i in seq(0, n):", "tmp: f32[1, 4] @ DRAM"]
    assert_same(stage, p, {"n": 3})
    h = halide_store_at(stage, "tmp", "out", "i")
    assert str(h) == str(p)


def test_tile_and_split():
    @proc
    def sq(n: size, a: f32[n, n], b: f32[n, n]):
        assert n % 4 == 0
        for y in seq(0, n):
            for x in seq(0, n):
                b[y, x] = a[y, x] * a[y, x]

    t = tile(sq, sq.find_loop("y"), sq.find_loop("x"), ["yo", "yi"], ["xo", "xi"], 4, 2)
    assert lines(t)[1:5] == ["for yo in seq(0, n / 4):", "for xo in seq(0, n / 2):", "for yi in seq(0, 4):",
                             "for xi in seq(0, 2):"]
    assert_same(sq, t, {"n": 8})
    assert halide_tile(sq, "b", "y", "x", "yi", "xi", 4, 2).code() == t.code().replace("yo", "y").replace("xo", "x")
    with pytest.raises(SchedulingError, match="perfect"):
        tile(sq, sq.find_loop("y"), sq.find_loop("x"), ["yo", "yi"], ["xo", "xi"], 4, 2, perfect=False)
    with pytest.raises(SchedulingError, match="directly inside"):
        tile(sq, sq.find_loop("x"), sq.find_loop("y"), ["yo", "yi"], ["xo", "xi"], 4, 2)
    s = split(sq, sq.find_loop("x"), "xo", "xi", 3, "cut")
    assert_same(sq, s, {"n": 4})
    with pytest.raises(SchedulingError):  # 3 does not divide n
        halide_split(sq, "b", "x", "xo", "xi", 3)
    assert "seq(0, n / 4)" in str(halide_split(sq, "b", "x", "xo", "xi", 4))
    assert "par(0, n)" in str(halide_parallel(sq, "y"))


def test_halide_compute_and_store_at_slides_a_window_in_each_row():
    @proc
    def blur_rows(n: size, consumer: f32[n, n], inp: f32[n + 1, n + 1]):
        producer: f32[n + 1, n + 1]
        for y in seq(0, n + 1):
            for x in seq(0, n + 1):
                producer[y, x] = inp[y, x] * 2.0
        for y in seq(0, n):
            for x in seq(0, n):
                consumer[y, x] = producer[y, x] + producer[y, x + 1] + producer[y + 1, x] + producer[y + 1, x + 1]

    # Stored per row (2 rows recomputed for each y), computed per column.
    h = halide_compute_and_store_at(blur_rows, "producer", "consumer", "x", "y")
    assert lines(h)[:2] == ["for y in seq(0, n):", "producer: f32[2, 1 + n] @ DRAM"]
    assert_same(blur_rows, h, {"n": 5}, {"n": 1})


def test_range_analysis():
    c = blur.find("consumer = _")
    loop_y = blur.find_loop("y #1")
    r = infer_range(c.rhs().lhs().lhs().lhs().idx()[1], loop_y)  # producer[y, x]: x over the x loop
    assert (r.lo, r.hi) == (0, 9) and r.get_bounds() == ("0", "10")
    b = bounds_inference(loop_y, "producer", 1, include=["R"])
    assert (b.lo, b.hi, b.get_size()) == (0, 10, 11)
    rows = bounds_inference(blur.find_loop("x #1"), "producer", 0, include=["R"])
    assert rows.get_stride_of("y") == 1 and rows.get_size() == 2 and rows.get_bounds() == ("y + 0", "y + 2")
    assert constant_bound(c.idx()[0], {"y": (0, 9)}) == (0, 9)
    assert constant_bound(c.idx()[0], {}) == (None, None)
    assert bounds_inference(loop_y, "inp", 0) is None
    assert (IndexRange.create_constant_range(0, 3) | IndexRange.create_int(7)).hi == 7
    assert (IndexRange.create_constant_range(0, 7) % 4).hi == 3


def test_rc_wrappers_return_the_pieces():
    p, (outer, inner, tail) = divide_loop_(blur_local, blur_local.find_loop("i"), 4, tail="cut", rc=True)
    assert (outer.name(), inner.name(), tail.name()) == ("io", "ii", "ii")
    @proc
    def two(n: size, x: f32[n], y: f32[n]):
        for i in seq(0, n):
            x[i] = 1.0
            y[i] = 2.0

    p, (first, second) = fission_(two, two.find("x = _").after(), rc=True)
    assert first.body()[0].name() == "x" and second.body()[0].name() == "y"
    p, (first, second) = fission_(two, two.find("y = _").before(), rc=True)
    assert first.body()[0].name() == "x" and second.body()[0].name() == "y"
    p, (l1, l2) = cut_loop_(blur_local, blur_local.find_loop("i"), 1, rc=True)
    assert l1.hi().value() == 1 and l1.next() == l2
    p, (if_stmt,) = specialize_(blur_local, blur_local.find_loop("i #1"), "n < 4", rc=True)
    assert if_stmt.cond().op() == "<" and if_stmt.cond().rhs().value() == 4
    p, (alloc, load, block, store) = stage_mem_(blur_local, blur_local.find_loop("i #1"), "consumer[0:n]", "c",
                                                rc=True)
    # The loop writes all of consumer[0:n]: nothing is loaded, so the two
    # statements before the block are what precedes the allocation and the
    # allocation itself (exo-lang's positions).
    assert load.name() == "c" and store.name() == "i0" and block[0].name() == "i"
    assert alloc == p.forward(load).prev()
    assert_same(blur_local, p, {"n": 4})
    p, (alloc, load, block, store) = stage_mem_(blur_local, blur_local.find_loop("i #1"), "producer[0:n+1]", "pr",
                                                rc=True)
    assert alloc.name() == "pr" and load.name() == "i0" and block[0].name() == "i"
    assert_same(blur_local, p, {"n": 4})


def test_match_parent():
    a, b = match_parent(blur.find("producer = _"), blur.find_loop("x #1"))
    assert (a.name(), b.name()) == ("y", "y") and a.next() == b
    with pytest.raises(AssertionError, match="different procs"):
        match_parent(blur.find("producer = _"), blur_local.find("producer = _"))
    with pytest.raises(CursorNavigationError):
        match_parent(blur.find("producer = _"), blur_local.find("producer = _"))


def test_preconditions_fixing_an_expression_are_used():
    from exo.stdlib.halide_scheduling_ops import _simplify_with_preds

    @proc
    def f(n: size, x: f32[n]):
        assert n % 4 == 0
        for i in seq(0, n):
            x[i] = x[n % 4]

    g = _simplify_with_preds(f)
    assert "x[i] = x[0]" in str(g)
    assert_same(f, g, {"n": 8})

    @proc
    def free(n: size, x: f32[n]):
        assert n >= 4
        for i in seq(0, n):
            x[i] = x[n % 4]

    assert "x[i] = x[n % 4]" in str(_simplify_with_preds(free))  # no equality to use
