"""What the `exo.platforms.*` modules share: loading one of the core's hardware
libraries (lib/platforms/<name>.exo, installed next to these modules) and
exposing the core's memories as Python Memory classes."""

import os

from .. import _core
from ..configs import Config
from ..memory import _CoreBackedMemory, _classes, _srcinfo
from ..procedure import Procedure

_HERE = os.path.dirname(os.path.abspath(__file__))


def library_path(name):
    """The installed copy of the library's source, or None to use the core's."""
    path = os.path.join(_HERE, f"{name}.exo")
    return path if os.path.exists(path) else None


def _wrap(contents):
    procs, configs = contents
    return [Procedure(h) for h in procs], [Config(h) for h in configs]


def load(name):
    """(procedures, configs) of the library, in source order."""
    return _wrap(_core.load_platform_library(name, library_path(name)))


def load_sve_vls(vector_bits):
    return _wrap(_core.load_sve_vls_library(vector_bits, library_path("sve_vls")))


def export(module_globals, procs, configs):
    """Makes every proc and config a module attribute under its name; returns
    the names."""
    named = {p.name(): p for p in procs}
    named.update({c.name(): c for c in configs})
    module_globals.update(named)
    return list(named)


class _CoreMemory(_CoreBackedMemory):
    """A memory implemented in the core (vector registers, accelerator
    memories): the exo-lang Memory hooks forward to it."""

    _exo_core_handle = None

    @classmethod
    def _core(cls):
        return cls._exo_core_handle

    @classmethod
    def window(cls, basetyp, baseptr, indices, strides, srcinfo):
        return cls._core().window(
            str(basetyp), baseptr, [str(i) for i in indices], [str(s) for s in strides], _srcinfo(srcinfo)
        )

    @classmethod
    def can_read(cls):
        return cls._core().can_read()


def core_memory(name, doc, handle=None):
    """A Python class for the core's memory `name` (or `handle`). The class is
    the core's memory itself, so procs parsed by either front end agree."""
    handle = handle or _core.platform_memory(name)
    cls = type(name, (_CoreMemory,), {"__doc__": doc, "__module__": "exo.libs.memories",
                                      "_exo_core_handle": handle})
    cls._exo_handle = handle
    _classes[handle.id()] = cls
    return cls
