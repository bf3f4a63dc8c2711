"""Gemmini (a systolic-array matrix accelerator) as Exo instructions and configs,
with its scratchpad and accumulator memories. Defined in gemmini.exo and parsed
by the core."""

from ..memory import DRAM
from . import _library
from .gemmini_memories import GEMM_ACCUM, GEMM_SCRATCH

_procs, _configs = _library.load("gemmini")
__all__ = ["GEMM_SCRATCH", "GEMM_ACCUM", "DRAM"] + _library.export(globals(), _procs, _configs)
