"""Arm Neon (128-bit Advanced SIMD) intrinsics as Exo instructions, with the Neon
register memory. The instructions are defined in neon.exo and parsed by the
core; each is a module attribute under exo-lang's name, e.g. `neon_vld_4xf32`."""

from ..memory import DRAM
from . import _library

Neon = _library.core_memory("Neon", "128-bit registers: f32[..][4], f64[..][2] or f16[..][8].")

_procs, _configs = _library.load("neon")
__all__ = ["Neon", "DRAM"] + _library.export(globals(), _procs, _configs)
