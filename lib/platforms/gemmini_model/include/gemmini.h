/*
 * include/gemmini.h - a functional model of the Gemmini accelerator in C11.
 *
 * Code written for Gemmini (the instruction macros of gemmini-rocc-tests'
 * include/gemmini.h: gemmini_extended_mvin, gemmini_extended_preload, ...)
 * includes this header instead and runs on an ordinary host: every macro has
 * the same name and arguments, encodes its operands into the two 64-bit RoCC
 * source registers exactly as the real macro does, and hands them to
 * gemmini_model_rocc(), which decodes them as the accelerator does and
 * executes the instruction at once on the model's state.
 *
 * The modelled accelerator is Gemmini's default configuration: a 16x16
 * systolic array of int8 inputs, int32 accumulation, a 256 KiB scratchpad
 * (16384 rows of 16 int8), a 64 KiB accumulator (1024 rows of 16 int32),
 * float (fp32) mvin and accumulator scaling with round-to-nearest-even and
 * saturation, three load configurations. See README.md for what is and is
 * not modelled.
 *
 * Local (scratchpad/accumulator) addresses are row numbers with Gemmini's
 * flag bits: bit 31 selects the accumulator, bit 30 accumulates instead of
 * overwriting, bit 29 reads full-width int32 accumulator rows on mvout;
 * GARBAGE_ADDR (all ones) means "no operand" / "discard".
 *
 * Misuse that real hardware would not run correctly (an instruction whose
 * configuration was never set, addresses outside the memories, sizes over
 * the hardware limits, compute without preload, ...) and features the model
 * does not implement print a message to stderr and abort(). Define
 * GEMMINI_MODEL_FAULT(insn, msg) before including this header to handle them
 * differently; the faulting instruction then has no further effect.
 *
 * The model state is one weak global, so all translation units of a program
 * that include this header share the same accelerator. Not thread-safe.
 */
#ifndef GEMMINI_MODEL_GEMMINI_H
#define GEMMINI_MODEL_GEMMINI_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GEMMINI_MODEL 1

/* ------------------------------------------------------------------------ */
/* Parameters of the default configuration (gemmini_params.h)               */
/* ------------------------------------------------------------------------ */

#define XCUSTOM_ACC 3
#define DIM 16
#define ADDR_LEN 32
#define BANK_NUM 4
#define BANK_ROWS 4096
#define ACC_ROWS 1024
#define MAX_BYTES 64
#define MAX_BLOCK_LEN (MAX_BYTES / (DIM * 1))
#define MAX_BLOCK_LEN_ACC (MAX_BYTES / (DIM * 4))

typedef int8_t elem_t;
typedef int32_t acc_t;
typedef int64_t full_t;
__attribute__((unused)) static const elem_t elem_t_max = 127;
__attribute__((unused)) static const elem_t elem_t_min = -128;

#define HAS_MVIN_SCALE
typedef float scale_t;
typedef uint32_t scale_t_bits;
typedef int32_t scale_acc_t;
typedef uint32_t scale_acc_t_bits;
typedef float acc_scale_t;
typedef uint32_t acc_scale_t_bits;

#define ACC_SCALE_T_IS_FLOAT
#define ACC_SCALE_EXP_BITS 8
#define ACC_SCALE_SIG_BITS 24
#define ACC_READ_SMALL_WIDTH

#define row_align(blocks) __attribute__((aligned((blocks) * DIM * sizeof(elem_t))))
#define row_align_acc(blocks) __attribute__((aligned((blocks) * DIM * sizeof(acc_t))))

#define MVIN_SCALE_IDENTITY 1.0
#define ACC_SCALE_IDENTITY 1.0

/* Same values as the hardware's scalers (see gemmini_model_acc_scale). */
#define ROUND_NEAR_EVEN(x) gemmini_model_round_near_even((double)(x))
#define ACC_SCALE(x, scale) gemmini_model_acc_scale((acc_t)(x), (acc_scale_t)(scale))
#define MVIN_SCALE(x, scale) gemmini_model_mvin_scale((acc_t)(x), (scale_t)(scale))
#define MVIN_SCALE_ACC(x, scale) (x) /* the default configuration has no accumulator mvin scaler */

/* The hardware's mvin/mvout column fields hold at most MAX_BYTES bytes of
   columns (64 int8 or 16 int32 per row); longer moves are faults. Defining
   GEMMINI_MODEL_NO_SIZE_LIMITS lifts that limit, as Gemmini's Spike model
   does, to run code written for a larger configuration. */
#ifdef GEMMINI_MODEL_NO_SIZE_LIMITS
#define GEMMINI_MODEL__NO_SIZE_LIMITS 1
#else
#define GEMMINI_MODEL__NO_SIZE_LIMITS 0
#endif

#define GEMMINI_MODEL_SP_ROWS (BANK_NUM * BANK_ROWS)
#define GEMMINI_MODEL_ACC_ROWS ACC_ROWS
#define GEMMINI_MODEL_LOAD_STATES 3
#ifndef GEMMINI_MODEL_MAX_ALLOCS
#define GEMMINI_MODEL_MAX_ALLOCS 1024 /* live gemm_malloc / gemm_acc_malloc blocks, each */
#endif

/* ------------------------------------------------------------------------ */
/* ISA constants (gemmini.h)                                                */
/* ------------------------------------------------------------------------ */

#define k_CONFIG 0
#define k_MVIN2 1
#define k_MVIN 2
#define k_MVOUT 3
#define k_COMPUTE_PRELOADED 4
#define k_COMPUTE_ACCUMULATE 5
#define k_PRELOAD 6
#define k_FLUSH 7
#define k_LOOP_WS 8
#define k_LOOP_WS_CONFIG_BOUNDS 9
#define k_LOOP_WS_CONFIG_ADDRS_AB 10
#define k_LOOP_WS_CONFIG_ADDRS_DC 11
#define k_LOOP_WS_CONFIG_STRIDES_AB 12
#define k_LOOP_WS_CONFIG_STRIDES_DC 13
#define k_MVIN3 14
#define k_LOOP_CONV_WS 15
#define k_COUNTER 126

