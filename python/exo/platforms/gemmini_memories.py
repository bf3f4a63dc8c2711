"""GEMM_SCRATCH and GEMM_ACCUM: Gemmini's scratchpad and accumulator (implemented
in the core). Buffers live in the accelerator's address space and are allocated
through `gemm_malloc.h` / `gemm_acc_malloc.h`; their innermost dimension is one
16-element row, and a window addresses a row. The CPU cannot read them: data
moves through the Gemmini instructions only."""

from ._library import core_memory

GEMM_SCRATCH = core_memory("GEMM_SCRATCH", "Gemmini's scratchpad: rows of 16 elements.")
GEMM_ACCUM = core_memory("GEMM_ACCUM", "Gemmini's accumulator: rows of 16 32-bit elements.")
