"""The standard memories, as exo-lang's `exo.libs.memories` names them.

DRAM (heap), DRAM_STATIC (static arrays), DRAM_STACK (C stack arrays), MDRAM
(heap through a user allocator), StaticMemory (base of fixed register files),
the x86 vector registers AVX2 and AVX512, the AMX tiles AMX_TILE, Gemmini's
scratchpad and accumulator GEMM_SCRATCH and GEMM_ACCUM, and MemGenError for
memories that refuse to generate code."""

from ..memory import (DRAM, DRAM_STACK, DRAM_STATIC, MDRAM, Memory, MemGenError, StaticMemory,
                      generate_offset)
from ..platforms.amx_memories import AMX_TILE
from ..platforms.gemmini_memories import GEMM_ACCUM, GEMM_SCRATCH
from ..platforms.x86_memories import AVX2, AVX512

__all__ = ["DRAM", "DRAM_STATIC", "DRAM_STACK", "MDRAM", "StaticMemory", "AVX2", "AVX512",
           "AMX_TILE", "GEMM_SCRATCH", "GEMM_ACCUM", "Memory", "MemGenError", "generate_offset"]