#define CONFIG_EX 0
#define CONFIG_LD 1
#define CONFIG_ST 2
#define CONFIG_BERT 3

#define GARBAGE_ADDR ((uint32_t)(-1))
#define OUTPUT_STATIONARY 0
#define WEIGHT_STATIONARY 1

#define NO_ACTIVATION 0
#define RELU 1
#define LAYERNORM 2
#define IGELU 3
#define SOFTMAX 4

enum tiled_matmul_type_t { OS, WS, CPU };

/* Flag bits of a local address. */
#define GEMMINI_MODEL_ACC_BIT 0x80000000u
#define GEMMINI_MODEL_ACCUMULATE_BIT 0x40000000u
#define GEMMINI_MODEL_FULL_WIDTH_BIT 0x20000000u

/* ------------------------------------------------------------------------ */
/* Model state                                                              */
/* ------------------------------------------------------------------------ */

/* Instructions issued since the last reset (gemmini_model_reset_counts). */
typedef struct {
    uint64_t mvin[GEMMINI_MODEL_LOAD_STATES]; /* mvin, mvin2, mvin3 */
    uint64_t mvout;
    uint64_t preload;
    uint64_t compute_preloaded;
    uint64_t compute_accumulated;
    uint64_t config_ex;
    uint64_t config_ld;
    uint64_t config_st;
    uint64_t flush;
    uint64_t fence;
    uint64_t dram_bytes_read;    /* by mvin (a zero fill reads nothing) */
    uint64_t dram_bytes_written; /* by mvout */
    uint32_t spad_rows_peak;     /* most scratchpad rows allocated at once */
    uint32_t acc_rows_peak;      /* most accumulator rows allocated at once */
} gemmini_model_counts_t;

typedef struct {
    bool set;
    uint64_t stride; /* DRAM bytes between rows */
    scale_t scale;
    bool shrunk;           /* an accumulator destination reads int8, not int32 */
    uint16_t block_stride; /* local rows between the 16-column blocks of a row */
    uint8_t pixel_repeats;
} gemmini_model_load_config_t;

typedef struct {
    bool set;
    uint32_t stride; /* DRAM bytes between rows */
    unsigned act;
    acc_scale_t scale;
    unsigned pool_stride;
} gemmini_model_store_config_t;

typedef struct {
    bool set;
    unsigned dataflow;
    unsigned act;
    uint32_t sys_shift;
    uint16_t a_stride; /* scratchpad rows between rows of A */
    uint16_t c_stride; /* local rows between rows of C */
    bool a_transpose;
    bool b_transpose;
} gemmini_model_ex_config_t;

typedef struct {
    uint32_t start, rows;
} gemmini_model_block_t;

/* First-fit row allocator: live blocks sorted by start row. */
typedef struct {
    uint32_t n;
    uint32_t rows_in_use;
    gemmini_model_block_t block[GEMMINI_MODEL_MAX_ALLOCS];
} gemmini_model_heap_t;

typedef struct {
    elem_t spad[GEMMINI_MODEL_SP_ROWS][DIM];
    acc_t acc[GEMMINI_MODEL_ACC_ROWS][DIM];

    gemmini_model_load_config_t ld[GEMMINI_MODEL_LOAD_STATES];
    gemmini_model_store_config_t st;
    gemmini_model_ex_config_t ex;

    /* The last preload, waiting for the compute it is paired with. */
    bool preload_pending;
    uint32_t pre_b_addr, pre_c_addr;
    uint16_t pre_b_rows, pre_b_cols, pre_c_rows, pre_c_cols;

    /* Weights held in the systolic array (weight-stationary dataflow). */
    bool weights_set;
    elem_t weights[DIM][DIM];

    gemmini_model_counts_t counts;
    gemmini_model_heap_t spad_heap, acc_heap;
} gemmini_model_state_t;

/* Weak, so that every translation unit including this header uses the same
   accelerator (the linker keeps one definition). Zero-initialised, like
   gemmini_model_reset(). */
__attribute__((weak)) gemmini_model_state_t gemmini_model_state;

/* ------------------------------------------------------------------------ */
/* Faults                                                                   */
/* ------------------------------------------------------------------------ */

#ifndef GEMMINI_MODEL_FAULT
#define GEMMINI_MODEL_FAULT(insn, msg) gemmini_model__abort((insn), (msg))
#endif

static inline void gemmini_model__abort(const char *insn, const char *msg) {
    fflush(stdout); /* keep the program's output before the message */
    fprintf(stderr, "gemmini_model: %s: %s\n", insn, msg);
    fflush(stderr);
    abort();
}

static inline __attribute__((format(printf, 2, 3))) void gemmini_model__fail(const char *insn,
                                                                            const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    GEMMINI_MODEL_FAULT(insn, msg);
}

/* ------------------------------------------------------------------------ */
/* Scaling                                                                  */
/* ------------------------------------------------------------------------ */

/* Round half to even; exact for every double (no dependence on the FPU
   rounding mode or on libm). */
static inline double gemmini_model_round_near_even(double x) {
    double t, r;
    if (!(x > -4503599627370496.0 && x < 4503599627370496.0)) return x; /* |x| >= 2^52, NaN, inf */
    t = (double)(int64_t)x; /* toward zero */
    r = x - t;              /* exact */
    if (r > 0.5 || (r == 0.5 && ((int64_t)t & 1))) t += 1.0;
    else if (r < -0.5 || (r == -0.5 && ((int64_t)t & 1))) t -= 1.0;
    return t;
}

static inline int32_t gemmini_model__saturate(double v, int32_t lo, int32_t hi) {
    if (v != v) return hi; /* NaN converts to the largest integer on RISC-V */
    if (v > (double)hi) return hi;
    if (v < (double)lo) return lo;
    return (int32_t)v;
}

