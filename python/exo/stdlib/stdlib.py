"""exo.stdlib.stdlib: larger scheduling operations composed from the primitives,
the way a user would write them: dividing loops and returning cursors to the
pieces, staging expressions into buffers, hoisting statements, interleaving and
tiling loop nests, and vectorizing an inner loop onto a set of instructions.

Each operation takes and returns a procedure, forwards the cursors it is given,
and fails with a SchedulingError from the primitive that refused (so a refused
step never yields a wrong program).
"""

from __future__ import annotations

from dataclasses import dataclass

from .._core import SchedulingError
from ..API_cursors import (
    AllocCursor,
    AssignCursor,
    BinaryOpCursor,
    ExprCursor,
    ExternFunctionCursor,
    ForCursor,
    IfCursor,
    InvalidCursor,
    LiteralCursor,
    ReadCursor,
    ReduceCursor,
    StmtCursor,
    UnaryMinusCursor,
)
from ..API_scheduling import (
    bind_expr,
    divide_loop,
    expand_dim,
    fission,
    lift_alloc,
    remove_loop,
    reorder_loops,
    reorder_stmts,
    set_memory,
    simplify,
    stage_mem,
    unroll_loop,
)
from ..memory import DRAM
from .inspection import expr_to_string
from .scheduling import replace_all


class BLAS_SchedulingError(Exception):  # noqa: N801 (exo-lang's name)
    """A stdlib operation asked to work on code of a shape it does not handle."""


# --------------------------------------------------------------------------- #
# Navigation (cursor-only forms)


def get_enclosing_scope(cursor, scope_type):
    """The nearest strict ancestor of `cursor` that is a `scope_type` (ForCursor
    or IfCursor)."""
    if scope_type not in (ForCursor, IfCursor):
        raise BLAS_SchedulingError("scope type must be ForCursor or IfCursor")
    c = cursor.parent()
    while not isinstance(c, (scope_type, InvalidCursor)):
        c = c.parent()
    if isinstance(c, InvalidCursor):
        raise BLAS_SchedulingError("No enclosing scope found")
    return c


def get_enclosing_loop(cursor):
    return get_enclosing_scope(cursor, ForCursor)


def get_enclosing_if(cursor):
    return get_enclosing_scope(cursor, IfCursor)


def get_statement(cursor):
    """The statement an expression cursor belongs to (a statement: itself)."""
    while not isinstance(cursor, StmtCursor):
        cursor = cursor.parent()
    return cursor


def post_order_stmts(block):
    """Every statement of a block, nested ones before the statement holding them."""
    for s in block:
        if isinstance(s, ForCursor):
            yield from post_order_stmts(s.body())
        elif isinstance(s, IfCursor):
            yield from post_order_stmts(s.body())
            if not isinstance(s.orelse(), InvalidCursor):
                yield from post_order_stmts(s.orelse())
        yield s


def is_inner_loop(loop):
    """Whether no loop is nested in `loop`."""
    return not any(isinstance(s, ForCursor) for s in post_order_stmts(loop.body()))


def name_exists(proc, name):
    return any(a.name() == name for a in proc.args()) or any(
        isinstance(s, AllocCursor) and s.name() == name for s in post_order_stmts(proc.body())
    )


def get_reg_name(proc, prefix="reg"):
    """Fresh buffer names reg_1, reg_2, ... not declared in `proc`."""
    k = 0
    while True:
        k += 1
        if not name_exists(proc, f"{prefix}_{k}"):
            yield f"{prefix}_{k}"


def is_already_divided(loop_cursor, div_factor):
    """Whether `loop_cursor`'s body is a single loop of `div_factor` iterations."""
    body = loop_cursor.body()
    return (
        len(body) == 1
        and isinstance(body[0], ForCursor)
        and isinstance(body[0].hi(), LiteralCursor)
        and body[0].hi().value() == div_factor
    )


# --------------------------------------------------------------------------- #
# Loops


@dataclass
class auto_divide_loop_cursors:  # noqa: N801 (exo-lang's name)
    outer_loop_cursor: ForCursor
    inner_loop_cursor: ForCursor
    tail_loop_cursor: ForCursor | InvalidCursor


