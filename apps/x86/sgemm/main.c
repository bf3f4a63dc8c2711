// Runner for the generated SGEMM library: checks SGEMM and SGEMM_PAR against a
// double-precision reference on random inputs, then times each.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sgemm.h"

typedef void (*sgemm_fn)(void*, int_fast32_t, int_fast32_t, int_fast32_t, const float*, const float*,
                         float*);

static float* random_matrix(long n) {
  float* m = malloc((size_t)n * sizeof(*m));
  for (long i = 0; i < n; i++) m[i] = (float)rand() / (float)RAND_MAX * 2.0f - 1.0f;
  return m;
}

static double seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

// One call on a copy of C0, compared with ref; then calls repeated for 0.5 s.
static int run(const char* name, sgemm_fn f, int M, int N, int K, const float* A, const float* B,
               const float* C0, const double* ref) {
  float* C = malloc((size_t)M * N * sizeof(*C));
  for (long i = 0; i < (long)M * N; i++) C[i] = C0[i];
  f(NULL, M, N, K, A, B, C);
  double max_err = 0;
  for (long i = 0; i < (long)M * N; i++) {
    double err = fabs(C[i] - ref[i]) / (1.0 + fabs(ref[i]));
    if (err > max_err) max_err = err;
  }
  int ok = max_err < 1e-4;
  int calls = 0;
  double start = seconds(), elapsed;
  do {
    f(NULL, M, N, K, A, B, C);
    calls++;
    elapsed = seconds() - start;
  } while (elapsed < 0.5);
  double per_call = elapsed / calls;
  printf("%-9s %dx%dx%d: %s (max relative error %.1e), %.3f ms per call, %.1f GFLOP/s\n", name, M, N,
         K, ok ? "OK" : "FAILED", max_err, per_call * 1e3, 2.0 * M * N * K / per_call * 1e-9);
  free(C);
  return ok;
}

int main(int argc, char* argv[]) {
  if (argc != 4 || atoi(argv[1]) < 1 || atoi(argv[2]) < 1 || atoi(argv[3]) < 1) {
    printf("Usage: %s M N K (all positive)\n", argv[0]);
    return EXIT_FAILURE;
  }
  int M = atoi(argv[1]), N = atoi(argv[2]), K = atoi(argv[3]);
  srand(42);
  float* A = random_matrix((long)M * K);
  float* B = random_matrix((long)K * N);
  float* C0 = random_matrix((long)M * N);
  double* ref = malloc((size_t)M * N * sizeof(*ref));
  for (int i = 0; i < M; i++)
    for (int j = 0; j < N; j++) {
      double acc = C0[(long)i * N + j];
      for (int k = 0; k < K; k++) acc += (double)A[(long)i * K + k] * (double)B[(long)k * N + j];
      ref[(long)i * N + j] = acc;
    }
  int ok = run("SGEMM", SGEMM, M, N, K, A, B, C0, ref);
  ok &= run("SGEMM_PAR", SGEMM_PAR, M, N, K, A, B, C0, ref);
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
