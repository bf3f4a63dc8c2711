"""exo.stdlib.inspection: walking and questioning a procedure through cursors.

Every function takes the procedure first and forwards the cursors it is given
into it, so cursors of procedures it was scheduled from work too.
"""

from __future__ import annotations

import re

from .. import _core
from .._core import SchedulingError
from ..API_cursors import (
    AllocCursor,
    ArgCursor,
    AssignConfigCursor,
    AssignCursor,
    BinaryOpCursor,
    BlockCursor,
    CallCursor,
    Cursor,
    ExprCursor,
    ExprListCursor,
    ExternFunctionCursor,
    ForCursor,
    IfCursor,
    InvalidCursor,
    LiteralCursor,
    PassCursor,
    ReadConfigCursor,
    ReadCursor,
    ReduceCursor,
    StmtCursor,
    StrideExprCursor,
    UnaryMinusCursor,
    WindowExprCursor,
    WindowStmtCursor,
)
from ..procedure import Procedure
from . import introspection


class CursorNavigationError(Exception):
    """A navigation request with no answer (no common ancestor, no such loop)."""


class CursorProcMismatchError(CursorNavigationError, AssertionError):
    """Two cursors that should be compared come from different procedures
    (an AssertionError too, the class exo-lang raises here)."""


def _fwd(proc, c):
    if isinstance(c, (InvalidCursor, ExprListCursor, list, tuple)) or not isinstance(c, Cursor):
        return c
    if isinstance(c._impl, _core.ExprValue):
        return c  # an extent of a shape: a value without a position to follow
    return proc.forward(c)


# --------------------------------------------------------------------------- #
# Children and traversals


def _expr_children(e):
    if isinstance(e, ReadCursor):
        yield from e.idx()
    elif isinstance(e, WindowExprCursor):
        for w in e.idx():
            yield from (w if isinstance(w, tuple) else (w,))
    elif isinstance(e, UnaryMinusCursor):
        yield e.arg()
    elif isinstance(e, BinaryOpCursor):
        yield e.lhs()
        yield e.rhs()
    elif isinstance(e, ExternFunctionCursor):
        yield from e.args()
    elif not isinstance(e, (LiteralCursor, ReadConfigCursor, StrideExprCursor)):
        raise SchedulingError(f"Got an instance of {type(e)} which is unsupported.")


def _stmt_children(s):
    if isinstance(s, AllocCursor):
        if s.is_tensor():
            yield from s.shape()
    elif isinstance(s, AssignCursor):  # also ReduceCursor
        yield from s.idx()
        yield s.rhs()
    elif isinstance(s, ForCursor):
        yield s.lo()
        yield s.hi()
        yield from s.body()
    elif isinstance(s, IfCursor):
        yield s.cond()
        yield from s.body()
        if not isinstance(s.orelse(), InvalidCursor):
            yield from s.orelse()
    elif isinstance(s, CallCursor):
        yield from s.args()
    elif isinstance(s, WindowStmtCursor):
        yield s.winexpr()
    elif isinstance(s, AssignConfigCursor):
        yield s.rhs()
    elif not isinstance(s, PassCursor):
        raise SchedulingError(f"Got an instance of {type(s)} which is unsupported.")


def get_children(proc, cursor=InvalidCursor(), lr=True):
    """The direct children of a node: a procedure's arguments and body, a
    statement's expressions and sub-statements, an expression's operands, a
    block's statements. lr=False gives them right to left."""
    if isinstance(cursor, InvalidCursor):
        cursor = proc
    else:
        cursor = _fwd(proc, cursor)
    yield from _children(cursor, lr)


def _children(cursor, lr):
    """get_children of a node already in the procedure walked (no forwarding)."""
    if isinstance(cursor, (ExprListCursor, BlockCursor, list, tuple)):
        kids = list(cursor)
    elif isinstance(cursor, Procedure):
        kids = list(cursor.args()) + [cursor.body()]
    elif isinstance(cursor, ArgCursor):
        kids = [cursor.shape()] if cursor.is_tensor() else []
    elif isinstance(cursor, ExprCursor):
        kids = list(_expr_children(cursor))
    elif isinstance(cursor, StmtCursor):
        kids = list(_stmt_children(cursor))
    else:
        raise SchedulingError(f"Got an instance of {type(cursor)} which is unsupported.")
    yield from (kids if lr else kids[::-1])


