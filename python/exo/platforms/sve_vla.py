"""Arm SVE, vector-length agnostic: instructions on DRAM arrays of any length N,
implemented by helper loops over SVE predicates (exo_arm_sve.h). Defined in
sve_vla.exo and parsed by the core."""

from ..memory import DRAM
from . import _library

_procs, _configs = _library.load("sve_vla")
__all__ = ["DRAM"] + _library.export(globals(), _procs, _configs)
