// Micro-kernel benchmark: each Exo SGEMM micro-kernel of ukernel_table.h (written
// by bench/ukernel_bench.py) called repeatedly on the same packed panels, small
// enough to stay in L1, against the FMA peak measured in the same binary.
//
// usage: ukernel_bench [K] [seconds per measurement]
#define _POSIX_C_SOURCE 200112L
#include <immintrin.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ukernel_table.h"

#ifdef __clang__
#define COMPILER "clang " __clang_version__
#else
#define COMPILER "gcc " __VERSION__
#endif

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

// FMA peak: 12 independent accumulator chains (the loops of gemm_bench.c).
__attribute__((target("avx2,fma"))) static double fma_peak_avx2(long iters) {
  __m256 acc[12];
  for (int i = 0; i < 12; i++) acc[i] = _mm256_set1_ps((float)i);
  const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
  double t0 = now();
  for (long it = 0; it < iters; it++)
    for (int i = 0; i < 12; i++) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
  double t = now() - t0;
  float sink = 0;
  for (int i = 0; i < 12; i++) sink += _mm256_cvtss_f32(acc[i]);
  if (sink == 12345.0f) puts("");
  return (double)iters * 12 * 8 * 2 / t * 1e-9;
}

__attribute__((target("avx512f"))) static double fma_peak_avx512(long iters) {
  __m512 acc[12];
  for (int i = 0; i < 12; i++) acc[i] = _mm512_set1_ps((float)i);
  const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
  double t0 = now();
  for (long it = 0; it < iters; it++)
    for (int i = 0; i < 12; i++) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
  double t = now() - t0;
  float sink = 0;
  for (int i = 0; i < 12; i++) sink += _mm512_reduce_add_ps(acc[i]);
  if (sink == 12345.0f) puts("");
  return (double)iters * 12 * 16 * 2 / t * 1e-9;
}

static double best_peak(double (*f)(long)) {
  double best = 0;
  for (int r = 0; r < 5; r++) {
    double g = f(20000000);
    if (g > best) best = g;
  }
  return best;
}

static float* alloc(size_t n) {
  float* p = aligned_alloc(64, ((n * sizeof(float) + 63) / 64) * 64);
  for (size_t i = 0; i < n; i++) p[i] = (float)((double)rand() / RAND_MAX - 0.5);
  return p;
}

static void call(const UKernel* u, int K, const float* A, const float* B, float* C) {
  struct exo_win_2f32c a = {A, {u->MR, 1}}, b = {B, {u->NR, 1}};
  struct exo_win_2f32 c = {C, {u->NR, 1}};
  u->fn(NULL, K, a, b, c);
}

// C += A^T B once, against a double-precision reference.
static int check(const UKernel* u, int K) {
  float *A = alloc((size_t)K * u->MR), *B = alloc((size_t)K * u->NR), *C = alloc(u->MR * u->NR);
  double* want = malloc(sizeof(double) * u->MR * u->NR);
  for (int i = 0; i < u->MR; i++)
    for (int j = 0; j < u->NR; j++) {
      double s = C[i * u->NR + j];
      for (int k = 0; k < K; k++) s += (double)A[k * u->MR + i] * B[k * u->NR + j];
      want[i * u->NR + j] = s;
    }
  call(u, K, A, B, C);
  int ok = 1;
  for (int i = 0; i < u->MR * u->NR; i++)
    if (fabs(C[i] - want[i]) > 1e-4 * K) ok = 0;
  free(A), free(B), free(C), free(want);
  return ok;
}

static double gflops(const UKernel* u, int K, double seconds) {
  float *A = alloc((size_t)K * u->MR), *B = alloc((size_t)K * u->NR), *C = alloc(u->MR * u->NR);
  long reps = 1000;
  for (;;) {  // calibrate to about `seconds`
    double t0 = now();
    for (long r = 0; r < reps; r++) call(u, K, A, B, C);
    if (now() - t0 > seconds / 4) break;
    reps *= 2;
  }
  double best = 0;
  for (int trial = 0; trial < 5; trial++) {
    double t0 = now();
    for (long r = 0; r < reps; r++) call(u, K, A, B, C);
    double g = 2.0 * u->MR * u->NR * K * reps / (now() - t0) * 1e-9;
    if (g > best) best = g;
  }
  free(A), free(B), free(C);
  return best;
}

int main(int argc, char** argv) {
  int K = argc > 1 ? atoi(argv[1]) : 256;
  double seconds = argc > 2 ? atof(argv[2]) : 0.2;
  int has512 = __builtin_cpu_supports("avx512f");
  double peak2 = best_peak(fma_peak_avx2), peak512 = has512 ? best_peak(fma_peak_avx512) : 0;
  printf("compiler: %s\nK = %d\nmeasured FMA peak: AVX2 %.1f GFLOP/s", COMPILER, K, peak2);
  if (has512) printf(", AVX-512 %.1f GFLOP/s", peak512);
  printf("\n%-26s %9s %9s  %s\n", "kernel", "GFLOP/s", "% peak", "check");
  for (int i = 0; i < (int)(sizeof(ukernels) / sizeof(ukernels[0])); i++) {
    const UKernel* u = &ukernels[i];
    if (u->avx512 && !has512) {
      printf("%-26s   skipped (no avx512f)\n", u->name);
      continue;
    }
    int ok = check(u, K);
    double g = gflops(u, K, seconds);
    printf("%-26s %9.1f %8.1f%%  %s\n", u->name, g, 100 * g / (u->avx512 ? peak512 : peak2),
           ok ? "ok" : "WRONG");
    if (!ok) return 1;
  }
  return 0;
}
