// Runner for the generated example_sgemm: times it and checks its result against
// a straightforward double-precision reference on random inputs.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "example.h"

static float* random_matrix(int n) {
  float* m = malloc((size_t)n * sizeof(*m));
  for (int i = 0; i < n; i++) m[i] = (float)rand() / (float)RAND_MAX * 2.0f - 1.0f;
  return m;
}

static double seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char* argv[]) {
  if (argc != 4) {
    printf("Usage: %s M N K\n", argv[0]);
    return EXIT_FAILURE;
  }
  int M = atoi(argv[1]), N = atoi(argv[2]), K = atoi(argv[3]);
  if (M < 1 || N < 1 || K < 1) {
    printf("M, N, and K must all be positive!\n");
    return EXIT_FAILURE;
  }
  srand(42);
  float* A = random_matrix(M * K);
  float* B = random_matrix(K * N);
  float* C = random_matrix(M * N);
  double* ref = malloc((size_t)M * N * sizeof(*ref));
  for (int i = 0; i < M; i++)
    for (int j = 0; j < N; j++) {
      double acc = C[i * N + j];
      for (int k = 0; k < K; k++) acc += (double)A[i * K + k] * (double)B[k * N + j];
      ref[i * N + j] = acc;
    }

  // Correctness: one call on the random inputs.
  example_sgemm(NULL, M, N, K, C, A, B);
  double max_err = 0;
  for (int i = 0; i < M * N; i++) {
    double err = fabs(C[i] - ref[i]) / (1.0 + fabs(ref[i]));
    if (err > max_err) max_err = err;
  }
  int ok = max_err < 1e-4;
  printf("correctness: %s (max relative error %.2e vs double-precision reference)\n",
         ok ? "OK" : "FAILED", max_err);

  // Speed: repeat until at least 0.5 s has passed.
  int trials = 0;
  double start = seconds(), elapsed;
  do {
    example_sgemm(NULL, M, N, K, C, A, B);
    trials++;
    elapsed = seconds() - start;
  } while (elapsed < 0.5);
  double per_call = elapsed / trials;
  printf("example_sgemm %dx%dx%d: %.3f ms per call, %.2f GFLOP/s (%d calls)\n", M, N, K,
         per_call * 1e3, 2.0 * M * N * K / per_call * 1e-9, trials);
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
