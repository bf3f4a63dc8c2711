// The Exo-generated kernels the benchmark links in.
#pragma once

typedef struct {
  const char* name;
  // C += A * B, row-major, A: M x K, B: K x N, C: M x N.
  void (*run)(int M, int N, int K, const float* A, const float* B, float* C);
  int max_size;  // shapes with M*N*K above max_size^3 are skipped (slow naive code)
} Contender;

// Fills `out` with the Exo kernels built into this binary; returns how many.
int exo_bench_contenders(Contender* out, int threads);
