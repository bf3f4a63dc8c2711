/*
 * Self-test of amx_model.h: int8 and bf16 matrix multiplications through the
 * AMX tile intrinsics against plain C references, the edge cases of TDPBF16PS,
 * the configuration, and (under the model) the faults.
 *
 *   gcc -std=c11 -O2 -Wall -Wextra -I. test_amx_model.c -o test_amx_model && ./test_amx_model
 *
 * Built with -mamx-tile -mamx-int8 -mamx-bf16 the same checks run on real AMX.
 * -DAMX_MODEL_TEST_WRONG_REFERENCE=1 (int8) or =2 (bf16) breaks a reference on
 * purpose, to see the test fail. Exit status 0 when everything matches.
 */
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h> /* as generated code does: must not get in the model's way */
#endif

#include <math.h>
#include <setjmp.h>

/* Under the model, faults come back here instead of aborting (unless the
   header was already included, e.g. with -include amx_model.h). */
#ifndef AMX_MODEL_H
#define TEST_CATCHES_FAULTS 1
static void test_fault(const char *insn, const char *msg);
#define AMX_MODEL_FAULT(insn, msg) test_fault((insn), (msg))
#else
#define TEST_CATCHES_FAULTS 0
#endif
#include "amx_model.h"

#ifndef AMX_MODEL_TEST_WRONG_REFERENCE
#define AMX_MODEL_TEST_WRONG_REFERENCE 0
#endif

/* Tile numbers, the way generated code names them. */
#define TILE_C 0
#define TILE_A 1
#define TILE_B 2
#define TILE_X 5

static int failures;

#define FAIL(...)                                                                          \
    do {                                                                                   \
        fprintf(stderr, "FAIL: " __VA_ARGS__);                                             \
        failures++;                                                                        \
    } while (0)

