/*
 * Differential test of amx_model.h against real AMX: random tile
 * configurations and random sequences of loads, stores, zeroing and dot
 * products run both on the hardware and on the model, and every tile and the
 * configuration are compared bit for bit after each step.
 *
 * Needs an AMX CPU and Linux:
 *   gcc -std=c11 -O2 -Wall -Wextra -mamx-tile -mamx-int8 -mamx-bf16 \
 *       test_amx_model_vs_hw.c -o test_amx_model_vs_hw && ./test_amx_model_vs_hw [rounds [seed]]
 * Exits 0 (and says so) when the CPU or the kernel offers no AMX.
 */
/* Model faults end the process with an exit code (checked against the
   signal the hardware raises for the same misuse). */
static void test_fault(const char *insn, const char *msg);
#define AMX_MODEL_FAULT(insn, msg) test_fault((insn), (msg))
#include "amx_model.h"

#if AMX_MODEL_ACTIVE
#error "compile with -mamx-tile -mamx-int8 -mamx-bf16"
#endif

#include <cpuid.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

enum { EXIT_GP = 50, EXIT_UD = 51 };

static void test_fault(const char *insn, const char *msg) {
    (void)msg;
    _exit(strcmp(insn, "_tile_loadconfig") == 0 ? EXIT_GP : EXIT_UD);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}
static unsigned urand(unsigned n) { return (unsigned)(rnd() % n); }

/* Random bf16 (or fp32 upper half): with specials the special cases come
   often enough; without, all values are finite, mostly of ordinary size;
   tiny ones have products and sums around the smallest normal fp32. */
static uint16_t rand_bf16(int specials) {
    unsigned sign = urand(2) << 15, exp, man = urand(128);
    if (specials == 2) return (uint16_t)(sign | ((52 + urand(24)) << 7) | (urand(4) ? man : 0));
    switch (specials ? urand(16) : 3 + urand(13)) {
    case 0: exp = 0; break;                      /* zero or denormal */
    case 1: exp = 255; break;                    /* inf or NaN */
    case 2: exp = urand(256); break;             /* anything */
    case 3: exp = 1 + urand(3); break;           /* near the denormal edge */
    case 4: exp = 250 + urand(5); break;         /* near overflow */
    default: exp = 120 + urand(16); break;       /* ordinary */
    }
    return (uint16_t)(sign | (exp << 7) | man);
}

static void fill(uint8_t *buf, size_t n, int kind) {
    size_t i;
    for (i = 0; i < n; i += 2) {
        uint16_t v;
        switch (kind) {
        case 0: v = (uint16_t)rnd(); break;  /* random bits */
        case 1: v = rand_bf16(1); break;     /* bf16 / fp32 patterns */
        case 2: v = rand_bf16(0); break;     /* finite bf16 / fp32 patterns */
        case 3: v = rand_bf16(2); break;     /* tiny bf16 / fp32 patterns */
        default: v = (uint16_t)(urand(2) ? 0x8080 + urand(3) - 1 : (uint16_t)rnd()); break;
        }
        memcpy(buf + i, &v, 2);
    }
}

static const char *op_name[] = {"loadd", "stream_loadd", "zero", "dpbssd", "dpbsud",
                                "dpbusd", "dpbuud", "dpbf16ps", "stored"};

/* The real intrinsics paste the tile number into the instruction text, so
   it must be a literal: X(n) is expanded for each n. */
#define FOR_TILE(t, X)                                                                     \
    switch (t) {                                                                           \
    case 0: X(0); break;                                                                   \
    case 1: X(1); break;                                                                   \
    case 2: X(2); break;                                                                   \
    case 3: X(3); break;                                                                   \
    case 4: X(4); break;                                                                   \
    case 5: X(5); break;                                                                   \
    case 6: X(6); break;                                                                   \
    default: X(7); break;                                                                  \
    }

static long f32_kinds[4]; /* zero, finite, inf, NaN results of dpbf16ps */

static unsigned char hw_store_buf[16 * 64], model_store_buf[16 * 64];

