"""x86 intrinsics (AVX2 with FMA, AVX-512) as Exo instructions, with the AVX2 and
AVX512 memories. The instructions are defined once, in x86.exo, and parsed by
the core; every instruction is a module attribute under exo-lang's name, e.g.
`mm256_loadu_ps`, `mm256_fmadd_ps`."""

from ..memory import DRAM
from . import _library
from .x86_memories import AVX2, AVX512

_procs, _configs = _library.load("x86")
__all__ = ["AVX2", "AVX512", "DRAM"] + _library.export(globals(), _procs, _configs)
