/*
 * amx_model.h - a functional model of the Intel AMX tile intrinsics in C11.
 *
 * Code written against the AMX intrinsics of <immintrin.h> (_tile_loadconfig,
 * _tile_loadd, _tile_dpbssd, ...) can include this header and run on any CPU:
 *
 *   - When the compiler targets AMX (__AMX_TILE__ is defined, e.g. with
 *     -mamx-tile -mamx-int8 -mamx-bf16 or -march=sapphirerapids), the real
 *     intrinsics from <immintrin.h> are used, unless AMX_MODEL_FORCE is defined.
 *   - Otherwise the _tile_* names are macros with the same arguments that run
 *     the model below: 8 tiles of 16 rows x 64 bytes and the 64-byte tile
 *     configuration (palette 1), per thread, as the instructions are described
 *     in the Intel SDM (LDTILECFG, STTILECFG, TILERELEASE, TILELOADD[T1],
 *     TILESTORED, TILEZERO, TDPBSSD/TDPBSUD/TDPBUSD/TDPBUUD, TDPBF16PS).
 *
 * The model functions (amx_model_*) are always defined, so a program built for
 * real AMX can also compare the hardware against the model.
 *
 * Misuse that makes the hardware fault (#GP from LDTILECFG, #UD from a tile
 * instruction: tiles not configured, unconfigured tile, colsb not a multiple
 * of 4, start_row >= rows, shapes that do not fit a dot product) prints a
 * message to stderr and calls abort(); define AMX_MODEL_FAULT(insn, msg)
 * before including this header to handle it differently.
 *
 * amx_request_permission() asks Linux for the AMX tile data state
 * (arch_prctl(ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA)), which a process must
 * do before its first tile instruction; it is a no-op under the model.
 */
#ifndef AMX_MODEL_H
#define AMX_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__) || defined(_M_X64) || defined(_M_IX86)
/* Included first so that a later #include <immintrin.h> (generated code has
   one) is a no-op and cannot bring back the real definitions. */
#include <immintrin.h>
#endif

/* __AMXTILE__ is how clang up to 15 spells it */
#if (defined(__AMX_TILE__) || defined(__AMXTILE__)) && !defined(AMX_MODEL_FORCE)
#define AMX_MODEL_ACTIVE 0
#else
#define AMX_MODEL_ACTIVE 1
#endif

#ifdef __cplusplus
#define AMX_MODEL__TLS thread_local
#else
#define AMX_MODEL__TLS _Thread_local
#endif

#define AMX_MODEL_NUM_TILES 8
#define AMX_MODEL_MAX_ROWS 16
#define AMX_MODEL_BYTES_PER_ROW 64

/* ------------------------------------------------------------------------ */
/* Model state                                                              */
/* ------------------------------------------------------------------------ */

typedef struct {
    int configured;     /* TILES_CONFIGURED: a palette 1 configuration is loaded */
    uint8_t palette;
    uint8_t start_row;
    uint16_t colsb[AMX_MODEL_NUM_TILES];
    uint8_t rows[AMX_MODEL_NUM_TILES];
    uint8_t data[AMX_MODEL_NUM_TILES][AMX_MODEL_MAX_ROWS][AMX_MODEL_BYTES_PER_ROW];
} amx_model_state_t;

/* One AMX state per thread (as on hardware) and per translation unit. */
static AMX_MODEL__TLS amx_model_state_t amx_model_state;

#ifndef AMX_MODEL_FAULT
#define AMX_MODEL_FAULT(insn, msg) amx_model__fault((insn), (msg))
static inline void amx_model__fault(const char *insn, const char *msg) {
    fprintf(stderr, "amx_model: %s: %s (AMX hardware faults here)\n", insn, msg);
    fflush(stderr);
    abort();
}
#endif

/* ------------------------------------------------------------------------ */
/* Configuration                                                            */
/* ------------------------------------------------------------------------ */

