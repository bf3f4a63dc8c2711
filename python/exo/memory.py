"""Memories: how buffers are allocated and addressed in generated C.

A memory is a class with class methods, as in exo-lang: subclass `Memory` and
implement `alloc`, `free` and `can_read` (and optionally `global_`, `window`,
`write`, `reduce`). The compiler calls these hooks through the C++ core.
"""

from __future__ import annotations

from . import _core
from ._errors import api_error

MemGenError = _core.MemGenError


def generate_offset(indices, strides):
    """Flat C offset `i0 * s0 + i1 * s1 + ...`, dropping zero terms and unit factors."""

    def term(i, s):
        if s == "0" or i == "0":
            return ""
        if s == "1":
            return i
        if i == "1":
            return s
        return f"({i}) * {s}" if len(s) == 1 else f"({i}) * ({s})"

    terms = [t for t in (term(i, s) for i, s in zip(indices, strides)) if t]
    return " + ".join(terms) if terms else "0"


class _BaseType(str):
    """The C element type handed to `Memory.window`. exo-lang passes a type
    object and user code asks `basetyp.is_win()`; the core already passes the
    data pointer of windows, so for our purposes it never is one."""

    def is_win(self):
        return False

    def basetype(self):
        return self

    def ctype(self):
        return str(self)


class Memory:
    """Base class of all memories (user-defined ones included)."""

    @classmethod
    def name(cls):
        return cls.__name__

    @classmethod
    def global_(cls):
        return ""

    @classmethod
    def alloc(cls, new_name, prim_type, shape, srcinfo):
        raise NotImplementedError(f"{cls.__name__}.alloc")

    @classmethod
    def free(cls, new_name, prim_type, shape, srcinfo):
        raise NotImplementedError(f"{cls.__name__}.free")

    @classmethod
    def window(cls, basetyp, baseptr, indices, strides, srcinfo):
        offset = generate_offset(indices, strides)
        if basetyp.is_win():
            baseptr = f"{baseptr}.data"
        return f"{baseptr}[{offset}]"

    @classmethod
    def can_read(cls):
        raise NotImplementedError(f"{cls.__name__}.can_read")

    @classmethod
    def write(cls, s, lhs, rhs):
        raise MemGenError(f"{s.srcinfo}: cannot write to buffer '{s.name}' in memory '{cls.name()}'")

    @classmethod
    def reduce(cls, s, lhs, rhs):
        raise MemGenError(f"{s.srcinfo}: cannot reduce to buffer '{s.name}' in memory '{cls.name()}'")

    @classmethod
    def _exo_window(cls, basetyp, baseptr, indices, strides, srcinfo):
        # Called by the core when the class overrides `window`.
        return cls.window(_BaseType(basetyp), baseptr, list(indices), list(strides), srcinfo)


def _overrides(cls, method):
    return getattr(cls, method).__func__ is not getattr(Memory, method).__func__


def memory_handle(cls):
    """The core's view of memory class `cls` (created once per class)."""
    if not (isinstance(cls, type) and issubclass(cls, Memory)):
        raise api_error(f"expected a Memory subclass, got {cls!r}")
    handle = cls.__dict__.get("_exo_handle")
    if handle is None:
        # Scalar reads, writes and reductions are emitted by the core as plain C;
        # a memory opts into them with can_read() and by overriding write/reduce.
        try:
            can_read = bool(cls.can_read())
        except NotImplementedError:  # an abstract memory (StaticMemory itself): no scalar access
            can_read = False
        can_write = can_read and _overrides(cls, "write")
        can_reduce = can_write and _overrides(cls, "reduce")
        handle = _core.python_memory(
            cls, cls.name(), can_read, can_write, can_reduce, _overrides(cls, "window"), _kinds_of(cls)
        )
        cls._exo_handle = handle
        _classes[handle.id()] = cls
    return handle


def _kinds_of(cls):
    """Names of the memories `cls` subclasses: a buffer in `cls` may be passed
    where one of them is expected."""
    out = []
    for base in cls.__mro__[1:]:
        if isinstance(base, type) and issubclass(base, Memory) and base is not Memory:
            try:
                out.append(base.name())
            except Exception:  # an abstract helper class without a name
                pass
    return out


