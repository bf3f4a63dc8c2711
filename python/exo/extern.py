"""Extern functions: scalar functions implemented in C (sin, select, ...).

Subclass `Extern` as in exo-lang: `typecheck(args)`, `globl(prim_type)`,
`compile(args, prim_type)` and `interpret(args)`. The core needs the number of
arguments up front; set `arity` on the instance, or it is inferred by asking
`typecheck` which argument counts it accepts.
"""

from __future__ import annotations

from . import _core
from ._errors import api_error

_REAL = ("R", "f16", "f32", "f64", "i8", "ui8", "ui16", "i32")
_INDEX = ("int", "index", "size", "stride")


class _EErr(Exception):
    """Raised by an extern's typecheck to refuse its arguments."""


class ExternType:
    """The type of an extern argument, with exo-lang's type queries."""

    def __init__(self, kind):
        self.kind = kind

    def is_real_scalar(self):
        return self.kind in _REAL

    def is_numeric(self):
        return self.kind in _REAL

    def is_indexable(self):
        return self.kind in _INDEX

    def is_bool(self):
        return self.kind == "bool"

    def __str__(self):
        return self.kind

    def __eq__(self, other):
        return isinstance(other, ExternType) and other.kind == self.kind

    def __hash__(self):
        return hash(self.kind)


class _ExternArg:
    def __init__(self, kind):
        self.type = ExternType(kind)


class Extern:
    def __init__(self, name):
        self._name = name

    def name(self):
        return self._name

    def typecheck(self, args):
        raise NotImplementedError()

    def globl(self, prim_type):
        return ""

    def compile(self, args, prim_type):
        raise NotImplementedError()

    def interpret(self, args):
        raise NotImplementedError()

    def _exo_typecheck(self, kinds):
        return str(self.typecheck([_ExternArg(k) for k in kinds]))

    def _exo_arity(self):
        arity = getattr(self, "arity", None)
        if isinstance(arity, int):
            return arity
        for n in range(9):
            try:
                self.typecheck([_ExternArg("f32")] * n)
                return n
            except Exception:
                continue
        raise api_error(f"cannot tell how many arguments extern '{self.name()}' takes; set its `arity`")


class _BuiltinExtern(Extern):
    """One of the core's standard externs."""

    def __init__(self, handle):
        super().__init__(handle.name())
        self._exo_handle = handle
        self.arity = handle.arity()

    def typecheck(self, args):
        if len(args) != self.arity:
            raise _EErr(f"expected {self.arity} arguments, got {len(args)}")
        return args[0].type

    def globl(self, prim_type):
        return self._exo_handle.globl(prim_type)

    def compile(self, args, prim_type):
        return self._exo_handle.compile(list(args), prim_type)

    def interpret(self, args):
        return self._exo_handle.interpret([float(a) for a in args])


def extern_handle(ext):
    """The core's view of extern `ext` (created once per object)."""
    handle = ext.__dict__.get("_exo_handle")
    if handle is None:
        handle = _core.python_extern(ext, ext.name(), ext._exo_arity())
        ext._exo_handle = handle
    return handle


builtin_externs = {name: _BuiltinExtern(h) for name, h in _core.builtin_externs()}