static inline void amx_model_release(void) {
    memset(&amx_model_state, 0, sizeof amx_model_state);
}

static inline void amx_model_loadconfig(const void *config) {
    const uint8_t *m = (const uint8_t *)config;
    int i;
    if (m[0] == 0) { /* palette 0: INIT state, the rest of the 64 bytes is ignored */
        amx_model_release();
        return;
    }
    if (m[0] != 1)
        AMX_MODEL_FAULT("_tile_loadconfig", "unsupported palette (only 1 exists)");
    for (i = 2; i < 16; i++)
        if (m[i]) AMX_MODEL_FAULT("_tile_loadconfig", "reserved bytes 2..15 must be zero");
    for (i = 32; i < 48; i++)
        if (m[i]) AMX_MODEL_FAULT("_tile_loadconfig", "reserved bytes 32..47 must be zero");
    for (i = 56; i < 64; i++)
        if (m[i]) AMX_MODEL_FAULT("_tile_loadconfig", "reserved bytes 56..63 must be zero");
    for (i = 0; i < AMX_MODEL_NUM_TILES; i++) {
        unsigned colsb = (unsigned)m[16 + 2 * i] | ((unsigned)m[17 + 2 * i] << 8);
        unsigned rows = m[48 + i];
        if (rows > AMX_MODEL_MAX_ROWS)
            AMX_MODEL_FAULT("_tile_loadconfig", "a tile has more than 16 rows");
        if (colsb > AMX_MODEL_BYTES_PER_ROW)
            AMX_MODEL_FAULT("_tile_loadconfig", "a tile has more than 64 bytes per row");
        if ((rows == 0) != (colsb == 0))
            AMX_MODEL_FAULT("_tile_loadconfig", "a tile has rows == 0 or colsb == 0 but not both");
    }
    memset(&amx_model_state, 0, sizeof amx_model_state); /* tile data is zeroed */
    amx_model_state.configured = 1;
    amx_model_state.palette = m[0];
    amx_model_state.start_row = m[1];
    for (i = 0; i < AMX_MODEL_NUM_TILES; i++) {
        amx_model_state.colsb[i] = (uint16_t)(m[16 + 2 * i] | (m[17 + 2 * i] << 8));
        amx_model_state.rows[i] = m[48 + i];
    }
}

static inline void amx_model_storeconfig(void *config) {
    uint8_t *m = (uint8_t *)config;
    int i;
    memset(m, 0, 64);
    if (!amx_model_state.configured) return;
    m[0] = amx_model_state.palette;
    m[1] = amx_model_state.start_row;
    for (i = 0; i < AMX_MODEL_NUM_TILES; i++) {
        m[16 + 2 * i] = (uint8_t)(amx_model_state.colsb[i] & 0xff);
        m[17 + 2 * i] = (uint8_t)(amx_model_state.colsb[i] >> 8);
        m[48 + i] = amx_model_state.rows[i];
    }
}

/* ------------------------------------------------------------------------ */
/* Checks shared by the tile instructions                                   */
/* ------------------------------------------------------------------------ */

static inline void amx_model__check_tile(const char *insn, int t) {
    if (!amx_model_state.configured)
        AMX_MODEL_FAULT(insn, "tiles are not configured (_tile_loadconfig with palette 1 first)");
    if (t < 0 || t >= AMX_MODEL_NUM_TILES)
        AMX_MODEL_FAULT(insn, "tile number out of range 0..7");
    if (amx_model_state.rows[t] == 0)
        AMX_MODEL_FAULT(insn, "tile is not configured (rows == 0)");
}

/* TILELOADD, TILELOADDT1, TILESTORED */
static inline void amx_model__check_move(const char *insn, int t) {
    amx_model__check_tile(insn, t);
    if (amx_model_state.colsb[t] % 4)
        AMX_MODEL_FAULT(insn, "tile colsb is not a multiple of 4");
    if (amx_model_state.start_row >= amx_model_state.rows[t])
        AMX_MODEL_FAULT(insn, "start_row >= tile rows");
}

