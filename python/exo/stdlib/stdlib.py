"""exo.stdlib.stdlib: larger scheduling operations composed from the
primitives, with exo-lang's names and signatures. The operations live in
loop_ops (moving statements, dividing, cutting and specializing loops,
parallel reductions), interleaving (interleave, unroll-and-jam, tiling),
vectorization, staging and passes; this module re-exports them all.

`from exo.stdlib.stdlib import *` also brings the scheduling primitives,
cursor classes, inspection and higher-order helpers, as in exo-lang.

Every operation is a sequence of primitives: a step the compiler cannot prove
safe raises SchedulingError, so a refused step never yields a wrong program.
Operations with an `rc` flag return (proc, cursors) when it is set; the
cursors object unpacks like a tuple.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import *  # noqa: F401,F403 (exo-lang's stdlib re-exports the package)
from .. import __all__ as _exo_names
from .higher_order import *  # noqa: F401,F403
from .higher_order import __all__ as _higher_order_names
from .inspection import *  # noqa: F401,F403
from .inspection import __all__ as _inspection_names
from .interleaving import *  # noqa: F401,F403
from .interleaving import __all__ as _interleaving_names
from .loop_ops import *  # noqa: F401,F403
from .loop_ops import __all__ as _loop_ops_names
from .passes import *  # noqa: F401,F403
from .passes import __all__ as _passes_names
from .rc_wrappers import *  # noqa: F401,F403
from .rc_wrappers import __all__ as _rc_names
from .scheduling import *  # noqa: F401,F403
from .scheduling import __all__ as _scheduling_names
from .staging import *  # noqa: F401,F403
from .staging import __all__ as _staging_names
from .vectorization import *  # noqa: F401,F403
from .vectorization import __all__ as _vectorization_names

from .._core import SchedulingError
from ..API_cursors import (
    ForCursor,
    InvalidCursor,
    LiteralCursor,
)
from ..API_scheduling import (
    bind_expr,
    divide_loop,
    expand_dim,
    fission,
    lift_alloc,
    set_memory,
)
from ..memory import DRAM
from .inspection import expr_to_string, get_enclosing_loop, get_enclosing_stmt
from .interleaving import interleave_loop


# --------------------------------------------------------------------------- #
# Kept from earlier versions of the library (not in exo-lang's current one)


class BLAS_SchedulingError(Exception):  # noqa: N801
    """An operation asked to work on code of a shape it does not handle."""


@dataclass
class auto_divide_loop_cursors:  # noqa: N801
    outer_loop_cursor: ForCursor
    inner_loop_cursor: ForCursor
    tail_loop_cursor: ForCursor | InvalidCursor


def auto_divide_loop(proc, loop_cursor, div_const, tail="guard", perfect=False, rc=True):
    """divide_loop into `<i>o`/`<i>i`; with rc (the default) also the outer,
    inner and tail loops (InvalidCursor when there is no tail loop)."""
    loop = proc.forward(loop_cursor)
    name = loop.name()
    proc = divide_loop(proc, loop, div_const, [name + "o", name + "i"], tail=tail, perfect=perfect)
    outer = proc.forward(loop)
    if perfect or tail == "guard":
        rest = InvalidCursor()
    elif tail == "cut":
        rest = outer.next()
    else:
        rest = outer.next().body()[0]
    cursors = auto_divide_loop_cursors(outer, outer.body()[0], rest)
    return (proc, cursors) if rc else proc


def stage_expr(proc, expr_cursors, new_name, memory=DRAM, n_lifts=1):
    """Computes an expression of a loop body into a buffer with one entry per
    iteration, in a loop of its own before the rest of the body."""
    if not isinstance(expr_cursors, list):
        expr_cursors = [expr_cursors]
    exprs = [proc.forward(c) for c in expr_cursors]
    loop = get_enclosing_loop(proc, exprs[0])
    stmt = get_enclosing_stmt(proc, exprs[0])
    proc = bind_expr(proc, exprs, new_name)
    bind = proc.forward(stmt).prev()
    alloc = bind.prev()
    proc = set_memory(proc, alloc, memory)
    proc = expand_dim(proc, alloc, expr_to_string(loop.hi()), loop.name())
    proc = lift_alloc(proc, alloc, n_lifts=n_lifts)
    return fission(proc, proc.forward(bind).after(), n_lifts=n_lifts)


def interleave_execution(proc, loop_cursor, interleave_factor):
    """interleave_loop with the loop divided exactly when possible, else with
    a cut tail."""
    loop = proc.forward(loop_cursor)
    if not isinstance(loop, ForCursor):
        raise BLAS_SchedulingError("interleave_execution loop_cursor must be a ForCursor")
    if isinstance(loop.hi(), LiteralCursor) and loop.hi().value() == interleave_factor:
        return interleave_loop(proc, loop)
    try:
        proc, cursors = auto_divide_loop(proc, loop, interleave_factor, perfect=True)
    except SchedulingError:
        proc, cursors = auto_divide_loop(proc, loop, interleave_factor, tail="cut")
    return interleave_loop(proc, cursors.inner_loop_cursor)


__all__ = sorted(set(
    list(_exo_names) + list(_scheduling_names) + list(_inspection_names) + list(_higher_order_names)
    + list(_rc_names) + list(_staging_names) + list(_passes_names) + list(_loop_ops_names)
    + list(_interleaving_names) + list(_vectorization_names)
    + ["BLAS_SchedulingError", "auto_divide_loop_cursors", "auto_divide_loop", "stage_expr",
       "interleave_execution"]
))