static uint64_t rng_state = 0x2545f4914f6cdd1dull;
static uint32_t rnd32(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

/* Fills a 64-byte tile configuration (palette 1). */
static void make_config(uint8_t cfg[64], const unsigned rows[8], const unsigned colsb[8]) {
    int i;
    memset(cfg, 0, 64);
    cfg[0] = 1;
    for (i = 0; i < 8; i++) {
        cfg[16 + 2 * i] = (uint8_t)(colsb[i] & 0xff);
        cfg[17 + 2 * i] = (uint8_t)(colsb[i] >> 8);
        cfg[48 + i] = (uint8_t)rows[i];
    }
}

/* ------------------------------------------------------------------------ */
/* int8                                                                     */
/* ------------------------------------------------------------------------ */

enum { MAX_M = 48, MAX_K = 192, MAX_N = 48 };

static const char *const int8_names[4] = {"dpbssd", "dpbsud", "dpbusd", "dpbuud"};

/* byte of an A (first source) or B (second source) operand as an integer */
static int32_t int8_value(uint8_t v, int is_signed) {
    return (is_signed && v >= 128) ? (int32_t)v - 256 : (int32_t)v;
}

static void tile_dp_int8(int variant) {
    switch (variant) {
    case 0: _tile_dpbssd(TILE_C, TILE_A, TILE_B); break;
    case 1: _tile_dpbsud(TILE_C, TILE_A, TILE_B); break;
    case 2: _tile_dpbusd(TILE_C, TILE_A, TILE_B); break;
    default: _tile_dpbuud(TILE_C, TILE_A, TILE_B); break;
    }
}

/* C (M x N int32, row stride ldc elements) += A (M x Kb bytes, lda) * B
   (Kb x N bytes, ldb) through tiles of tm rows, tk bytes of K and tn
   columns. B is first packed the way the tiles want it: rows of 4 K values
   per column, Kb/4 rows of 4*N bytes. */
static void matmul_int8_tiles(int variant, unsigned M, unsigned N, unsigned Kb, const uint8_t *A,
                              size_t lda, const uint8_t *B, size_t ldb, int32_t *C, size_t ldc,
                              unsigned tm, unsigned tk, unsigned tn) {
    static uint8_t packed[MAX_K / 4][4 * MAX_N];
    unsigned rows[8] = {0}, colsb[8] = {0}, i0, n0, k0, k, n;
    uint8_t cfg[64];
    for (k = 0; k < Kb; k++)
        for (n = 0; n < N; n++) packed[k / 4][4 * n + k % 4] = B[k * ldb + n];
    rows[TILE_C] = tm, colsb[TILE_C] = 4 * tn;
    rows[TILE_A] = tm, colsb[TILE_A] = tk;
    rows[TILE_B] = tk / 4, colsb[TILE_B] = 4 * tn;
    make_config(cfg, rows, colsb);
    _tile_loadconfig(cfg);
    for (i0 = 0; i0 < M; i0 += tm) {
        for (n0 = 0; n0 < N; n0 += tn) {
            _tile_loadd(TILE_C, C + i0 * ldc + n0, ldc * sizeof(int32_t));
            for (k0 = 0; k0 < Kb; k0 += tk) {
                _tile_loadd(TILE_A, A + i0 * lda + k0, lda);
                _tile_stream_loadd(TILE_B, &packed[k0 / 4][4 * n0], sizeof packed[0]);
                tile_dp_int8(variant);
            }
            _tile_stored(TILE_C, C + i0 * ldc + n0, ldc * sizeof(int32_t));
        }
    }
    _tile_release();
}

/* The plain reference: 32-bit sums that wrap around. */
static void matmul_int8_ref(int variant, unsigned M, unsigned N, unsigned Kb, const uint8_t *A,
                            size_t lda, const uint8_t *B, size_t ldb, int32_t *C, size_t ldc) {
    int a_signed = variant <= 1, b_signed = variant == 0 || variant == 2;
    unsigned i, n, k;
    if (AMX_MODEL_TEST_WRONG_REFERENCE == 1) a_signed = 0; /* deliberately wrong */
    for (i = 0; i < M; i++)
        for (n = 0; n < N; n++) {
            uint32_t acc = (uint32_t)C[i * ldc + n];
            for (k = 0; k < Kb; k++)
                acc += (uint32_t)(int8_value(A[i * lda + k], a_signed) *
                                  int8_value(B[k * ldb + n], b_signed));
            C[i * ldc + n] = (int32_t)acc;
        }
}

struct shape {
    unsigned tm, tk, tn; /* tile: rows, bytes of K, int32 columns */
    unsigned M, Kb, N;   /* matrices */
};

static void test_int8(void) {
    static const struct shape shapes[] = {
        {16, 64, 16, 32, 128, 32}, /* full 16 x 64-byte tiles */
        {5, 12, 3, 10, 36, 9},     /* few rows, few bytes */
        {1, 4, 1, 3, 8, 2},        /* the smallest tile */
        {16, 64, 7, 16, 192, 14},  /* 28-byte rows of C and B */
        {13, 40, 16, 26, 80, 16},  /* 40-byte rows of A, 10 rows of B */
        {7, 28, 11, 21, 84, 22},
        {16, 8, 16, 48, 16, 48},   /* K of 2 dwords per dot product */
        {3, 64, 2, 6, 128, 4},
    };
    static uint8_t A[MAX_M * (MAX_K + 5)], B[MAX_K * (MAX_N + 7)];
    static int32_t C[MAX_M * (MAX_N + 3)], R[MAX_M * (MAX_N + 3)];
    unsigned s, i, variant;
    for (s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const struct shape *sh = &shapes[s];
        size_t lda = sh->Kb + 5, ldb = sh->N + 7, ldc = sh->N + 3; /* padded rows */
        for (variant = 0; variant < 4; variant++) {
            unsigned bad = 0;
            for (i = 0; i < sizeof A; i++) A[i] = (uint8_t)rnd32();
            for (i = 0; i < sizeof B; i++) B[i] = (uint8_t)rnd32();
            /* the extremes, in every run */
            A[0] = 0x80, A[1] = 0x7f, A[2] = 0xff, A[3] = 0x00;
            B[0] = 0x80, B[ldb] = 0x80, B[2 * ldb] = 0xff, B[3 * ldb] = 0x7f;
            for (i = 0; i < sizeof C / sizeof C[0]; i++) {
                /* start values near the ends of the int32 range, so that the
                   sums wrap around */
                uint32_t v = rnd32();
                if (i % 3 == 0) v = 0x7ffff000u + (v & 0x1fff);
                else if (i % 3 == 1) v = 0x80000000u + (v & 0xfff);
                C[i] = (int32_t)v;
                R[i] = C[i];
            }
            matmul_int8_tiles((int)variant, sh->M, sh->N, sh->Kb, A, lda, B, ldb, C, ldc, sh->tm,
                              sh->tk, sh->tn);
            matmul_int8_ref((int)variant, sh->M, sh->N, sh->Kb, A, lda, B, ldb, R, ldc);
            for (i = 0; i < sizeof C / sizeof C[0]; i++) {
                if (C[i] != R[i]) {
                    if (!bad)
                        FAIL("int8 %s, %ux%ux%u with tiles A %ux%u B %ux%u C %ux%u (rows x bytes): "
                             "C[%u][%u] = %ld, reference %ld\n",
                             int8_names[variant], sh->M, sh->Kb, sh->N, sh->tm, sh->tk, sh->tk / 4,
                             4 * sh->tn, sh->tm, 4 * sh->tn, (unsigned)(i / ldc),
                             (unsigned)(i % ldc), (long)C[i], (long)R[i]);
                    bad++;
                }
            }
            if (bad) {
                fprintf(stderr, "      (%u of %u elements differ)\n", bad, sh->M * sh->N);
                return;
            }
        }
        printf("ok   int8 matmul %3ux%3ux%-3u  tiles A %2ux%-2u B %2ux%-2u C %2ux%-2u (rows x bytes), "
               "ssd/sud/usd/uud\n",
               sh->M, sh->Kb, sh->N, sh->tm, sh->tk, sh->tk / 4, 4 * sh->tn, sh->tm, 4 * sh->tn);
    }
}

/* ------------------------------------------------------------------------ */
/* bf16                                                                     */
/* ------------------------------------------------------------------------ */

static uint16_t to_bf16(float f) { /* exact for the values used here */
    uint32_t u;
    memcpy(&u, &f, 4);
    return (uint16_t)(u >> 16);
}

static float from_bf16(uint16_t h) {
    uint32_t u = (uint32_t)h << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static uint32_t bits_of(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

/* C (M x N fp32) += A (M x K bf16) * B (K x N bf16) with tiles of tm rows,
   tk K values (tk/2 dwords) and tn columns; B packed to pairs of K. */
static void matmul_bf16_tiles(unsigned M, unsigned N, unsigned K, const uint16_t *A,
                              const uint16_t *B, float *C, unsigned tm, unsigned tk, unsigned tn) {
    static uint16_t packed[MAX_K / 2][2 * MAX_N];
    unsigned rows[8] = {0}, colsb[8] = {0}, i0, n0, k0, k, n;
    uint8_t cfg[64];
    for (k = 0; k < K; k++)
        for (n = 0; n < N; n++) packed[k / 2][2 * n + k % 2] = B[k * N + n];
    rows[TILE_C] = tm, colsb[TILE_C] = 4 * tn;
    rows[TILE_A] = tm, colsb[TILE_A] = 2 * tk;
    rows[TILE_B] = tk / 2, colsb[TILE_B] = 4 * tn;
    make_config(cfg, rows, colsb);
    _tile_loadconfig(cfg);
    for (i0 = 0; i0 < M; i0 += tm)
        for (n0 = 0; n0 < N; n0 += tn) {
            _tile_loadd(TILE_C, C + i0 * N + n0, N * sizeof(float));
            for (k0 = 0; k0 < K; k0 += tk) {
                _tile_loadd(TILE_A, A + i0 * K + k0, K * sizeof(uint16_t));
                _tile_loadd(TILE_B, &packed[k0 / 2][2 * n0], sizeof packed[0]);
                _tile_dpbf16ps(TILE_C, TILE_A, TILE_B);
            }
            _tile_stored(TILE_C, C + i0 * N + n0, N * sizeof(float));
        }
    _tile_release();
}

static void test_bf16_matmul(void) {
    static const struct shape shapes[] = {
        {16, 32, 16, 32, 64, 32}, /* here tk counts bf16 values: 64-byte rows */
        {3, 10, 5, 9, 20, 10},
        {16, 2, 1, 16, 6, 3},
        {11, 24, 16, 22, 48, 16},
    };
    static uint16_t A[MAX_M * MAX_K], B[MAX_K * MAX_N];
    static float C[MAX_M * MAX_N], C0[MAX_M * MAX_N];
    unsigned s, i, k, n, pass;
    for (s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const struct shape *sh = &shapes[s];
        unsigned M = sh->M, K = sh->Kb, N = sh->N;
        /* pass 0: small integers, where every sum is exact in fp32, so any
           order of additions gives the same bits; pass 1: random values of
           mixed size and sign, against a double reference with a bound */
        for (pass = 0; pass < 2; pass++) {
            double worst = 0;
            for (i = 0; i < M * K; i++)
                A[i] = to_bf16(pass == 0 ? (float)((int)(rnd32() % 17) - 8)
                                         : from_bf16((uint16_t)(((rnd32() & 1) << 15) |
                                                                ((118 + rnd32() % 20) << 7) |
                                                                (rnd32() & 0x7f))));
            for (i = 0; i < K * N; i++)
                B[i] = to_bf16(pass == 0 ? (float)((int)(rnd32() % 17) - 8)
                                         : from_bf16((uint16_t)(((rnd32() & 1) << 15) |
                                                                ((118 + rnd32() % 20) << 7) |
                                                                (rnd32() & 0x7f))));
            for (i = 0; i < M * N; i++)
                C0[i] = C[i] = pass == 0 ? (float)((int)(rnd32() % 2001) - 1000)
                                         : (float)((int)(rnd32() % 2001) - 1000) / 64.0f;
            matmul_bf16_tiles(M, N, K, A, B, C, sh->tm, sh->tk, sh->tn);
            for (i = 0; i < M; i++)
                for (n = 0; n < N; n++) {
                    double ref = C0[i * N + n], mag = fabs(ref), err;
                    for (k = 0; k < K; k++) {
                        double p = (double)from_bf16(A[i * K + k]) * from_bf16(B[k * N + n]);
                        if (AMX_MODEL_TEST_WRONG_REFERENCE == 2 && k == K - 1) p = 0;
                        ref += p;
                        mag += fabs(p);
                    }
                    err = fabs((double)C[i * N + n] - ref);
                    if (pass == 0 ? bits_of(C[i * N + n]) != bits_of((float)ref)
                                  : err > 1e-6 * (K + 4) * mag) {
                        FAIL("bf16 %s, %ux%ux%u with tiles A %ux%u B %ux%u C %ux%u (rows x bytes): "
                             "C[%u][%u] = %.9g, reference %.9g\n",
                             pass == 0 ? "exact integers" : "random", M, K, N, sh->tm, 2 * sh->tk,
                             sh->tk / 2, 4 * sh->tn, sh->tm, 4 * sh->tn, i, n,
                             (double)C[i * N + n], ref);
                        return;
                    }
                    if (mag > 0 && err / mag > worst) worst = err / mag;
                }
            printf("ok   bf16 matmul %3ux%3ux%-3u  tiles A %2ux%-2u B %2ux%-2u C %2ux%-2u (rows x bytes), "
                   "%s\n",
                   M, K, N, sh->tm, 2 * sh->tk, sh->tk / 2, 4 * sh->tn, sh->tm, 4 * sh->tn,
                   pass == 0 ? "integers, bit-exact" : "random");
            if (pass == 1)
                printf("                                     (largest error %.2g of the sum of |terms|)\n",
                       worst);
        }
    }
}

/* Bit patterns AMX hardware gives for a 1 x 1 result with K = 4 (2 dwords):
   a = A's row (a0 even, a0 odd, a1 even, a1 odd), b = B's two rows, c = C. */
static const struct {
    uint16_t a[4], b[4];
    uint32_t c, result;
    const char *what;
} bf16_cases[] = {
    {{0xc2cf, 0xbfbf, 0xc0c6, 0xc317}, {0xbf98, 0x4001, 0x3c5b, 0xbd67}, 0x3f80c757u, 0x4301567bu,
     "rounding: even and odd products summed apart, then added to C"},
    {{0x0040, 0x3f80, 0x0000, 0x0000}, {0x7f00, 0x3f80, 0x0000, 0x0000}, 0x00000000u, 0x3f800000u,
     "a denormal bf16 input counts as zero"},
    {{0x0080, 0x0000, 0x0000, 0x0000}, {0x3e80, 0x0000, 0x0000, 0x0000}, 0x00000000u, 0x00000000u,
     "a denormal result is flushed to zero"},
    {{0x3f80, 0x0000, 0x0000, 0x0000}, {0x3f80, 0x0000, 0x0000, 0x0000}, 0x00400000u, 0x3f800000u,
     "a denormal C counts as zero"},
    {{0x2000, 0x0000, 0x1a00, 0x0000}, {0x2000, 0x0000, 0x9a00, 0x0000}, 0x00000000u, 0x00000000u,
     "2^-126 - 2^-150 is flushed, though it would round up to 2^-126"},
    {{0x2000, 0x0000, 0x1980, 0x0000}, {0x2000, 0x0000, 0x9980, 0x0000}, 0x00000000u, 0x00800000u,
     "2^-126 - 2^-152 rounds to 2^-126 at 24 bits and is kept"},
    {{0x7fc1, 0x3f80, 0x7fc3, 0x3f80}, {0x3f80, 0x3f80, 0x3f80, 0x3f80}, 0x3f800000u, 0x7fc30000u,
     "NaNs: the later dword of K wins"},
    {{0x3f80, 0x7fc2, 0x3f80, 0x3f80}, {0x7fc5, 0x3f80, 0x3f80, 0x3f80}, 0x3f800000u, 0x7fc50000u,
     "NaNs: the even sum wins over the odd"},
    {{0x7fc1, 0x3f80, 0x3f80, 0x3f80}, {0x7fc5, 0x3f80, 0x3f80, 0x3f80}, 0x3f800000u, 0x7fc10000u,
     "NaNs: A wins over B"},
    {{0x7fc1, 0x3f80, 0x3f80, 0x3f80}, {0x3f80, 0x3f80, 0x3f80, 0x3f80}, 0x7f800123u, 0x7fc00123u,
     "NaNs: C wins, and a signalling NaN is quieted"},
    {{0x7f81, 0x3f80, 0x3f80, 0x3f80}, {0x3f80, 0x3f80, 0x3f80, 0x3f80}, 0x3f800000u, 0x7fc10000u,
     "a signalling NaN input is quieted"},
    {{0x7f80, 0x3f80, 0x3f80, 0x3f80}, {0x0000, 0x3f80, 0x3f80, 0x3f80}, 0x3f800000u, 0xffc00000u,
     "inf * 0 gives the default NaN"},
    {{0x7f80, 0xff80, 0x0000, 0x0000}, {0x3f80, 0x3f80, 0x0000, 0x0000}, 0x00000000u, 0xffc00000u,
     "inf - inf gives the default NaN"},
    {{0x7f00, 0x7f00, 0x0000, 0x0000}, {0x7f00, 0x7f00, 0x0000, 0x0000}, 0x00000000u, 0x7f800000u,
     "overflow gives inf"},
    {{0x8000, 0x8000, 0x0000, 0x0000}, {0x3f80, 0x3f80, 0x0000, 0x0000}, 0x80000000u, 0x00000000u,
     "-0 products on +0 sums and C = -0 give +0"},
    {{0x7f7f, 0x3f80, 0x7f7f, 0x0000}, {0x3f80, 0x3f80, 0xbf80, 0x0000}, 0x3f800000u, 0x40000000u,
     "huge values cancel exactly in the even sum"},
    {{0x7f7f, 0x3f80, 0x7f7f, 0x0000}, {0x4000, 0x3f80, 0xc000, 0x0000}, 0x3f800000u, 0x7f800000u,
     "an overflowed even sum stays inf"},
};

static void test_bf16_cases(void) {
    unsigned rows[8] = {0}, colsb[8] = {0}, i;
    uint8_t cfg[64];
    rows[TILE_C] = 1, colsb[TILE_C] = 4;
    rows[TILE_A] = 1, colsb[TILE_A] = 8;
    rows[TILE_B] = 2, colsb[TILE_B] = 4;
    make_config(cfg, rows, colsb);
    for (i = 0; i < sizeof bf16_cases / sizeof bf16_cases[0]; i++) {
        uint32_t c = bf16_cases[i].c, r = 0;
        _tile_loadconfig(cfg);
        _tile_loadd(TILE_C, &c, 4);
        _tile_loadd(TILE_A, bf16_cases[i].a, 8);
        _tile_loadd(TILE_B, bf16_cases[i].b, 4);
        _tile_dpbf16ps(TILE_C, TILE_A, TILE_B);
        _tile_stored(TILE_C, &r, 4);
        if (r != bf16_cases[i].result) {
            FAIL("bf16 case \"%s\": got 0x%08x, expected 0x%08x\n", bf16_cases[i].what,
                 (unsigned)r, (unsigned)bf16_cases[i].result);
            return;
        }
    }
    _tile_release();
    printf("ok   bf16 edge cases: %u bit patterns (rounding order, denormals, NaNs, inf)\n",
           (unsigned)(sizeof bf16_cases / sizeof bf16_cases[0]));
}

/* ------------------------------------------------------------------------ */
/* Configuration, partial tiles, start_row                                  */
/* ------------------------------------------------------------------------ */

static void test_config_and_partial_tiles(void) {
    unsigned rows[8] = {16, 3, 16, 1, 16, 7, 2, 0}, colsb[8] = {64, 12, 64, 4, 64, 20, 8, 0};
    uint8_t cfg[64], back[64], mem[16 * 32], out[16 * 32];
    unsigned i, r;
    make_config(cfg, rows, colsb);
    _tile_loadconfig(cfg);
    _tile_storeconfig(back);
    if (memcmp(cfg, back, 64)) FAIL("_tile_storeconfig does not give back the configuration\n");

    /* tile 5: 7 rows of 20 bytes, from memory with a 32-byte stride */
    for (i = 0; i < sizeof mem; i++) mem[i] = (uint8_t)(i * 7 + 1);
    _tile_loadd(TILE_X, mem, 32);
    memset(out, 0xee, sizeof out);
    _tile_stored(TILE_X, out, 32);
    for (r = 0; r < 16; r++)
        for (i = 0; i < 32; i++) {
            uint8_t want = (r < 7 && i < 20) ? mem[32 * r + i] : 0xee; /* the rest is untouched */
            if (out[32 * r + i] != want) {
                FAIL("partial tile store: row %u byte %u is %u, expected %u\n", r, i, out[32 * r + i],
                     want);
                return;
            }
        }
#if AMX_MODEL_ACTIVE
    { /* what the model holds past the shape is zero, as the SDM says */
        uint8_t t[16][64];
        amx_model_peek(TILE_X, t);
        for (r = 0; r < 16; r++)
            for (i = 0; i < 64; i++)
                if ((r >= 7 || i >= 20) && t[r][i]) {
                    FAIL("model tile %d: row %u byte %u past the configured shape is %u\n", TILE_X,
                         r, i, t[r][i]);
                    return;
                }
    }
#endif

    /* a pending start_row: the next store only writes the rows from it on */
    cfg[1] = 4;
    _tile_loadconfig(cfg);
    _tile_storeconfig(back);
    if (back[1] != 4) FAIL("start_row is not kept by the configuration (%u)\n", back[1]);
    memset(out, 0xee, sizeof out);
    _tile_stored(TILE_X, out, 32); /* loading the configuration zeroed the tiles */
    for (r = 0; r < 7; r++)
        if (out[32 * r] != (r < 4 ? 0xee : 0)) {
            FAIL("store with start_row 4: row %u starts with %u\n", r, out[32 * r]);
            return;
        }
    _tile_storeconfig(back);
    if (back[1] != 0) FAIL("start_row is not reset by a store (%u)\n", back[1]);

    _tile_release();
    _tile_storeconfig(back);
    for (i = 0; i < 64; i++)
        if (back[i]) {
            FAIL("configuration after _tile_release is not all zero (byte %u)\n", i);
            return;
        }
    printf("ok   configuration round trip, partial tiles, start_row, release\n");
}

/* ------------------------------------------------------------------------ */
/* Faults (model only)                                                      */
/* ------------------------------------------------------------------------ */

#if TEST_CATCHES_FAULTS
static jmp_buf fault_return;
static const char *fault_insn;

static void test_fault(const char *insn, const char *msg) {
    (void)msg;
    fault_insn = insn;
    longjmp(fault_return, 1);
}

/* Runs config + one operation; returns the instruction that faulted, or NULL. */
static const char *try_op(const uint8_t *cfg, int op) {
    static uint8_t mem[16 * 64];
    fault_insn = NULL;
    if (setjmp(fault_return) == 0) {
        if (cfg) _tile_loadconfig(cfg);
        switch (op) {
        case 0: _tile_loadd(TILE_A, mem, 64); break;
        case 1: _tile_stored(TILE_A, mem, 64); break;
        case 2: _tile_zero(TILE_A); break;
        case 3: _tile_dpbssd(TILE_C, TILE_A, TILE_B); break;
        case 4: _tile_dpbf16ps(TILE_C, TILE_A, TILE_B); break;
        default: break;
        }
    }
    return fault_insn;
}

static void test_faults(void) {
    static const struct {
        int field; /* config change: 0 none, 1 palette, 2 reserved byte 5, 3 A rows, 4 A colsb,
                      5 B rows, 6 C colsb, 7 start_row, 8 release before the op */
        unsigned value;
        int op;
        const char *faulting; /* NULL: no fault */
    } cases[] = {
        {0, 0, 3, NULL},
        {0, 0, 4, NULL},
        {1, 2, 5, "_tile_loadconfig"},  /* palette 2 */
        {2, 1, 5, "_tile_loadconfig"},  /* reserved byte */
        {3, 17, 5, "_tile_loadconfig"}, /* 17 rows */
        {4, 68, 5, "_tile_loadconfig"}, /* 68 bytes per row */
        {4, 0, 5, "_tile_loadconfig"},  /* colsb 0 with rows 16 */
        {8, 0, 0, "_tile_loadd"},       /* no configuration */
        {8, 0, 2, "_tile_zero"},
        {3, 0, 2, "_tile_zero"},        /* A not configured (rows and colsb 0) */
        {4, 6, 0, "_tile_loadd"},       /* colsb not a multiple of 4 */
        {4, 6, 1, "_tile_stored"},
        {4, 6, 2, NULL},                /* zeroing does not mind */
        {7, 16, 0, "_tile_loadd"},      /* start_row >= rows */
        {7, 15, 0, NULL},
        {3, 8, 3, "_tile_dpbssd"},      /* A rows != C rows */
        {5, 8, 3, "_tile_dpbssd"},      /* B rows != A colsb / 4 */
        {6, 32, 3, "_tile_dpbssd"},     /* C colsb != B colsb */
        {6, 32, 4, "_tile_dpbf16ps"},
    };
    unsigned i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned rows[8] = {16, 16, 16, 0, 0, 0, 0, 0}, colsb[8] = {64, 64, 64, 0, 0, 0, 0, 0};
        uint8_t cfg[64];
        const char *got;
        switch (cases[i].field) {
        case 3:
            rows[TILE_A] = cases[i].value;
            if (!cases[i].value) colsb[TILE_A] = 0;
            break;
        case 4:
            colsb[TILE_A] = cases[i].value;
            if (cases[i].op == 0 || cases[i].op == 1 || cases[i].op == 2) rows[TILE_A] = 4;
            break;
        case 5: rows[TILE_B] = cases[i].value; break;
        case 6: colsb[TILE_C] = cases[i].value; break;
        default: break;
        }
        make_config(cfg, rows, colsb);
        if (cases[i].field == 1) cfg[0] = (uint8_t)cases[i].value;
        if (cases[i].field == 2) cfg[5] = (uint8_t)cases[i].value;
        if (cases[i].field == 7) cfg[1] = (uint8_t)cases[i].value;
        if (cases[i].field == 8) {
            _tile_loadconfig(cfg);
            _tile_release();
            got = try_op(NULL, cases[i].op);
        } else {
            got = try_op(cfg, cases[i].op);
        }
        if ((got == NULL) != (cases[i].faulting == NULL) ||
            (got && strcmp(got, cases[i].faulting) != 0)) {
            FAIL("fault case %u: expected %s, got %s\n", i,
                 cases[i].faulting ? cases[i].faulting : "no fault", got ? got : "no fault");
            return;
        }
    }
    _tile_release();
    printf("ok   faults: %u cases of misuse fault (or not) as on hardware\n",
           (unsigned)(sizeof cases / sizeof cases[0]));
}
#endif

int main(void) {
    int perm = amx_request_permission();
    if (perm != 0) {
        fprintf(stderr, "FAIL: the kernel refuses the AMX tile state (%d)\n", perm);
        return 1;
    }
    printf("AMX tile intrinsics: %s\n",
           AMX_MODEL_ACTIVE ? "amx_model.h (functional model)" : "real AMX instructions");
    test_int8();
    test_bf16_matmul();
    test_bf16_cases();
    test_config_and_partial_tiles();
#if TEST_CATCHES_FAULTS
    if (AMX_MODEL_ACTIVE) test_faults();
#endif
    if (failures) {
        fprintf(stderr, "FAILED (%d)\n", failures);
        return 1;
    }
    printf("all AMX checks passed\n");
    return 0;
}