/* TDP*: C (dst) = M x N dwords, A (a) = M x K dwords, B (b) = K x N dwords */
static inline void amx_model__check_dp(const char *insn, int dst, int a, int b) {
    const amx_model_state_t *s = &amx_model_state;
    amx_model__check_tile(insn, dst);
    amx_model__check_tile(insn, a);
    amx_model__check_tile(insn, b);
    if (dst == a || dst == b || a == b)
        AMX_MODEL_FAULT(insn, "the three tiles must be distinct");
    if (s->colsb[dst] % 4 || s->colsb[a] % 4 || s->colsb[b] % 4)
        AMX_MODEL_FAULT(insn, "tile colsb is not a multiple of 4");
    if (s->rows[dst] != s->rows[a])
        AMX_MODEL_FAULT(insn, "dst rows != a rows");
    if (s->colsb[dst] != s->colsb[b])
        AMX_MODEL_FAULT(insn, "dst colsb != b colsb");
    if (s->colsb[a] / 4 != s->rows[b])
        AMX_MODEL_FAULT(insn, "a colsb / 4 != b rows");
}

/* ------------------------------------------------------------------------ */
/* Loads, stores, zero                                                      */
/* ------------------------------------------------------------------------ */

static inline void amx_model__load(const char *insn, int t, const void *base, long stride) {
    amx_model_state_t *s = &amx_model_state;
    unsigned r, nbytes;
    amx_model__check_move(insn, t);
    nbytes = s->colsb[t];
    /* rows below start_row are kept (restart after a fault), all rows from
       start_row on are written or zeroed, bytes past colsb are zeroed */
    for (r = s->start_row; r < AMX_MODEL_MAX_ROWS; r++)
        memset(s->data[t][r], 0, AMX_MODEL_BYTES_PER_ROW);
    for (r = s->start_row; r < s->rows[t]; r++)
        memcpy(s->data[t][r], (const char *)base + (ptrdiff_t)r * stride, nbytes);
    s->start_row = 0;
}

static inline void amx_model_tile_loadd(int t, const void *base, long stride) {
    amx_model__load("_tile_loadd", t, base, stride);
}

/* TILELOADDT1: the same load with a caching hint */
static inline void amx_model_tile_stream_loadd(int t, const void *base, long stride) {
    amx_model__load("_tile_stream_loadd", t, base, stride);
}

static inline void amx_model_tile_stored(int t, void *base, long stride) {
    amx_model_state_t *s = &amx_model_state;
    unsigned r;
    amx_model__check_move("_tile_stored", t);
    for (r = s->start_row; r < s->rows[t]; r++)
        memcpy((char *)base + (ptrdiff_t)r * stride, s->data[t][r], s->colsb[t]);
    s->start_row = 0;
}

static inline void amx_model_tile_zero(int t) {
    amx_model__check_tile("_tile_zero", t);
    memset(amx_model_state.data[t], 0, sizeof amx_model_state.data[t]);
    amx_model_state.start_row = 0;
}

/* ------------------------------------------------------------------------ */
/* Dot products                                                             */
/* ------------------------------------------------------------------------ */

