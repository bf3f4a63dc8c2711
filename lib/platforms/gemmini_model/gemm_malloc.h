/*
 * gemm_malloc.h - scratchpad allocation for the Gemmini model.
 *
 * gemm_malloc(bytes) reserves ceil(bytes / 16) scratchpad rows (one row is
 * DIM = 16 int8) and returns the first row number, which generated code uses
 * as a local address (it casts it to a pointer and adds row offsets).
 * gemm_free takes that value back; gemm_init_mem frees everything.
 * Running out of rows, or freeing an address that is not live, is a fault
 * (see GEMMINI_MODEL_FAULT in include/gemmini.h).
 */
#ifndef GEMMINI_MODEL_GEMM_MALLOC_H
#define GEMMINI_MODEL_GEMM_MALLOC_H

#include "include/gemmini.h"

static inline void gemm_init_mem(void) {
    memset(&gemmini_model_state.spad_heap, 0, sizeof gemmini_model_state.spad_heap);
}

static inline uint64_t gemm_malloc(size_t bytes) {
    return gemmini_model__heap_alloc("gemm_malloc", &gemmini_model_state.spad_heap, GEMMINI_MODEL_SP_ROWS,
                                     &gemmini_model_state.counts.spad_rows_peak, bytes, DIM * sizeof(elem_t));
}

static inline void gemm_free(uint64_t addr) {
    gemmini_model__heap_free("gemm_free", &gemmini_model_state.spad_heap, addr, addr);
}

#endif /* GEMMINI_MODEL_GEMM_MALLOC_H */
