"""The standard memories: DRAM (heap), DRAM_STATIC (static arrays), DRAM_STACK
(C stack arrays), and MemGenError for memories that refuse to generate code."""

from ..memory import DRAM, DRAM_STACK, DRAM_STATIC, Memory, MemGenError, generate_offset

__all__ = ["DRAM", "DRAM_STATIC", "DRAM_STACK", "Memory", "MemGenError", "generate_offset"]
