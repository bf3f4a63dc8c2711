"""Scheduling primitives of the buffers family, as Procedure methods.

Each method converts nothing itself: it passes its arguments to the core
(exo._core.ProcHandle) and wraps the result as a new procedure of the same class.
"""

from ._core import is_identifier
from ._errors import api_error


class BuffersPrimitives:
    def stage_mem(self, win_expr, new_name, stmt_start=None, stmt_end=None, accum=False):
        """Stage window `win_expr` into a new buffer `new_name` around the
        statements stmt_start..stmt_end (or the block stmt_start).

        The reference's newer order stage_mem(block, win_expr, new_name, accum)
        is recognized too: a cursor first, or a second argument that is a
        window rather than a name."""
        if not isinstance(win_expr, str) or (isinstance(new_name, str) and not is_identifier(new_name.strip())):
            block, win_expr, new_name = win_expr, new_name, stmt_start
            if isinstance(stmt_end, bool):
                accum = stmt_end
            return type(self)(self._handle.stage_mem(block, None, win_expr, new_name, accum))
        if stmt_start is None:
            raise api_error("stage_mem() missing required argument 'stmt_start'")
        return type(self)(self._handle.stage_mem(stmt_start, stmt_end, win_expr, new_name, accum))

    def bind_expr(self, new_name, expr, cse=False):
        """Bind expression(s) `expr` (a pattern: all its matches; or cursors) to a
        new scalar `new_name` assigned before the first occurrence."""
        return type(self)(self._handle.bind_expr(expr, new_name, bool(cse)))

    def expand_dim(self, stmt, alloc_dim, indexing):
        """Add a leading dimension `alloc_dim` to allocation `stmt`, indexed by `indexing`."""
        return type(self)(self._handle.expand_dim(stmt, alloc_dim, indexing))

    def rearrange_dim(self, alloc, dimensions):
        """Permute the dimensions of `alloc`: new dimension k is old dimension dimensions[k]."""
        return type(self)(self._handle.rearrange_dim(alloc, dimensions))

    def lift_alloc(self, alloc, n_lifts=1, keep_dims=False):
        """Move `alloc` out of `n_lifts` enclosing loops/ifs (keep_dims: one copy per iteration)."""
        return type(self)(self._handle.lift_alloc(alloc, n_lifts, bool(keep_dims)))

    def data_reuse(self, buf1, buf2):
        """Reuse buffer buf1's storage for buf2 (buf2's allocation removed)."""
        return type(self)(self._handle.data_reuse(buf1, buf2))

    def inline_window(self, win_stmt):
        """Remove window statement `win_stmt`, rewriting its uses as accesses of the source."""
        return type(self)(self._handle.inline_window(win_stmt))
