// Shared by the benchmarks: a monotonic clock and the machine's FMA peak,
// measured by independent accumulator chains (12, enough to hide FMA latency).
#ifndef EXO_BENCH_FMA_PEAK_H
#define EXO_BENCH_FMA_PEAK_H

#include <immintrin.h>
#include <stdio.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

// ---- FMA peak: independent accumulator chains, enough to hide FMA latency ----
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
  if (sink == 12345.0f) puts("");  // keep the chains alive
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

#endif
