"""Names used inside Exo code (`size`, `f32[M, N] @ DRAM`, `seq(0, N)`).

Exo code is never run by Python: the compiler reads it from source. These
objects only exist so that Python can evaluate argument annotations when a file
does not use `from __future__ import annotations`.
"""

from __future__ import annotations

from ._errors import api_error


class ExoTypeName:
    def __init__(self, name):
        self._name = name

    def __getitem__(self, shape):
        return self

    def __matmul__(self, mem):
        return self

    def __call__(self, *args):
        raise api_error(f"'{self._name}' is Exo syntax and cannot be called from Python")

    def __repr__(self):
        return self._name


size = ExoTypeName("size")
index = ExoTypeName("index")
stride = ExoTypeName("stride")
R = ExoTypeName("R")
f16 = ExoTypeName("f16")
f32 = ExoTypeName("f32")
f64 = ExoTypeName("f64")
i8 = ExoTypeName("i8")
ui8 = ExoTypeName("ui8")
ui16 = ExoTypeName("ui16")
i32 = ExoTypeName("i32")
seq = ExoTypeName("seq")
par = ExoTypeName("par")
