"""exo.stdlib.scheduling: the scheduling functions of exo.API_scheduling and the
cursor classes, re-exported, plus higher-order helpers built on them, in the
module layout of exo-lang, so programs written as
`from exo.stdlib.scheduling import *` run unchanged.

The helpers are plain compositions of the primitives (they could live in user
code): repeat, sched_seq, loop_hack, replace_all, replace_once, lift_if.
"""

from __future__ import annotations

from functools import wraps as _wraps

from .._core import SchedulingError
from ..procedure import Procedure
from ..API_scheduling import *  # noqa: F401,F403 (the re-export is the point)
from ..API_scheduling import __all__ as _primitives
from ..API_scheduling import lift_scope, replace
from ..API_cursors import *  # noqa: F401,F403
from ..API_cursors import __all__ as _cursors
from .analysis import check_call_mem_types, get_observed_stmts  # noqa: F401

# --------------------------------------------------------------------------- #
# Higher-order scheduling operations


def repeat(sched, n_times=None, verbose=False):
    """`sched` wrapped to run several times, each run on the previous result:
    `n_times` times, or (None) until it raises SchedulingError, TypeError or
    ValueError, returning the last procedure it produced."""
    if n_times is not None and (isinstance(n_times, bool) or not isinstance(n_times, int) or n_times < 1):
        raise TypeError("expected n_times to be None or a positive int")

    @_wraps(sched)
    def repeated(proc, *args, **kwargs):
        if n_times is not None:
            for _ in range(n_times):
                proc = sched(proc, *args, **kwargs)
            return proc
        while True:
            try:
                proc = sched(proc, *args, **kwargs)
            except (SchedulingError, TypeError, ValueError) as err:
                if verbose:
                    print("repeat ended with error", err)
                return proc

    repeated.__name__ = f"repeat_{getattr(sched, '__name__', 'sched')}"
    return repeated


_SCHED_SEQ_USAGE = (
    "sched_seq(proc, sched_list): each entry of sched_list is either a callable "
    "taking the procedure, or a list/tuple (operation, arg, ...) called as "
    "operation(proc, arg, ...)"
)


def sched_seq(proc, sched_list):
    """Applies a list of scheduling steps in order (see _SCHED_SEQ_USAGE)."""
    for step in sched_list:
        if callable(step):
            proc = step(proc)
        elif isinstance(step, (list, tuple)):
            if not step:
                raise TypeError(_SCHED_SEQ_USAGE + "\nexpected a scheduling operation list/tuple "
                                "to have at least one entry")
            proc = step[0](proc, *step[1:])
        else:
            raise TypeError(_SCHED_SEQ_USAGE)
    return proc


def loop_hack(sched, find_func, verbose=False):
    """`sched` applied to every cursor `find_func(proc)` returns, re-finding the
    cursors after each step (kept for programs written against exo-lang)."""

    @_wraps(sched)
    def each(proc, *args, **kwargs):
        for k in range(len(find_func(proc))):
            proc = sched(proc, find_func(proc)[k], *args, **kwargs)
        return proc

    each.__name__ = f"loop_hack_{getattr(sched, '__name__', 'sched')}"
    return each


class MemoryError(Exception):  # noqa: A001 (exo-lang's name for this error)
    """A replacement whose call would pass a buffer in the wrong memory."""


def call_site_mem_aware_replace(proc, block_cursor, subproc, quiet=False):
    """replace(), then a check that every buffer passed at a call lives in the
    memory its argument declares (replace itself leaves that to compilation, so
    set_memory may follow it). A mismatch raises MemoryError, as in exo-lang."""
    proc = replace(proc, block_cursor, subproc, quiet=quiet)
    if not _calls_match_memories(proc.body()):
        raise MemoryError("replace failed due to memory type mismatch between block and subproc")
    return proc


def _calls_match_memories(block):
    from .analysis import check_call_mem_types

    for c in block:
        if isinstance(c, CallCursor) and not check_call_mem_types(c):
            return False
        if isinstance(c, (ForCursor, IfCursor)) and not _calls_match_memories(c.body()):
            return False
        if isinstance(c, IfCursor) and not isinstance(c.orelse(), InvalidCursor):
            if not _calls_match_memories(c.orelse()):
                return False
    return True


def _subproc_list(subprocs):
    subprocs = list(subprocs) if isinstance(subprocs, (list, tuple)) else [subprocs]
    for sp in subprocs:
        if not isinstance(sp, Procedure):
            raise TypeError("expected Procedure as 2nd argument")
    return subprocs


def replace_all(proc, subprocs, mem_aware=True):
    """Replaces, for each subproc in turn, every piece of code that unifies with
    its body (and whose buffers are in the memories its arguments declare) by a
    call to it. Code that does not fit is left alone.

    mem_aware=False is accepted for compatibility; memories are checked anyway
    (a call passing a buffer in another memory would not compile)."""
    if not isinstance(proc, Procedure):
        raise TypeError("expected a Procedure as 1st argument")
    for sp in _subproc_list(subprocs):
        proc = proc.replace_all(sp)
    return proc


def _candidate_sites(proc, body_len, first):
    """Blocks of `body_len` statements starting at statements of the same kind as
    `first` (a statement cursor of the subproc), outermost first."""
    pattern = {
        AssignCursor: "_ = _",
        ReduceCursor: "_ += _",
        ForCursor: "for _ in _: _",
        IfCursor: "if _: _",
        CallCursor: "_(_)",
    }.get(type(first))
    if pattern is None:
        return []
    try:
        found = proc.find(pattern, many=True)
    except SchedulingError:
        return []
    return [c.expand(0, body_len - 1) if body_len > 1 else c for c in found]


def replace_once(proc, subprocs, mem_aware=True):
    """Like replace_all, but replaces only the first fitting site of each subproc."""
    if not isinstance(proc, Procedure):
        raise TypeError("expected a Procedure as 1st argument")
    for sp in _subproc_list(subprocs):
        body = sp.body()
        for site in _candidate_sites(proc, len(body), body[0]):
            if isinstance(site, BlockCursor) and len(site) != len(body):
                continue  # the block ran out of statements
            try:
                proc = replace(proc, site, sp)
                break
            except SchedulingError:
                continue
    return proc


def lift_if(proc, cursor, n_lifts=1):
    """Moves an if (or loop) statement up `n_lifts` scopes with lift_scope."""
    for k in range(n_lifts):
        try:
            proc = lift_scope(proc, cursor)
        except SchedulingError as e:
            raise SchedulingError(f"Could not fully lift if statement! {n_lifts - k} lift(s) remain! {e}") from e
    return proc


__all__ = (
    list(_primitives)
    + list(_cursors)
    + [
        "SchedulingError",
        "Procedure",
        "repeat",
        "sched_seq",
        "loop_hack",
        "MemoryError",
        "call_site_mem_aware_replace",
        "replace_all",
        "replace_once",
        "lift_if",
        "check_call_mem_types",
        "get_observed_stmts",
    ]
)