def _walk(proc, cursor, node_first, lr):
    start = cursor if isinstance(cursor, (InvalidCursor, ExprListCursor, BlockCursor)) else _fwd(proc, cursor)

    # Children come from `start`, already a cursor of `proc`: only it is forwarded.
    def dfs(c):
        if node_first:
            yield c
        for k in _children(proc if isinstance(c, InvalidCursor) else c, lr):
            yield from dfs(k)
        if not node_first:
            yield c

    return dfs(start)


def lrn(proc, cursor=InvalidCursor()):
    """Post-order, left to right (children before their parent)."""
    yield from _walk(proc, cursor, False, True)


def nlr(proc, cursor=InvalidCursor()):
    """Pre-order, left to right (a node before its children)."""
    yield from _walk(proc, cursor, True, True)


def rln(proc, cursor=InvalidCursor()):
    """Post-order, right to left."""
    yield from _walk(proc, cursor, False, False)


def nrl(proc, cursor=InvalidCursor()):
    """Pre-order, right to left."""
    yield from _walk(proc, cursor, True, False)


def _walk_stmts(proc, block, node_first):
    """The statements of lrn/nlr(proc, block), visiting statements only: the
    same order as filtering the whole walk, without building expression cursors."""
    if isinstance(block, InvalidCursor):
        start = [proc.body()]
    elif isinstance(block, (ExprListCursor, BlockCursor, list, tuple)):
        start = list(block)
    else:
        start = [_fwd(proc, block)]

    def walk(c):
        if isinstance(c, (BlockCursor, list, tuple)):
            for s in c:
                yield from walk(s)
            return
        if not isinstance(c, StmtCursor):
            return  # an expression holds no statements
        if node_first:
            yield c
        if isinstance(c, (ForCursor, IfCursor)):
            yield from walk(c.body())
            if isinstance(c, IfCursor) and not isinstance(c.orelse(), InvalidCursor):
                yield from walk(c.orelse())
        if not node_first:
            yield c

    for c in start:
        yield from walk(c)


def lrn_stmts(proc, block=InvalidCursor()):
    """The statements under `block` (default: the whole body), children first."""
    yield from _walk_stmts(proc, block, False)


def nlr_stmts(proc, block=InvalidCursor()):
    """The statements under `block` (default: the whole body), in program order."""
    yield from _walk_stmts(proc, block, True)


def get_symbols(proc, cursor=InvalidCursor()):
    """The names (buffers, loop variables, arguments, ...) mentioned under a node."""
    for c in lrn(proc, cursor):
        if isinstance(c, (InvalidCursor, Procedure)):
            continue  # the walk's root when it covers the whole procedure
        if hasattr(c, "name"):
            yield c.name()


def get_declaration(proc, ctxt, name):
    """The allocation (or else argument) that `name` refers to at `ctxt`."""
    decl = introspection.get_declaration(proc, get_my_stmt(proc, ctxt), name)
    if decl is None:
        raise SchedulingError(f"Declaration of {name} not found!")
    return decl


def get_unique_names(proc):
    """Fresh names var0, var1, ... not used in `proc`."""
    # Every name `var<k>` of the procedure appears in its text, and only as
    # a name: reading them off the text is the same as walking every node,
    # and much cheaper for a large procedure.
    used = set(re.findall(r"\bvar\d+\b", str(getattr(proc, "_handle", proc))))
    k = 0
    while True:
        name = f"var{k}"
        k += 1
        if name not in used:
            yield name


# --------------------------------------------------------------------------- #
# Kinds


def is_stmt(proc, stmt):
    return isinstance(_fwd(proc, stmt), StmtCursor)


def is_if(proc, if_c):
    return isinstance(_fwd(proc, if_c), IfCursor)


def is_loop(proc, loop):
    return isinstance(_fwd(proc, loop), ForCursor)


def check_is_loop(proc, loop):
    if not is_loop(proc, loop):
        raise TypeError(f"loop is not a {ForCursor}")


