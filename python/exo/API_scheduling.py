"""exo.API_scheduling: exo-lang's scheduling functions, `op(proc, ...)`.

Each function is generated from the primitive's record in the core
(python/src/sched_records_*.cpp, through exo/_primitives.py): it has exo-lang's
name, parameter names and defaults, its arguments are converted and checked
once by the core ("argument N, 'name' to op: expected ..."), and it returns a
new procedure of the class of `proc`. The same records make the Procedure
methods, under their own names and orders (divide_loop is Procedure.split).
"""

from __future__ import annotations

from ._primitives import FUNCTIONS

globals().update(FUNCTIONS)


class FormattedExprStr:
    """An expression string with `_` holes, each filled by the expression an
    ExprCursor points at: `FormattedExprStr("_ + 1", loop.hi())`. Accepted
    wherever a primitive takes an expression string; the core checks that the
    hole expressions mean the same variables where the text is typed."""

    def __init__(self, expr_str: str, *expr_holes) -> None:
        from .API_cursors import ExprCursor

        if not isinstance(expr_str, str):
            raise TypeError("expr_str must be a string")
        for cursor in expr_holes:
            if not isinstance(cursor, ExprCursor):
                raise TypeError("Cursor provided to fill a hole must be a ExprCursor")
        self._expr_str = expr_str
        self._expr_holes = tuple(expr_holes)

    def __repr__(self) -> str:
        return f"FormattedExprStr({self._expr_str!r}, {len(self._expr_holes)} hole(s))"

__all__ = [
    "FormattedExprStr",
    "simplify", "rename", "make_instr",
    "insert_pass", "insert_noop_call", "delete_pass", "reorder_stmts", "parallelize_loop",
    "commute_expr", "left_reassociate_expr", "rewrite_expr", "bind_expr",
    "extract_subproc", "inline", "replace", "call_eqv",
    "set_precision", "set_window", "set_memory",
    "bind_config", "delete_config", "write_config",
    "resize_dim", "expand_dim", "rearrange_dim", "divide_dim", "mult_dim", "unroll_buffer",
    "lift_alloc", "sink_alloc", "autolift_alloc", "delete_buffer", "reuse_buffer", "inline_window", "stage_mem",
    "divide_with_recompute", "divide_loop", "mult_loops", "join_loops", "cut_loop", "shift_loop",
    "reorder_loops", "merge_writes", "split_write", "fold_into_reduce", "inline_assign",
    "lift_reduce_constant", "fission", "autofission", "fuse", "remove_loop", "add_loop", "unroll_loop",
    "lift_scope", "eliminate_dead_code", "specialize", "add_unsafe_guard",
]
