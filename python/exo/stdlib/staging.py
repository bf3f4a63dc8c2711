"""Staging values into buffers and registers: binding expressions to new
scalars, staging a buffer's window around a block, staging whole computations
into a memory (operand by operand), and the passes built on them (common
subexpressions, dealiasing, copy inlining). Re-exported by exo.stdlib.stdlib."""

from __future__ import annotations

from dataclasses import dataclass

from .._core import SchedulingError
from ..API_cursors import (
    AllocCursor,
    BlockCursor,
    ExoType,
    ExprCursor,
    ForCursor,
    IfCursor,
    InvalidCursor,
    ReadCursor,
    ReduceCursor,
)
from ..API_scheduling import (
    bind_expr,
    delete_buffer,
    expand_dim,
    fission,
    fold_into_reduce,
    inline_assign,
    lift_alloc,
    lift_scope,
    merge_writes,
    remove_loop,
    reorder_stmts,
    set_memory,
    set_precision,
    stage_mem,
)
from ..memory import DRAM
from .higher_order import apply, attempt, lift_rc, make_pass, predicate
from .inspection import _fwd
from .inspection import (
    are_exprs_equal,
    expr_to_string,
    get_bounding_block,
    get_declaration,
    get_distance,
    get_enclosing_stmt,
    get_parents,
    get_symbols,
    get_unique_names,
    get_children,
    is_access,
    is_add,
    is_assign,
    is_binop,
    is_copy,
    is_literal,
    is_loop,
    is_mul,
    is_read,
    is_reduce,
    is_select,
    is_stmt,
    is_unary_minus,
    lrn,
    lrn_stmts,
    nlr_stmts,
)
from .rc_wrappers import stage_mem_


class _Unpackable:
    def __iter__(self):
        return iter([getattr(self, f) for f in self.__dataclass_fields__])


# --------------------------------------------------------------------------- #
# Binding and lifting allocations


@dataclass
class bind_and_set_expr_cursors(_Unpackable):  # noqa: N801 (exo-lang's name)
    alloc: AllocCursor
    bound_expr: ExprCursor
    expr_reads: ExprCursor


def bind_and_set_expr(proc, exprs, precision, memory, new_name=None, rc=False):
    """bind_expr into a new scalar (a fresh name unless given) of type
    `precision` in `memory`. Cursors: its allocation, the bound expression
    (right-hand side of the new assignment) and the expressions given."""
    if new_name is None:
        new_name = next(get_unique_names(proc))
    first = exprs if isinstance(exprs, ExprCursor) else exprs[0]
    stmt = get_enclosing_stmt(proc, first)
    if isinstance(precision, ExoType):  # a declaration's type() names its precision
        precision = precision.value
    proc = bind_expr(proc, exprs, new_name)
    proc = set_precision(proc, new_name, precision)
    proc = set_memory(proc, new_name, memory)
    if not rc:
        return proc
    alloc = get_declaration(proc, stmt, new_name)
    return proc, bind_and_set_expr_cursors(alloc, alloc.next().rhs(), exprs)


def parallelize_and_lift_alloc(proc, alloc_cursor, n_lifts=1):
    """Lifts an allocation out of `n_lifts` scopes; leaving a loop it gains a
    leading dimension of the loop's trip count, indexed by the iterator, so
    every iteration keeps its own copy."""
    alloc = proc.forward(alloc_cursor)
    for _ in range(n_lifts):
        alloc = proc.forward(alloc)
        scope = alloc.parent()
        if isinstance(scope, ForCursor):
            proc = expand_dim(proc, alloc, expr_to_string(scope.hi()), scope.name())
        proc = lift_alloc(proc, alloc)
    return proc


def parallelize_allocs(proc, cursor):
    """parallelize_and_lift_alloc of every allocation under a loop or if, out
    to the level of that statement."""
    if not isinstance(cursor, (ForCursor, IfCursor)):
        raise SchedulingError(f"Got type {type(cursor)}, expected {ForCursor} or {IfCursor}")
    allocs = [s for s in nlr_stmts(proc, cursor) if isinstance(s, AllocCursor)]
    lift = lambda p, a: parallelize_and_lift_alloc(p, a, get_distance(p, a, cursor))  # noqa: E731
    return apply(lift)(proc, allocs)


