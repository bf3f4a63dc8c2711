"""resize_dim, unroll_buffer, sink_alloc, delete_buffer and extract_subproc, as
Procedure methods (the core checks the arguments and the safety conditions)."""

from ._errors import api_error


class BuffersExtraPrimitives:
    def resize_dim(self, buf_cursor, dim_idx, size, offset, fold=False):
        """Dimension `dim_idx` of allocation `buf_cursor` becomes `size`, accesses
        shifted by -`offset`; with fold=True, a circular buffer of constant `size`."""
        return type(self)(self._handle.resize_dim(buf_cursor, dim_idx, size, offset, bool(fold)))

    def unroll_buffer(self, alloc_cursor, dimension):
        """Split the constant dimension `dimension` of `alloc_cursor` into buffers x_0, x_1, ..."""
        return type(self)(self._handle.unroll_buffer(alloc_cursor, dimension))

    def sink_alloc(self, alloc_cursor):
        """Move `alloc_cursor` into the loop or if statement right after it."""
        return type(self)(self._handle.sink_alloc(alloc_cursor))

    def delete_buffer(self, buf_cursor):
        """Remove the allocation `buf_cursor`, which nothing uses."""
        return type(self)(self._handle.delete_buffer(buf_cursor))

    def extract_subproc(self, block, subproc_name, include_asserts=True):
        """Make `block` a new procedure `subproc_name` called in its place.
        Returns (new proc, subproc)."""
        if not isinstance(subproc_name, str):
            raise api_error("argument 2, 'subproc_name' to extract_subproc: expected a valid name")
        proc, sub = self._handle.extract_subproc(block, subproc_name, bool(include_asserts))
        return type(self)(proc), type(self)(sub)