/* The hardware scalers convert the integer to fp32, multiply in fp32, round
   the product to an integer, all round-to-nearest-even, and saturate; the
   accumulator read path then saturates to int8. */
static inline acc_t gemmini_model_acc_scale(acc_t x, acc_scale_t scale) {
    const float p = (float)x * scale;
    return gemmini_model__saturate(gemmini_model_round_near_even((double)p), INT8_MIN, INT8_MAX);
}

static inline elem_t gemmini_model_mvin_scale(acc_t x, scale_t scale) {
    const float p = (float)x * scale;
    return (elem_t)gemmini_model__saturate(gemmini_model_round_near_even((double)p), INT8_MIN, INT8_MAX);
}

static inline scale_t_bits scale_t_to_scale_t_bits(scale_t x) {
    scale_t_bits b;
    memcpy(&b, &x, sizeof b);
    return b;
}

static inline scale_t scale_t_bits_to_scale_t(scale_t_bits b) {
    scale_t x;
    memcpy(&x, &b, sizeof x);
    return x;
}

static inline acc_scale_t_bits acc_scale_t_to_acc_scale_t_bits(acc_scale_t x) {
    acc_scale_t_bits b;
    memcpy(&b, &x, sizeof b);
    return b;
}

static inline acc_scale_t acc_scale_t_bits_to_acc_scale_t(acc_scale_t_bits b) {
    acc_scale_t x;
    memcpy(&x, &b, sizeof x);
    return x;
}

/* ------------------------------------------------------------------------ */
/* Counters and reset                                                       */
/* ------------------------------------------------------------------------ */

static inline gemmini_model_counts_t gemmini_model_counts(void) {
    return gemmini_model_state.counts;
}

static inline void gemmini_model_reset_counts(void) {
    gemmini_model_state_t *const s = &gemmini_model_state;
    memset(&s->counts, 0, sizeof s->counts);
    s->counts.spad_rows_peak = s->spad_heap.rows_in_use;
    s->counts.acc_rows_peak = s->acc_heap.rows_in_use;
}

/* All instructions (mvin of every id, mvout, preload, compute, config, flush, fence). */
static inline uint64_t gemmini_model_counts_total(const gemmini_model_counts_t *c) {
    return c->mvin[0] + c->mvin[1] + c->mvin[2] + c->mvout + c->preload + c->compute_preloaded +
           c->compute_accumulated + c->config_ex + c->config_ld + c->config_st + c->flush + c->fence;
}

static inline void gemmini_model_print_counts(FILE *f, const char *label) {
    const gemmini_model_counts_t *c = &gemmini_model_state.counts;
    fprintf(f,
            "%s: mvin %llu (id0 %llu, id1 %llu, id2 %llu), mvout %llu, preload %llu, "
            "compute_preloaded %llu, compute_accumulated %llu, config_ex %llu, config_ld %llu, "
            "config_st %llu, flush %llu, fence %llu; DRAM bytes read %llu, written %llu; "
            "peak rows spad %u, acc %u\n",
            label ? label : "gemmini_model",
            (unsigned long long)(c->mvin[0] + c->mvin[1] + c->mvin[2]), (unsigned long long)c->mvin[0],
            (unsigned long long)c->mvin[1], (unsigned long long)c->mvin[2], (unsigned long long)c->mvout,
            (unsigned long long)c->preload, (unsigned long long)c->compute_preloaded,
            (unsigned long long)c->compute_accumulated, (unsigned long long)c->config_ex,
            (unsigned long long)c->config_ld, (unsigned long long)c->config_st, (unsigned long long)c->flush,
            (unsigned long long)c->fence, (unsigned long long)c->dram_bytes_read,
            (unsigned long long)c->dram_bytes_written, (unsigned)c->spad_rows_peak, (unsigned)c->acc_rows_peak);
}

/* Back to power-on: memories zeroed, no configuration, nothing allocated, counts zeroed. */
static inline void gemmini_model_reset(void) {
    memset(&gemmini_model_state, 0, sizeof gemmini_model_state);
}

/* ------------------------------------------------------------------------ */
/* Instructions                                                             */
/* ------------------------------------------------------------------------ */

static inline bool gemmini_model__is_garbage(uint32_t addr) {
    /* accumulator, accumulate and full-width flags, the garbage bit and all 14 row bits set */
    return (addr & 0xE0007FFFu) == 0xE0007FFFu;
}

static inline acc_t gemmini_model__wrap_add(acc_t a, acc_t b) {
    return (acc_t)((uint32_t)a + (uint32_t)b);
}

/* Local rows [first, first + count) of the scratchpad or accumulator exist. */
static inline bool gemmini_model__rows_ok(const char *insn, bool acc, uint64_t first, uint64_t count) {
    const uint64_t capacity = acc ? GEMMINI_MODEL_ACC_ROWS : GEMMINI_MODEL_SP_ROWS;
    if (count == 0 || (first < capacity && count <= capacity - first)) return true;
    gemmini_model__fail(insn, "%s rows %llu..%llu are outside the %s (%llu rows)", acc ? "accumulator" : "scratchpad",
                        (unsigned long long)first, (unsigned long long)(first + count - 1),
                        acc ? "accumulator" : "scratchpad", (unsigned long long)capacity);
    return false;
}

