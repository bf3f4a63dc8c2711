"""The standard extern functions (select, relu, sin, sqrt, expf, fmaxf, sigmoid, ...),
implemented by the C++ core; `from exo.libs.externs import *` binds them all."""

from ..extern import Extern, builtin_externs as _builtins

globals().update(_builtins)

__all__ = sorted(_builtins)
