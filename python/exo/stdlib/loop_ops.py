"""Loop rewrites of exo.stdlib.stdlib: moving statements in and out of loops,
dividing, cutting and specializing loops, and per-lane accumulators for
reductions. Position helpers here let later steps find loops again whether
forwarded cursors follow a moved loop or keep its position."""

from __future__ import annotations

from dataclasses import dataclass

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
    PassCursor,
    ReadCursor,
    ReduceCursor,
    StmtCursor,
)
from ..API_scheduling import (
    add_loop,
    cut_loop,
    eliminate_dead_code,
    fission,
    fuse,
    lift_alloc,
    mult_loops,
    remove_loop,
    reorder_loops,
    reorder_stmts,
    set_memory,
    shift_loop,
    simplify,
    unroll_loop,
)
from ..memory import DRAM
from .higher_order import apply, attempt, make_pass, repeate
from .inspection import (
    expr_to_string,
    get_enclosing_loop,
    get_index_in_body,
    get_parents,
    get_symbols,
    is_loop,
    is_reduce,
)
from .rc_wrappers import cut_loop_, divide_loop_, fission_, specialize_
from .staging import auto_stage_mem, parallelize_and_lift_alloc


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


__all__ = ['reorder_stmt_forward', 'reorder_stmt_backwards', 'hoist_stmt_cursors', 'hoist_stmt', 'hoist_from_loop_cursors', 'hoist_from_loop', 'jam_stmt_cursors', 'jam_stmt', 'round_loop', 'divide_loop_recursive_cursors', 'divide_loop_recursive', 'cut_loop_and_unroll_cursors', 'cut_loop_and_unroll', 'binary_specialize_cursors', 'binary_specialize', 'bound_loop_by_if', 'undo_divide_and_guard_loop', 'parallelize_reduction', 'parallelize_all_reductions']