def is_loop_bounds_const(proc, loop):
    check_is_loop(proc, loop)
    loop = _fwd(proc, loop)
    return isinstance(loop.lo(), LiteralCursor) and isinstance(loop.hi(), LiteralCursor)


def loop_body_len(proc, loop):
    check_is_loop(proc, loop)
    return len(_fwd(proc, loop).body())


def is_single_stmt_loop(proc, loop):
    return loop_body_len(proc, loop) == 1


def is_binop(proc, expr, op=None):
    expr = _fwd(proc, expr)
    return isinstance(expr, BinaryOpCursor) and (op is None or expr.op() == op)


def is_add(proc, expr):
    return is_binop(proc, expr, "+")


def is_sub(proc, expr):
    return is_binop(proc, expr, "-")


def is_mul(proc, expr):
    return is_binop(proc, expr, "*")


def is_div(proc, expr):
    return is_binop(proc, expr, "/")


def is_mod(proc, expr):
    return is_binop(proc, expr, "%")


def is_builtin(proc, expr, name):
    expr = _fwd(proc, expr)
    return isinstance(expr, ExternFunctionCursor) and expr.name() == name


def is_select(proc, expr):
    return is_builtin(proc, expr, "select")


def is_relu(proc, expr):
    return is_builtin(proc, expr, "relu")


def is_sin(proc, expr):
    return is_builtin(proc, expr, "sin")


def is_literal(proc, expr, value=None):
    expr = _fwd(proc, expr)
    return isinstance(expr, LiteralCursor) and (value is None or expr.value() == value)


def is_reduce(proc, reduce):
    return isinstance(_fwd(proc, reduce), ReduceCursor)


def is_assign(proc, assign):
    assign = _fwd(proc, assign)
    return isinstance(assign, AssignCursor) and not isinstance(assign, ReduceCursor)


def is_read(proc, read, name=None):
    read = _fwd(proc, read)
    return isinstance(read, ReadCursor) and (name is None or read.name() == name)


def is_write(proc, write):
    return is_reduce(proc, write) or is_assign(proc, write)


def is_access(proc, access):
    return is_read(proc, access) or is_write(proc, access)


def is_unary_minus(proc, expr):
    return isinstance(_fwd(proc, expr), UnaryMinusCursor)


def is_start_of_body(proc, stmt):
    return isinstance(_fwd(proc, stmt).prev(), InvalidCursor)


def is_end_of_body(proc, stmt):
    return isinstance(_fwd(proc, stmt).next(), InvalidCursor)


# --------------------------------------------------------------------------- #
# Navigation


def match_depth(cursor, cursor_to_match):
    """The ancestor of `cursor` (or itself) that is a sibling of `cursor_to_match`."""
    if cursor.proc() != cursor_to_match.proc():
        raise CursorNavigationError("cursors originate from different procs")
    target = cursor_to_match.parent()
    while cursor.parent() != target:
        cursor = cursor.parent()
        if isinstance(cursor, InvalidCursor):
            raise CursorNavigationError("cursor_to_match's parent is not an ancestor of cursor")
    return cursor


def match_parent(cursor1, cursor2):
    """The ancestors (or selves) of two cursors that are siblings: the deeper
    one is first raised to the other's depth, then both rise together."""
    proc = cursor1.proc()
    if proc != cursor2.proc():
        raise CursorProcMismatchError("cursors originate from different procs")
    d1, d2 = get_depth(proc, cursor1), get_depth(proc, cursor2)
    for _ in range(d1 - d2):
        cursor1 = cursor1.parent()
    for _ in range(d2 - d1):
        cursor2 = cursor2.parent()
    while cursor1.parent() != cursor2.parent():
        cursor1, cursor2 = cursor1.parent(), cursor2.parent()
    return cursor1, cursor2


def get_top_level_stmt(proc, c):
    """The statement of the procedure body that contains `c`."""
    c = _fwd(proc, c)
    while not isinstance(c.parent(), InvalidCursor):
        c = c.parent()
    return c


