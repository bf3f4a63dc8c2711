"""Interleaving, unroll-and-jam and tiling of exo.stdlib.stdlib."""

from __future__ import annotations

from .._core import SchedulingError
from ..API_cursors import (
    AllocCursor,
    ForCursor,
    IfCursor,
    InvalidCursor,
    LiteralCursor,
)
from ..API_scheduling import (
    divide_loop,
    fission,
    lift_scope,
    rewrite_expr,
    simplify,
    unroll_loop,
)
from ..memory import DRAM
from .higher_order import apply, attempt
from .loop_ops import (
    _position,
    _stmt_at,
    _next_loop_named,
    _reorder,
    binary_specialize,
    divide_loop_recursive,
    parallelize_all_reductions,
)
from .rc_wrappers import divide_loop_
from .staging import parallelize_and_lift_alloc


# --------------------------------------------------------------------------- #
# Interleaving, unroll-and-jam, tiling


def interleave_outer_loop_with_inner_loop(proc, outer_loop_cursor, inner_loop_cursor, interleave_factor,
                                          unroll=(True, True, True)):
    """Divides the outer loop by the factor (unless its trip count is the
    factor) and moves the inner loop out of the factor loop; the statements
    before and after the inner loop get factor loops of their own. `unroll`
    says which factor loops (before, around the inner body, after) unroll."""
    outer = proc.forward(outer_loop_cursor)
    inner = proc.forward(inner_loop_cursor)
    if isinstance(outer.hi(), LiteralCursor) and outer.hi().value() == interleave_factor:
        middle = outer
    else:
        proc = divide_loop(proc, outer, interleave_factor, (outer.name() + "o", outer.name() + "i"), tail="cut")
        middle = proc.forward(outer).body()[0]
    stmts = list(middle.body())
    proc = simplify(proc)
    for s in stmts:
        if isinstance(s, AllocCursor):
            proc = parallelize_and_lift_alloc(proc, s)
    inner = proc.forward(inner)
    if not isinstance(inner.prev(), InvalidCursor):
        proc = fission(proc, inner.before())
        inner = proc.forward(inner)
        if unroll[0]:
            proc = unroll_loop(proc, inner.parent().prev())
    inner = proc.forward(inner)
    if not isinstance(inner.next(), InvalidCursor):
        proc = fission(proc, inner.after())
        inner = proc.forward(inner)
        if unroll[2]:
            proc = unroll_loop(proc, inner.parent().next())
    inner = proc.forward(inner)
    proc, _, middle = _reorder(proc, inner.parent())
    if unroll[1]:
        proc = unroll_loop(proc, middle)
    return proc


def unroll_and_jam(proc, loop, factor, unroll=(True, True, True)):
    """interleave_outer_loop_with_inner_loop of `loop` and the one loop in its body."""
    loop = proc.forward(loop)
    inner = [s for s in loop.body() if isinstance(s, ForCursor)]
    if len(inner) > 1:
        raise SchedulingError("Multiple loops found, decision is ambiguous")
    if not inner:
        raise SchedulingError("No loops found")
    return interleave_outer_loop_with_inner_loop(proc, loop, inner[0], factor, unroll=unroll)


def unroll_and_jam_parent(proc, loop, factor, unroll=(True, True, True)):
    """interleave_outer_loop_with_inner_loop of the loop around `loop` and `loop`."""
    loop = proc.forward(loop)
    outer = loop.parent()
    if not isinstance(outer, ForCursor):
        raise SchedulingError("parent is not a loop")
    return interleave_outer_loop_with_inner_loop(proc, outer, loop, factor, unroll=unroll)


def interleave_loop(proc, loop, factor=None, par_reduce=False, memory=DRAM, tail="cut"):
    """Divides a loop by `factor` (None: `loop` is already the factor loop)
    and unrolls it statement by statement, so the copies of each statement
    run next to each other:

        for i in seq(0, f): S1; S2   ->   S1 (f copies); S2 (f copies)

    Allocations get one copy per iteration; par_reduce first gives reductions
    per-iteration accumulators in `memory`. The tail is "cut",
    "cut_and_guard", "recursive" (tails divided by f/2, f/4, ... and
    interleaved too) or "specialize" (one interleaved copy per tail length)."""
    if factor == 1:
        return proc
    loop = proc.forward(loop)

    def rewrite(proc, loop, factor=None, par_reduce=False, memory=DRAM, tail="cut"):
        loop = proc.forward(loop)
        if factor is not None:
            proc, (outer, loop, _) = divide_loop_(proc, loop, factor, tail=tail, rc=True)
        else:
            outer = loop.parent()
        if par_reduce:
            where, name = _position(proc, outer), proc.forward(outer).name()
            proc = parallelize_all_reductions(proc, outer, memory=memory, unroll=True)
            outer = _next_loop_named(proc, where, name)
            loop = outer.body()[0]
        allocs = [s for s in proc.forward(loop).body() if isinstance(s, AllocCursor)]
        proc = apply(parallelize_and_lift_alloc)(proc, allocs)
        stmts = list(proc.forward(loop).body())
        proc = apply(fission)(proc, [s.after() for s in stmts[:-1]])
        return apply(unroll_loop)(proc, [proc.forward(s).parent() for s in stmts])

    if tail in ("cut", "cut_and_guard"):
        return rewrite(proc, loop, factor, par_reduce, memory, tail)
    if tail == "recursive":
        if factor is None:
            raise SchedulingError("Cannot specify recursive tail strategy and factor=None")
        proc, (_, inners, _) = divide_loop_recursive(proc, loop, factor, tail="cut", rc=True)
        return apply(rewrite)(proc, inners, par_reduce=par_reduce, memory=memory)
    if tail == "specialize":
        if factor is None:
            raise SchedulingError("Cannot specify recursive tail strategy and factor=None")
        proc = rewrite(proc, loop, factor, par_reduce, memory, tail="cut")
        rest = proc.forward(loop).next()
        proc, (stmts,) = binary_specialize(proc, rest, rest.hi(), list(range(factor)), rc=True)
        for s in stmts:  # each copy's trip count is one constant there (rewrite_expr proves which)
            s = proc.forward(s)
            if isinstance(s, ForCursor) and not isinstance(s.hi(), LiteralCursor):
                for v in range(factor):
                    proc, done = attempt(rewrite_expr, errs=(SchedulingError,))(proc, s.hi(), v, rs=True)
                    if done:
                        break
        return apply(rewrite)(proc, stmts, par_reduce=par_reduce, memory=memory)
    raise SchedulingError(f"Unknown tail strategy: {tail}")


