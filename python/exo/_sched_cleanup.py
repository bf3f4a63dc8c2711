"""Scheduling primitives of the cleanup family, as Procedure methods.

Each method converts nothing itself: it passes its arguments to the core
(exo._core.ProcHandle) and wraps the result as a new procedure of the same class.
`repeat` is pure Python: it applies another primitive until that one refuses.
"""

from ._core import SchedulingError
from ._errors import api_error
from .memory import memory_handle


def _type_name(typ):
    # Accepts "f32" and also type objects/values whose str() is the name.
    return typ if isinstance(typ, str) else str(typ)


class CleanupPrimitives:
    def simplify(self):
        """Simplify index, size and boolean arithmetic and remove dead branches
        and loops (never data arithmetic)."""
        return type(self)(self._handle.simplify())

    def set_precision(self, name, typ):
        """Buffer `name` (argument name, "x #1" or an allocation cursor) gets
        element type `typ` ("f16", "f32", "f64", "i8", "ui8", "ui16", "i32", "R")."""
        return type(self)(self._handle.set_precision(name, _type_name(typ)))

    def set_window(self, name, is_window=True):
        """Tensor argument `name` becomes a window argument (or a dense tensor again)."""
        return type(self)(self._handle.set_window(name, bool(is_window)))

    def set_memory(self, name, mem_type):
        """Buffer `name` (argument or allocation) moves to memory class `mem_type`."""
        return type(self)(self._handle.set_memory(name, memory_handle(mem_type)))

    def repeat(self, directive, *args):
        """Applies `directive(proc, *args)` until it raises SchedulingError and
        returns the last procedure it produced (this one if it never applied)."""
        if not callable(directive):
            raise api_error(f"repeat: expected a callable directive, got {directive!r}")
        proc = self
        while True:
            try:
                proc = directive(proc, *args)
            except SchedulingError:
                return proc
