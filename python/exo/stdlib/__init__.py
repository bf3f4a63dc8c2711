"""exo.stdlib: scheduling helpers in the module layout of exo-lang.

- scheduling: the primitives, the cursor classes and higher-order helpers
  (repeat, sched_seq, replace_all, replace_once, lift_if, ...)
- analysis, inspection, introspection: questions about a procedure asked
  through cursors
- higher_order: combinators over scheduling operations (attempt, apply, ...)
- stdlib: larger operations (tile_loops, vectorize, stage_compute, hoist_stmt,
  ...), written in loop_ops, interleaving, vectorization, staging and passes
- rc_wrappers: primitives that also return cursors to what they made
- range_analysis: the values an index expression takes in a scope
- halide_scheduling_ops: compute_at, store_at, tile, split, halide_* helpers
"""

from . import scheduling

__all__ = ["scheduling", "stdlib"]
