"""The standard memories: DRAM (heap), DRAM_STATIC (static arrays), DRAM_STACK
(C stack arrays), the x86 vector registers AVX2 and AVX512, and MemGenError for memories that refuse to generate code."""

from ..memory import DRAM, DRAM_STACK, DRAM_STATIC, Memory, MemGenError, generate_offset
from ..platforms.x86_memories import AVX2, AVX512

__all__ = ["DRAM", "DRAM_STATIC", "DRAM_STACK", "AVX2", "AVX512", "Memory", "MemGenError",
           "generate_offset"]