static inline void gemmini_model__config(uint64_t rs1, uint64_t rs2) {
    gemmini_model_state_t *const s = &gemmini_model_state;
    switch (rs1 & 3) {
    case CONFIG_EX: {
        const char *insn = "gemmini_extended_config_ex";
        const bool set_only_strides = (rs1 >> 7) & 1;
        s->counts.config_ex++;
        if (!set_only_strides) {
            const unsigned dataflow = (unsigned)(rs1 >> 2) & 1;
            const bool a_t = (rs1 >> 8) & 1, b_t = (rs1 >> 9) & 1;
            const uint32_t sys_shift = (uint32_t)rs2;
            if (sys_shift >= 32) {
                gemmini_model__fail(insn, "sys_shift %u is not below 32", (unsigned)sys_shift);
                return;
            }
            if (dataflow == WEIGHT_STATIONARY && a_t && b_t) {
                gemmini_model__fail(insn, "Gemmini cannot transpose both A and B in the weight-stationary dataflow");
                return;
            }
            s->ex.set = true;
            s->ex.dataflow = dataflow;
            s->ex.act = (unsigned)(rs1 >> 3) & 3;
            s->ex.sys_shift = sys_shift;
            s->ex.a_transpose = a_t;
            s->ex.b_transpose = b_t;
        }
        s->ex.a_stride = (uint16_t)(rs1 >> 16);
        s->ex.c_stride = (uint16_t)(rs2 >> 48);
        return;
    }
    case CONFIG_LD: {
        const unsigned id = (unsigned)(rs1 >> 3) & 3;
        gemmini_model_load_config_t *cfg;
        s->counts.config_ld++;
        if (id >= GEMMINI_MODEL_LOAD_STATES) {
            gemmini_model__fail("gemmini_extended_config_ld", "load configuration id %u; Gemmini has ids 0..2", id);
            return;
        }
        cfg = &s->ld[id];
        cfg->set = true;
        cfg->stride = rs2;
        cfg->scale = scale_t_bits_to_scale_t((scale_t_bits)(rs1 >> 32));
        cfg->shrunk = (rs1 >> 2) & 1;
        cfg->block_stride = (uint16_t)(rs1 >> 16);
        cfg->pixel_repeats = (uint8_t)(rs1 >> 8);
        if (cfg->pixel_repeats == 0) cfg->pixel_repeats = 1; /* as the hardware reads 0 */
        return;
    }
    case CONFIG_ST:
        s->counts.config_st++;
        s->st.set = true;
        s->st.stride = (uint32_t)rs2;
        s->st.scale = acc_scale_t_bits_to_acc_scale_t((acc_scale_t_bits)(rs2 >> 32));
        s->st.act = (unsigned)(rs1 >> 2) & 3;
        s->st.pool_stride = (unsigned)(rs1 >> 4) & 3;
        return;
    default:
        gemmini_model__fail("gemmini_config_norm", "not modelled: normalization (LayerNorm/Softmax) configuration");
        return;
    }
}

/* mvin, mvin2, mvin3: rows x cols elements from DRAM into local memory. */
static inline void gemmini_model__mvin(unsigned id, uint64_t rs1, uint64_t rs2) {
    static const char *const names[GEMMINI_MODEL_LOAD_STATES] = {"gemmini_extended_mvin", "gemmini_extended_mvin2",
                                                                 "gemmini_extended_mvin3"};
    gemmini_model_state_t *const s = &gemmini_model_state;
    const char *insn = names[id];
    const gemmini_model_load_config_t *cfg = &s->ld[id];
    const uint32_t local = (uint32_t)rs2;
    const uint32_t cols = (uint32_t)(rs2 >> 32) & 0xFFFF, rows = (uint32_t)(rs2 >> 48) & 0xFFFF;
    const bool to_acc = local & GEMMINI_MODEL_ACC_BIT, accumulate = local & GEMMINI_MODEL_ACCUMULATE_BIT;
    const uint32_t base = local & 0x1FFFFFFFu;
    const bool zeros = rs1 == 0; /* DRAM address 0 fills with zeros */
    bool wide;
    uint32_t max_cols, blocks, r, c;

    s->counts.mvin[id]++;
    if (!cfg->set) {
        gemmini_model__fail(insn, "load configuration %u was never set (gemmini_extended*_config_ld(..., %u) first)", id, id);
        return;
    }
    if (rows == 0 || cols == 0) {
        gemmini_model__fail(insn, "moves %u rows x %u columns; a mvin must load at least one element", rows, cols);
        return;
    }
    if (rows > DIM) {
        gemmini_model__fail(insn, "%u rows; a mvin moves at most DIM = %d rows", rows, DIM);
        return;
    }
    if (rows > cfg->block_stride) {
        gemmini_model__fail(insn, "%u rows but block_mvin_stride %u; Gemmini requires block_mvin_stride >= rows", rows,
                            (unsigned)cfg->block_stride);
        return;
    }
    if (cfg->pixel_repeats > 1) {
        gemmini_model__fail(insn, "not modelled: pixel_repeats %u > 1", (unsigned)cfg->pixel_repeats);
        return;
    }
    wide = to_acc && !cfg->shrunk; /* int32 elements in DRAM */
    max_cols = (wide ? MAX_BLOCK_LEN_ACC : MAX_BLOCK_LEN) * DIM;
    if (cols > max_cols && !GEMMINI_MODEL__NO_SIZE_LIMITS) {
        gemmini_model__fail(insn, "%u columns; at most %u %s columns per mvin", cols, max_cols, wide ? "int32" : "int8");
        return;
    }
    blocks = (cols + DIM - 1) / DIM;
    if (!gemmini_model__rows_ok(insn, to_acc, base, (uint64_t)(blocks - 1) * cfg->block_stride + rows)) return;

    for (r = 0; r < rows; r++) {
        const unsigned char *src = (const unsigned char *)(uintptr_t)(rs1 + (uint64_t)r * cfg->stride);
        for (c = 0; c < cols; c++) {
            const uint32_t row = base + r + (c / DIM) * cfg->block_stride, col = c % DIM;
            if (to_acc) {
                acc_t v = 0;
                if (!zeros) {
                    if (wide) memcpy(&v, src + (size_t)c * sizeof(acc_t), sizeof v);
                    else v = gemmini_model_mvin_scale(((const elem_t *)src)[c], cfg->scale);
                }
                s->acc[row][col] = accumulate ? gemmini_model__wrap_add(s->acc[row][col], v) : v;
            } else {
                s->spad[row][col] = zeros ? 0 : gemmini_model_mvin_scale(((const elem_t *)src)[c], cfg->scale);
            }
        }
    }
    /* With stride 0 the hardware reads one row and repeats it. */
    if (!zeros) s->counts.dram_bytes_read += (uint64_t)(cfg->stride == 0 ? 1 : rows) * cols * (wide ? 4 : 1);
}

