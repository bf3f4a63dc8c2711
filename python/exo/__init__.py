"""Exo: a language for writing high-performance kernels, with a C++ compiler core.

`from exo import *` gives the decorators, the Procedure type, memories and the
errors, as in exo-lang.
"""

from ._core import (
    ExoError,
    ParseError,
    TypeCheckError,
    BoundsError,
    PreconditionError,
    SchedulingError,
    ParseFragmentError,
    MemGenError,
    ApiError,
    ApiTypeError,
    ApiAssertionError,
    InternalError,
)
from .memory import Memory, DRAM
from .configs import Config
from .extern import Extern
from .procedure import Procedure, compile_procs, compile_procs_to_strings
from .frontend import proc, instr, config
from .annotations import size, index, stride, R, f16, f32, f64, i8, ui8, ui16, i32, seq, par
from .API_cursors import ExoType
from . import stdlib


def jit(p, cflags=None, cc=None):
    """`p` compiled for calls from Python on numpy arrays (exo._jit has the
    details): `exo.jit(p)(x, y)`. numpy is imported only when this is used."""
    from ._jit import jit as _jit

    return _jit(p, cflags=cflags, cc=cc)


def trace():
    """`with exo.trace() as t:` records every primitive applied inside the
    block; t.write_html(path) / t.write_text(path). See exo._trace."""
    from ._trace import trace as _trace

    return _trace()


def tune(make_schedule, space, inputs, reference, **options):
    """Every variant `make_schedule(**params)` over `space` compiled, checked
    against `reference` on `inputs` and timed; exo._tune has the details."""
    from ._tune import tune as _tune

    return _tune(make_schedule, space, inputs, reference, **options)

__version__ = "0.1.0"

__all__ = [
    "Procedure",
    "jit",
    "tune",
    "trace",
    "compile_procs",
    "compile_procs_to_strings",
    "proc",
    "instr",
    "config",
    "Config",
    "Memory",
    "Extern",
    "DRAM",
    "SchedulingError",
    "ParseFragmentError",
    "stdlib",
    "ExoType",
    # Exo's type and loop names, so code using them without
    # `from __future__ import annotations` still runs. `bool` is deliberately
    # not exported: it would shadow Python's builtin (Exo reads it by name).
    "size",
    "index",
    "stride",
    "R",
    "f16",
    "f32",
    "f64",
    "i8",
    "ui8",
    "ui16",
    "i32",
    "seq",
    "par",
]
