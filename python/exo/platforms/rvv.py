"""RISC-V Vector intrinsics as Exo instructions, with the RVV register memory
(one m1 register of up to 4 floats, VLEN = 128). The instructions are defined
in rvv.exo and parsed by the core; each takes its vector length `vl`."""

from ..memory import DRAM
from . import _library

RVV = _library.core_memory("RVV", "m1 vector registers: f32[..][n], n <= 4.")

_procs, _configs = _library.load("rvv")
__all__ = ["RVV", "DRAM"] + _library.export(globals(), _procs, _configs)
