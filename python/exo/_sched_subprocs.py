"""Scheduling primitives of the subprocs family, as Procedure methods, and
procedure equivalence (is_eq, unsafe_assert_eq).

Each method checks the Python-level argument kinds, passes the rest to the core
(exo._core.ProcHandle) and wraps the result as a new procedure of the same class.
"""

from . import _core
from ._errors import api_error


def _proc_handle(prim, argno, name, proc):
    handle = getattr(proc, "_handle", None)
    if not isinstance(handle, _core.ProcHandle):
        raise api_error(f"argument {argno}, '{name}' to {prim}: expected a Procedure object")
    return handle


class SubprocsPrimitives:
    def replace(self, subproc, stmt):
        """Replaces `stmt` (a statement or block: pattern or cursor) by a call to
        `subproc`, solving its arguments by unification with its body."""
        sub = _proc_handle("replace", 1, "subproc", subproc)
        return type(self)(self._handle.replace(sub, stmt))

    def replace_all(self, subproc):
        """Replaces every piece of code that unifies with `subproc`'s body."""
        sub = _proc_handle("replace_all", 1, "subproc", subproc)
        return type(self)(self._handle.replace_all(sub))

    def inline(self, call_site):
        """Inlines the call `call_site` (a pattern like "foo(_)" or a cursor)."""
        return type(self)(self._handle.inline(call_site))

    def call_eqv(self, eqv_proc, call_site):
        """Makes the call `call_site` call `eqv_proc`, which must be equivalent to its callee."""
        eqv = _proc_handle("call_eqv", 1, "eqv_proc", eqv_proc)
        return type(self)(self._handle.call_eqv(eqv, call_site))

    def make_instr(self, instr_string, c_global=""):
        """This procedure as an @instr with the C template `instr_string`."""
        if not isinstance(instr_string, str):
            raise api_error(
                "argument 1, 'instr' to make_instr: expected an instruction macro (i.e. a string with {} escapes)"
            )
        if not isinstance(c_global, str):
            raise api_error("argument 2, 'c_global' to make_instr: expected a string")
        return type(self)(self._handle.make_instr(instr_string, c_global))

    # ---- equivalence ----
    def is_eq(self, proc):
        """True when both procedures are known equivalent: one was scheduled from
        the other (or from a common original), or they were asserted equivalent."""
        return self._handle.is_eq(_proc_handle("is_eq", 1, "proc", proc))

    def unsafe_assert_eq(self, other_proc):
        """Declares, without proof, that this procedure and `other_proc` are equivalent."""
        self._handle.unsafe_assert_eq(_proc_handle("unsafe_assert_eq", 1, "other_proc", other_proc))
        return self