/* Compares tile t of hardware and model over its configured shape. */
static int compare_tile(int t, unsigned rows, unsigned colsb, long step, int op) {
    unsigned r;
    memset(hw_store_buf, 0xa5, sizeof hw_store_buf);
    memset(model_store_buf, 0xa5, sizeof model_store_buf);
#define STORE_TO_BUF(T) _tile_stored(T, hw_store_buf, 64)
    FOR_TILE(t, STORE_TO_BUF)
    amx_model_tile_stored(t, model_store_buf, 64);
    for (r = 0; r < rows; r++) {
        if (memcmp(hw_store_buf + 64 * r, model_store_buf + 64 * r, colsb)) {
            unsigned c;
            for (c = 0; c < colsb && hw_store_buf[64 * r + c] == model_store_buf[64 * r + c]; c++)
                ;
            c &= ~3u;
            {
                uint32_t h, m;
                memcpy(&h, hw_store_buf + 64 * r + c, 4);
                memcpy(&m, model_store_buf + 64 * r + c, 4);
                fprintf(stderr,
                        "MISMATCH after step %ld (%s): tile %d (%ux%u bytes) row %u byte %u: "
                        "hardware 0x%08x, model 0x%08x\n",
                        step, op_name[op], t, rows, colsb, r, c, (unsigned)h, (unsigned)m);
            }
            return 1;
        }
    }
    return 0;
}

/* The real dot products need constant, distinct tile numbers: a fixed list
   of (dst, a, b) triples that puts every tile in every role. */
static const int triples[16][3] = {{0, 1, 2}, {3, 4, 5}, {6, 7, 0}, {1, 2, 3}, {4, 5, 6}, {7, 0, 1},
                                   {2, 3, 4}, {5, 6, 7}, {2, 1, 0}, {5, 4, 3}, {0, 7, 6}, {3, 2, 1},
                                   {6, 5, 4}, {1, 0, 7}, {4, 3, 2}, {7, 6, 5}};

static void hw_dp(int op, int j) {
#define DP_CASE(J, D, A, B)                                                                \
    case J:                                                                                \
        switch (op) {                                                                      \
        case 3: _tile_dpbssd(D, A, B); break;                                              \
        case 4: _tile_dpbsud(D, A, B); break;                                              \
        case 5: _tile_dpbusd(D, A, B); break;                                              \
        case 6: _tile_dpbuud(D, A, B); break;                                              \
        default: _tile_dpbf16ps(D, A, B); break;                                           \
        }                                                                                  \
        break;
    switch (j) {
        DP_CASE(0, 0, 1, 2) DP_CASE(1, 3, 4, 5) DP_CASE(2, 6, 7, 0) DP_CASE(3, 1, 2, 3)
        DP_CASE(4, 4, 5, 6) DP_CASE(5, 7, 0, 1) DP_CASE(6, 2, 3, 4) DP_CASE(7, 5, 6, 7)
        DP_CASE(8, 2, 1, 0) DP_CASE(9, 5, 4, 3) DP_CASE(10, 0, 7, 6) DP_CASE(11, 3, 2, 1)
        DP_CASE(12, 6, 5, 4) DP_CASE(13, 1, 0, 7) DP_CASE(14, 4, 3, 2) DP_CASE(15, 7, 6, 5)
    default: break;
    }
}

static void model_dp(int op, int d, int a, int b) {
    switch (op) {
    case 3: amx_model_tile_dpbssd(d, a, b); break;
    case 4: amx_model_tile_dpbsud(d, a, b); break;
    case 5: amx_model_tile_dpbusd(d, a, b); break;
    case 6: amx_model_tile_dpbuud(d, a, b); break;
    default: amx_model_tile_dpbf16ps(d, a, b); break;
    }
}

/* Runs one configuration and one operation (hardware or model) in a child
   process; returns 0 (no fault), EXIT_GP (#GP / SIGSEGV) or EXIT_UD (#UD /
   SIGILL), or -1 for anything else. */
static int run_case(int model, const uint8_t *cfg, int op, int t, int j) {
    static uint8_t mem[16 * 64];
    pid_t pid;
    int status;
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        if (model) {
            amx_model_loadconfig(cfg);
            if (op <= 1) amx_model_tile_loadd(t, mem, 64);
            else if (op == 2) amx_model_tile_zero(t);
            else if (op == 8) amx_model_tile_stored(t, mem, 64);
            else if (op < 8) model_dp(op, triples[j][0], triples[j][1], triples[j][2]);
        } else {
            _tile_loadconfig(cfg);
#define F_LOAD(T) _tile_loadd(T, mem, 64)
#define F_ZERO(T) _tile_zero(T)
#define F_STORE(T) _tile_stored(T, mem, 64)
            if (op <= 1) { FOR_TILE(t, F_LOAD) }
            else if (op == 2) { FOR_TILE(t, F_ZERO) }
            else if (op == 8) { FOR_TILE(t, F_STORE) }
            else if (op < 8) hw_dp(op, j);
        }
        _exit(0);
    }
    if (waitpid(pid, &status, 0) < 0) return -1;
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV) return EXIT_GP;
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGILL) return EXIT_UD;
    return -1;
}

