/*
 * gemm_acc_malloc.h - accumulator allocation for the Gemmini model.
 *
 * gemm_acc_malloc(bytes) reserves ceil(bytes / 64) accumulator rows (one row
 * is DIM = 16 int32: accumulator buffers hold acc_t) and returns the first
 * row number with the accumulator bit (bit 31) set, a local address that
 * generated code casts to a pointer, offsets by rows and ORs flag bits into
 * (bit 30 accumulate, bit 29 full-width read). gemm_acc_free takes that value
 * back; gemm_acc_init_mem frees everything. Running out of rows, or freeing
 * an address that is not live, is a fault (see GEMMINI_MODEL_FAULT in
 * include/gemmini.h).
 */
#ifndef GEMMINI_MODEL_GEMM_ACC_MALLOC_H
#define GEMMINI_MODEL_GEMM_ACC_MALLOC_H

#include "include/gemmini.h"

static inline void gemm_acc_init_mem(void) {
    memset(&gemmini_model_state.acc_heap, 0, sizeof gemmini_model_state.acc_heap);
}

static inline uint32_t gemm_acc_malloc(size_t bytes) {
    const uint32_t row =
        gemmini_model__heap_alloc("gemm_acc_malloc", &gemmini_model_state.acc_heap, GEMMINI_MODEL_ACC_ROWS,
                                  &gemmini_model_state.counts.acc_rows_peak, bytes, DIM * sizeof(acc_t));
    return row == UINT32_MAX ? GARBAGE_ADDR : (row | GEMMINI_MODEL_ACC_BIT);
}

static inline void gemm_acc_free(uint32_t addr) {
    if (!(addr & GEMMINI_MODEL_ACC_BIT)) {
        gemmini_model__fail("gemm_acc_free", "0x%x is not an accumulator address (bit 31 clear)", (unsigned)addr);
        return;
    }
    gemmini_model__heap_free("gemm_acc_free", &gemmini_model_state.acc_heap, addr, addr & 0x1FFFFFFFu);
}

#endif /* GEMMINI_MODEL_GEMM_ACC_MALLOC_H */
