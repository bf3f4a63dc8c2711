"""exo.stdlib.analysis: questions about a procedure answered with cursors only."""

from __future__ import annotations

from ..API_cursors import AllocCursor, CallCursor, InvalidCursor, StmtCursor, WindowStmtCursor
from ..memory import DRAM


def get_observed_stmts(stmt_cursor):
    """The statements that run before `stmt_cursor` and whose declarations it can
    see: the earlier statements of its block, then its enclosing statement, then
    the statements before that, and so on out to the top of the procedure
    (nearest first)."""
    if not isinstance(stmt_cursor, StmtCursor):
        raise TypeError("stmt_cursor must be an instance of StmtCursor")
    cur = stmt_cursor
    while True:
        prev = cur.prev()
        if isinstance(prev, InvalidCursor):
            prev = cur.parent()
            if isinstance(prev, InvalidCursor):
                return
        cur = prev
        yield cur


def _memory_env(call_cursor):
    """Buffer name -> memory class for the buffers visible at a call."""
    env = {}
    for arg in call_cursor.proc().args():
        if arg.type().is_numeric():  # buffers and data scalars live in a memory
            env[arg.name()] = arg.mem() or DRAM
    # Nearest declaration wins: walk outwards and only fill names not yet seen.
    local = {}
    for s in get_observed_stmts(call_cursor):
        if isinstance(s, AllocCursor) and s.name() not in local:
            local[s.name()] = s.mem() or DRAM
        elif isinstance(s, WindowStmtCursor) and s.name() not in local:
            local[s.name()] = None  # resolved through the window's buffer below
            src = s.winexpr().name()
            local[s.name()] = local.get(src) or env.get(src)
    env.update({k: v for k, v in local.items() if v is not None})
    return env


def check_call_mem_types(call_cursor):
    """Whether every buffer passed at `call_cursor` lives in the memory (or a
    subclass of the memory) that the callee's argument declares."""
    if not isinstance(call_cursor, CallCursor):
        raise TypeError("call_cursor must be a CallCursor")
    env = _memory_env(call_cursor)
    for passed, param in zip(call_cursor.args(), call_cursor.subproc().args()):
        if not param.type().is_numeric() or not hasattr(passed, "name"):
            continue
        want = param.mem()
        have = env.get(passed.name())
        if have is not None and not issubclass(have, want):
            return False
    return True


__all__ = ["get_observed_stmts", "check_call_mem_types"]