def auto_divide_loop(proc, loop_cursor, div_const, tail="guard", perfect=False, rc=True):
    """divide_loop into `<i>o` and `<i>i`, returning (proc, cursors to the outer,
    inner and tail loops); the tail is an InvalidCursor when there is none."""
    loop = proc.forward(loop_cursor)
    name = loop.name()
    proc = divide_loop(proc, loop, div_const, [name + "o", name + "i"], tail=tail, perfect=perfect)
    outer = proc.forward(loop)
    inner = outer.body()[0]
    if perfect or tail == "guard":
        tail_loop = InvalidCursor()
    elif tail == "cut":
        tail_loop = outer.next()
    else:  # cut_and_guard: the tail loop sits under an if
        tail_loop = outer.next().body()[0]
    cursors = auto_divide_loop_cursors(outer, inner, tail_loop)
    return (proc, cursors) if rc else proc


def _divide_maybe_perfectly(proc, loop, factor, tail):
    """Divides `loop` by `factor` without a tail when that is provable."""
    try:
        return auto_divide_loop(proc, loop, factor, perfect=True)
    except SchedulingError:
        return auto_divide_loop(proc, loop, factor, tail=tail)


def hoist_stmt(proc, stmt_cursor):
    """Moves a statement that does not depend on its loop before the loop:
    it is moved to the front of the body (reorder_stmts), split off (fission)
    and its one-statement loop removed (remove_loop). An allocation is lifted."""
    stmt = proc.forward(stmt_cursor)
    if not isinstance(stmt, StmtCursor):
        raise BLAS_SchedulingError("Cannot hoist cursor that are not statements")
    if isinstance(stmt, AllocCursor):
        return lift_alloc(proc, stmt)
    get_enclosing_loop(stmt)  # raises when there is no loop to leave
    while not isinstance(stmt.prev(), InvalidCursor):
        proc = reorder_stmts(proc, stmt.expand(1, 0))
        stmt = proc.forward(stmt)
    if not isinstance(stmt.next(), InvalidCursor):
        proc = fission(proc, stmt.after())
        stmt = proc.forward(stmt)
    return remove_loop(proc, stmt.parent())


def parallelize_and_lift_alloc(proc, alloc_cursor, n_lifts=1):
    """Lifts an allocation out of `n_lifts` scopes; out of a loop it gains a
    leading dimension (the loop's trip count) indexed by the iterator, so each
    iteration keeps its own copy."""
    alloc = proc.forward(alloc_cursor)
    for _ in range(n_lifts):
        alloc = proc.forward(alloc)
        scope = alloc.parent()
        if isinstance(scope, ForCursor):
            proc = expand_dim(proc, alloc, expr_to_string(scope.hi()), scope.name())
        proc = lift_alloc(proc, alloc)
    return proc


def stage_expr(proc, expr_cursors, new_name, memory=DRAM, n_lifts=1):
    """Computes an expression of a loop body into a buffer, for all iterations,
    in a loop of its own before the rest of the body:

        for i in seq(0, hi):            new_name: T[hi] @ memory
            s(e(i))             ->      for i in seq(0, hi):
                                            new_name[i] = e(i)
                                        for i in seq(0, hi):
                                            s(new_name[i])
    """
    if not isinstance(expr_cursors, list):
        expr_cursors = [expr_cursors]
    exprs = [proc.forward(c) for c in expr_cursors]
    loop = get_enclosing_loop(exprs[0])
    stmt = get_statement(exprs[0])
    proc = bind_expr(proc, exprs, new_name)
    bind = proc.forward(stmt).prev()
    alloc = bind.prev()
    proc = set_memory(proc, alloc, memory)
    proc = expand_dim(proc, alloc, expr_to_string(loop.hi()), loop.name())
    proc = lift_alloc(proc, alloc, n_lifts=n_lifts)
    return fission(proc, proc.forward(bind).after(), n_lifts=n_lifts)


