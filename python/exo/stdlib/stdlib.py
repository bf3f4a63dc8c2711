"""exo.stdlib.stdlib: larger scheduling operations composed from the
primitives, with exo-lang's names and signatures: loop rewrites (hoisting,
jamming, interleaving, tiling, unroll-and-jam, specializing on a value),
parallel reductions, vectorization onto a set of instructions, and (from the
modules it re-exports) staging, passes and checked replacement.

`from exo.stdlib.stdlib import *` also brings the scheduling primitives,
cursor classes, inspection and higher-order helpers, as in exo-lang.

Every operation is a sequence of primitives: a step the compiler cannot prove
safe raises SchedulingError, so a refused step never yields a wrong program.
Operations with an `rc` flag return (proc, cursors) when it is set; the
cursors object unpacks like a tuple.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import *  # noqa: F401,F403 (exo-lang's stdlib re-exports the package)
from .. import __all__ as _exo_names
from .._core import SchedulingError
from ..API_cursors import (
    AllocCursor,
    BinaryOpCursor,
    Cursor,
    ExprCursor,
    ForCursor,
    IfCursor,
    InvalidCursor,
    InvalidCursorError,
    LiteralCursor,
    PassCursor,
    ReadCursor,
    ReduceCursor,
    StmtCursor,
)
from ..API_scheduling import (
    add_loop,
    bind_expr,
    cut_loop,
    divide_loop,
    eliminate_dead_code,
    expand_dim,
    fission,
    fuse,
    lift_alloc,
    lift_scope,
    mult_loops,
    remove_loop,
    reorder_loops,
    reorder_stmts,
    rewrite_expr,
    set_memory,
    shift_loop,
    simplify,
    unroll_loop,
)
from ..memory import DRAM
from .higher_order import *  # noqa: F401,F403
from .higher_order import __all__ as _higher_order_names
from .higher_order import apply, attempt, make_pass, repeate
from .inspection import *  # noqa: F401,F403
from .inspection import __all__ as _inspection_names
from .inspection import (
    expr_to_string,
    get_children,
    get_enclosing_loop,
    get_enclosing_stmt,
    get_index_in_body,
    get_parents,
    get_symbols,
    is_end_of_body,
    is_loop,
    is_reduce,
)
from .passes import *  # noqa: F401,F403
from .passes import __all__ as _passes_names
from .passes import dce, replace_all_stmts
from .rc_wrappers import *  # noqa: F401,F403
from .rc_wrappers import __all__ as _rc_names
from .rc_wrappers import cut_loop_, divide_loop_, fission_, specialize_
from .scheduling import *  # noqa: F401,F403
from .scheduling import __all__ as _scheduling_names
from .staging import *  # noqa: F401,F403
from .staging import __all__ as _staging_names
from .staging import auto_stage_mem, parallelize_allocs, parallelize_and_lift_alloc, stage_compute


class _Unpackable:
    def __iter__(self):
        return iter([getattr(self, f) for f in self.__dataclass_fields__])


def _position(proc, stmt):
    """Where a statement sits: (parent or None, index, in the else branch)."""
    stmt = proc.forward(stmt)
    parent = stmt.parent()
    in_orelse = (isinstance(parent, IfCursor) and not isinstance(parent.orelse(), InvalidCursor)
                 and any(s == stmt for s in parent.orelse()))
    return (None if isinstance(parent, InvalidCursor) else parent), get_index_in_body(proc, stmt), in_orelse


def _stmt_at(proc, position):
    parent, index, in_orelse = position
    if parent is None:
        return proc.body()[index]
    parent = proc.forward(parent)
    return (parent.orelse() if in_orelse else parent.body())[index]


def _next_loop_named(proc, position, name):
    """The first loop over `name` at or after `position` in its block (a
    rewrite may have inserted statements before it or replaced it)."""
    parent, index, in_orelse = position
    block = proc.body() if parent is None else (
        proc.forward(parent).orelse() if in_orelse else proc.forward(parent).body())
    for s in list(block)[index:]:
        if isinstance(s, ForCursor) and s.name() == name:
            return s
    raise SchedulingError(f"no loop over {name} found after the rewrite")


def _reorder(proc, outer):
    """reorder_loops; returns (proc, the loop now outer, the loop now inner)."""
    where = _position(proc, outer)
    proc = reorder_loops(proc, proc.forward(outer))
    top = _stmt_at(proc, where)
    return proc, top, top.body()[0]


# --------------------------------------------------------------------------- #
# Moving statements


def reorder_stmt_forward(proc, stmt):
    """Swaps a statement with the one after it."""
    stmt = proc.forward(stmt)
    return reorder_stmts(proc, stmt.as_block().expand(0, 1))


def reorder_stmt_backwards(proc, stmt):
    """Swaps a statement with the one before it. (exo-lang's version asks for
    a negative block expansion, which its cursors refuse.)"""
    stmt = proc.forward(stmt)
    return reorder_stmts(proc, stmt.as_block().expand(1, 0))


@dataclass
class hoist_stmt_cursors(_Unpackable):  # noqa: N801 (exo-lang's name)
    allocs: list
    stmt: StmtCursor
    loop: ForCursor


def hoist_stmt(proc, stmt, rc=False):
    """Moves a statement that does not use its loop's iterator out, before the
    loop. It is moved to the front of the body (allocations it needs are
    lifted out first), split off and its one-statement loop removed; an
    allocation is simply lifted. Cursors: the lifted allocations, the
    statement and the loop that remains."""
    stmt = proc.forward(stmt)
    if not isinstance(stmt, StmtCursor):
        raise SchedulingError("Cannot hoist cursor that are not statements")
    loop = stmt.parent()
    if not isinstance(loop, ForCursor):
        raise SchedulingError("Statement is not within a loop")
    deps = set(get_symbols(proc, stmt))
    if loop.name() in deps:
        raise SchedulingError("Cannot hoist cursor to a statement that depends on enclosing loop")

    if isinstance(stmt, AllocCursor):
        proc = lift_alloc(proc, stmt)
        if not rc:
            return proc
        stmt = proc.forward(stmt)
        return proc, hoist_stmt_cursors([stmt], stmt, proc.forward(loop))

    lifted = []
    while not isinstance(stmt.prev(), InvalidCursor):
        prev = stmt.prev()
        if isinstance(prev, AllocCursor) and prev.name() in deps:
            proc = lift_alloc(proc, prev)
            lifted.append(prev)
        else:
            proc = reorder_stmts(proc, stmt.expand(1, 0))
        stmt = proc.forward(stmt)

    rest = InvalidCursor()
    if len(stmt.parent().body()) > 1:
        proc, (_, rest) = fission_(proc, stmt.after(), rc=True)
        stmt = proc.forward(stmt)
    proc = remove_loop(proc, stmt.parent())
    if not rc:
        return proc
    rest = rest if isinstance(rest, InvalidCursor) else proc.forward(rest)
    return proc, hoist_stmt_cursors([proc.forward(a) for a in lifted], proc.forward(stmt), rest)


@dataclass
class hoist_from_loop_cursors(_Unpackable):  # noqa: N801
    hoisted: list
    loop: ForCursor


def hoist_from_loop(proc, loop, rc=False):
    """hoist_stmt of every statement of the loop's body that can be hoisted
    (allocations stay). Cursors: (statement, its lifted allocations) per
    hoisted statement, and the loop."""
    loop = proc.forward(loop)
    if not is_loop(proc, loop):
        raise SchedulingError(f"loop must of type {ForCursor} not {type(loop)}")
    done = []

    def hoist_one(proc, stmt):
        stmt = proc.forward(stmt)
        if isinstance(stmt, AllocCursor):
            return proc
        proc, cursors = hoist_stmt(proc, stmt, rc=True)
        done.append(cursors)
        return proc

    proc = apply(attempt(hoist_one))(proc, list(loop.body()))
    if not rc:
        return proc
    if not done:
        return proc, hoist_from_loop_cursors([], loop)
    hoisted = [(proc.forward(c.stmt), tuple(proc.forward(a) for a in c.allocs)) for c in done]
    last_loop = done[-1].loop
    if not isinstance(last_loop, InvalidCursor):
        last_loop = proc.forward(last_loop)
    return proc, hoist_from_loop_cursors(hoisted, last_loop)


@dataclass
class jam_stmt_cursors(_Unpackable):  # noqa: N801
    loop: ForCursor
    stmt: StmtCursor


def jam_stmt(proc, stmt, unsafe_disable_check=False, rc=False):
    """Moves a statement into the loop that follows it, to the end of its body
    (so it runs in every iteration): the statement is wrapped in a loop of the
    same range (add_loop checks that repeating it is harmless), the loops are
    fused (fuse checks the order change) and it is moved past the body."""
    stmt = proc.forward(stmt)
    loop = stmt.next()
    if not is_loop(proc, loop):
        raise SchedulingError("Next statement must be a loop.")
    trips = f"{expr_to_string(loop.hi())} - {expr_to_string(loop.lo())}"
    proc = add_loop(proc, stmt.as_block(), loop.name(), trips, unsafe_disable_check=unsafe_disable_check)
    stmt_loop = proc.forward(stmt).parent()
    proc = shift_loop(proc, stmt_loop, expr_to_string(proc.forward(loop).lo()))
    proc = simplify(proc)
    proc = fuse(proc, stmt_loop, loop, unsafe_disable_check=unsafe_disable_check)
    proc = repeate(reorder_stmt_forward)(proc, stmt)
    if not rc:
        return proc
    return proc, jam_stmt_cursors(proc.forward(stmt).parent(), proc.forward(stmt))


# --------------------------------------------------------------------------- #
# Dividing, cutting and specializing loops


def round_loop(proc, loop, factor, up=True):
    """Rounds a loop's trip count up (guarded iterations) or down (the rest
    cut off) to a multiple of `factor`, keeping a single loop."""
    proc, (outer, _, _) = divide_loop_(proc, loop, factor, tail="guard" if up else "cut", rc=True)
    return mult_loops(proc, outer, outer.name()[:-1])


@dataclass
class divide_loop_recursive_cursors(_Unpackable):  # noqa: N801
    outer_loops: list
    inner_loops: list
    tail_loop: ForCursor


def divide_loop_recursive(proc, loop, factor, tail="cut", rc=False):
    """Divides by `factor`, then the tail by factor/2, and so on down to 2.
    Cursors: the outer loops, the inner loops and the last tail."""
    if tail not in ("cut", "cut_and_guard"):
        raise SchedulingError("tail strategy must be cut or cut_and_guard")
    outers, inners, rest = [], [], loop
    while factor > 1:
        proc, (outer, inner, rest) = divide_loop_(proc, rest, factor, tail=tail, rc=True)
        if isinstance(rest, IfCursor):  # cut_and_guard: the tail loop sits in an if
            rest = rest.body()[0]
        outers.append(outer)
        inners.append(inner)
        factor //= 2
    if not rc:
        return proc
    return proc, divide_loop_recursive_cursors([proc.forward(c) for c in outers],
                                               [proc.forward(c) for c in inners], proc.forward(rest))


@dataclass
class cut_loop_and_unroll_cursors(_Unpackable):  # noqa: N801
    loop: ForCursor


def cut_loop_and_unroll(proc, loop, const, front=True, rc=False):
    """Peels the first (front=True) or last iteration off a loop and unrolls
    it; the remaining loop is shifted to start at 0. (`const` is accepted
    for exo-lang's signature; one iteration is peeled.)"""
    loop = proc.forward(loop)
    cut = f"{expr_to_string(loop.lo())} + 1" if front else f"{expr_to_string(loop.hi())} - 1"
    proc, (peeled, rest) = cut_loop_(proc, loop, cut, rc=True)
    if not front:
        peeled, rest = rest, peeled
    proc = shift_loop(proc, peeled, 0)
    proc = simplify(proc)
    proc = unroll_loop(proc, peeled)
    proc = shift_loop(proc, rest, 0)
    if not rc:
        return proc
    return proc, cut_loop_and_unroll_cursors(proc.forward(rest))


@dataclass
class binary_specialize_cursors(_Unpackable):  # noqa: N801
    stmts: Cursor


def binary_specialize(proc, stmt, expr, values, rc=False):
    """Specializes a statement for each of `values` of an expression with a
    binary search of ifs (expr < v); each leaf checks expr == v and the
    branch that cannot run is removed (which needs the values to cover every
    value expr can take). Cursors: the specialized copies."""
    stmt = proc.forward(stmt)
    if isinstance(expr, ExprCursor):
        expr = expr_to_string(proc.forward(expr))
    if len(values) == 1:
        raise SchedulingError("Cannot specialize given one value!")
    leaves = []

    def split(proc, stmt, values):
        if len(values) == 1:
            proc, (if_stmt,) = specialize_(proc, stmt, f"{expr} == {values[0]}", rc=True)
            proc = simplify(proc)
            try:
                proc = eliminate_dead_code(proc, if_stmt)
            except InvalidCursorError:
                pass  # simplify already decided the condition
            leaves.append(if_stmt.body()[0])
            leaves.append(if_stmt.orelse()[0])
            return proc
        mid = len(values) // 2
        proc, (if_stmt,) = specialize_(proc, stmt, f"{expr} < {values[mid]}", rc=True)
        proc = split(proc, if_stmt.body()[0], values[:mid])
        return split(proc, if_stmt.orelse()[0], values[mid:])

    proc = split(proc, stmt, sorted(values))
    if not rc:
        return proc
    kept = []
    for s in leaves:
        try:
            s = proc.forward(s)
        except (InvalidCursorError, SchedulingError):
            continue
        if not isinstance(s, (PassCursor, InvalidCursor)):
            kept.append(s)
    return proc, binary_specialize_cursors(kept)


def bound_loop_by_if(proc, loop):
    """for i in seq(lo, hi): if i < e: S   ->   for i in seq(lo, lo + e): S
    (the loop is cut at lo + e and the dead parts removed)."""
    loop = proc.forward(loop)
    err = "Expected loop to be of the following structure:\nfor iter in seq(lo, hi):\n\t if iter < e:"
    if len(loop.body()) != 1 or not isinstance(loop.body()[0], IfCursor):
        raise SchedulingError(err)
    guard = loop.body()[0]
    cond = guard.cond()
    if (not isinstance(guard.orelse(), InvalidCursor) or not isinstance(cond, BinaryOpCursor)
            or cond.op() != "<" or not isinstance(cond.lhs(), ReadCursor) or cond.lhs().name() != loop.name()):
        raise SchedulingError(err)
    proc = cut_loop(proc, loop, f"{expr_to_string(loop.lo())} + {expr_to_string(cond.rhs())}")
    first = proc.forward(loop)
    second = first.next()
    proc = eliminate_dead_code(proc, first.body()[0])
    proc, removed = attempt(eliminate_dead_code)(proc, second, rs=True)
    if removed:
        return proc
    return eliminate_dead_code(proc, second.body()[0])


def undo_divide_and_guard_loop(proc, loop):
    """Merges a loop divided with tail="guard" back into one loop bounded by
    the guard's condition."""
    loop = proc.forward(loop)
    proc = mult_loops(proc, loop, loop.name()[:-1])
    proc = simplify(proc)
    return bound_loop_by_if(proc, loop)


# --------------------------------------------------------------------------- #
# Reductions


def parallelize_reduction(proc, reduce_stmt, factor=None, memory=DRAM, nth_loop=1, unroll=False):
    """Gives each iteration of the loop a reduction runs over (the nth_loop-th
    around it, divided by `factor` first if given) an accumulator of its own
    in `memory`: accumulators zeroed, the reduction into them, then their sum
    added to the destination. `unroll` (bool or a pair) unrolls the zeroing and
    the summing loops."""
    if isinstance(unroll, bool):
        unroll = (unroll, unroll)
    reduce_stmt = proc.forward(reduce_stmt)
    if not is_reduce(proc, reduce_stmt):
        raise TypeError(f"reduce_stmt must of type {ReduceCursor}")
    loop = get_enclosing_loop(proc, reduce_stmt, nth_loop)
    if loop.name() in set(get_symbols(proc, reduce_stmt.idx())):
        raise SchedulingError("Statement isn't a reduction over the specified loop.")
    if factor is not None:
        proc, (loop, _, _) = divide_loop_(proc, loop, factor, tail="guard", rc=True)
        proc = simplify(proc)

    # accumulators live across the loop once it is inside the lane loop
    proc, _, loop = _reorder(proc, loop)
    proc = auto_stage_mem(proc, loop, reduce_stmt.name(), accum=True)
    proc = simplify(proc)
    loop = proc.forward(loop)
    proc = set_memory(proc, loop.prev().prev(), memory)
    loop = proc.forward(loop)
    proc = parallelize_and_lift_alloc(proc, loop.prev().prev())
    loop = proc.forward(loop)
    proc = fission(proc, loop.before())
    proc = fission(proc, proc.forward(loop).after())
    proc, loop, _ = _reorder(proc, proc.forward(loop).parent())
    if unroll[0]:
        proc = unroll_loop(proc, proc.forward(loop).prev())
    if unroll[1]:
        proc = unroll_loop(proc, proc.forward(loop).next())
    if factor is not None:
        proc = undo_divide_and_guard_loop(proc, loop)
    return proc


def parallelize_all_reductions(proc, loop, factor=None, memory=DRAM, unroll=False):
    """parallelize_reduction over `loop` of every reduction in its body that
    reduces over it (the others are left alone)."""
    loop = proc.forward(loop)

    def rewrite(proc, s):
        s = proc.forward(s)
        target = proc.forward(loop)
        nth = 0
        for p in get_parents(proc, s):
            nth += is_loop(proc, p)
            if p == target:
                break
        return parallelize_reduction(proc, s, factor, memory, nth, unroll)

    return make_pass(attempt(rewrite))(proc, loop.body())


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


# --------------------------------------------------------------------------- #
# Vectorization


def fission_into_singles(proc, cursor):
    """Splits a loop or if nest so each innermost statement gets its own copy
    of the scopes around it (allocations get a copy per iteration first)."""
    if not isinstance(cursor, (ForCursor, IfCursor)):
        raise SchedulingError(f"Got type {type(cursor)}, expected {ForCursor} or {IfCursor}")
    cursor = proc.forward(cursor)

    def split(proc, c, n_lifts=0):
        c = proc.forward(c)
        if n_lifts and not is_end_of_body(proc, c):
            proc = fission(proc, c.after(), n_lifts)
        kids = [k for k in get_children(proc, c) if isinstance(k, StmtCursor)]
        return apply(split)(proc, kids, n_lifts + 1)

    proc = parallelize_allocs(proc, cursor)
    return split(proc, cursor)


@dataclass
class vectorize_cursors(_Unpackable):  # noqa: N801
    loop: ForCursor


def vectorize_predicate_tail(proc, loop, vec_width, precision, mem_type, instructions=[], rules=[],  # noqa: B006
                             tail="cut_and_predicate", rc=False):
    """vectorize with the tail as guarded lanes: reductions are parallelized,
    the computation staged, the loop divided with a guard and split into one
    loop per statement. With "cut_and_predicate" the last (partial) vector is
    cut off the main loop, whose guards then go away."""
    proc = parallelize_all_reductions(proc, loop, factor=vec_width, memory=mem_type)
    proc = stage_compute(proc, loop, precision, mem_type, rules)
    proc, (outer, inner, _) = divide_loop_(proc, loop, vec_width, rc=True)
    proc = simplify(proc)
    proc = fission_into_singles(proc, inner)
    if tail == "cut_and_predicate":
        outer = proc.forward(outer)
        proc = attempt(cut_loop)(proc, outer, f"{expr_to_string(outer.hi())} - 1")
        proc = dce(proc, proc.forward(outer).body())
    proc = replace_all_stmts(proc, instructions)
    if not rc:
        return proc
    return proc, vectorize_cursors(proc.forward(outer))


def vectorize(proc, loop, vec_width, precision, mem_type, instructions=[], rules=[],  # noqa: B006
              tail="cut_and_predicate", rc=False):
    """Vectorizes a loop by `vec_width` lanes of `precision` in `mem_type`:
    divides it (tail: "cut", "guard", "cut_and_guard", "perfect", or
    "predicate"/"cut_and_predicate", see vectorize_predicate_tail), gives
    reductions per-lane accumulators, stages every value computed into the
    vector memory (`rules` such as fma_rule pick operands), splits the lane
    loop into one loop per statement and replaces each one an instruction
    matches by a call to it. Cursor: the vector loop."""
    if tail in ("predicate", "cut_and_predicate"):
        return vectorize_predicate_tail(proc, loop, vec_width, precision, mem_type, instructions, rules, tail, rc)
    proc, (outer, _, _) = divide_loop_(proc, loop, vec_width, tail=tail, rc=True)
    proc = parallelize_all_reductions(proc, outer, memory=mem_type)
    inner = proc.forward(outer).body()[0]
    proc = stage_compute(proc, inner, precision, mem_type, rules)
    proc = fission_into_singles(proc, inner)
    proc = replace_all_stmts(proc, instructions)
    if not rc:
        return proc
    return proc, vectorize_cursors(proc.forward(outer))


# --------------------------------------------------------------------------- #
# Kept from earlier versions of the library (not in exo-lang's current one)


class BLAS_SchedulingError(Exception):  # noqa: N801
    """An operation asked to work on code of a shape it does not handle."""


@dataclass
class auto_divide_loop_cursors:  # noqa: N801
    outer_loop_cursor: ForCursor
    inner_loop_cursor: ForCursor
    tail_loop_cursor: ForCursor | InvalidCursor


def auto_divide_loop(proc, loop_cursor, div_const, tail="guard", perfect=False, rc=True):
    """divide_loop into `<i>o`/`<i>i`; with rc (the default) also the outer,
    inner and tail loops (InvalidCursor when there is no tail loop)."""
    loop = proc.forward(loop_cursor)
    name = loop.name()
    proc = divide_loop(proc, loop, div_const, [name + "o", name + "i"], tail=tail, perfect=perfect)
    outer = proc.forward(loop)
    if perfect or tail == "guard":
        rest = InvalidCursor()
    elif tail == "cut":
        rest = outer.next()
    else:
        rest = outer.next().body()[0]
    cursors = auto_divide_loop_cursors(outer, outer.body()[0], rest)
    return (proc, cursors) if rc else proc


def stage_expr(proc, expr_cursors, new_name, memory=DRAM, n_lifts=1):
    """Computes an expression of a loop body into a buffer with one entry per
    iteration, in a loop of its own before the rest of the body."""
    if not isinstance(expr_cursors, list):
        expr_cursors = [expr_cursors]
    exprs = [proc.forward(c) for c in expr_cursors]
    loop = get_enclosing_loop(proc, exprs[0])
    stmt = get_enclosing_stmt(proc, exprs[0])
    proc = bind_expr(proc, exprs, new_name)
    bind = proc.forward(stmt).prev()
    alloc = bind.prev()
    proc = set_memory(proc, alloc, memory)
    proc = expand_dim(proc, alloc, expr_to_string(loop.hi()), loop.name())
    proc = lift_alloc(proc, alloc, n_lifts=n_lifts)
    return fission(proc, proc.forward(bind).after(), n_lifts=n_lifts)


def interleave_execution(proc, loop_cursor, interleave_factor):
    """interleave_loop with the loop divided exactly when possible, else with
    a cut tail."""
    loop = proc.forward(loop_cursor)
    if not isinstance(loop, ForCursor):
        raise BLAS_SchedulingError("interleave_execution loop_cursor must be a ForCursor")
    if isinstance(loop.hi(), LiteralCursor) and loop.hi().value() == interleave_factor:
        return interleave_loop(proc, loop)
    try:
        proc, cursors = auto_divide_loop(proc, loop, interleave_factor, perfect=True)
    except SchedulingError:
        proc, cursors = auto_divide_loop(proc, loop, interleave_factor, tail="cut")
    return interleave_loop(proc, cursors.inner_loop_cursor)


__all__ = sorted(set(
    list(_exo_names) + list(_scheduling_names) + list(_inspection_names) + list(_higher_order_names)
    + list(_rc_names) + list(_staging_names) + list(_passes_names)
    + [
        "reorder_stmt_forward", "reorder_stmt_backwards", "hoist_stmt_cursors", "hoist_stmt",
        "hoist_from_loop_cursors", "hoist_from_loop", "jam_stmt_cursors", "jam_stmt", "round_loop",
        "divide_loop_recursive_cursors", "divide_loop_recursive", "cut_loop_and_unroll_cursors",
        "cut_loop_and_unroll", "binary_specialize_cursors", "binary_specialize", "bound_loop_by_if",
        "undo_divide_and_guard_loop", "parallelize_reduction", "parallelize_all_reductions",
        "interleave_outer_loop_with_inner_loop", "unroll_and_jam", "unroll_and_jam_parent",
        "interleave_loop", "tile_loops", "tile_loops_bottom_up", "fission_into_singles",
        "vectorize_cursors", "vectorize_predicate_tail", "vectorize",
        "BLAS_SchedulingError", "auto_divide_loop_cursors", "auto_divide_loop", "stage_expr",
        "interleave_execution",
    ]
))