/* Random, often invalid, configurations and operations: the model must fault
   exactly when the hardware does, with the same kind of fault. */
static int check_faults(long rounds) {
    long n, cases = rounds / 4 + 200, count[3] = {0};
    for (n = 0; n < cases; n++) {
        uint8_t cfg[64];
        int i, op = (int)urand(10), t = (int)urand(8), j = (int)urand(16), hw, model;
        unsigned M = 1 + urand(16), K = 1 + urand(16), N = 1 + urand(16);
        memset(cfg, 0, sizeof cfg);
        cfg[0] = urand(16) ? 1 : (uint8_t)urand(3);
        if (urand(4) == 0) cfg[1] = (uint8_t)urand(20);
        for (i = 0; i < 8; i++) {
            unsigned rows = 1 + urand(16), colsb = 4 * (1 + urand(16));
            if (urand(2)) { /* shapes that fit the dot product of triple j */
                if (i == triples[j][0]) { rows = M; colsb = 4 * N; }
                if (i == triples[j][1]) { rows = M; colsb = 4 * K; }
                if (i == triples[j][2]) { rows = K; colsb = 4 * N; }
            }
            switch (urand(96)) { /* occasionally something off */
            case 0: rows = 0; colsb = 0; break;
            case 1: rows = urand(18); break;
            case 2: colsb = urand(70); break;
            case 3: colsb = 1 + urand(64); break;
            case 4: rows = 0; break;
            case 5: colsb = 0; break;
            case 6: colsb = 256 + 4 * urand(4); break;
            default: break;
            }
            cfg[16 + 2 * i] = (uint8_t)(colsb & 0xff);
            cfg[17 + 2 * i] = (uint8_t)(colsb >> 8);
            cfg[48 + i] = (uint8_t)rows;
        }
        if (urand(32) == 0) cfg[2 + urand(14)] = 1;
        if (urand(32) == 0) cfg[32 + urand(16)] = 1;
        if (urand(32) == 0) cfg[56 + urand(8)] = 1;
        hw = run_case(0, cfg, op, t, j);
        model = run_case(1, cfg, op, t, j);
        if (hw != model || hw < 0) {
            fprintf(stderr, "FAULT MISMATCH: op %s tile %d triple %d: hardware %d, model %d; config",
                    op < 9 ? op_name[op] : "none", t, j, hw, model);
            for (i = 0; i < 64; i++) fprintf(stderr, " %u", cfg[i]);
            fprintf(stderr, "\n");
            return 1;
        }
        count[hw == 0 ? 0 : hw == EXIT_GP ? 1 : 2]++;
    }
    printf("fault checks: %ld cases, %ld run, %ld #GP, %ld #UD, same on model and hardware\n", cases,
           count[0], count[1], count[2]);
    return 0;
}

/* Dot products whose sums end near the smallest normal fp32, where flushing
   to zero and rounding meet: one 16 x 16 tile of results per batch, each
   from two k steps of products around 2^-126 and much smaller ones. */