def tile_loops(proc, loop_tile_pairs, perfect=False):
    """Tiles a loop nest: each (loop, size), outermost first, is divided by
    size (exactly when `perfect` or the trip count is a multiple, else with a
    cut tail) and the tile loops are moved inside all the outer loops:

        for i: for j: S   ->   for io: for jo: for ii in seq(0, si): for ji in seq(0, sj): S

    Returns (proc, cursors to the tile loops)."""
    pairs = [(proc.forward(loop), size) for loop, size in loop_tile_pairs]
    outer_names, names = [], []
    for loop, size in pairs:
        loop = proc.forward(loop)
        iters = (loop.name() + "o", loop.name() + "i")
        hi = loop.hi()
        if perfect or (isinstance(hi, LiteralCursor) and hi.value() % size == 0):
            proc = divide_loop(proc, loop, size, iters, perfect=True)
        else:
            proc = divide_loop(proc, loop, size, iters, tail="cut")
        outer_names.append(iters[0])
        names.append(iters[1])

    # Loops are found again by iterator inside the outermost tile nest (its
    # position does not change; the main nest comes before any tail there).
    def nest_loop(proc, name):
        top = proc.forward(pairs[0][0])
        return top if top.name() == name else top.find(f"for {name} in _: _")

    for i in range(len(pairs) - 2, -1, -1):
        for j in range(i + 1, len(pairs)):
            proc = interleave_outer_loop_with_inner_loop(proc, nest_loop(proc, names[i]),
                                                         nest_loop(proc, outer_names[j]), pairs[i][1],
                                                         (False, False, False))
    return proc, [nest_loop(proc, name) for name in names]


def _scope_depth(c):
    if not isinstance(c, (ForCursor, IfCursor)):
        return 0
    return max(_scope_depth(s) for s in c.body()) + 1


def _push_loop_in(proc, loop, depth):
    """Splits `loop` into one loop per statement and moves each inward past
    the loops and ifs in it until it holds `depth` levels of scopes."""
    loop = proc.forward(loop)
    if _scope_depth(loop) == depth:
        return proc
    count = len(loop.body())
    for s in list(loop.body())[:-1]:
        proc = fission(proc, proc.forward(s).after())
    first = _position(proc, loop)
    for k in range(count):
        parent, index, in_orelse = first
        piece = _stmt_at(proc, (parent, index + k, in_orelse))
        if _scope_depth(piece) == depth:
            continue
        child = piece.body()[0]
        if isinstance(child, ForCursor):
            proc, _, moved = _reorder(proc, piece)
        elif isinstance(child, IfCursor):
            where = _position(proc, piece)
            proc = lift_scope(proc, child)
            moved = _stmt_at(proc, where).body()[0]
        else:
            raise SchedulingError("tile_loops_bottom_up: expected a loop or an if to move the loop into")
        proc = _push_loop_in(proc, moved, depth)
    return proc


def tile_loops_bottom_up(proc, loop, tiles):
    """Tiles the perfect nest at `loop` with one size per level (None: that
    level is not divided), innermost first; tails are cut and guarded, and
    every tile loop is moved inward to the level its size belongs to."""
    loop = proc.forward(loop)
    cur = loop
    for _ in tiles[:-1]:
        if len(cur.body()) != 1:
            raise SchedulingError("All loop must have a body length of 1")
        if not isinstance(cur.body()[0], ForCursor):
            raise SchedulingError("Did not find a nested loop")
        cur = cur.body()[0]
    levels, cur = [], loop
    for size in tiles:
        levels.append((cur, size))
        cur = cur.body()[0] if len(cur.body()) else cur
    for depth, (level, size) in enumerate(levels[::-1]):
        if size is not None:
            proc, (_, inner, rest) = divide_loop_(proc, level, size, tail="cut_and_guard", rc=True)
            proc = _push_loop_in(proc, inner, depth + 1)
            proc = _push_loop_in(proc, proc.forward(rest).body()[0], depth + 1)
        else:
            proc = _push_loop_in(proc, level, depth + 1)
    return proc


__all__ = ['interleave_outer_loop_with_inner_loop', 'unroll_and_jam', 'unroll_and_jam_parent', 'interleave_loop', 'tile_loops', 'tile_loops_bottom_up']