# --------------------------------------------------------------------------- #
# Staging a buffer around a block


def _index_range(proc, expr, env):
    """(first, last) Exo text of the values an index expression takes, given
    the ranges of the loop iterators in `env` (loop bounds: lo, hi)."""
    expr = _fwd(proc, expr)  # an allocation's extent has no position to forward
    if is_read(proc, expr):
        if expr.name() in env:
            return env[expr.name()]
        return expr.name(), expr.name()
    if is_literal(proc, expr):
        return str(expr.value()), str(expr.value())
    if is_unary_minus(proc, expr):
        lo, hi = _index_range(proc, expr.arg(), env)
        return f"-({hi})", f"-({lo})"
    if is_binop(proc, expr):
        (llo, lhi), (rlo, rhi) = _index_range(proc, expr.lhs(), env), _index_range(proc, expr.rhs(), env)
        op = expr.op()
        if op == "+":
            return f"({llo}) + ({rlo})", f"({lhi}) + ({rhi})"
        if op == "-":
            return f"({llo}) - ({rhi})", f"({lhi}) - ({rlo})"
        if op in ("*", "/", "%"):  # stage_mem checks the window covers the accesses
            lit = expr.rhs() if is_literal(proc, expr.rhs()) else expr.lhs()
            if not is_literal(proc, lit):
                raise SchedulingError("auto_stage_mem: cannot bound a product of two variables")
            rng = (f"({llo}) {op} ({rlo})", f"({lhi}) {op} ({rhi})")
            return rng[::-1] if lit.value() < 0 else rng
    raise SchedulingError(f"auto_stage_mem: cannot bound the index expression {expr_to_string(expr)}")


def _window_text(buff, window):
    dims = [lo if lo == hi else f"{lo}:{hi}" for lo, hi in window]
    return f"{buff}[{', '.join(dims)}]" if dims else buff


def auto_stage_mem(proc, block, buff, new_buff_name=None, accum=False, rc=False):
    """stage_mem of `buff` around a block (or statement) with the tightest
    window stage_mem accepts: each side of each dimension starts at the whole
    buffer and takes, among the bounds the accesses in the block give, one that
    stage_mem accepts. With rc=True also the cursors of stage_mem_."""
    if new_buff_name is None:
        new_buff_name = next(get_unique_names(proc))
    if not isinstance(block, BlockCursor):
        block = proc.forward(block).as_block()

    nodes = list(lrn(proc, block))
    loops = [c for c in nodes if is_loop(proc, c)]
    accesses = [c for c in nodes if is_access(proc, c) and c.name() == buff]

    decl = get_declaration(proc, block[0], buff)
    if not decl.is_tensor():
        return stage_mem_(proc, block, buff, new_buff_name, accum, rc=rc)

    def access_window(access):
        env = {}
        for loop in [p for p in get_parents(proc, access) if p in loops][::-1]:
            env[loop.name()] = (_index_range(proc, loop.lo(), env)[0], _index_range(proc, loop.hi(), env)[1])
        return [_index_range(proc, idx, env) for idx in access.idx()]

    window = [["0", _index_range(proc, d, {})[0]] for d in decl.shape()]
    candidates = [(set(), set()) for _ in window]
    for acc in map(access_window, accesses):
        for k, (lo, hi) in enumerate(acc):
            candidates[k][0].add(lo)
            candidates[k][1].add(hi)

    def accepted(w):
        return attempt(stage_mem, errs=(SchedulingError,))(
            proc, block, _window_text(buff, w), new_buff_name, accum, rs=True)[1]

    for k, dim in enumerate(window):
        for side in (0, 1):
            options = sorted(candidates[k][side])
            if len(options) == 1:
                dim[side] = options[0]
                continue
            for option in options:
                old, dim[side] = dim[side], option
                if not accepted(window):
                    dim[side] = old
    return stage_mem_(proc, block, _window_text(buff, window), new_buff_name, accum, rc=rc)