/* mvout: rows x cols elements from local memory to DRAM; from the accumulator
   scaled, activated and saturated to int8, or int32 as they are (bit 29). */
static inline void gemmini_model__mvout(uint64_t rs1, uint64_t rs2) {
    gemmini_model_state_t *const s = &gemmini_model_state;
    const char *insn = "gemmini_extended_mvout";
    const uint32_t local = (uint32_t)rs2;
    const uint32_t cols = (uint32_t)(rs2 >> 32) & 0xFFFF, rows = (uint32_t)(rs2 >> 48) & 0xFFFF;
    const bool from_acc = local & GEMMINI_MODEL_ACC_BIT;
    const bool full = from_acc && (local & GEMMINI_MODEL_FULL_WIDTH_BIT);
    const unsigned norm_cmd = (local >> 26) & 7;
    const uint32_t base = local & 0x03FFFFFFu;
    uint32_t max_cols, blocks, r, c;

    s->counts.mvout++;
    if (!s->st.set) {
        gemmini_model__fail(insn, "the store configuration was never set (gemmini_extended_config_st first)");
        return;
    }
    if (rows == 0 || cols == 0) {
        gemmini_model__fail(insn, "moves %u rows x %u columns; a mvout must store at least one element", rows, cols);
        return;
    }
    if (rows > DIM) {
        gemmini_model__fail(insn, "%u rows; a mvout moves at most DIM = %d rows", rows, DIM);
        return;
    }
    if (rs1 == 0) {
        gemmini_model__fail(insn, "DRAM address is 0");
        return;
    }
    if (from_acc && norm_cmd != 0) {
        gemmini_model__fail(insn, "not modelled: normalization command %u in the local address", norm_cmd);
        return;
    }
    if (s->st.pool_stride != 0) {
        gemmini_model__fail(insn, "not modelled: max-pooling (config_st with pool_stride %u)", s->st.pool_stride);
        return;
    }
    if (from_acc && !full && s->st.act != NO_ACTIVATION && s->st.act != RELU) {
        gemmini_model__fail(insn, "not modelled: accumulator activation %u (only NO_ACTIVATION and RELU)", s->st.act);
        return;
    }
    max_cols = (full ? MAX_BLOCK_LEN_ACC : MAX_BLOCK_LEN) * DIM;
    if (cols > max_cols && !GEMMINI_MODEL__NO_SIZE_LIMITS) {
        gemmini_model__fail(insn, "%u columns; at most %u %s columns per mvout", cols, max_cols, full ? "int32" : "int8");
        return;
    }
    blocks = (cols + DIM - 1) / DIM;
    if (!gemmini_model__rows_ok(insn, from_acc, base, (uint64_t)(blocks - 1) * DIM + rows)) return;

    for (r = 0; r < rows; r++) {
        unsigned char *dst = (unsigned char *)(uintptr_t)(rs1 + (uint64_t)r * s->st.stride);
        for (c = 0; c < cols; c++) {
            const uint32_t row = base + r + (c / DIM) * DIM, col = c % DIM;
            if (!from_acc) {
                ((elem_t *)dst)[c] = s->spad[row][col];
            } else if (full) {
                memcpy(dst + (size_t)c * sizeof(acc_t), &s->acc[row][col], sizeof(acc_t));
            } else {
                acc_t v = gemmini_model_acc_scale(s->acc[row][col], s->st.scale);
                if (s->st.act == RELU && v < 0) v = 0;
                ((elem_t *)dst)[c] = (elem_t)v;
            }
        }
    }
    s->counts.dram_bytes_written += (uint64_t)rows * cols * (full ? 4 : 1);
}

static inline void gemmini_model__preload(uint64_t rs1, uint64_t rs2) {
    gemmini_model_state_t *const s = &gemmini_model_state;
    const char *insn = "gemmini_extended_preload";
    const uint16_t b_cols = (uint16_t)(rs1 >> 32), b_rows = (uint16_t)(rs1 >> 48);
    const uint16_t c_cols = (uint16_t)(rs2 >> 32), c_rows = (uint16_t)(rs2 >> 48);

    s->counts.preload++;
    if (s->preload_pending) {
        gemmini_model__fail(insn, "the previous preload was not followed by a compute");
        return;
    }
    if (b_rows > DIM || b_cols > DIM || c_rows > DIM || c_cols > DIM) {
        gemmini_model__fail(insn, "B is %u x %u and C is %u x %u; each is at most DIM x DIM = %d x %d", b_rows, b_cols,
                            c_rows, c_cols, DIM, DIM);
        return;
    }
    s->preload_pending = true;
    s->pre_b_addr = (uint32_t)rs1;
    s->pre_b_rows = b_rows;
    s->pre_b_cols = b_cols;
    s->pre_c_addr = (uint32_t)rs2;
    s->pre_c_rows = c_rows;
    s->pre_c_cols = c_cols;
}

/* compute_preloaded (weights from the paired preload's B) or
   compute_accumulated (weights kept from before): C = D + A * weights, C
   addressed by the paired preload. Weight-stationary dataflow only. */
