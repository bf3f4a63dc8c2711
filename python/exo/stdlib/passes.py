"""Whole-block passes and checked replacement: dead code, unrolling small
loops and buffers, cleanup, and replacing statements by instruction calls
whose buffers sit in the memories and types the instruction declares.
Re-exported by exo.stdlib.stdlib."""

from __future__ import annotations

from dataclasses import dataclass

from .._core import SchedulingError
from ..API_cursors import (
    AllocCursor,
    CallCursor,
    ForCursor,
    IfCursor,
    InvalidCursor,
    InvalidCursorError,
    LiteralCursor,
)
from ..API_scheduling import delete_pass, eliminate_dead_code, replace, simplify, unroll_buffer, unroll_loop
from .analysis import get_observed_stmts
from .higher_order import attempt, make_pass, predicate
from .inspection import get_index_in_body, is_loop, is_loop_bounds_const, lrn_stmts, nlr_stmts


def _eliminate_dead_code_except_loops(proc, s):
    # Loops are left alone (as exo-lang's dce does): only dead branches of ifs go.
    s = proc.forward(s)
    if isinstance(s, ForCursor):
        return proc
    return eliminate_dead_code(proc, s)


dce = make_pass(attempt(_eliminate_dead_code_except_loops))
dce.__doc__ = "Removes the branches of ifs whose condition is decided (pass over a block)."


def unroll_buffers(proc, block=InvalidCursor(), mem=None):
    """Unrolls the leading dimension of every buffer allocated in the block
    whose extent is a constant, until none is left; a buffer in `mem` keeps
    its last dimension (a register holds a vector)."""

    def rewrite(proc, alloc):
        alloc = proc.forward(alloc)
        if not isinstance(alloc, AllocCursor) or not alloc.is_tensor():
            return proc
        keep = 1 if alloc.mem() is mem else 0
        if len(alloc.shape()) - keep > 0 and isinstance(alloc.shape()[0], LiteralCursor):
            return unroll_buffer(proc, alloc, 0)
        return proc

    while True:
        new_proc = make_pass(rewrite)(proc, block)
        if new_proc is proc:
            return proc
        proc = new_proc


def unroll_loops(proc, block=InvalidCursor(), threshold=None):
    """Unrolls every loop with constant bounds (and at most `threshold`
    iterations, if given), innermost first."""

    def small(proc, s):
        s = proc.forward(s)
        if not (is_loop(proc, s) and is_loop_bounds_const(proc, s)):
            return False
        return threshold is None or s.hi().value() - s.lo().value() <= threshold

    return make_pass(predicate(unroll_loop, small), lrn_stmts)(proc, block)


def cleanup(proc):
    """simplify, unroll one-iteration loops, remove dead branches and passes."""
    proc = simplify(proc)
    proc = unroll_loops(proc, threshold=1)
    proc = dce(proc)
    try:
        proc.find("pass")
    except SchedulingError:
        return proc
    return delete_pass(proc)


# --------------------------------------------------------------------------- #
# Checked replacement


def check_call_site(proc, call_cursor):
    """Whether each buffer passed at a call has the memory (or a subclass) and
    the type the callee's argument declares."""
    if not isinstance(call_cursor, CallCursor):
        raise TypeError("call_cursor must be a CallCursor")
    env = {}
    allocs = [s for s in get_observed_stmts(call_cursor) if isinstance(s, AllocCursor)]
    for decl in list(proc.args()) + allocs[::-1]:  # the nearest declaration wins
        if decl.type().is_numeric():
            env[decl.name()] = (decl.mem(), decl.type())
    for arg, param in zip(call_cursor.args(), call_cursor.subproc().args()):
        if not param.type().is_numeric():
            continue
        if not hasattr(arg, "name") or arg.name() not in env:
            return False
        mem, typ = env[arg.name()]
        if not issubclass(mem, param.mem()) or typ != param.type():
            return False
    return True


@dataclass
class replace_cursors:  # noqa: N801 (exo-lang's name)
    call: CallCursor

    def __iter__(self):
        yield self.call


def _in_orelse(stmt):
    parent = stmt.parent()
    return (isinstance(parent, IfCursor) and not isinstance(parent.orelse(), InvalidCursor)
            and any(s == stmt for s in parent.orelse()))


def checked_replace(proc, stmt, subproc, quiet=False):
    """replace() of one statement by a call to `subproc`, refused (with
    SchedulingError) when it does not unify or when the call would pass a
    buffer of another memory or type than the callee declares."""
    stmt = proc.forward(stmt)
    parent, index, in_orelse = stmt.parent(), get_index_in_body(proc, stmt), _in_orelse(stmt)
    try:
        proc = replace(proc, stmt, subproc, quiet=quiet)
    except SchedulingError as err:
        raise SchedulingError("failed to replace") from err
    if isinstance(parent, InvalidCursor):
        call = proc.body()[index]
    else:
        parent = proc.forward(parent)
        call = (parent.orelse() if in_orelse else parent.body())[index]
    if not check_call_site(proc, call):
        raise SchedulingError("Call site inconsistency")
    return proc


def replace_all_stmts(proc, instructions):
    """Each statement (in program order) is replaced by a call to the first of
    `instructions` that checked_replace accepts; others are left as they are."""
    if not isinstance(instructions, list):
        instructions = [instructions]
    for stmt in list(nlr_stmts(proc)):
        try:
            stmt = proc.forward(stmt)
        except (InvalidCursorError, SchedulingError):
            continue  # inside a statement replaced already
        for instr in instructions:
            try:
                proc = checked_replace(proc, stmt, instr, quiet=True)
                break
            except SchedulingError:
                pass
    return proc


__all__ = [
    "dce", "unroll_buffers", "unroll_loops", "cleanup", "check_call_site", "replace_cursors",
    "checked_replace", "replace_all_stmts",
]
