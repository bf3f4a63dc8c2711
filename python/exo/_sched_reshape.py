"""Re-shaping allocations (divide_dim, mult_dim), as Procedure methods."""


class ReshapePrimitives:
    def divide_dim(self, alloc, hi_dim, quotient):
        """Dimension `hi_dim` of allocation `alloc` becomes [n / quotient, quotient]."""
        return type(self)(self._handle.divide_dim(alloc, int(hi_dim), int(quotient)))

    def mult_dim(self, alloc, hi_dim, lo_dim=None):
        """Dimensions hi_dim and hi_dim + 1 (constant extent) of `alloc` merge into one."""
        if lo_dim is not None and lo_dim != hi_dim + 1:
            raise ValueError("mult_dim: only adjacent dimensions (lo_dim == hi_dim + 1) can be merged")
        return type(self)(self._handle.mult_dim(alloc, int(hi_dim)))
