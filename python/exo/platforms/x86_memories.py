"""AVX2 and AVX512, the x86 vector-register memories. They are implemented in the
core (shared with the C++ API); these classes forward exo-lang's Memory hooks to
it so they can be used, inspected and subclassed like any Python memory."""

from .. import _core
from ..memory import _CoreBackedMemory, _classes, _srcinfo


class _CoreVectorMemory(_CoreBackedMemory):
    _exo_core_name = None

    @classmethod
    def _core(cls):
        return _core.x86_memory(cls._exo_core_name)

    @classmethod
    def window(cls, basetyp, baseptr, indices, strides, srcinfo):
        return cls._core().window(
            str(basetyp), baseptr, [str(i) for i in indices], [str(s) for s in strides], _srcinfo(srcinfo)
        )

    @classmethod
    def can_read(cls):
        return False


def _vector_memory(name, doc):
    cls = type(name, (_CoreVectorMemory,), {"_exo_core_name": name, "__doc__": doc,
                                            "__module__": "exo.libs.memories"})
    # The class is the core's memory itself, so procs parsed by either front end agree.
    cls._exo_handle = _core.x86_memory(name)
    _classes[cls._exo_handle.id()] = cls
    return cls


AVX2 = _vector_memory("AVX2", "256-bit registers: f32[..][8], f64[..][4] or ui16[..][16].")
AVX512 = _vector_memory("AVX512", "512-bit registers: f32[..][16] or f64[..][8].")
