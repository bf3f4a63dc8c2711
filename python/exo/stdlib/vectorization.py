"""Vectorization of exo.stdlib.stdlib: a loop divided into vector lanes, its
reductions given per-lane accumulators, its values staged into the vector
memory, and its lane loops replaced by instruction calls."""

from __future__ import annotations

from dataclasses import dataclass

from .._core import SchedulingError
from ..API_cursors import (
    ForCursor,
    IfCursor,
    StmtCursor,
)
from ..API_scheduling import (
    cut_loop,
    fission,
    simplify,
)
from .higher_order import apply, attempt
from .inspection import expr_to_string, get_children, is_end_of_body
from .loop_ops import _Unpackable, parallelize_all_reductions
from .passes import dce, replace_all_stmts
from .rc_wrappers import divide_loop_
from .staging import parallelize_allocs, stage_compute


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


__all__ = ['fission_into_singles', 'vectorize_cursors', 'vectorize_predicate_tail', 'vectorize']
