"""exo.core.memory: the Memory classes, as exo-lang's users import them."""

from ..memory import DRAM, Memory, MemGenError, StaticMemory, generate_offset

__all__ = ["Memory", "DRAM", "StaticMemory", "MemGenError", "generate_offset"]