static inline void gemmini_model__compute(uint64_t rs1, uint64_t rs2, bool preloaded) {
    gemmini_model_state_t *const s = &gemmini_model_state;
    const char *insn = preloaded ? "gemmini_extended_compute_preloaded" : "gemmini_extended_compute_accumulated";
    const uint32_t a_addr = (uint32_t)rs1, d_addr = (uint32_t)rs2;
    const uint32_t a_cols = (uint32_t)(rs1 >> 32) & 0xFFFF, a_rows = (uint32_t)(rs1 >> 48) & 0xFFFF;
    const uint32_t d_cols = (uint32_t)(rs2 >> 32) & 0xFFFF, d_rows = (uint32_t)(rs2 >> 48) & 0xFFFF;
    const gemmini_model_ex_config_t *ex = &s->ex;
    int32_t a[DIM][DIM], out[DIM][DIM];
    uint32_t i, j, k;

    if (preloaded) s->counts.compute_preloaded++;
    else s->counts.compute_accumulated++;
    if (!s->preload_pending) {
        gemmini_model__fail(insn, "no preload before this compute (every compute is paired with a preload)");
        return;
    }
    s->preload_pending = false;
    if (!ex->set) {
        gemmini_model__fail(insn, "the execute configuration was never set (gemmini_extended_config_ex first)");
        return;
    }
    if (ex->dataflow != WEIGHT_STATIONARY) {
        gemmini_model__fail(insn, "not modelled: the output-stationary dataflow (config_ex with OS)");
        return;
    }
    if (a_rows > DIM || a_cols > DIM || d_rows > DIM || d_cols > DIM) {
        gemmini_model__fail(insn, "A is %u x %u and D is %u x %u; each is at most DIM x DIM = %d x %d", a_rows, a_cols,
                            d_rows, d_cols, DIM, DIM);
        return;
    }

    if (preloaded) {
        const uint32_t b = s->pre_b_addr;
        memset(s->weights, 0, sizeof s->weights);
        if (!gemmini_model__is_garbage(b) && s->pre_b_rows && s->pre_b_cols) {
            const uint32_t base = b & 0x1FFFFFFFu;
            const bool bt = ex->b_transpose;
            if (b & GEMMINI_MODEL_ACC_BIT) {
                gemmini_model__fail(insn, "not modelled: preloading B from the accumulator");
                return;
            }
            if (!gemmini_model__rows_ok(insn, false, base, bt ? s->pre_b_cols : s->pre_b_rows)) return;
            for (i = 0; i < s->pre_b_rows; i++)
                for (j = 0; j < s->pre_b_cols; j++)
                    s->weights[i][j] = bt ? s->spad[base + j][i] : s->spad[base + i][j];
        }
        s->weights_set = true;
    } else if (!s->weights_set) {
        gemmini_model__fail(insn, "no weights in the array yet (compute_preloaded loads them)");
        return;
    }

    memset(a, 0, sizeof a);
    if (!gemmini_model__is_garbage(a_addr) && a_rows && a_cols) {
        const uint32_t base = a_addr & 0x1FFFFFFFu;
        const bool at = ex->a_transpose;
        if (a_addr & GEMMINI_MODEL_ACC_BIT) {
            gemmini_model__fail(insn, "not modelled: reading A from the accumulator");
            return;
        }
        if (!gemmini_model__rows_ok(insn, false, base, (uint64_t)ex->a_stride * ((at ? a_cols : a_rows) - 1) + 1))
            return;
        for (i = 0; i < a_rows; i++)
            for (k = 0; k < a_cols; k++)
                a[i][k] = at ? s->spad[base + ex->a_stride * k][i] : s->spad[base + ex->a_stride * i][k];
    }

    memset(out, 0, sizeof out);
    if (!gemmini_model__is_garbage(d_addr) && d_rows && d_cols) {
        const uint32_t base = d_addr & 0x1FFFFFFFu;
        if (d_addr & GEMMINI_MODEL_ACC_BIT) {
            gemmini_model__fail(insn, "not modelled: reading D from the accumulator");
            return;
        }
        if (!gemmini_model__rows_ok(insn, false, base, d_rows)) return;
        for (i = 0; i < d_rows; i++)
            for (j = 0; j < d_cols; j++) out[i][j] = s->spad[base + i][j];
    }

    /* At most 16 products of int8 plus an int8 bias: no overflow. */
    for (i = 0; i < DIM; i++)
        for (k = 0; k < DIM; k++) {
            const int32_t aik = a[i][k];
            if (aik == 0) continue;
            for (j = 0; j < DIM; j++) out[i][j] += aik * s->weights[k][j];
        }

    {
        const uint32_t c = s->pre_c_addr;
        const uint32_t c_rows = s->pre_c_rows, c_cols = s->pre_c_cols;
        if (!gemmini_model__is_garbage(c) && c_rows && c_cols) {
            const bool to_acc = c & GEMMINI_MODEL_ACC_BIT, accumulate = c & GEMMINI_MODEL_ACCUMULATE_BIT;
            const uint32_t base = c & 0x1FFFFFFFu;
            if (!gemmini_model__rows_ok(insn, to_acc, base, (uint64_t)ex->c_stride * (c_rows - 1) + 1)) return;
            for (i = 0; i < c_rows; i++) {
                const uint32_t row = base + ex->c_stride * i;
                for (j = 0; j < c_cols; j++) {
                    if (to_acc) {
                        s->acc[row][j] = accumulate ? gemmini_model__wrap_add(s->acc[row][j], out[i][j]) : out[i][j];
                    } else { /* to the scratchpad: saturated to int8, then the execute activation */
                        int32_t v = out[i][j] > INT8_MAX ? INT8_MAX : (out[i][j] < INT8_MIN ? INT8_MIN : out[i][j]);
                        if (ex->act == RELU && v < 0) v = 0;
                        s->spad[row][j] = (elem_t)v;
                    }
                }
            }
        }
    }
}

