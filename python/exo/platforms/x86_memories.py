"""AVX2 and AVX512, the x86 vector-register memories (implemented in the core)."""

from ._library import core_memory

AVX2 = core_memory("AVX2", "256-bit registers: f32[..][8], f64[..][4] or ui16[..][16].")
AVX512 = core_memory("AVX512", "512-bit registers: f32[..][16] or f64[..][8].")