static inline uint32_t amx_model__get32(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static inline void amx_model__put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

/* Zeroes what lies outside the dst shape: bytes past colsb, rows past rows. */
static inline void amx_model__finish_dst(int dst) {
    amx_model_state_t *s = &amx_model_state;
    unsigned r;
    for (r = 0; r < AMX_MODEL_MAX_ROWS; r++) {
        unsigned from = r < s->rows[dst] ? s->colsb[dst] : 0;
        memset(s->data[dst][r] + from, 0, AMX_MODEL_BYTES_PER_ROW - from);
    }
    s->start_row = 0;
}

static inline int32_t amx_model__byte(uint8_t v, int is_signed) {
    return (is_signed && v >= 128) ? (int32_t)v - 256 : (int32_t)v;
}

/* TDPB[SU][SU]D: each dword of a and b holds 4 bytes; for every (m, k, n)
   dst.dword[m][n] += sum_i a.byte[m][4k+i] * b.byte[k][4n+i], in 32 bits
   with wrap-around (no saturation). */
static inline void amx_model__dpb(const char *insn, int dst, int a, int b, int a_signed,
                                  int b_signed) {
    amx_model_state_t *s = &amx_model_state;
    unsigned m, k, n, i, M, K, N;
    amx_model__check_dp(insn, dst, a, b);
    M = s->rows[dst];
    K = s->colsb[a] / 4;
    N = s->colsb[dst] / 4;
    for (m = 0; m < M; m++) {
        for (n = 0; n < N; n++) {
            uint32_t acc = amx_model__get32(&s->data[dst][m][4 * n]);
            for (k = 0; k < K; k++) {
                const uint8_t *x = &s->data[a][m][4 * k];
                const uint8_t *y = &s->data[b][k][4 * n];
                for (i = 0; i < 4; i++)
                    acc += (uint32_t)(amx_model__byte(x[i], a_signed) *
                                      amx_model__byte(y[i], b_signed));
            }
            amx_model__put32(&s->data[dst][m][4 * n], acc);
        }
    }
    amx_model__finish_dst(dst);
}

static inline void amx_model_tile_dpbssd(int dst, int a, int b) {
    amx_model__dpb("_tile_dpbssd", dst, a, b, 1, 1);
}
static inline void amx_model_tile_dpbsud(int dst, int a, int b) {
    amx_model__dpb("_tile_dpbsud", dst, a, b, 1, 0);
}
static inline void amx_model_tile_dpbusd(int dst, int a, int b) {
    amx_model__dpb("_tile_dpbusd", dst, a, b, 0, 1);
}
static inline void amx_model_tile_dpbuud(int dst, int a, int b) {
    amx_model__dpb("_tile_dpbuud", dst, a, b, 0, 0);
}

/* --- bf16 -------------------------------------------------------------- */

static inline float amx_model__f32(uint32_t u) {
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static inline uint32_t amx_model__u32(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

/* Denormal inputs are read as zero, denormal results are flushed to zero
   (keeping the sign). */
static inline float amx_model__flush(float f) {
    uint32_t u = amx_model__u32(f);
    if ((u & 0x7f800000u) == 0) u &= 0x80000000u;
    return amx_model__f32(u);
}

static inline float amx_model__bf16(const uint8_t *p) {
    uint16_t h;
    memcpy(&h, p, 2);
    return amx_model__flush(amx_model__f32((uint32_t)h << 16));
}

static inline uint64_t amx_model__u64(double d) {
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}

static inline double amx_model__f64(uint64_t u) {
    double d;
    memcpy(&d, &u, 8);
    return d;
}

/* c + p rounded once to fp32 (nearest even) with results below the smallest
   normal flushed to zero; p must be exact in double, which the product of two
   bf16 values (8-bit significands) always is. The double sum is made to round
   to odd (TwoSum gives its exact error), so rounding it to float again is
   correct: 53 >= 2 * 24 + 2. Like the hardware, a result is flushed when it
   is tiny after rounding to 24 bits with an unbounded exponent, so an exact
   value just below 2^-126 that would round up to it still becomes zero.
   Assumes the default rounding mode and IEEE double arithmetic (SSE2, not
   x87, on 32-bit x86). */
static inline float amx_model__add_rne_ftz(double c, double p) {
    double sum = c + p, bp, err, mag;
    uint64_t bits;
    if (sum - sum != 0 || sum == 0) return (float)sum; /* inf, NaN, exact zero */
    bp = sum - c;
    err = (c - (sum - bp)) + (p - bp);
    bits = amx_model__u64(sum);
    if (err != 0 && (bits & 1) == 0) {
        /* step to the odd neighbour on the side of the exact value */
        if ((err > 0) == (sum > 0)) bits++;
        else bits--;
        sum = amx_model__f64(bits);
    }
    mag = sum < 0 ? -sum : sum;
    if (mag < 0x1p-126) {
        /* round to 24 bits in range (scaled by 2^64), then compare */
        float scaled = (float)(mag * 0x1p64);
        float r = scaled < 0x1p-62f ? 0.0f : 0x1p-126f;
        return sum < 0 ? -r : r;
    }
    return (float)sum;
}

static inline int amx_model__isnan(float f) {
    return (amx_model__u32(f) & 0x7fffffffu) > 0x7f800000u;
}

/* A NaN operand comes out quieted; an invalid operation without a NaN operand
   (inf * 0, inf - inf) gives the x86 default NaN 0xffc00000. */
static inline float amx_model__quiet(float f) {
    return amx_model__f32(amx_model__u32(f) | 0x00400000u);
}

static inline float amx_model__result(float r) {
    return amx_model__isnan(r) ? amx_model__f32(0xffc00000u) : r;
}

/* FP32 FMA c + x * y with DAZ, FTZ and round to nearest even; x and y are
   bf16 values (already flushed). With NaN operands the result is x, else y,
   else c, quieted (what the hardware does). */
static inline float amx_model__fma(float c, float x, float y) {
    if (amx_model__isnan(x)) return amx_model__quiet(x);
    if (amx_model__isnan(y)) return amx_model__quiet(y);
    if (amx_model__isnan(c)) return amx_model__quiet(c);
    return amx_model__result(amx_model__add_rne_ftz((double)c, (double)x * (double)y));
}

/* FP32 c + d with DAZ, FTZ and round to nearest even; with NaN operands the
   result is c, else d, quieted. */
static inline float amx_model__add(float c, float d) {
    if (amx_model__isnan(c)) return amx_model__quiet(c);
    if (amx_model__isnan(d)) return amx_model__quiet(d);
    return amx_model__result(
        amx_model__add_rne_ftz((double)amx_model__flush(c), (double)amx_model__flush(d)));
}

/* TDPBF16PS as the SDM gives it: for each output element, the even and the
   odd bf16 products are accumulated over k into two fp32 sums (each step a
   fused multiply-add), which are then added together and to dst. */
static inline void amx_model_tile_dpbf16ps(int dst, int a, int b) {
    amx_model_state_t *s = &amx_model_state;
    unsigned m, k, n, M, K, N;
    amx_model__check_dp("_tile_dpbf16ps", dst, a, b);
    M = s->rows[dst];
    K = s->colsb[a] / 4;
    N = s->colsb[dst] / 4;
    for (m = 0; m < M; m++) {
        for (n = 0; n < N; n++) {
            float even = 0.0f, odd = 0.0f, c;
            for (k = 0; k < K; k++) {
                const uint8_t *x = &s->data[a][m][4 * k];
                const uint8_t *y = &s->data[b][k][4 * n];
                even = amx_model__fma(even, amx_model__bf16(x), amx_model__bf16(y));
                odd = amx_model__fma(odd, amx_model__bf16(x + 2), amx_model__bf16(y + 2));
            }
            c = amx_model__f32(amx_model__get32(&s->data[dst][m][4 * n]));
            c = amx_model__add(c, amx_model__add(even, odd));
            amx_model__put32(&s->data[dst][m][4 * n], amx_model__u32(c));
        }
    }
    amx_model__finish_dst(dst);
}

/* Copies the whole of the model's tile t (16 rows of 64 bytes) to out, for
   inspection and tests; no configuration checks. */
static inline void amx_model_peek(int t, void *out) {
    memcpy(out, amx_model_state.data[t], sizeof amx_model_state.data[t]);
}

/* ------------------------------------------------------------------------ */
/* The _tile_* names                                                        */
/* ------------------------------------------------------------------------ */

#if AMX_MODEL_ACTIVE

/* Like the real intrinsics, tile arguments must be integer constants 0..7
   (and the three tiles of a dot product distinct); this fails to compile
   otherwise. */
#ifdef __cplusplus
#define AMX_MODEL__T(t) (t)
#define AMX_MODEL__DP(d, a, b) (void)0
#else
#define AMX_MODEL__T(t)                                                                    \
    ((int)sizeof(struct { int amx_tile_must_be_a_constant_0_to_7 : ((t) >= 0 && (t) < 8) ? 1 : -1; }) * 0 + (t))
#define AMX_MODEL__DP(d, a, b)                                                             \
    (void)sizeof(struct {                                                                  \
        int amx_dot_product_tiles_must_be_distinct : ((d) != (a) && (d) != (b) && (a) != (b)) ? 1 : -1; \
    })
#endif

#undef _tile_loadconfig
#undef _tile_storeconfig
#undef _tile_release
#undef _tile_loadd
#undef _tile_stream_loadd
#undef _tile_stored
#undef _tile_zero
#undef _tile_dpbssd
#undef _tile_dpbsud
#undef _tile_dpbusd
#undef _tile_dpbuud
#undef _tile_dpbf16ps

#define _tile_loadconfig(config) amx_model_loadconfig(config)
#define _tile_storeconfig(config) amx_model_storeconfig(config)
#define _tile_release() amx_model_release()
#define _tile_loadd(dst, base, stride)                                                     \
    amx_model_tile_loadd(AMX_MODEL__T(dst), (base), (long)(stride))
#define _tile_stream_loadd(dst, base, stride)                                              \
    amx_model_tile_stream_loadd(AMX_MODEL__T(dst), (base), (long)(stride))
#define _tile_stored(src, base, stride)                                                    \
    amx_model_tile_stored(AMX_MODEL__T(src), (base), (long)(stride))
#define _tile_zero(dst) amx_model_tile_zero(AMX_MODEL__T(dst))
#define _tile_dpbssd(dst, a, b)                                                            \
    (AMX_MODEL__DP(dst, a, b), amx_model_tile_dpbssd(AMX_MODEL__T(dst), AMX_MODEL__T(a), AMX_MODEL__T(b)))
#define _tile_dpbsud(dst, a, b)                                                            \
    (AMX_MODEL__DP(dst, a, b), amx_model_tile_dpbsud(AMX_MODEL__T(dst), AMX_MODEL__T(a), AMX_MODEL__T(b)))
#define _tile_dpbusd(dst, a, b)                                                            \
    (AMX_MODEL__DP(dst, a, b), amx_model_tile_dpbusd(AMX_MODEL__T(dst), AMX_MODEL__T(a), AMX_MODEL__T(b)))
#define _tile_dpbuud(dst, a, b)                                                            \
    (AMX_MODEL__DP(dst, a, b), amx_model_tile_dpbuud(AMX_MODEL__T(dst), AMX_MODEL__T(a), AMX_MODEL__T(b)))
#define _tile_dpbf16ps(dst, a, b)                                                          \
    (AMX_MODEL__DP(dst, a, b), amx_model_tile_dpbf16ps(AMX_MODEL__T(dst), AMX_MODEL__T(a), AMX_MODEL__T(b)))

/* Nothing to ask for when the tiles are modelled. */
static inline int amx_request_permission(void) { return 0; }

#else /* real AMX */

#if defined(__linux__) && defined(__x86_64__)
/* arch_prctl(ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA), made directly so that
   no feature-test macro is needed for syscall(). Returns 0 when the process
   may use the tile registers, else -errno. */
static inline int amx_request_permission(void) {
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "0"(158L /* SYS_arch_prctl */), "D"(0x1023L /* ARCH_REQ_XCOMP_PERM */),
                       "S"(18L /* XFEATURE_XTILEDATA */)
                     : "rcx", "r11", "memory");
    return (int)ret;
}
#else
static inline int amx_request_permission(void) { return 0; }
#endif

#endif /* AMX_MODEL_ACTIVE */

#endif /* AMX_MODEL_H */