def get_enclosing_scope(proc, cursor, scope_type):
    """The nearest strict ancestor of `cursor` of class `scope_type`."""
    c = _fwd(proc, cursor).parent()
    while not isinstance(c, (scope_type, InvalidCursor)):
        c = c.parent()
    if isinstance(c, InvalidCursor):
        raise SchedulingError("No enclosing scope found")
    return c


def _nth_enclosing(proc, cursor, scope_type, n):
    """The n-th strict ancestor of `cursor` of class `scope_type` (1: the nearest)."""
    c = _fwd(proc, cursor)
    for _ in range(n):
        c = get_enclosing_scope(proc, c, scope_type)
    return c


def get_enclosing_loop(proc, cursor, n=1):
    """The n-th loop around `cursor` (1: the nearest)."""
    return _nth_enclosing(proc, cursor, ForCursor, n)


def get_enclosing_loop_by_name(proc, cursor, loop_iter):
    """The loop over `loop_iter` around (or at) `cursor`."""
    c = _fwd(proc, cursor)
    while not (isinstance(c, ForCursor) and c.name() == loop_iter):
        c = c.parent()
        if isinstance(c, InvalidCursor):
            raise CursorNavigationError("no enclosing loop found")
    return c


def get_enclosing_if(proc, cursor, n=1):
    return _nth_enclosing(proc, cursor, IfCursor, n)


def get_enclosing_stmt(proc, cursor, n=1):
    return _nth_enclosing(proc, cursor, StmtCursor, n)


def get_my_stmt(proc, cursor):
    """`cursor` itself if it is a statement, else the statement containing it."""
    c = _fwd(proc, cursor)
    return c if isinstance(c, StmtCursor) else get_enclosing_stmt(proc, c)


def get_index_in_body(proc, stmt, from_top=True):
    """The position of `stmt` in its block (negative, from the end, if not from_top)."""
    s = _fwd(proc, stmt)
    index = 0
    while not isinstance(s.prev(), InvalidCursor):
        s = s.prev()
        index += 1
    if not from_top:
        parent = get_parent(proc, s)
        index -= len(parent.body())
    return index


def get_parent(proc, stmt):
    """The enclosing statement, or the procedure for a top-level statement."""
    p = _fwd(proc, stmt).parent()
    return proc if isinstance(p, InvalidCursor) else p


def get_parents(proc, stmt, up_to=None):
    """The ancestors of `stmt`, innermost first, up to and including `up_to`
    (default: up to the top level)."""
    s = _fwd(proc, stmt)
    if up_to is not None:
        up_to = _fwd(proc, up_to)
        if up_to == s:
            return
        if not up_to.is_ancestor_of(s):
            raise CursorNavigationError("up_to is not an ancestor of stmt")
    s = s.parent()
    while not isinstance(s, InvalidCursor):
        yield s
        if up_to is not None and s == up_to:
            return
        s = s.parent()


def get_nth_inner_loop(proc, loop, n):
    """The n-th loop (from 0) directly in the body of `loop`."""
    inner = [s for s in _fwd(proc, loop).body() if isinstance(s, ForCursor)]
    if n >= len(inner):
        raise SchedulingError(f"Expected exactly at least {n + 1} loops, found {len(inner)}")
    return inner[n]


def get_inner_loop(proc, loop):
    return get_nth_inner_loop(proc, loop, 0)


def get_depth(proc, cursor):
    """How deep `cursor` is: 2 for a top-level statement, one more per scope."""
    c = _fwd(proc, cursor)
    depth = 1
    while not isinstance(c, InvalidCursor):
        c = c.parent()
        depth += 1
    return depth


def get_lca(proc, cursor1, cursor2):
    """The lowest statement containing both cursors."""
    c = _fwd(proc, cursor1)
    other = _fwd(proc, cursor2)
    while not (c == other or (isinstance(c, StmtCursor) and c.is_ancestor_of(other))):
        c = c.parent()
        if isinstance(c, InvalidCursor):
            raise CursorNavigationError("these cursors do not have a common ancestor")
    return c


def get_distance(proc, cursor1, cursor2):
    lca = get_lca(proc, cursor1, cursor2)
    return get_depth(proc, cursor1) + get_depth(proc, cursor2) - 2 * get_depth(proc, lca)


