"""exo.stdlib: scheduling helpers in the module layout of exo-lang.

- scheduling: the primitives, the cursor classes and higher-order helpers
  (repeat, sched_seq, replace_all, replace_once, lift_if, ...)
- analysis, inspection, introspection: questions about a procedure asked
  through cursors
- higher_order: combinators over scheduling operations (attempt, apply, ...)
- stdlib: larger operations (tile_loops, vectorize, stage_expr, hoist_stmt, ...)
"""

from . import scheduling

__all__ = ["scheduling", "stdlib"]