def interleave_execution(proc, loop_cursor, interleave_factor):
    """Divides a loop by `interleave_factor` and unrolls the copies of each
    statement of its body next to each other:

        for i in seq(0, n):             for io in seq(0, n / f):
            S1                  ->          S1 (f copies)
            S2                              S2 (f copies)
    """
    loop = proc.forward(loop_cursor)
    if not isinstance(loop, ForCursor):
        raise BLAS_SchedulingError("interleave_execution loop_cursor must be a ForCursor")
    if isinstance(loop.hi(), LiteralCursor) and loop.hi().value() == interleave_factor:
        inner = loop
    else:
        proc, cur = _divide_maybe_perfectly(proc, loop, interleave_factor, "cut")
        inner = cur.inner_loop_cursor
    for s in list(inner.body()):
        if isinstance(s, AllocCursor):
            proc = parallelize_and_lift_alloc(proc, s)
    stmts = list(proc.forward(inner).body())
    for s in stmts[:-1]:
        proc = fission(proc, proc.forward(s).after())
        proc = unroll_loop(proc, proc.forward(s).parent())
    return unroll_loop(proc, proc.forward(stmts[-1]).parent())


def tile_loops(proc, loop_tile_pairs):
    """Tiles a perfect loop nest: each (loop, size) is divided by `size` and the
    tile loops are moved inside all the outer loops, e.g. [(i, 8), (j, 4)]:

        for i: for j: S    ->   for io: for jo: for ii in seq(0, 8): for ji in seq(0, 4): S

    Loops whose size the tile provably divides get no tail; the others keep
    their remainder in an untiled loop after the tiled one (tail="cut").
    Returns (proc, cursors to the tile loops)."""
    pairs = [(proc.forward(loop), size) for loop, size in loop_tile_pairs]
    inners, outers = [], []
    for loop, size in pairs:
        proc, cur = _divide_maybe_perfectly(proc, loop, size, "cut")
        inners.append(cur.inner_loop_cursor)
        outers.append(cur.outer_loop_cursor)
    # Innermost level first, each tile loop moves inward past the outer loops of
    # all deeper levels (one interchange per level).
    for k in range(len(pairs) - 2, -1, -1):
        for _ in range(len(pairs) - 1 - k):
            tile = proc.forward(inners[k])
            if len(tile.body()) > 1:  # a remainder loop follows: split it off first
                proc = fission(proc, tile.body()[0].after())
            proc = reorder_loops(proc, proc.forward(inners[k]))
    # An interchange keeps cursors at their positions; the tile loops are found
    # again by name inside the outermost tiled loop (the nest comes first there).
    names = [c.name() for c in inners]
    top = proc.forward(outers[0])
    return proc, [top.find(f"for {name} in _: _") for name in names]


def auto_stage_mem(proc, cursor, new_buff_name, n_lifts=1, accum=False):
    """stage_mem around the `n_lifts` loops enclosing an access (a read, assign
    or reduce), with the window the access covers over those loops."""
    if not isinstance(cursor, (ReadCursor, AssignCursor)):
        raise BLAS_SchedulingError("auto_stage_mem expects a read, assign or reduce cursor")
    cursor = proc.forward(cursor)
    loops = [get_enclosing_loop(cursor)]
    for _ in range(n_lifts - 1):
        loops.append(get_enclosing_loop(loops[-1]))
    last = {}
    for loop in reversed(loops):  # outermost first: inner bounds may use outer iterators
        last[loop.name()] = f"({expr_to_string(loop.hi(), last)} - 1)"
    first = {loop.name(): f"({expr_to_string(loop.lo())})" for loop in loops}
    coords = []
    for idx in cursor.idx():
        lo, hi = expr_to_string(idx, first), expr_to_string(idx, last)
        coords.append(lo if lo == hi else f"{lo}:{hi} + 1")
    window = f"{cursor.name()}[{', '.join(coords)}]"
    return stage_mem(proc, loops[-1], window, new_buff_name, accum=accum)


# --------------------------------------------------------------------------- #
# Vectorization


