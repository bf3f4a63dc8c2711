"""x86 intrinsics (AVX2 with FMA, AVX-512) as Exo instructions, with the AVX2 and
AVX512 memories. The instructions are defined once, in x86.exo (installed next
to this module), and parsed by the core; every instruction is a module
attribute under exo-lang's name, e.g. `mm256_loadu_ps`, `mm256_fmadd_ps`."""

import os

from .. import _core
from ..memory import DRAM
from ..procedure import Procedure
from .x86_memories import AVX2, AVX512

_LIBRARY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "x86.exo")


def _load():
    # Without the installed file, the copy built into the core is the same source.
    path = _LIBRARY if os.path.exists(_LIBRARY) else None
    return [Procedure(h) for h in _core.load_x86_library(path)]


_INSTRUCTIONS = _load()
globals().update({p.name(): p for p in _INSTRUCTIONS})

__all__ = ["AVX2", "AVX512", "DRAM"] + [p.name() for p in _INSTRUCTIONS]
