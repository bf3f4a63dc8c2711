"""Expression and statement primitives (commute_expr, left_reassociate_expr,
rewrite_expr, merge_writes, split_write, fold_into_reduce, inline_assign,
lift_reduce_constant, insert_noop_call), as Procedure methods.

References are pattern strings or cursors (of this procedure or one it was
scheduled from); the core checks the rest and names the primitive in errors.
"""

from . import _core
from ._sched_args import expr_text
from ._errors import api_error
from .API_cursors import ExprListCursor


class ExprsPrimitives:
    def commute_expr(self, expr_cursors):
        """`a + b` -> `b + a`, `a * b` -> `b * a` for each data expression given
        (a cursor, a list of cursors, or a pattern: every match)."""
        if isinstance(expr_cursors, ExprListCursor):
            expr_cursors = list(expr_cursors)
        return type(self)(self._handle.commute_expr(expr_cursors))

    def left_reassociate_expr(self, expr):
        """`a + (b + c)` -> `(a + b) + c` (and the same for `*`)."""
        return type(self)(self._handle.left_reassociate_expr(expr))

    def rewrite_expr(self, expr_cursor, new_expr):
        """Replaces the expression by `new_expr`, which must be provably equal to it there."""
        text = expr_text("rewrite_expr", 2, "new_expr", new_expr)
        return type(self)(self._handle.rewrite_expr(expr_cursor, text))

    def merge_writes(self, block_cursor):
        """Two adjacent writes of one element become one (`a = b; a += c` -> `a = b + c`, ...)."""
        return type(self)(self._handle.merge_writes(block_cursor))

    def split_write(self, stmt):
        """`a = b + c` -> `a = b; a += c` (and `a += b + c` -> `a += b; a += c`)."""
        return type(self)(self._handle.split_write(stmt))

    def fold_into_reduce(self, assign):
        """`a = a + e` -> `a += e`."""
        return type(self)(self._handle.fold_into_reduce(assign))

    def inline_assign(self, alloc_cursor):
        """`x = e; s` -> `s[x -> e]` for the assignment `alloc_cursor`."""
        return type(self)(self._handle.inline_assign(alloc_cursor))

    def lift_reduce_constant(self, block_cursor):
        """`x = 0; for: x += c * e` -> `x = 0; for: x += e; x = c * x`."""
        return type(self)(self._handle.lift_reduce_constant(block_cursor))

    def insert_noop_call(self, gap_cursor, instr, args):
        """Inserts a call of `instr` (whose body is `pass`) with `args` (Exo text:
        expressions, buffers or windows such as "x[0:8]") at the gap."""
        handle = getattr(instr, "_handle", None)
        if not isinstance(handle, _core.ProcHandle):
            raise api_error("argument 2, 'instr' to insert_noop_call: expected a Procedure object")
        if not isinstance(args, (list, tuple)):
            raise api_error("argument 3, 'args' to insert_noop_call: expected a list of arguments")
        texts = [expr_text("insert_noop_call", 3, "args", a) for a in args]
        return type(self)(self._handle.insert_noop_call(gap_cursor, handle, texts))
