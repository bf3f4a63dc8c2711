// Micro-kernel benchmark: each Exo SGEMM micro-kernel of ukernel_table.h (written
// by bench/ukernel_bench.py) called repeatedly on the same packed panels, small
// enough to stay in L1, against the FMA peak measured in the same binary.
//
// usage: ukernel_bench [K] [seconds per kernel, split into short interleaved trials]
#define _POSIX_C_SOURCE 200112L
#include <immintrin.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ukernel_table.h"
#include "fma_peak.h"

#ifdef __clang__
#define COMPILER "clang " __clang_version__
#else
#define COMPILER "gcc " __VERSION__
#endif

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

// One timed trial: `reps` calls on the same panels.
typedef struct {
  const UKernel* u;
  float *A, *B, *C;
  long reps;
} Run;

static double trial(const Run* r, int K) {
  double t0 = now();
  for (long i = 0; i < r->reps; i++) call(r->u, K, r->A, r->B, r->C);
  return 2.0 * r->u->MR * r->u->NR * K * r->reps / (now() - t0) * 1e-9;
}

// The machine may be shared: many short trials, interleaved across the peak
// loops and the kernels so that each gets a chance at an undisturbed moment, and
// the best of each kept.
enum { kRounds = 40, kMaxKernels = 64 };

int main(int argc, char** argv) {
  int K = argc > 1 ? atoi(argv[1]) : 256;
  double seconds = argc > 2 ? atof(argv[2]) : 0.3;  // per kernel, all rounds together
  int has512 = __builtin_cpu_supports("avx512f");
  int n = (int)(sizeof(ukernels) / sizeof(ukernels[0]));
  if (n > kMaxKernels) n = kMaxKernels;
  Run runs[kMaxKernels];
  int ok[kMaxKernels];
  double best[kMaxKernels] = {0}, peak2 = 0, peak512 = 0;
  for (int i = 0; i < n; i++) {
    const UKernel* u = &ukernels[i];
    runs[i] = (Run){u, alloc((size_t)K * u->MR), alloc((size_t)K * u->NR), alloc(u->MR * u->NR), 16};
    if (u->avx512 && !has512) continue;
    ok[i] = check(u, K);
    // Calibrate one trial to seconds / kRounds.
    for (double t0 = now(); (void)trial(&runs[i], K), now() - t0 < seconds / kRounds; t0 = now())
      runs[i].reps *= 2;
  }
  long peak_iters = 2000000;  // about 5 ms a trial at peak
  for (int round = 0; round < kRounds; round++) {
    double g = fma_peak_avx2(peak_iters);
    if (g > peak2) peak2 = g;
    if (has512 && (g = fma_peak_avx512(peak_iters)) > peak512) peak512 = g;
    for (int i = 0; i < n; i++) {
      if (runs[i].u->avx512 && !has512) continue;
      if ((g = trial(&runs[i], K)) > best[i]) best[i] = g;
    }
  }
  printf("compiler: %s\nK = %d\nmeasured FMA peak: AVX2 %.1f GFLOP/s", COMPILER, K, peak2);
  if (has512) printf(", AVX-512 %.1f GFLOP/s", peak512);
  printf("\n%-26s %9s %9s  %s\n", "kernel", "GFLOP/s", "% peak", "check");
  int status = 0;
  for (int i = 0; i < n; i++) {
    const UKernel* u = &ukernels[i];
    if (u->avx512 && !has512) {
      printf("%-26s   skipped (no avx512f)\n", u->name);
      continue;
    }
    printf("%-26s %9.1f %8.1f%%  %s\n", u->name, best[i],
           100 * best[i] / (u->avx512 ? peak512 : peak2), ok[i] ? "ok" : "WRONG");
    status |= !ok[i];
  }
  return status;
}