def are_exprs_equal(proc, expr1, expr2):
    """Whether two expressions are the same tree (same operators, names, values)."""
    def same(a, b):
        if type(a) is not type(b):
            return False
        for attr in ("name", "value", "op", "field"):
            if hasattr(a, attr) and getattr(a, attr)() != getattr(b, attr)():
                return False
        ka, kb = list(get_children(proc, a)), list(get_children(proc, b))
        return len(ka) == len(kb) and all(same(x, y) for x, y in zip(ka, kb))

    return same(_fwd(proc, expr1), _fwd(proc, expr2))


def is_copy(proc, assign):
    """Whether `assign` copies a buffer element into one of the same memory."""
    a = _fwd(proc, assign)
    if not is_assign(proc, a) or not is_read(proc, a.rhs()):
        return False
    lhs = get_declaration(proc, a, a.name())
    rhs = get_declaration(proc, a, a.rhs().name())
    return lhs.mem() is rhs.mem()


def get_bounding_block(proc, cursors):
    """The smallest block of sibling statements covering every cursor."""
    stmts = [get_my_stmt(proc, c) for c in cursors]
    depths = [get_depth(proc, s) for s in stmts]
    while len({s.parent() for s in stmts}) > 1 or any(d != depths[0] for d in depths):
        deepest = max(depths)
        for k, s in enumerate(stmts):
            if depths[k] == deepest:
                stmts[k] = s.parent()
                depths[k] -= 1
    ordered = sorted(stmts, key=lambda s: get_index_in_body(proc, s))
    span = get_index_in_body(proc, ordered[-1]) - get_index_in_body(proc, ordered[0])
    return ordered[0].as_block().expand(0, span)


def expr_to_string(expr_cursor, subst=None):
    """Exo text of an expression (fully parenthesized), with names in `subst`
    replaced by the given text. An ExprListCursor gives "[e0, e1, ...]"."""
    subst = subst or {}
    if isinstance(expr_cursor, ExprListCursor):
        parts = [expr_to_string(e, subst) for e in expr_cursor]
        return "[" + ", ".join(parts) + "]" if parts else ""
    e = expr_cursor
    if not isinstance(e, ExprCursor):
        raise SchedulingError("Cursor must be an ExprCursor")
    if isinstance(e, ReadCursor):
        if e.name() in subst:
            return f"({subst[e.name()]})"
        return f"({e.name()}{expr_to_string(e.idx(), subst)})"
    if isinstance(e, LiteralCursor):
        return f"({e.value()})"
    if isinstance(e, UnaryMinusCursor):
        return f"(-{expr_to_string(e.arg(), subst)})"
    if isinstance(e, BinaryOpCursor):
        return f"({expr_to_string(e.lhs(), subst)} {e.op()} {expr_to_string(e.rhs(), subst)})"
    if isinstance(e, ExternFunctionCursor):
        return f"({e.name()}({', '.join(expr_to_string(a, subst) for a in e.args())}))"
    raise SchedulingError(f"{type(e).__name__} is not supported")


__all__ = [
    "CursorNavigationError", "CursorProcMismatchError",
    "get_children", "lrn", "nlr", "rln", "nrl", "lrn_stmts", "nlr_stmts",
    "get_symbols", "get_declaration", "get_unique_names",
    "is_stmt", "is_if", "is_loop", "check_is_loop", "is_loop_bounds_const", "loop_body_len",
    "is_single_stmt_loop", "is_binop", "is_add", "is_sub", "is_mul", "is_div", "is_mod",
    "is_builtin", "is_select", "is_relu", "is_sin", "is_literal", "is_reduce", "is_assign",
    "is_read", "is_write", "is_access", "is_unary_minus", "is_start_of_body", "is_end_of_body",
    "match_depth", "match_parent", "get_top_level_stmt", "get_enclosing_scope", "get_enclosing_loop",
    "get_enclosing_loop_by_name", "get_enclosing_if", "get_enclosing_stmt", "get_my_stmt",
    "get_index_in_body", "get_parent", "get_parents", "get_nth_inner_loop", "get_inner_loop",
    "get_depth", "get_lca", "get_distance", "are_exprs_equal", "is_copy", "get_bounding_block",
    "expr_to_string",
]
