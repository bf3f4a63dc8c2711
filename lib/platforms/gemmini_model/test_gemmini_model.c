/*
 * Self-test of the Gemmini model: int8 matrix multiplications tiled onto the
 * model the way Gemmini code does it (mvin, preload, compute, mvout; partial
 * tiles, block moves, weight reuse, bias, scaling, ReLU, saturation),
 * transposes and strides, local memory round trips, allocation, the
 * instruction counts and the faults, each compared with plain C.
 *
 *   gcc -std=c11 -O2 -Wall -Wextra -I. -o /tmp/test_gemmini_model test_gemmini_model.c -lm
 *   /tmp/test_gemmini_model
 *
 * (run from this directory). Exit code 0 when everything matches.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Faults longjmp back to the test that expects them. */
static jmp_buf fault_env;
static int expecting_fault;
static char fault_insn[128], fault_msg[512];
static void on_fault(const char *insn, const char *msg);
#define GEMMINI_MODEL_FAULT(insn, msg) on_fault((insn), (msg))

#include <include/gemmini.h>
#include "gemm_acc_malloc.h"
#include "gemm_malloc.h"

static void on_fault(const char *insn, const char *msg) {
    if (!expecting_fault) {
        fprintf(stderr, "unexpected fault: %s: %s\n", insn, msg);
        exit(2);
    }
    snprintf(fault_insn, sizeof fault_insn, "%s", insn);
    snprintf(fault_msg, sizeof fault_msg, "%s", msg);
    expecting_fault = 0;
    longjmp(fault_env, 1);
}

static int failures;

