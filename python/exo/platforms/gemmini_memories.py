"""GEMM_SCRATCH and GEMM_ACCUM: Gemmini's scratchpad and accumulator.

Buffers live in the accelerator's address space and are allocated through
`gemm_malloc.h` / `gemm_acc_malloc.h`. Their innermost dimension is one 16-element
row; a window addresses a row (the address counts rows, hence `/16`). The CPU
cannot read them: data moves through the Gemmini instructions only.
"""

from ..memory import Memory, MemGenError, flat_size, generate_offset


class _GemminiMemory(Memory):
    _what = None        # for messages
    _header = None      # the allocator's header
    _malloc = None      # allocator call and the integer type its address is cast through
    _free = None
    _addr_type = None

    @classmethod
    def global_(cls):
        return f'#include <include/gemmini.h>\n#include "{cls._header}"'

    @classmethod
    def alloc(cls, new_name, prim_type, shape, srcinfo):
        if not shape:
            return f"{prim_type} {new_name};"
        if not (str(shape[-1]).isdecimal() and int(shape[-1]) == 16):
            raise MemGenError(f"{srcinfo}: Cannot allocate GEMMINI {cls._what} unless innermost "
                              f"dimension is exactly 16.  got {shape[-1]}")
        return (f"{prim_type} *{new_name} = ({prim_type}*) (({cls._addr_type}){cls._malloc} "
                f"({flat_size(shape)} * sizeof({prim_type})));")

    @classmethod
    def free(cls, new_name, prim_type, shape, srcinfo):
        return f"{cls._free}(({cls._addr_type})({new_name}));" if shape else ""

    @classmethod
    def can_read(cls):
        return False

    @classmethod
    def window(cls, basetyp, baseptr, indices, strides, srcinfo):
        if len(indices) != len(strides) or len(strides) < 2:
            raise MemGenError(f"{srcinfo}: a {cls.__name__} window needs a row and a column index")
        ctype = basetyp.basetype().ctype()
        offset = generate_offset(indices, strides)
        return f"*({ctype}*)((uint64_t)( ((uint32_t)((uint64_t){baseptr})) + ({offset})/16))"


class GEMM_SCRATCH(_GemminiMemory):
    _what = "Scratchpad Memory"
    _header = "gemm_malloc.h"
    _malloc = "gemm_malloc"
    _free = "gemm_free"
    _addr_type = "uint64_t"


class GEMM_ACCUM(_GemminiMemory):
    _what = "Accumulator Memory"
    _header = "gemm_acc_malloc.h"
    _malloc = "gemm_acc_malloc"
    _free = "gemm_acc_free"
    _addr_type = "uint32_t"


for _cls in (GEMM_SCRATCH, GEMM_ACCUM):
    _cls.__module__ = "exo.libs.memories"