def ordered_stage_expr(proc, expr_cursors, new_buff_name, precision, n_lifts=1):
    """Binds expressions to a new buffer and computes it in its own loop nest
    before the `n_lifts` loops around the statement, keeping a dimension per
    loop the value depends on; loops and ifs around the computation that it
    does not need are then removed or lifted."""
    if not isinstance(expr_cursors, list):
        expr_cursors = [expr_cursors]
    if not all(isinstance(c, ExprCursor) for c in expr_cursors):
        raise SchedulingError("auto_stage_mem expects a read a cursor")
    exprs = [proc.forward(c) for c in expr_cursors]
    stmt = get_enclosing_stmt(proc, exprs[0])
    proc = bind_expr(proc, exprs, new_buff_name)
    assign = proc.forward(stmt).prev()
    alloc = assign.prev()
    deps = list(get_symbols(proc, assign.rhs()))

    anchor = assign
    for _ in range(n_lifts):
        loop = anchor.parent()
        if not isinstance(loop, ForCursor):
            raise SchedulingError("Not implemented yet")
        if loop.name() in deps:
            proc = parallelize_and_lift_alloc(proc, alloc)
        else:
            proc = lift_alloc(proc, alloc)
        anchor = proc.forward(anchor)
        while not isinstance(anchor.prev(), InvalidCursor):
            proc = reorder_stmts(proc, anchor.expand(1, 0))
            anchor = proc.forward(anchor)
        proc = fission(proc, anchor.after())
        anchor = proc.forward(anchor).parent()

    def drop_loops(proc, loop):
        inner = loop.body()[0]
        if isinstance(inner, ForCursor):
            proc = drop_loops(proc, inner)
        return attempt(remove_loop, errs=(SchedulingError,))(proc, loop)

    alloc = proc.forward(alloc)
    proc = drop_loops(proc, alloc.next())
    alloc = proc.forward(alloc)
    proc = set_precision(proc, alloc, precision)

    def lift_ifs(proc, scope, depth=0):
        if isinstance(scope, IfCursor):
            for _ in range(depth):
                proc = lift_scope(proc, scope)
        inner = scope.body()[0]
        if isinstance(inner, (ForCursor, IfCursor)):
            proc = lift_ifs(proc, inner, depth + 1)
        return proc

    return lift_ifs(proc, proc.forward(alloc).next())


# --------------------------------------------------------------------------- #
# Staging computations into a memory


def unfold_reduce(proc, reduce):
    """x += e  ->  x = x + e (through a staged copy of x)."""
    if not isinstance(reduce, ReduceCursor):
        raise SchedulingError("Expected a reduce cursor")
    proc = auto_stage_mem(proc, reduce, reduce.name())
    reduce = proc.forward(reduce)
    alloc = reduce.prev().prev()
    proc = merge_writes(proc, reduce.as_block().expand(delta_lo=1, delta_hi=0))
    proc = inline_assign(proc, proc.forward(alloc).next())
    return delete_buffer(proc, alloc)


def fma_rule(proc, expr):
    """For a*b + c (or c + a*b): the operands [a, b, c] staged one by one."""
    expr = proc.forward(expr)
    if is_add(proc, expr):
        if is_mul(proc, expr.lhs()):
            return [expr.lhs().lhs(), expr.lhs().rhs(), expr.rhs()]
        if is_mul(proc, expr.rhs()):
            return [expr.lhs(), expr.rhs().lhs(), expr.rhs().rhs()]
    return None


def abs_rule(proc, expr):
    """For select(0.0, x, x, -x) (an absolute value): x staged once."""
    expr = proc.forward(expr)
    if is_select(proc, expr):
        a = expr.args()
        if (is_literal(proc, a[0], 0.0) and is_unary_minus(proc, a[3])
                and are_exprs_equal(proc, a[1], a[2]) and are_exprs_equal(proc, a[1], a[3].arg())):
            return [[a[1], a[2], a[3].arg()]]
    return None


def stage_expr_into_memory(proc, exprs, precision, memory):
    """Binds an expression to a scalar of `precision` in `memory`, unless it is
    already assigned to or read from a buffer in `memory`. Returns (proc, the
    expression now computed)."""
    if not isinstance(exprs, list):
        exprs = [exprs]
    expr = proc.forward(exprs[0])
    parent = expr.parent()
    if is_assign(proc, parent) and get_declaration(proc, expr, parent.name()).mem() is memory:
        return proc, expr
    if isinstance(expr, ReadCursor) and get_declaration(proc, expr, expr.name()).mem() is memory:
        return proc, expr
    return lift_rc(bind_and_set_expr, "bound_expr")(proc, exprs, precision, memory)