/* One RoCC instruction: funct and the two source registers, as the hardware sees them. */
static inline void gemmini_model_rocc(unsigned funct, uint64_t rs1, uint64_t rs2) {
    switch (funct) {
    case k_CONFIG: gemmini_model__config(rs1, rs2); break;
    case k_MVIN: gemmini_model__mvin(0, rs1, rs2); break;
    case k_MVIN2: gemmini_model__mvin(1, rs1, rs2); break;
    case k_MVIN3: gemmini_model__mvin(2, rs1, rs2); break;
    case k_MVOUT: gemmini_model__mvout(rs1, rs2); break;
    case k_PRELOAD: gemmini_model__preload(rs1, rs2); break;
    case k_COMPUTE_PRELOADED: gemmini_model__compute(rs1, rs2, true); break;
    case k_COMPUTE_ACCUMULATE: gemmini_model__compute(rs1, rs2, false); break;
    case k_FLUSH: gemmini_model_state.counts.flush++; break; /* TLB flush: nothing to do */
    default:
        gemmini_model__fail("gemmini_model_rocc", "not modelled: funct %u (loop_ws, loop_conv_ws, counters)", funct);
        break;
    }
}

/* The model runs every instruction to completion when it is issued. */
static inline void gemmini_model_fence(void) {
    gemmini_model_state.counts.fence++;
}

/* ------------------------------------------------------------------------ */
/* Row allocators behind gemm_malloc.h and gemm_acc_malloc.h                */
/* ------------------------------------------------------------------------ */

/* First fit; returns the first row, or UINT32_MAX after a fault. */
static inline uint32_t gemmini_model__heap_alloc(const char *fn, gemmini_model_heap_t *h, uint32_t capacity,
                                                 uint32_t *peak, size_t bytes, size_t row_bytes) {
    const uint64_t rows = bytes == 0 ? 1 : ((uint64_t)bytes + row_bytes - 1) / row_bytes;
    uint32_t i, prev_end = 0;
    if (h->n == GEMMINI_MODEL_MAX_ALLOCS) {
        gemmini_model__fail(fn, "more than %d live allocations", GEMMINI_MODEL_MAX_ALLOCS);
        return UINT32_MAX;
    }
    for (i = 0; i < h->n; i++) {
        if (h->block[i].start - prev_end >= rows) break;
        prev_end = h->block[i].start + h->block[i].rows;
    }
    if (i == h->n && capacity - prev_end < rows) {
        gemmini_model__fail(fn, "out of memory: %zu bytes need %llu rows, %u of %u rows are in use", bytes,
                            (unsigned long long)rows, (unsigned)h->rows_in_use, (unsigned)capacity);
        return UINT32_MAX;
    }
    memmove(&h->block[i + 1], &h->block[i], (h->n - i) * sizeof h->block[0]);
    h->block[i].start = prev_end;
    h->block[i].rows = (uint32_t)rows;
    h->n++;
    h->rows_in_use += (uint32_t)rows;
    if (h->rows_in_use > *peak) *peak = h->rows_in_use;
    return prev_end;
}

static inline void gemmini_model__heap_free(const char *fn, gemmini_model_heap_t *h, uint64_t addr, uint64_t row) {
    uint32_t i;
    for (i = 0; i < h->n; i++)
        if (h->block[i].start == row) {
            h->rows_in_use -= h->block[i].rows;
            memmove(&h->block[i], &h->block[i + 1], (h->n - i - 1) * sizeof h->block[0]);
            h->n--;
            return;
        }
    gemmini_model__fail(fn, "0x%llx is not a live allocation", (unsigned long long)addr);
}

/* ------------------------------------------------------------------------ */
/* Instruction macros (same names and arguments as gemmini.h)               */
/* ------------------------------------------------------------------------ */

/* rows, cols and a local address packed as in rs1/rs2 of mvin, mvout,
   preload and compute; like the real macros, mvin does not cast its address. */
#define GEMMINI_MODEL__RC(rows, cols) (((uint64_t)(rows) << (ADDR_LEN + 16)) | ((uint64_t)(cols) << ADDR_LEN))

#define gemmini_extended_mvin(dram_addr, spad_addr, cols, rows) \
    gemmini_model_rocc(k_MVIN, (uint64_t)(dram_addr), GEMMINI_MODEL__RC(rows, cols) | (spad_addr))
#define gemmini_extended_mvin2(dram_addr, spad_addr, cols, rows) \
    gemmini_model_rocc(k_MVIN2, (uint64_t)(dram_addr), GEMMINI_MODEL__RC(rows, cols) | (spad_addr))
#define gemmini_extended_mvin3(dram_addr, spad_addr, cols, rows) \
    gemmini_model_rocc(k_MVIN3, (uint64_t)(dram_addr), GEMMINI_MODEL__RC(rows, cols) | (spad_addr))
#define gemmini_block_mvin(dram_addr, spad_addr, len) gemmini_extended_mvin(dram_addr, spad_addr, (len) * DIM, DIM)
#define gemmini_mvin(dram_addr, spad_addr) gemmini_extended_mvin(dram_addr, spad_addr, DIM, DIM)

#define gemmini_extended_mvout(dram_addr, spad_addr, cols, rows) \
    gemmini_model_rocc(k_MVOUT, (uint64_t)(dram_addr), GEMMINI_MODEL__RC(rows, cols) | (uint64_t)(spad_addr))
#define gemmini_mvout(dram_addr, spad_addr) gemmini_extended_mvout(dram_addr, spad_addr, DIM, DIM)

#define gemmini_extended_compute_preloaded(A, BD, A_cols, A_rows, BD_cols, BD_rows)                   \
    gemmini_model_rocc(k_COMPUTE_PRELOADED, GEMMINI_MODEL__RC(A_rows, A_cols) | (uint64_t)(A), \
                       GEMMINI_MODEL__RC(BD_rows, BD_cols) | (uint64_t)(BD))
#define gemmini_extended_compute_accumulated(A, BD, A_cols, A_rows, BD_cols, BD_rows)                  \
    gemmini_model_rocc(k_COMPUTE_ACCUMULATE, GEMMINI_MODEL__RC(A_rows, A_cols) | (uint64_t)(A), \
                       GEMMINI_MODEL__RC(BD_rows, BD_cols) | (uint64_t)(BD))
#define gemmini_compute_preloaded(A, BD) gemmini_extended_compute_preloaded(A, BD, DIM, DIM, DIM, DIM)
#define gemmini_compute_accumulated(A, BD) gemmini_extended_compute_accumulated(A, BD, DIM, DIM, DIM, DIM)

