// Adapters from the benchmark's calling convention to the Exo-generated kernels.
#include <stddef.h>
#include <stdint.h>

#include "bench_kernels.h"
#include "example.h"  // the naive SGEMM of examples/sgemm/example.py
#ifdef HAVE_EXO_SGEMM
#include "sgemm.h"  // apps/x86/sgemm: SGEMM (single thread) and SGEMM_PAR
#endif

static void run_naive(int M, int N, int K, const float* A, const float* B, float* C) {
  example_sgemm(NULL, M, N, K, C, A, B);
}

#ifdef HAVE_EXO_SGEMM_OPENMP
// The same SGEMM_PAR compiled with -fopenmp -DEXO_PAR_USE_OPENMP (its chunks
// under `omp parallel for`), the symbol renamed: how OpenMP's barrier fares
// when a core is busy, in the same run.
void SGEMM_PAR_openmp(void* ctxt, int_fast32_t M, int_fast32_t N, int_fast32_t K, const float* A,
                      const float* B, float* C);
static void run_sgemm_par_openmp(int M, int N, int K, const float* A, const float* B, float* C) {
  SGEMM_PAR_openmp(NULL, M, N, K, A, B, C);
}
#endif

#ifdef HAVE_EXO_SGEMM
static void run_sgemm(int M, int N, int K, const float* A, const float* B, float* C) {
  SGEMM(NULL, M, N, K, A, B, C);
}
static void run_sgemm_par(int M, int N, int K, const float* A, const float* B, float* C) {
  SGEMM_PAR(NULL, M, N, K, A, B, C);
}
// The AVX2 variant: the same vector width as the OpenBLAS kernels this
// machine's Debian OpenBLAS selects (Haswell), for a like-for-like comparison.
static void run_sgemm_avx2(int M, int N, int K, const float* A, const float* B, float* C) {
  SGEMM_AVX2(NULL, M, N, K, A, B, C);
}
#endif

int exo_bench_contenders(Contender* out, int threads) {
  int n = 0;
#ifdef HAVE_EXO_SGEMM
  if (threads == 1) {
    out[n++] = (Contender){"Exo SGEMM", run_sgemm, 1 << 30};
    out[n++] = (Contender){"Exo SGEMM_AVX2", run_sgemm_avx2, 1 << 30};
  } else {  // the single-threaded one too: SGEMM_PAR must never be slower
    out[n++] = (Contender){"Exo SGEMM_PAR", run_sgemm_par, 1 << 30};
#ifdef HAVE_EXO_SGEMM_OPENMP
    out[n++] = (Contender){"SGEMM_PAR/OpenMP", run_sgemm_par_openmp, 1 << 30};
#endif
    out[n++] = (Contender){"Exo SGEMM", run_sgemm, 1 << 30};
  }
#endif
  out[n++] = (Contender){"Exo naive", run_naive, 256};
  return n;
}
