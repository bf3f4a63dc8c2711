"""exo.stdlib.introspection: the names statements and expressions depend on,
and the statements of a procedure in program order."""

from __future__ import annotations

from ..API_cursors import (
    AllocCursor,
    AssignCursor,
    BinaryOpCursor,
    BlockCursor,
    CallCursor,
    ExprListCursor,
    ExternFunctionCursor,
    ForCursor,
    IfCursor,
    InvalidCursor,
    ReadCursor,
    UnaryMinusCursor,
    WindowExprCursor,
    WindowStmtCursor,
)
from .analysis import get_observed_stmts


def get_statements(proc):
    """Every statement of `proc`, each before the statements nested in it."""

    def walk(block):
        for s in block:
            yield s
            if isinstance(s, IfCursor):
                yield from walk(s.body())
                if not isinstance(s.orelse(), InvalidCursor):
                    yield from walk(s.orelse())
            elif isinstance(s, ForCursor):
                yield from walk(s.body())

    return walk(proc.body())


get_statemnts = get_statements  # exo-lang's spelling


def get_expr_dependencies(expr):
    """The names (buffers, variables, sizes) an expression reads, with repeats."""
    if isinstance(expr, (ExprListCursor, tuple, list)):
        for e in expr:
            yield from get_expr_dependencies(e)
    elif isinstance(expr, (ReadCursor, WindowExprCursor)):
        yield expr.name()
        yield from get_expr_dependencies(expr.idx())
    elif isinstance(expr, UnaryMinusCursor):
        yield from get_expr_dependencies(expr.arg())
    elif isinstance(expr, ExternFunctionCursor):
        yield from get_expr_dependencies(expr.args())
    elif isinstance(expr, BinaryOpCursor):
        yield from get_expr_dependencies(expr.lhs())
        yield from get_expr_dependencies(expr.rhs())


def get_stmt_dependencies(stmt):
    """The names a statement (or block) mentions: what it writes and reads, its
    loop bounds, branch conditions, allocation extents and call arguments."""
    if isinstance(stmt, BlockCursor):
        for s in stmt:
            yield from get_stmt_dependencies(s)
    elif isinstance(stmt, AssignCursor):  # also ReduceCursor
        yield stmt.name()
        yield from get_expr_dependencies(stmt.idx())
        yield from get_expr_dependencies(stmt.rhs())
    elif isinstance(stmt, ReadCursor):
        yield from get_expr_dependencies(stmt)
    elif isinstance(stmt, CallCursor):
        yield from get_expr_dependencies(stmt.args())
    elif isinstance(stmt, IfCursor):
        yield from get_expr_dependencies(stmt.cond())
        yield from get_stmt_dependencies(stmt.body())
        if not isinstance(stmt.orelse(), InvalidCursor):
            yield from get_stmt_dependencies(stmt.orelse())
    elif isinstance(stmt, ForCursor):
        yield from get_expr_dependencies(stmt.lo())
        yield from get_expr_dependencies(stmt.hi())
        yield from get_stmt_dependencies(stmt.body())
    elif isinstance(stmt, AllocCursor):
        yield from get_expr_dependencies(stmt.shape())
    elif isinstance(stmt, WindowStmtCursor):
        yield from get_expr_dependencies(stmt.winexpr())


def get_declaration(proc, stmt_context, name):
    """The allocation of `name` visible at `stmt_context`, else the argument of
    that name, else None."""
    for s in get_observed_stmts(stmt_context):
        if isinstance(s, AllocCursor) and s.name() == name:
            return s
    for a in proc.args():
        if a.name() == name:
            return a
    return None


__all__ = ["get_statements", "get_statemnts", "get_expr_dependencies", "get_stmt_dependencies", "get_declaration"]