# core memory id -> Python class, to map the memories of compiled procs back.
_classes = {}


def memory_class(handle):
    """The Python class of a core memory handle (None if it has none)."""
    return None if handle is None else _classes.get(handle.id())


class _CoreBackedMemory(Memory):
    """A memory implemented in the core. Its exo-lang hooks forward to the core's
    memory (`_core()`, given by subclasses) so Python subclasses can reuse them."""

    @classmethod
    def _core(cls):
        raise NotImplementedError(f"{cls.__name__}._core")

    @classmethod
    def global_(cls):
        return cls._core().global_()

    @classmethod
    def alloc(cls, new_name, prim_type, shape, srcinfo):
        return cls._core().alloc(new_name, prim_type, [str(x) for x in shape], _srcinfo(srcinfo))

    @classmethod
    def free(cls, new_name, prim_type, shape, srcinfo):
        return cls._core().free(new_name, prim_type, [str(x) for x in shape], _srcinfo(srcinfo))


class _BuiltinMemory(_CoreBackedMemory):
    """DRAM, DRAM_STATIC, DRAM_STACK."""

    _exo_builtin = None

    @classmethod
    def _core(cls):
        return _core.builtin_memory(cls._exo_builtin)

    @classmethod
    def can_read(cls):
        return True

    @classmethod
    def write(cls, s, lhs, rhs):
        return f"{lhs} = {rhs};"

    @classmethod
    def reduce(cls, s, lhs, rhs):
        return f"{lhs} += {rhs};"


def _srcinfo(s):
    return s if isinstance(s, _core.SrcInfo) else _core.SrcInfo()


def _builtin(name, base=None):
    cls = type(name, (base or _BuiltinMemory,), {"_exo_builtin": name, "__module__": "exo.libs.memories"})
    # The class itself is the core's memory, not a wrapper around it, so that
    # `@ DRAM` and the core's own DRAM are one memory.
    cls._exo_handle = _core.builtin_memory(name)
    _classes[cls._exo_handle.id()] = cls
    return cls


DRAM = _builtin("DRAM")
# Kinds of DRAM, as in exo-lang: a buffer in either may be passed for a DRAM parameter.
DRAM_STATIC = _builtin("DRAM_STATIC", DRAM)
DRAM_STACK = _builtin("DRAM_STACK", DRAM)



class StaticMemory(Memory):
    """A memory of a fixed number of chunks (e.g. hardware registers or tiles),
    handed out by a free list while C is generated. Subclasses call
    `init_state(n)` once and take chunks with `find_free_chunk`/`mark`, giving
    them back with `unmark` in `free`."""

    is_chunk_allocated = []

    @classmethod
    def init_state(cls, size):
        cls.is_chunk_allocated = [False] * size

    @classmethod
    def find_free_chunk(cls):
        for idx, taken in enumerate(cls.is_chunk_allocated):
            if not taken:
                return idx
        raise MemGenError(f"Cannot allocate more than {len(cls.is_chunk_allocated)} chunks at a time.")

    @classmethod
    def mark(cls, idx):
        cls.is_chunk_allocated[idx] = True

    @classmethod
    def unmark(cls, idx):
        cls.is_chunk_allocated[idx] = False


def flat_size(shape):
    """C text of a buffer's element count, `s_k * ... * s_1 * s_0` for shape
    [s_0, ..., s_k] (the order exo-lang's generated code uses)."""
    text = str(shape[0])
    for s in shape[1:]:
        text = f"{s} * {text}"
    return text


class MDRAM(DRAM):
    """DRAM through a user allocator (`custom_malloc.h`: malloc_dram/free_dram)."""

    @classmethod
    def global_(cls):
        return '#include "custom_malloc.h"'

    @classmethod
    def alloc(cls, new_name, prim_type, shape, srcinfo):
        if not shape:
            return f"{prim_type} {new_name};"
        return f"{prim_type} *{new_name} = ({prim_type}*) malloc_dram ({flat_size(shape)} * sizeof({prim_type}));"

    @classmethod
    def free(cls, new_name, prim_type, shape, srcinfo):
        return f"free_dram({new_name});" if shape else ""
