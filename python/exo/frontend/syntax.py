"""exo.frontend.syntax: the names Exo code uses (`size`, `f32`, `seq`, `par`, ...),
for `from exo.frontend.syntax import *` in files that want them defined for
their editor or for Python's own evaluation of annotations. Exo code is read by
the compiler, never run by Python."""

from ..annotations import R, f16, f32, f64, i8, i32, index, par, seq, size, stride, ui8, ui16

__all__ = ["size", "index", "stride", "R", "f16", "f32", "f64", "i8", "ui8", "ui16", "i32",
           "seq", "par"]