def _numeric_children(proc, cursor=InvalidCursor()):
    return [c for c in get_children(proc, cursor) if hasattr(c, "type") and c.type().is_numeric()]


def stage_compute(proc, block=InvalidCursor(), precision="R", memory=DRAM, children_ops=[]):  # noqa: B006
    """Stages every value the block computes into `memory`: its allocations
    move there, reductions are unfolded, and each assignment's right-hand side
    and (recursively) its operands are bound to scalars of `precision` in
    `memory`. `children_ops` are rules (e.g. fma_rule) choosing which operands
    of an expression to stage; the first that answers wins, else all numeric
    operands are. Reductions are folded back and aliasing reads separated."""
    if not isinstance(children_ops, list):
        raise SchedulingError("Expected children_ops to be a list")
    rules = list(children_ops) + [_numeric_children]

    def stage(proc, exprs):
        proc, expr = stage_expr_into_memory(proc, exprs, precision, memory)
        children = []
        for rule in rules:
            children = rule(proc, expr)
            if children:
                break
        return apply(stage)(proc, children or [])

    allocs = [s for s in nlr_stmts(proc, block) if isinstance(s, AllocCursor)]
    proc = apply(set_memory)(proc, allocs, memory)
    proc = make_pass(attempt(unfold_reduce))(proc, block)
    rhss = [s.rhs() for s in lrn_stmts(proc, block) if is_assign(proc, s)]
    proc = apply(stage)(proc, rhss)
    proc = make_pass(attempt(fold_into_reduce))(proc, block)
    return dealiasing_pass(proc, block)


# --------------------------------------------------------------------------- #
# Passes over reads and writes


def _numeric_accesses(proc, nodes):
    return [c for c in nodes if is_access(proc, c) and (is_stmt(proc, c) or c.type().is_numeric())]


def cse(proc, block, precision):
    """Reads of the same element repeated in a block are bound to one scalar of
    `precision`; an element also written there is staged around the smallest
    block covering its accesses."""
    if not isinstance(block, BlockCursor):
        block = proc.forward(block).as_block()
    groups = {}
    for access in _numeric_accesses(proc, list(lrn(proc, block))):
        groups.setdefault(access.name(), {}).setdefault(expr_to_string(access.idx()), []).append(access)
    for buff, by_index in groups.items():
        for accesses in by_index.values():
            if len(accesses) < 2:
                continue
            if all(is_read(proc, c) for c in accesses):
                proc = bind_and_set_expr(proc, accesses, precision, DRAM)
            else:
                proc = auto_stage_mem(proc, get_bounding_block(proc, accesses), buff)
    return proc


inline_copies = make_pass(predicate(attempt(inline_assign), is_copy))
inline_copies.__doc__ = "Inlines every copy between buffers of the same memory (pass over a block)."


def dealias(proc, stmt):
    """Gives each repeated read of a buffer in a statement's right-hand side
    (but the last) a scalar of its own, and the right-hand side one too when it
    reads the buffer written, so no operation reads and writes one location."""
    stmt = proc.forward(stmt)
    if not is_assign(proc, stmt) and not is_reduce(proc, stmt):
        raise TypeError("stmt must be an assign or reduce")
    by_buffer = {}
    for access in _numeric_accesses(proc, list(lrn(proc, stmt.rhs()))):
        by_buffer.setdefault(access.name(), []).append(access)
    for accesses in by_buffer.values():
        for access in accesses[:-1]:
            decl = get_declaration(proc, stmt, access.name())
            proc = bind_and_set_expr(proc, access, decl.type(), decl.mem())
    if stmt.name() in by_buffer:
        decl = get_declaration(proc, stmt, stmt.name())
        proc = bind_and_set_expr(proc, stmt.rhs(), decl.type(), decl.mem())
    return proc


dealiasing_pass = make_pass(attempt(dealias, errs=(TypeError,)))
dealiasing_pass.__doc__ = "dealias applied to every assignment and reduction of a block."


__all__ = [
    "bind_and_set_expr_cursors", "bind_and_set_expr", "parallelize_and_lift_alloc",
    "parallelize_allocs", "auto_stage_mem", "ordered_stage_expr", "unfold_reduce", "fma_rule",
    "abs_rule", "stage_expr_into_memory", "stage_compute", "cse", "inline_copies", "dealias",
    "dealiasing_pass",
]