def _vector_operands(expr, lhs_name, is_reduce):
    """The sub-expressions of a statement's right-hand side that get a vector
    register, innermost first: every read and literal, and every operation but
    a multiplication that a reduction accumulates (a fused multiply-add)."""
    if isinstance(expr, (ReadCursor, LiteralCursor)):
        return [expr]
    if isinstance(expr, UnaryMinusCursor):
        return _vector_operands(expr.arg(), lhs_name, False) + [expr]
    if isinstance(expr, BinaryOpCursor):
        kids = _vector_operands(expr.lhs(), lhs_name, False) + _vector_operands(expr.rhs(), lhs_name, False)
        at_root = isinstance(expr.parent(), StmtCursor)
        if at_root and is_reduce and expr.op() == "*":
            return kids
        return kids + [expr]
    if isinstance(expr, ExternFunctionCursor):
        out = []
        for a in expr.args():
            out += _vector_operands(a, lhs_name, False)
        return out + [expr]
    raise BLAS_SchedulingError(f"cannot vectorize an expression of kind {type(expr).__name__}")


def _lane_window(stmt, lane, width):
    """The window `name[..., lo:lo + width]` a statement's lanes touch, when only
    its last index varies with the lane iterator."""
    idx = list(stmt.idx())
    if not idx:
        raise BLAS_SchedulingError("cannot vectorize a store to a scalar")
    coords = []
    for k, e in enumerate(idx):
        if k < len(idx) - 1:
            if "@lane" in expr_to_string(e, {lane: "@lane"}):
                raise BLAS_SchedulingError("only the last index may vary across lanes")
            coords.append(expr_to_string(e))
        else:
            lo = expr_to_string(e, {lane: "0"})
            coords.append(f"{lo}:{lo} + {width}")
    return f"{stmt.name()}[{', '.join(coords)}]"


def vectorize(proc, loop_cursor, vec_width, memory, instructions, tail="cut"):
    """Vectorizes an inner loop whose body is one assignment or reduction:

        for i in seq(0, n):                for io in seq(0, n / w):
            y[i] += a[0] * x[i]     ->         reg_1: f32[w] @ memory  (= a[0], all lanes)
                                               reg_2: f32[w] @ memory  (= x[w*io : w*io + w])
                                               reg_3: f32[w] @ memory  (= y[...], staged)
                                               reg_3[ii] += reg_1[ii] * reg_2[ii]
                                               y[...] = reg_3
                                           (tail loop for the rest)

    Each operand is staged into a `vec_width`-lane buffer in `memory` by its own
    loop (stage_expr), a reduction's destination is staged with stage_mem, and
    then every lane loop that matches one of `instructions` becomes a call
    (replace_all). Lane loops no instruction matches stay as loops."""
    loop = proc.forward(loop_cursor)
    if not isinstance(loop, ForCursor):
        raise BLAS_SchedulingError("vectorize loop_cursor must be a ForCursor")
    proc, cur = _divide_maybe_perfectly(proc, loop, vec_width, tail)
    inner = cur.inner_loop_cursor
    body = list(inner.body())
    if len(body) != 1 or not isinstance(body[0], AssignCursor):
        raise BLAS_SchedulingError("vectorize expects a loop whose body is one assignment or reduction")
    stmt = body[0]
    is_reduce = isinstance(stmt, ReduceCursor)
    names = get_reg_name(proc)
    for e in _vector_operands(stmt.rhs(), stmt.name(), is_reduce):
        proc = stage_expr(proc, e, next(names), memory)
        names = get_reg_name(proc)
    stmt = proc.forward(stmt)
    if is_reduce:
        lane_loop = stmt.parent()
        proc = stage_mem(proc, lane_loop, _lane_window(stmt, lane_loop.name(), vec_width), next(names))
        alloc = proc.forward(lane_loop).prev().prev()
        proc = set_memory(proc, alloc, memory)
    proc = simplify(proc)
    return replace_all(proc, instructions)


__all__ = [
    "BLAS_SchedulingError",
    "get_enclosing_scope", "get_enclosing_loop", "get_enclosing_if", "get_statement",
    "post_order_stmts", "is_inner_loop", "name_exists", "get_reg_name", "is_already_divided",
    "auto_divide_loop_cursors", "auto_divide_loop", "hoist_stmt", "parallelize_and_lift_alloc",
    "stage_expr", "interleave_execution", "tile_loops", "auto_stage_mem", "vectorize",
    "expr_to_string",
]