#define gemmini_extended_preload(BD, C, BD_cols, BD_rows, C_cols, C_rows)                          \
    gemmini_model_rocc(k_PRELOAD, GEMMINI_MODEL__RC(BD_rows, BD_cols) | (uint64_t)(BD), \
                       GEMMINI_MODEL__RC(C_rows, C_cols) | (uint64_t)(C))
#define gemmini_preload(BD, C) gemmini_extended_preload(BD, C, DIM, DIM, DIM, DIM)
#define gemmini_preload_zeros(C) gemmini_preload(GARBAGE_ADDR, C)

#define gemmini_extended3_config_ex(dataflow, sys_act, sys_shift, sys_acc_scale, C_stride, A_stride, A_transpose, \
                                    B_transpose, set_only_strides)                                                \
    gemmini_model_rocc(k_CONFIG,                                                                                  \
                       ((uint64_t)acc_scale_t_to_acc_scale_t_bits((acc_scale_t)(sys_acc_scale)) << 32) |          \
                           ((uint64_t)(A_stride) << 16) | ((uint64_t)(B_transpose) << 9) |                        \
                           ((uint64_t)(A_transpose) << 8) | ((uint64_t)(set_only_strides) << 7) |                 \
                           ((uint64_t)(sys_act) << 3) | ((uint64_t)(dataflow) << 2) | CONFIG_EX,                  \
                       ((uint64_t)(C_stride) << 48) | (uint64_t)(sys_shift))
#define gemmini_extended2_config_ex(dataflow, sys_act, sys_shift, A_stride, A_transpose, B_transpose)            \
    gemmini_extended3_config_ex(dataflow, sys_act, sys_shift, ACC_SCALE_IDENTITY, 1, A_stride, A_transpose, \
                                B_transpose, false)
#define gemmini_extended_config_ex(dataflow, sys_act, sys_shift, A_stride, A_transpose, B_transpose) \
    gemmini_extended2_config_ex(dataflow, sys_act, sys_shift, A_stride, A_transpose, B_transpose)
#define gemmini_config_ex(dataflow, sys_act, sys_shift) gemmini_extended_config_ex(dataflow, sys_act, sys_shift, 1, 0, 0)

#define gemmini_extended5_config_ld(stride, scale, shrunk, block_mvin_stride, pixel_repeats, id)             \
    gemmini_model_rocc(k_CONFIG,                                                                             \
                       ((uint64_t)scale_t_to_scale_t_bits((scale_t)(scale)) << 32) |                          \
                           ((uint64_t)(block_mvin_stride) << 16) | ((uint64_t)(pixel_repeats) << 8) |         \
                           ((uint64_t)(id) << 3) | ((uint64_t)(shrunk) << 2) | CONFIG_LD,                    \
                       (uint64_t)(stride))
#define gemmini_extended4_config_ld(stride, scale, shrunk, block_mvin_stride, id) \
    gemmini_extended5_config_ld(stride, scale, shrunk, block_mvin_stride, 1, id)
#define gemmini_extended3_config_ld(stride, scale, shrunk, id) \
    gemmini_extended4_config_ld(stride, scale, shrunk, DIM, id)
#define gemmini_extended2_config_ld(stride, scale, shrunk) gemmini_extended3_config_ld(stride, scale, shrunk, 0)
#define gemmini_extended_config_ld(stride, scale) gemmini_extended2_config_ld(stride, scale, false)
#define gemmini_config_ld(stride) gemmini_extended_config_ld(stride, MVIN_SCALE_IDENTITY)

#define gemmini_extended2_config_st(stride, acc_act, acc_scale, pool_stride, pool_size, pool_out_dim, porows, pocols, \
                                    orows, ocols, upad, lpad)                                                       \
    gemmini_model_rocc(k_CONFIG,                                                                                    \
                       ((uint64_t)(ocols) << 56) | ((uint64_t)(orows) << 48) | ((uint64_t)(pocols) << 40) |         \
                           ((uint64_t)(porows) << 32) | ((uint64_t)(pool_out_dim) << 24) |                          \
                           ((uint64_t)(lpad) << 10) | ((uint64_t)(upad) << 8) | ((uint64_t)(pool_size) << 6) |      \
                           ((uint64_t)(pool_stride) << 4) | ((uint64_t)(acc_act) << 2) | CONFIG_ST,                 \
                       ((uint64_t)acc_scale_t_to_acc_scale_t_bits((acc_scale_t)(acc_scale)) << 32) |                \
                           (uint32_t)(stride))
#define gemmini_extended_config_st(stride, acc_act, acc_scale) \
    gemmini_extended2_config_st(stride, acc_act, acc_scale, 0, 0, 0, 0, 0, 0, 0, 0, 0)
#define gemmini_config_st(stride) gemmini_extended_config_st(stride, NO_ACTIVATION, ACC_SCALE_IDENTITY)

#define gemmini_config_norm(q_const, q_const_type, set_stats_id_only, act_msb, stat_id, igelu_qb, igelu_qc)      \
    gemmini_model_rocc(k_CONFIG,                                                                                 \
                       ((uint64_t)(uint32_t)(q_const) << 32) | ((uint64_t)((q_const_type) & 1) << 18) |          \
                           ((uint64_t)((set_stats_id_only) & 1) << 17) | ((uint64_t)((act_msb) & 1) << 16) |     \
                           ((uint64_t)(stat_id) << 8) | CONFIG_BERT,                                             \
                       ((uint64_t)(uint32_t)(igelu_qc) << 32) | (uint64_t)(uint32_t)(igelu_qb))

#define gemmini_flush(skip) gemmini_model_rocc(k_FLUSH, (uint64_t)(skip), 0)
#define gemmini_fence() gemmini_model_fence()

#endif /* GEMMINI_MODEL_GEMMINI_H */