static int check_near_flt_min(long batches) {
    static const uint8_t cfg[64] = {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                    64, 0, 8, 0, 64, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                    16, 16, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    static uint16_t a[16][4], b[2][32];
    static uint32_t c[16][16], hw[16][16], model[16][16];
    long n;
    unsigned i, j;
    for (n = 0; n < batches; n++) {
        for (i = 0; i < 16; i++)
            for (j = 0; j < 4; j++) {
                /* k = 0: about 2^-63 each; k = 1: 2^-70 .. 2^-90 */
                unsigned e = j < 2 ? 63 + urand(3) : 37 + urand(21);
                a[i][j] = (uint16_t)((urand(2) << 15) | (e << 7) | (urand(2) ? 0 : urand(128)));
            }
        for (i = 0; i < 2; i++)
            for (j = 0; j < 32; j++) {
                unsigned e = i == 0 ? 63 + urand(3) : 37 + urand(21);
                b[i][j] = (uint16_t)((urand(2) << 15) | (e << 7) | (urand(2) ? 0 : urand(128)));
            }
        for (i = 0; i < 16; i++)
            for (j = 0; j < 16; j++)
                c[i][j] = urand(2) ? 0 : (uint32_t)((urand(2) << 31) | ((1 + urand(3)) << 23) | urand(1u << 23));
        _tile_loadconfig(cfg);
        _tile_loadd(0, c, 64);
        _tile_loadd(1, a, 8);
        _tile_loadd(2, b, 64);
        _tile_dpbf16ps(0, 1, 2);
        _tile_stored(0, hw, 64);
        amx_model_loadconfig(cfg);
        amx_model_tile_loadd(0, c, 64);
        amx_model_tile_loadd(1, a, 8);
        amx_model_tile_loadd(2, b, 64);
        amx_model_tile_dpbf16ps(0, 1, 2);
        amx_model_tile_stored(0, model, 64);
        for (i = 0; i < 16; i++)
            for (j = 0; j < 16; j++)
                if (hw[i][j] != model[i][j]) {
                    fprintf(stderr,
                            "MISMATCH near FLT_MIN: a = %04x %04x %04x %04x, b = %04x %04x / %04x %04x, "
                            "c = %08x: hardware %08x, model %08x\n",
                            a[i][0], a[i][1], a[i][2], a[i][3], b[0][2 * j], b[0][2 * j + 1],
                            b[1][2 * j], b[1][2 * j + 1], (unsigned)c[i][j], (unsigned)hw[i][j],
                            (unsigned)model[i][j]);
                    return 1;
                }
    }
    printf("near FLT_MIN: %ld dpbf16ps results agree\n", batches * 256);
    return 0;
}

int main(int argc, char **argv) {
    unsigned eax, ebx, ecx, edx;
    long rounds = argc > 1 ? atol(argv[1]) : 3000, round, step = 0;
    long ops_done[9] = {0};
    int i;

    if (argc > 2) rng_state = strtoull(argv[2], NULL, 0) | 1; /* seed */

    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) || !(edx & (1u << 24)) ||
        !(edx & (1u << 25)) || !(edx & (1u << 22))) {
        printf("SKIP: this CPU has no AMX-TILE/INT8/BF16\n");
        return 0;
    }
    if (amx_request_permission() != 0) {
        printf("SKIP: the kernel does not grant the AMX tile state\n");
        return 0;
    }

    for (round = 0; round < rounds; round++) {
        /* Shapes: role 0 = C (M x 4N bytes), 1 = A (M x 4K), 2 = B (K x 4N), 3 = other */
        unsigned M = 1 + urand(16), K = 1 + urand(16), N = 1 + urand(16);
        unsigned rows[8], colsb[8];
        int role[8];
        uint8_t cfg[64], hw_cfg[64], model_cfg[64];
        int s, j = (int)urand(16);
        memset(cfg, 0, sizeof cfg);
        cfg[0] = 1;
        for (i = 0; i < 8; i++) role[i] = 3;
        role[triples[j][0]] = 0;
        role[triples[j][1]] = 1;
        role[triples[j][2]] = 2;
        for (i = 0; i < 8; i++) {
            switch (role[i]) {
            case 0: rows[i] = M; colsb[i] = 4 * N; break;
            case 1: rows[i] = M; colsb[i] = 4 * K; break;
            case 2: rows[i] = K; colsb[i] = 4 * N; break;
            default: rows[i] = 1 + urand(16); colsb[i] = 4 * (1 + urand(16)); break;
            }
            cfg[16 + 2 * i] = (uint8_t)colsb[i];
            cfg[48 + i] = (uint8_t)rows[i];
        }
        /* a pending restart row, honoured by the first load or store */
        if (urand(8) == 0) cfg[1] = (uint8_t)urand(rows[0]);
        _tile_loadconfig(cfg);
        amx_model_loadconfig(cfg);
        if (cfg[1]) { /* first op: a load or a store of tile 0 */
            static uint8_t hw_mem[16 * 128], model_mem[16 * 128];
            fill(hw_mem, sizeof hw_mem, 0);
            memcpy(model_mem, hw_mem, sizeof hw_mem);
            if (urand(2)) {
                _tile_loadd(0, hw_mem, 128);
                amx_model_tile_loadd(0, model_mem, 128);
            } else {
                _tile_stored(0, hw_mem, 128);
                amx_model_tile_stored(0, model_mem, 128);
                if (memcmp(hw_mem, model_mem, sizeof hw_mem)) {
                    fprintf(stderr, "MISMATCH: store with start_row %u\n", cfg[1]);
                    return 1;
                }
            }
        }

        for (s = 0; s < 40; s++, step++) {
            int op = (int)urand(9), t = (int)urand(8);
            static uint8_t mem[2 * 16 * 200 + 64];
            long stride = (long)colsb[t] + 4 * (long)urand(8);
            uint8_t *base = mem;
            if (urand(4) == 0) { /* negative stride: start from the last row */
                base = mem + (rows[t] - 1) * stride;
                stride = -stride;
            }
            ops_done[op]++;
            if (op <= 1) {
                fill(mem, sizeof mem, (int)urand(5));
#define LOAD(T) _tile_loadd(T, base, stride)
#define STREAM_LOAD(T) _tile_stream_loadd(T, base, stride)
                if (op == 0) { FOR_TILE(t, LOAD) }
                else { FOR_TILE(t, STREAM_LOAD) }
                if (op == 0) amx_model_tile_loadd(t, base, stride);
                else amx_model_tile_stream_loadd(t, base, stride);
            } else if (op == 2) {
#define ZERO(T) _tile_zero(T)
                FOR_TILE(t, ZERO)
                amx_model_tile_zero(t);
            } else if (op == 8) {
                static uint8_t hw_mem[sizeof mem], model_mem[sizeof mem];
                ptrdiff_t off = base - mem;
                fill(hw_mem, sizeof hw_mem, 0);
                memcpy(model_mem, hw_mem, sizeof hw_mem);
#define STORE(T) _tile_stored(T, hw_mem + off, stride)
                FOR_TILE(t, STORE)
                amx_model_tile_stored(t, model_mem + off, stride);
                if (memcmp(hw_mem, model_mem, sizeof hw_mem)) {
                    fprintf(stderr, "MISMATCH after step %ld (stored): memory differs\n", step);
                    return 1;
                }
            } else {
                hw_dp(op, j);
                model_dp(op, triples[j][0], triples[j][1], triples[j][2]);
                if (op == 7) { /* what kinds of fp32 values the comparison saw */
                    int d = triples[j][0];
                    unsigned r, c;
                    for (r = 0; r < rows[d]; r++)
                        for (c = 0; c < colsb[d]; c += 4) {
                            uint32_t u;
                            memcpy(&u, &amx_model_state.data[d][r][c], 4);
                            u &= 0x7fffffffu;
                            f32_kinds[u == 0 ? 0 : u < 0x7f800000u ? 1 : u == 0x7f800000u ? 2 : 3]++;
                        }
                }
            }
            for (i = 0; i < 8; i++)
                if (compare_tile(i, rows[i], colsb[i], step, op)) return 1;
        }
        _tile_storeconfig(hw_cfg);
        amx_model_storeconfig(model_cfg);
        if (memcmp(hw_cfg, model_cfg, 64)) {
            fprintf(stderr, "MISMATCH: stored configurations differ in round %ld\n", round);
            return 1;
        }
    }
    _tile_release();
    amx_model_release();
    {
        uint8_t hw_cfg[64], model_cfg[64];
        _tile_storeconfig(hw_cfg);
        amx_model_storeconfig(model_cfg);
        if (memcmp(hw_cfg, model_cfg, 64)) {
            fprintf(stderr, "MISMATCH: configurations differ after release\n");
            return 1;
        }
    }
    if (check_faults(rounds)) return 1;
    if (check_near_flt_min(rounds * 10)) return 1;
    printf("OK: %ld rounds, %ld steps, hardware and model agree bit for bit\n", rounds, step);
    for (i = 0; i < 9; i++) printf("  %-13s %ld\n", op_name[i], ops_done[i]);
    printf("dpbf16ps results compared: %ld zero, %ld finite nonzero, %ld inf, %ld NaN\n",
           f32_kinds[0], f32_kinds[1], f32_kinds[2], f32_kinds[3]);
    return 0;
}
