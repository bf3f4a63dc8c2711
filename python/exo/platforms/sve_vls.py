"""Arm SVE at a fixed vector length. `SVE_VLS(bits)` gives the registers of that
length as a memory (`.Vector`) and the instructions for it as attributes
(`.svld1_f32`, ...); the instructions are defined in sve_vls.exo and parsed by
the core for each length."""

from .. import _core
from ..memory import DRAM
from . import _library

_BY_LENGTH = {}


class SVE_VLS:
    def __init__(self, sve_vector_bits):
        if sve_vector_bits not in _BY_LENGTH:
            handle = _core.sve_vls_memory(sve_vector_bits)
            vector = _library.core_memory("SVE_VLS", f"{sve_vector_bits}-bit SVE registers.", handle)
            _BY_LENGTH[sve_vector_bits] = (vector, _library.load_sve_vls(sve_vector_bits))
        self.Vector, (procs, configs) = _BY_LENGTH[sve_vector_bits]
        self.vector_bits = sve_vector_bits
        for p in procs:
            setattr(self, p.name(), p)


__all__ = ["SVE_VLS", "DRAM"]