static void fail(const char *test, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(const char *test, const char *fmt, ...) {
    va_list ap;
    fprintf(stderr, "FAIL %s: ", test);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    failures++;
}

/* ------------------------------------------------------------------------ */
/* Reference arithmetic, written independently of the model                 */
/* ------------------------------------------------------------------------ */

static uint32_t rng_state;
static uint32_t rnd(void) { /* xorshift32 */
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}
static int8_t rnd_i8(void) { return (int8_t)(int)(rnd() % 256 - 128); }
static int32_t rnd_range(int32_t lo, int32_t hi) { return lo + (int32_t)(rnd() % (uint32_t)(hi - lo + 1)); }

static int8_t ref_sat8(long v) { return (int8_t)(v > 127 ? 127 : v < -128 ? -128 : v); }

/* fp32 product, rounded to nearest, ties to even (rintf in the default
   rounding mode), saturated to int8. */
static int8_t ref_scale(int32_t x, float scale) {
    const float p = (float)x * scale;
    const float r = rintf(p);
    if (r > 127.0f) return 127;
    if (r < -128.0f) return -128;
    return (int8_t)r;
}

static int div_up(int a, int b) { return (a + b - 1) / b; }
static int min_int(int a, int b) { return a < b ? a : b; }

/* ------------------------------------------------------------------------ */
/* Tiled matmul: C = act(scale * (D + mvin_scale(A) * B))                   */
/* ------------------------------------------------------------------------ */

enum { BIAS_NONE, BIAS_ROW, BIAS_FULL };

typedef struct {
    int N, M, K;
    float a_scale; /* mvin scale of A */
    float scale;   /* accumulator scale on mvout */
    int act;
    int bias;
} mm_case;

static void test_matmul(const mm_case *t) {
    char name[128];
    const int N = t->N, M = t->M, K = t->K;
    const int It = div_up(N, DIM), Jt = div_up(M, DIM), Kt = div_up(K, DIM);
    int8_t *A = malloc((size_t)N * K), *B = malloc((size_t)K * M), *C = malloc((size_t)N * M);
    int32_t *D = malloc((size_t)N * M * sizeof(int32_t)), *Craw = malloc((size_t)N * M * sizeof(int32_t));
    uint32_t A_sp, B_sp, C_acc;
    int i, j, k, n, m;
    gemmini_model_counts_t c;

    snprintf(name, sizeof name, "matmul %dx%dx%d a_scale %g scale %g act %d bias %d", N, M, K, (double)t->a_scale,
             (double)t->scale, t->act, t->bias);
    for (n = 0; n < N * K; n++) A[n] = rnd_i8();
    for (n = 0; n < K * M; n++) B[n] = rnd_i8();
    for (n = 0; n < N * M; n++) D[n] = rnd_range(-20000, 20000);
    memset(C, 0x55, (size_t)N * M);
    memset(Craw, 0x55, (size_t)N * M * sizeof(int32_t));

    gemm_init_mem();
    gemm_acc_init_mem();
    gemmini_model_reset_counts();
    /* Tile (i,k) of A at A_sp + (i*Kt + k)*DIM: the k blocks of a row of tiles
       are DIM rows apart, the default block stride. Tile (k,j) of B at
       B_sp + (j*Kt + k)*DIM: its j blocks are Kt*DIM rows apart. Tile (i,j) of
       C at C_acc + (i*Jt + j)*DIM: j blocks DIM apart, as mvout reads them. */
    A_sp = (uint32_t)gemm_malloc((size_t)It * Kt * DIM * DIM * sizeof(elem_t));
    B_sp = (uint32_t)gemm_malloc((size_t)Kt * Jt * DIM * DIM * sizeof(elem_t));
    C_acc = gemm_acc_malloc((size_t)It * Jt * DIM * DIM * sizeof(acc_t));

    gemmini_extended_config_ex(WS, NO_ACTIVATION, 0, 1, 0, 0);
    gemmini_extended3_config_ld(K * sizeof(elem_t), t->a_scale, false, 0);
    gemmini_extended4_config_ld(M * sizeof(elem_t), MVIN_SCALE_IDENTITY, false, Kt * DIM, 1);
    gemmini_extended3_config_ld(t->bias == BIAS_ROW ? 0 : M * sizeof(acc_t), MVIN_SCALE_IDENTITY, false, 2);
    gemmini_extended_config_st(M * sizeof(elem_t), t->act, t->scale);

    /* Bias (or zeros) into the accumulator; int32 moves are one block wide. */
    for (i = 0; i < It; i++)
        for (j = 0; j < Jt; j++) {
            const int rows = min_int(DIM, N - i * DIM), cols = min_int(DIM, M - j * DIM);
            const uint32_t dst = C_acc + (uint32_t)(i * Jt + j) * DIM;
            if (t->bias == BIAS_NONE) gemmini_extended_mvin3(0, dst, cols, rows);
            else gemmini_extended_mvin3(&D[(t->bias == BIAS_ROW ? 0 : i * DIM) * M + j * DIM], dst, cols, rows);
        }
    for (i = 0; i < It; i++)
        for (k = 0; k < Kt; k += MAX_BLOCK_LEN)
            gemmini_extended_mvin(&A[i * DIM * K + k * DIM], A_sp + (uint32_t)(i * Kt + k) * DIM,
                                  min_int(MAX_BLOCK_LEN * DIM, K - k * DIM), min_int(DIM, N - i * DIM));
    for (k = 0; k < Kt; k++)
        for (j = 0; j < Jt; j += MAX_BLOCK_LEN)
            gemmini_extended_mvin2(&B[k * DIM * M + j * DIM], B_sp + (uint32_t)(j * Kt + k) * DIM,
                                   min_int(MAX_BLOCK_LEN * DIM, M - j * DIM), min_int(DIM, K - k * DIM));

    /* Weights preloaded once per (k, j), reused for every i. */
    for (k = 0; k < Kt; k++)
        for (j = 0; j < Jt; j++)
            for (i = 0; i < It; i++) {
                const int rows_i = min_int(DIM, N - i * DIM), cols_j = min_int(DIM, M - j * DIM);
                const int rows_k = min_int(DIM, K - k * DIM);
                const uint32_t b = i == 0 ? B_sp + (uint32_t)(j * Kt + k) * DIM : GARBAGE_ADDR;
                const uint32_t out = (C_acc + (uint32_t)(i * Jt + j) * DIM) | GEMMINI_MODEL_ACCUMULATE_BIT;
                const uint32_t a = A_sp + (uint32_t)(i * Kt + k) * DIM;
                gemmini_extended_preload(b, out, cols_j, rows_k, cols_j, rows_i);
                if (i == 0) gemmini_extended_compute_preloaded(a, GARBAGE_ADDR, rows_k, rows_i, DIM, DIM);
                else gemmini_extended_compute_accumulated(a, GARBAGE_ADDR, rows_k, rows_i, DIM, DIM);
            }

    for (i = 0; i < It; i++)
        for (j = 0; j < Jt; j += MAX_BLOCK_LEN)
            gemmini_extended_mvout(&C[i * DIM * M + j * DIM], C_acc + (uint32_t)(i * Jt + j) * DIM,
                                   min_int(MAX_BLOCK_LEN * DIM, M - j * DIM), min_int(DIM, N - i * DIM));
    gemmini_extended_config_st(M * sizeof(acc_t), NO_ACTIVATION, ACC_SCALE_IDENTITY);
    for (i = 0; i < It; i++)
        for (j = 0; j < Jt; j++)
            gemmini_extended_mvout(&Craw[i * DIM * M + j * DIM],
                                   (C_acc + (uint32_t)(i * Jt + j) * DIM) | GEMMINI_MODEL_FULL_WIDTH_BIT,
                                   min_int(DIM, M - j * DIM), min_int(DIM, N - i * DIM));
    gemmini_fence();
    c = gemmini_model_counts();

    for (n = 0; n < N; n++)
        for (m = 0; m < M; m++) {
            int32_t acc = t->bias == BIAS_NONE ? 0 : D[(t->bias == BIAS_ROW ? 0 : n) * M + m];
            int8_t want;
            for (k = 0; k < K; k++) acc += ref_scale(A[n * K + k], t->a_scale) * B[k * M + m];
            want = ref_scale(acc, t->scale);
            if (t->act == RELU && want < 0) want = 0;
            if (Craw[n * M + m] != acc) {
                fail(name, "raw C[%d][%d] = %d, want %d", n, m, Craw[n * M + m], acc);
                goto done;
            }
            if (C[n * M + m] != want) {
                fail(name, "C[%d][%d] = %d, want %d (accumulator %d)", n, m, C[n * M + m], want, acc);
                goto done;
            }
        }

    {
        const uint64_t want_read = (uint64_t)N * K + (uint64_t)K * M +
                                   (t->bias == BIAS_NONE  ? 0
                                    : t->bias == BIAS_ROW ? (uint64_t)It * M * 4
                                                          : (uint64_t)N * M * 4);
        const uint64_t kt4 = (uint64_t)div_up(Kt, MAX_BLOCK_LEN), jt4 = (uint64_t)div_up(Jt, MAX_BLOCK_LEN);
        if (c.mvin[0] != (uint64_t)It * kt4 || c.mvin[1] != (uint64_t)Kt * jt4 || c.mvin[2] != (uint64_t)It * Jt ||
            c.mvout != (uint64_t)It * jt4 + (uint64_t)It * Jt || c.preload != (uint64_t)It * Jt * Kt ||
            c.compute_preloaded != (uint64_t)Jt * Kt || c.compute_accumulated != (uint64_t)(It - 1) * Jt * Kt ||
            c.config_ex != 1 || c.config_ld != 3 || c.config_st != 2 || c.fence != 1 || c.flush != 0 ||
            c.dram_bytes_read != want_read || c.dram_bytes_written != (uint64_t)N * M * 5 ||
            c.spad_rows_peak != (uint32_t)(It * Kt + Kt * Jt) * DIM || c.acc_rows_peak != (uint32_t)(It * Jt) * DIM ||
            gemmini_model_counts_total(&c) != c.mvin[0] + c.mvin[1] + c.mvin[2] + c.mvout + c.preload +
                                                   c.compute_preloaded + c.compute_accumulated + 7) {
            fail(name, "unexpected instruction counts");
            gemmini_model_print_counts(stderr, name);
        }
    }
done:
    gemm_free(A_sp);
    gemm_free(B_sp);
    gemm_acc_free(C_acc);
    free(A);
    free(B);
    free(C);
    free(D);
    free(Craw);
}

/* ------------------------------------------------------------------------ */
/* One tile with transposed operands and A/C row strides                    */
/* ------------------------------------------------------------------------ */

/* C (n x m, int32) = A (n x k) * B (k x m); A and B given in DRAM as they are
   stored, possibly transposed; a_stride/c_stride as in config_ex. */
static void test_tile(const char *name, int n, int m, int k, bool a_t, bool b_t, int a_stride, int c_stride) {
    int8_t A[DIM][DIM], B[DIM][DIM], At[DIM][DIM], Bt[DIM][DIM], Aspread[2 * DIM][DIM];
    int32_t C[2 * DIM][DIM];
    int i, j, l;
    gemmini_model_reset();
    for (i = 0; i < DIM; i++)
        for (j = 0; j < DIM; j++) {
            A[i][j] = rnd_i8();
            B[i][j] = rnd_i8();
        }
    for (i = 0; i < DIM; i++)
        for (j = 0; j < DIM; j++) {
            At[i][j] = A[j][i];
            Bt[i][j] = B[j][i];
        }
    for (i = 0; i < 2 * DIM; i++)
        for (j = 0; j < DIM; j++) Aspread[i][j] = i % a_stride == 0 && i / a_stride < DIM ? A[i / a_stride][j] : rnd_i8();
    memset(C, 0x55, sizeof C);

    gemmini_extended3_config_ex(WS, NO_ACTIVATION, 0, ACC_SCALE_IDENTITY, c_stride, a_stride, a_t, b_t, false);
    gemmini_extended3_config_ld(DIM, MVIN_SCALE_IDENTITY, false, 0);
    gemmini_extended_config_st(DIM * sizeof(acc_t), NO_ACTIVATION, ACC_SCALE_IDENTITY);
    /* A at rows 0.., B at rows 64.. */
    if (a_t) gemmini_extended_mvin(At, 0, n, k);
    else if (a_stride == 1) gemmini_extended_mvin(A, 0, k, n);
    else
        for (i = 0; i < a_stride * n; i += DIM) gemmini_extended_mvin(Aspread[i], i, k, min_int(DIM, a_stride * n - i));
    if (b_t) gemmini_extended_mvin(Bt, 64, k, m);
    else gemmini_extended_mvin(B, 64, m, k);
    gemmini_extended_mvin(0, GEMMINI_MODEL_ACC_BIT, DIM, DIM); /* zero the two tiles C strides over */
    gemmini_extended_mvin(0, GEMMINI_MODEL_ACC_BIT | DIM, DIM, DIM);

    gemmini_extended_preload(64, GEMMINI_MODEL_ACC_BIT, m, k, m, n);
    gemmini_extended_compute_preloaded(0, GARBAGE_ADDR, k, n, DIM, DIM);
    gemmini_extended_mvout(C[0], GEMMINI_MODEL_ACC_BIT | GEMMINI_MODEL_FULL_WIDTH_BIT, DIM, DIM);
    gemmini_extended_mvout(C[DIM], GEMMINI_MODEL_ACC_BIT | GEMMINI_MODEL_FULL_WIDTH_BIT | DIM, DIM, DIM);

    for (i = 0; i < 2 * DIM; i++)
        for (j = 0; j < DIM; j++) {
            int32_t want = 0;
            if (i % c_stride == 0 && i / c_stride < n && j < m)
                for (l = 0; l < k; l++) want += A[i / c_stride][l] * B[l][j];
            if (C[i][j] != want) {
                fail(name, "accumulator row %d column %d = %d, want %d", i, j, C[i][j], want);
                return;
            }
        }
}

/* ------------------------------------------------------------------------ */
/* Moves                                                                     */
/* ------------------------------------------------------------------------ */

/* Every int8 through mvin with a scale, back through the scratchpad. */
static void test_mvin_scale(void) {
    static const float scales[] = {1.0f, 0.5f, 1.5f, 0.25f, -1.0f, 3.0f, 1.0f / 3.0f, 0.0f, 2.5f, -0.75f};
    int8_t src[DIM][DIM + 3], out[DIM][DIM];
    size_t s;
    int i, j;
    gemmini_model_reset();
    for (i = 0; i < DIM; i++)
        for (j = 0; j < DIM + 3; j++) src[i][j] = (int8_t)((i * DIM + j) % 256 - 128); /* row 0..15, column 0..15: every int8 */
    gemmini_extended_config_st(DIM, NO_ACTIVATION, ACC_SCALE_IDENTITY);
    for (s = 0; s < sizeof scales / sizeof scales[0]; s++) {
        gemmini_extended3_config_ld(DIM + 3, scales[s], false, 0);
        gemmini_extended_mvin(src, 100, DIM, DIM);
        gemmini_extended_mvout(out, 100, DIM, DIM);
        for (i = 0; i < DIM; i++)
            for (j = 0; j < DIM; j++)
                if (out[i][j] != ref_scale(src[i][j], scales[s])) {
                    fail("mvin scale", "scale %g: %d became %d, want %d", (double)scales[s], src[i][j], out[i][j],
                         ref_scale(src[i][j], scales[s]));
                    return;
                }
    }
    /* Stride 0 repeats one row; address 0 writes zeros over part of a row. */
    gemmini_extended3_config_ld(0, MVIN_SCALE_IDENTITY, false, 0);
    gemmini_extended_mvin(src[3], 200, DIM, 5);
    gemmini_extended_mvin(0, 201, 7, 2);
    gemmini_extended_mvout(out, 200, DIM, 5);
    for (i = 0; i < 5; i++)
        for (j = 0; j < DIM; j++) {
            const int8_t want = (i == 1 || i == 2) && j < 7 ? 0 : src[3][j];
            if (out[i][j] != want) {
                fail("mvin stride 0 / zeros", "row %d column %d = %d, want %d", i, j, out[i][j], want);
                return;
            }
        }
    if (gemmini_model_counts().dram_bytes_read != sizeof scales / sizeof scales[0] * DIM * DIM + DIM)
        fail("mvin stride 0 / zeros", "DRAM bytes read %llu", (unsigned long long)gemmini_model_counts().dram_bytes_read);
}

/* int32 and int8 (shrunk) moves into the accumulator, accumulating moves. */
static void test_acc_moves(void) {
    int32_t x[DIM][DIM + 4], y[DIM][DIM], out[DIM][DIM];
    int8_t z[DIM][DIM];
    int i, j;
    gemmini_model_reset();
    for (i = 0; i < DIM; i++)
        for (j = 0; j < DIM + 4; j++) x[i][j] = rnd_range(-1000000000, 1000000000);
    for (i = 0; i < DIM; i++)
        for (j = 0; j < DIM; j++) {
            y[i][j] = rnd_range(-100000, 100000);
            z[i][j] = rnd_i8();
        }
    gemmini_extended_config_st(DIM * sizeof(acc_t), NO_ACTIVATION, ACC_SCALE_IDENTITY);
    /* int32 rows with a padded DRAM stride; the mvin scale does not apply to them */
    gemmini_extended3_config_ld((DIM + 4) * sizeof(acc_t), 0.5f, false, 0);
    gemmini_extended_mvin(x, GEMMINI_MODEL_ACC_BIT | 500, DIM, DIM);
    gemmini_extended3_config_ld(DIM * sizeof(acc_t), MVIN_SCALE_IDENTITY, false, 1);
    gemmini_extended_mvin2(y, GEMMINI_MODEL_ACC_BIT | GEMMINI_MODEL_ACCUMULATE_BIT | 500, 11, 9);
    gemmini_extended_mvout(out, GEMMINI_MODEL_ACC_BIT | GEMMINI_MODEL_FULL_WIDTH_BIT | 500, DIM, DIM);
    for (i = 0; i < DIM; i++)
        for (j = 0; j < DIM; j++) {
            const int32_t want = x[i][j] + (i < 9 && j < 11 ? y[i][j] : 0);
            if (out[i][j] != want) {
                fail("accumulator int32 moves", "[%d][%d] = %d, want %d", i, j, out[i][j], want);
                return;
            }
        }
    /* int8 into the accumulator, scaled and saturated as int8, then sign-extended */
    gemmini_extended3_config_ld(DIM, 2.0f, true, 2);
    gemmini_extended_mvin3(z, GEMMINI_MODEL_ACC_BIT | 700, DIM, DIM);
    gemmini_extended_mvout(out, GEMMINI_MODEL_ACC_BIT | GEMMINI_MODEL_FULL_WIDTH_BIT | 700, DIM, DIM);
    for (i = 0; i < DIM; i++)
        for (j = 0; j < DIM; j++)
            if (out[i][j] != ref_scale(z[i][j], 2.0f)) {
                fail("accumulator int8 moves", "[%d][%d] = %d, want %d", i, j, out[i][j], ref_scale(z[i][j], 2.0f));
                return;
            }
}

/* Results written to the scratchpad (saturated, execute ReLU), bias D from the scratchpad. */
static void test_spad_output(int act) {
    int8_t A[DIM][DIM], A2[DIM][DIM], B[DIM][DIM], Dm[DIM][DIM], out[DIM][DIM];
    int i, j, l;
    gemmini_model_reset();
    for (i = 0; i < DIM; i++)
        for (j = 0; j < DIM; j++) {
            A[i][j] = rnd_i8();
            B[i][j] = (int8_t)(rnd_i8() / 8); /* smaller products: not every result saturates */
            Dm[i][j] = rnd_i8();
            A2[i][j] = j == 1 ? 0 : A[i][j];
        }
    gemmini_extended_config_ex(WS, act, 0, 1, 0, 0);
    gemmini_extended3_config_ld(DIM, MVIN_SCALE_IDENTITY, false, 0);
    gemmini_extended_config_st(DIM, NO_ACTIVATION, ACC_SCALE_IDENTITY);
    gemmini_extended_mvin(A, 0, DIM, DIM);
    gemmini_extended_mvin(B, 16, DIM, DIM);
    gemmini_extended_mvin(Dm, 32, DIM, DIM);
    gemmini_extended_mvin(A2, 48, DIM, DIM);
    gemmini_extended_preload(16, 64, DIM, DIM, DIM, DIM);
    gemmini_extended_compute_preloaded(0, 32, DIM, DIM, DIM, DIM);
    gemmini_extended_preload(GARBAGE_ADDR, 80, DIM, DIM, DIM, DIM);
    gemmini_extended_compute_accumulated(48, 32, DIM, DIM, DIM, DIM);
    for (l = 0; l < 2; l++) {
        gemmini_extended_mvout(out, 64 + 16 * l, DIM, DIM);
        for (i = 0; i < DIM; i++)
            for (j = 0; j < DIM; j++) {
                long acc = Dm[i][j];
                int8_t want;
                int q;
                for (q = 0; q < DIM; q++) acc += (long)(l == 0 ? A[i][q] : A2[i][q]) * B[q][j];
                want = ref_sat8(acc);
                if (act == RELU && want < 0) want = 0;
                if (out[i][j] != want) {
                    fail("scratchpad output", "act %d, compute %d: [%d][%d] = %d, want %d", act, l, i, j, out[i][j],
                         want);
                    return;
                }
            }
    }
}

/* ------------------------------------------------------------------------ */
/* Scaling helpers and allocation                                           */
/* ------------------------------------------------------------------------ */

static void test_scale_functions(void) {
    static const struct {
        int32_t x;
        float s;
        int32_t want;
    } ties[] = {{3, 0.5f, 2}, {5, 0.5f, 2}, {-3, 0.5f, -2}, {-5, 0.5f, -2}, {1, 0.5f, 0}, {-1, 0.5f, 0},
                {255, 0.5f, 127}, {-257, 0.5f, -128}, {7, 1.5f, 10}, {2147483647, 1.0f, 127}};
    size_t i;
    int n;
    for (i = 0; i < sizeof ties / sizeof ties[0]; i++)
        if (ACC_SCALE(ties[i].x, ties[i].s) != ties[i].want)
            fail("ACC_SCALE", "%d * %g = %d, want %d", ties[i].x, (double)ties[i].s, ACC_SCALE(ties[i].x, ties[i].s),
                 ties[i].want);
    for (n = 0; n < 200000; n++) {
        const int32_t x = (int32_t)rnd();
        const float s = (float)rnd_range(-1000000, 1000000) / (float)(1ull << rnd_range(0, 40));
        if (ACC_SCALE(x, s) != ref_scale(x, s)) {
            fail("ACC_SCALE", "%d * %g = %d, want %d", x, (double)s, ACC_SCALE(x, s), ref_scale(x, s));
            break;
        }
        if (MVIN_SCALE((int8_t)x, s) != ref_scale((int8_t)x, s)) {
            fail("MVIN_SCALE", "%d * %g", (int8_t)x, (double)s);
            break;
        }
    }
    if (ROUND_NEAR_EVEN(2.5) != 2.0 || ROUND_NEAR_EVEN(-3.5) != -4.0 || ROUND_NEAR_EVEN(0.49999) != 0.0 ||
        ROUND_NEAR_EVEN(1e300) != 1e300)
        fail("ROUND_NEAR_EVEN", "wrong rounding");
}

static void test_alloc(void) {
    uint64_t a, b, c, d;
    uint32_t x, y, z;
    gemmini_model_reset();
    a = gemm_malloc(1);
    b = gemm_malloc(17);
    c = gemm_malloc(16 * 16);
    if (a != 0 || b != 1 || c != 3) fail("gemm_malloc", "rows %llu %llu %llu, want 0 1 3", (unsigned long long)a,
                                         (unsigned long long)b, (unsigned long long)c);
    gemm_free(b);
    d = gemm_malloc(32); /* first fit: the hole b left */
    if (d != 1) fail("gemm_malloc", "reuse gave row %llu, want 1", (unsigned long long)d);
    gemm_free(a);
    gemm_free(c);
    gemm_free(d);
    if (gemmini_model_counts().spad_rows_peak != 19) fail("gemm_malloc", "peak %u", gemmini_model_counts().spad_rows_peak);
    a = gemm_malloc((size_t)GEMMINI_MODEL_SP_ROWS * DIM); /* the whole scratchpad */
    if (a != 0) fail("gemm_malloc", "whole scratchpad at row %llu", (unsigned long long)a);
    gemm_free(a);

    x = gemm_acc_malloc(DIM * sizeof(acc_t));
    y = gemm_acc_malloc(DIM * sizeof(acc_t) + 1);
    z = gemm_acc_malloc(16 * 16 * sizeof(acc_t));
    if (x != 0x80000000u || y != 0x80000001u || z != 0x80000003u)
        fail("gemm_acc_malloc", "0x%x 0x%x 0x%x, want 0x80000000 0x80000001 0x80000003", x, y, z);
    gemm_acc_free(y);
    gemm_acc_free(x);
    gemm_acc_free(z);
    gemm_acc_init_mem();
    x = gemm_acc_malloc((size_t)ACC_ROWS * DIM * sizeof(acc_t)); /* the whole accumulator */
    if (x != 0x80000000u) fail("gemm_acc_malloc", "whole accumulator at 0x%x", x);
}

/* ------------------------------------------------------------------------ */
/* Faults                                                                   */
/* ------------------------------------------------------------------------ */

static void setup_basic(void) {
    gemmini_model_reset();
    gemmini_extended_config_ex(WS, NO_ACTIVATION, 0, 1, 0, 0);
    gemmini_extended3_config_ld(DIM, MVIN_SCALE_IDENTITY, false, 0);
    gemmini_extended_config_st(DIM, NO_ACTIVATION, ACC_SCALE_IDENTITY);
}

static int8_t fault_buf[4 * DIM * DIM];

static void f_unconfigured_mvin(void) {
    gemmini_model_reset();
    gemmini_extended_mvin(fault_buf, 0, DIM, DIM);
}
static void f_unconfigured_mvout(void) {
    gemmini_model_reset();
    gemmini_extended_mvout(fault_buf, 0, DIM, DIM);
}
static void f_compute_without_preload(void) {
    setup_basic();
    gemmini_extended_compute_preloaded(0, GARBAGE_ADDR, DIM, DIM, DIM, DIM);
}
static void f_two_preloads(void) {
    setup_basic();
    gemmini_extended_preload(0, GEMMINI_MODEL_ACC_BIT, DIM, DIM, DIM, DIM);
    gemmini_extended_preload(0, GEMMINI_MODEL_ACC_BIT, DIM, DIM, DIM, DIM);
}
static void f_no_weights(void) {
    setup_basic();
    gemmini_extended_preload(GARBAGE_ADDR, GEMMINI_MODEL_ACC_BIT, DIM, DIM, DIM, DIM);
    gemmini_extended_compute_accumulated(0, GARBAGE_ADDR, DIM, DIM, DIM, DIM);
}
static void f_output_stationary(void) {
    setup_basic();
    gemmini_extended_config_ex(OS, NO_ACTIVATION, 0, 1, 0, 0);
    gemmini_preload(0, GEMMINI_MODEL_ACC_BIT);
    gemmini_compute_preloaded(0, GARBAGE_ADDR);
}
static void f_both_transposed(void) {
    setup_basic();
    gemmini_extended_config_ex(WS, NO_ACTIVATION, 0, 1, 1, 1);
}
static void f_mvin_cols(void) {
    setup_basic();
    gemmini_extended_mvin(fault_buf, 0, MAX_BLOCK_LEN * DIM + 1, 1);
}
static void f_mvin_acc_cols(void) {
    setup_basic();
    gemmini_extended_mvin(fault_buf, GEMMINI_MODEL_ACC_BIT, DIM + 1, 1);
}
static void f_mvin_rows(void) {
    setup_basic();
    gemmini_extended_mvin(fault_buf, 0, 1, DIM + 1);
}
static void f_block_stride(void) {
    setup_basic();
    gemmini_extended4_config_ld(DIM, MVIN_SCALE_IDENTITY, false, 8, 0);
    gemmini_extended_mvin(fault_buf, 0, DIM, 9);
}
static void f_acc_range(void) {
    setup_basic();
    gemmini_extended_mvin(0, GEMMINI_MODEL_ACC_BIT | (ACC_ROWS - 4), DIM, 8);
}
static void f_spad_range(void) {
    setup_basic();
    gemmini_extended_mvin(fault_buf, GEMMINI_MODEL_SP_ROWS - 16, 2 * DIM, DIM); /* second block past the end */
}
static void f_garbage_mvin(void) {
    setup_basic();
    gemmini_extended_mvin(fault_buf, (uint64_t)GARBAGE_ADDR, DIM, DIM);
}
static void f_pooling(void) {
    setup_basic();
    gemmini_extended2_config_st(DIM, NO_ACTIVATION, ACC_SCALE_IDENTITY, 1, 2, 8, 4, 4, 8, 8, 0, 0);
    gemmini_extended_mvout(fault_buf, GEMMINI_MODEL_ACC_BIT, DIM, DIM);
}
static void f_layernorm(void) {
    setup_basic();
    gemmini_extended_config_st(DIM, LAYERNORM, ACC_SCALE_IDENTITY);
    gemmini_extended_mvout(fault_buf, GEMMINI_MODEL_ACC_BIT, DIM, DIM);
}
static void f_loop_ws(void) {
    setup_basic();
    gemmini_model_rocc(k_LOOP_WS, 0, 0);
}
static void f_out_of_memory(void) {
    gemmini_model_reset();
    (void)gemm_malloc(8);
    (void)gemm_malloc((size_t)GEMMINI_MODEL_SP_ROWS * DIM);
}
static void f_acc_out_of_memory(void) {
    gemmini_model_reset();
    (void)gemm_acc_malloc((size_t)ACC_ROWS * DIM * sizeof(acc_t) + 1);
}
static void f_bad_free(void) {
    gemmini_model_reset();
    (void)gemm_malloc(64);
    gemm_free(1);
}
static void f_bad_acc_free(void) {
    gemmini_model_reset();
    gemm_acc_free(gemm_malloc(64));
}

static void expect_fault(const char *name, void (*body)(void), const char *insn, const char *needle) {
    if (setjmp(fault_env) == 0) {
        expecting_fault = 1;
        body();
        expecting_fault = 0;
        fail(name, "no fault");
        return;
    }
    if (strcmp(fault_insn, insn) != 0 || !strstr(fault_msg, needle))
        fail(name, "fault \"%s: %s\", want %s and \"%s\"", fault_insn, fault_msg, insn, needle);
}

static void test_faults(void) {
    expect_fault("unconfigured mvin", f_unconfigured_mvin, "gemmini_extended_mvin", "never set");
    expect_fault("unconfigured mvout", f_unconfigured_mvout, "gemmini_extended_mvout", "never set");
    expect_fault("compute without preload", f_compute_without_preload, "gemmini_extended_compute_preloaded",
                 "no preload");
    expect_fault("two preloads", f_two_preloads, "gemmini_extended_preload", "not followed by a compute");
    expect_fault("no weights", f_no_weights, "gemmini_extended_compute_accumulated", "no weights");
    expect_fault("output stationary", f_output_stationary, "gemmini_extended_compute_preloaded",
                 "output-stationary");
    expect_fault("both transposed", f_both_transposed, "gemmini_extended_config_ex", "transpose both");
    expect_fault("mvin columns", f_mvin_cols, "gemmini_extended_mvin", "at most 64 int8 columns");
    expect_fault("mvin int32 columns", f_mvin_acc_cols, "gemmini_extended_mvin", "at most 16 int32 columns");
    expect_fault("mvin rows", f_mvin_rows, "gemmini_extended_mvin", "at most DIM");
    expect_fault("mvin block stride", f_block_stride, "gemmini_extended_mvin", "block_mvin_stride");
    expect_fault("accumulator range", f_acc_range, "gemmini_extended_mvin", "outside the accumulator");
    expect_fault("scratchpad range", f_spad_range, "gemmini_extended_mvin", "outside the scratchpad");
    expect_fault("garbage mvin", f_garbage_mvin, "gemmini_extended_mvin", "outside the accumulator");
    expect_fault("pooling", f_pooling, "gemmini_extended_mvout", "max-pooling");
    expect_fault("layernorm", f_layernorm, "gemmini_extended_mvout", "activation");
    expect_fault("loop_ws", f_loop_ws, "gemmini_model_rocc", "not modelled");
    expect_fault("out of memory", f_out_of_memory, "gemm_malloc", "out of memory");
    expect_fault("accumulator out of memory", f_acc_out_of_memory, "gemm_acc_malloc", "out of memory");
    expect_fault("bad free", f_bad_free, "gemm_free", "not a live allocation");
    expect_fault("bad accumulator free", f_bad_acc_free, "gemm_acc_free", "not an accumulator address");
}

int main(void) {
    static const mm_case cases[] = {
        {1, 1, 1, 1.0f, 1.0f, NO_ACTIVATION, BIAS_NONE},
        {16, 16, 16, 1.0f, 0.5f, NO_ACTIVATION, BIAS_NONE},
        {16, 16, 16, 1.0f, 1.0f / 64, RELU, BIAS_ROW},
        {17, 33, 5, 1.0f, 0.25f, RELU, BIAS_FULL},
        {37, 50, 29, 0.5f, 1.0f / 3, NO_ACTIVATION, BIAS_ROW},
        {64, 64, 64, 1.0f, 1.0f / 128, RELU, BIAS_NONE},
        {100, 20, 70, -1.0f, 0.01f, NO_ACTIVATION, BIAS_FULL},
        {9, 70, 130, 1.5f, 1.0f / 256, RELU, BIAS_ROW},
        {128, 128, 40, 1.0f, 0.0625f, NO_ACTIVATION, BIAS_FULL}, /* the whole accumulator */
        {5, 200, 3, 1.0f, 2.0f, RELU, BIAS_NONE},
        {31, 47, 200, 0.25f, 1.0f / 100, NO_ACTIVATION, BIAS_ROW},
    };
    size_t i;
    rng_state = 0x12345678u;

    test_scale_functions();
    test_alloc();
    test_mvin_scale();
    test_acc_moves();
    test_spad_output(NO_ACTIVATION);
    test_spad_output(RELU);
    test_tile("tile", 13, 11, 9, false, false, 1, 1);
    test_tile("tile, A transposed", 13, 11, 9, true, false, 1, 1);
    test_tile("tile, B transposed", 12, 14, 7, false, true, 1, 1);
    test_tile("tile, A row stride 2", 8, 16, 16, false, false, 2, 1);
    test_tile("tile, C row stride 2", 16, 10, 16, false, false, 1, 2);
    gemmini_model_reset();
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) test_matmul(&cases[i]);
    test_faults();

    if (failures) {
        fprintf(stderr, "%d failure(s)\n", failures);
        return 1;
    }
    printf("gemmini model self-test: all checks passed\n");
    return 0;
}
