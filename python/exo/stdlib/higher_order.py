"""exo.stdlib.higher_order: combinators that turn scheduling operations into
new ones (try, map over cursors, filter, whole-procedure passes)."""

from __future__ import annotations

from .._core import SchedulingError
from ..API_cursors import InvalidCursor, InvalidCursorError
from .inspection import nlr_stmts

# The errors a scheduling operation raises when it does not apply.
exo_exceptions_ = {ValueError, TypeError, SchedulingError, InvalidCursorError}


def attempt(op, errs=exo_exceptions_):
    """`op` that returns the procedure unchanged instead of raising one of `errs`.
    With rs=True it returns (proc, whether op applied)."""
    errs = tuple(errs)

    def rewrite(proc, *args, rs=False, **kwargs):
        try:
            out, ok = op(proc, *args, **kwargs), True
        except errs:
            out, ok = proc, False
        return (out, ok) if rs else out

    return rewrite


def apply(op):
    """`op` applied to each cursor of a list, threading the procedure through
    (cursors of earlier procedures are forwarded by the primitives)."""

    def rewrite(proc, cursors, *args, **kwargs):
        for c in cursors:
            proc = op(proc, c, *args, **kwargs)
        return proc

    return rewrite


def predicate(op, pred):
    """`op`, applied only when pred(proc, *args, **kwargs) holds."""

    def rewrite(proc, *args, **kwargs):
        return op(proc, *args, **kwargs) if pred(proc, *args, **kwargs) else proc

    return rewrite


def make_pass(op, trav_start=nlr_stmts):
    """`op` applied to every statement of a block (default: the whole body), in
    the order `trav_start` visits them. Combine with attempt() for operations
    that do not apply everywhere."""

    def rewrite(proc, block=InvalidCursor(), *args, **kwargs):
        stmts = list(trav_start(proc, block))
        return apply(op)(proc, stmts, *args, **kwargs)

    return rewrite


def lift_rc(op, attr):
    """For operations that return (proc, cursors) when called with rc=True: an
    operation returning (proc, cursors.<attr>)."""

    def rewrite(*args, **kwargs):
        proc, cursors = op(*args, **kwargs, rc=True)
        return proc, getattr(cursors, attr)

    return rewrite


def repeate(op):
    """`op` applied until it no longer applies (raises one of exo_exceptions_)."""
    tried = attempt(op)

    def rewrite(proc, *args, **kwargs):
        ok = True
        while ok:
            proc, ok = tried(proc, *args, rs=True, **kwargs)
        return proc

    return rewrite


__all__ = ["apply", "attempt", "make_pass", "lift_rc", "repeate", "predicate"]
