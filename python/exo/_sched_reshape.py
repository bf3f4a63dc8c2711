"""Re-shaping allocations (divide_dim, mult_dim), as Procedure methods.

Integer arguments go to the core unchanged: it takes them exactly or refuses
them (never a silent int() of a float)."""

from ._sched_args import argument_error


class ReshapePrimitives:
    def divide_dim(self, alloc, hi_dim, quotient):
        """Dimension `hi_dim` of allocation `alloc` becomes [n / quotient, quotient]."""
        return type(self)(self._handle.divide_dim(alloc, hi_dim, quotient))

    def mult_dim(self, alloc, hi_dim, lo_dim=None):
        """Dimensions hi_dim and hi_dim + 1 (constant extent) of `alloc` merge into one."""
        if lo_dim is not None and lo_dim != hi_dim + 1:
            raise argument_error("mult_dim", 3, "lo_dim", "only adjacent dimensions (lo_dim == hi_dim + 1) can be merged",
                                 ValueError)
        return type(self)(self._handle.mult_dim(alloc, hi_dim))
