// SGEMM benchmark: Exo-generated kernels against OpenBLAS and BLIS, and against
// the machine's FMA peak, all measured in the same run.
//
// OpenBLAS and BLIS both export `cblas_sgemm`, so each is loaded with dlopen
// (RTLD_LOCAL) and called through its own handle. Exo kernels are linked in; which
// ones exist is decided at build time (see run_gemm_bench.sh).
//
// Every configuration's result is checked before timing: C += A*B on random data
// against a double-precision reference on sampled entries, with the forward error
// bound |c - ref| <= 2*K*u*sum_k |a_ik*b_kj| + 1e-6 (u = 2^-24).

#define _GNU_SOURCE
#include <dlfcn.h>
#include <immintrin.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_kernels.h"
#include "fma_peak.h"

typedef void (*cblas_sgemm_fn)(int, int, int, int, int, int, float, const float*, int, const float*,
                               int, float, float*, int);
enum { kRowMajor = 101, kNoTrans = 111 };

static double best_of(double (*f)(long), long iters, int reps) {
  double best = 0;
  for (int r = 0; r < reps; r++) {
    double g = f(iters);
    if (g > best) best = g;
  }
  return best;
}

// ---- the contenders ----
// OpenBLAS twice: with the kernels it picks for this CPU, and, on AVX-512 CPUs,
// forced to its AVX-512 ones (OPENBLAS_CORETYPE=SkylakeX, read when the library
// loads: Debian's 0.3.21 does not recognise every AVX-512 CPU and may fall back
// to its AVX2 kernels). The second is a copy of the library file, so that the
// dynamic loader loads it as a separate instance.
static cblas_sgemm_fn openblas_sgemm, openblas_skx_sgemm, blis_sgemm;

static void run_openblas(int M, int N, int K, const float* A, const float* B, float* C) {
  openblas_sgemm(kRowMajor, kNoTrans, kNoTrans, M, N, K, 1.0f, A, K, B, N, 1.0f, C, N);
}
static void run_openblas_skx(int M, int N, int K, const float* A, const float* B, float* C) {
  openblas_skx_sgemm(kRowMajor, kNoTrans, kNoTrans, M, N, K, 1.0f, A, K, B, N, 1.0f, C, N);
}
static void run_blis(int M, int N, int K, const float* A, const float* B, float* C) {
  blis_sgemm(kRowMajor, kNoTrans, kNoTrans, M, N, K, 1.0f, A, K, B, N, 1.0f, C, N);
}

static void* open_lib(const char* lib) {
  void* h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    fprintf(stderr, "cannot load %s: %s\n", lib, dlerror());
    exit(2);
  }
  return h;
}

static void* symbol(void* lib, const char* lib_name, const char* sym) {
  void* f = dlsym(lib, sym);
  if (!f) {
    fprintf(stderr, "%s has no %s\n", lib_name, sym);
    exit(2);
  }
  return f;
}

// Loads the libraries (the SkylakeX OpenBLAS when `skx_copy` is given), sets
// their thread counts and prints which kernels each one uses.
static void load_libraries(const char* skx_copy, int threads) {
  void* ob = open_lib("libopenblas.so.0");
  void* bl = open_lib("libblis.so.4");
  openblas_sgemm = (cblas_sgemm_fn)symbol(ob, "OpenBLAS", "cblas_sgemm");
  blis_sgemm = (cblas_sgemm_fn)symbol(bl, "BLIS", "cblas_sgemm");
  ((void (*)(int))symbol(ob, "OpenBLAS", "openblas_set_num_threads"))(threads);
  ((void (*)(long))symbol(bl, "BLIS", "bli_thread_set_num_threads"))(threads);
  char* (*ob_core)(void) = (char* (*)(void))symbol(ob, "OpenBLAS", "openblas_get_corename");
  int (*bl_arch)(void) = (int (*)(void))symbol(bl, "BLIS", "bli_arch_query_id");
  const char* (*bl_arch_name)(int) = (const char* (*)(int))symbol(bl, "BLIS", "bli_arch_string");
  printf("OpenBLAS kernels: %s\n", ob_core());
  if (skx_copy) {
    setenv("OPENBLAS_CORETYPE", "SkylakeX", 1);
    void* skx = open_lib(skx_copy);
    unsetenv("OPENBLAS_CORETYPE");
    openblas_skx_sgemm = (cblas_sgemm_fn)symbol(skx, "OpenBLAS copy", "cblas_sgemm");
    ((void (*)(int))symbol(skx, "OpenBLAS copy", "openblas_set_num_threads"))(threads);
    char* (*skx_core)(void) = (char* (*)(void))symbol(skx, "OpenBLAS copy", "openblas_get_corename");
    printf("OpenBLAS-SKX kernels: %s (OPENBLAS_CORETYPE=SkylakeX)\n", skx_core());
  }
  printf("BLIS kernels: %s (its choice for this CPU)\n", bl_arch_name(bl_arch()));
}

// ---- correctness ----
static float* random_matrix(size_t n, unsigned* seed) {
  float* m = aligned_alloc(64, (n * sizeof(float) + 63) / 64 * 64);
  for (size_t i = 0; i < n; i++) m[i] = (float)rand_r(seed) / (float)RAND_MAX * 2.0f - 1.0f;
  return m;
}

// Checks sampled entries of C1 = C0 + A*B. Returns the largest error / bound ratio.
static double check(int M, int N, int K, const float* A, const float* B, const float* C0,
                    const float* C1) {
  const double u = 1.0 / (1 << 24);
  double worst = 0;
  unsigned seed = 7;
  int samples = M * N < 512 ? M * N : 512;
  for (int s = 0; s < samples; s++) {
    int i, j;
    if (samples == M * N) {
      i = s / N;
      j = s % N;
    } else {
      i = rand_r(&seed) % M;
      j = rand_r(&seed) % N;
    }
    double ref = C0[(size_t)i * N + j], mag = fabs(ref);
    for (int k = 0; k < K; k++) {
      double p = (double)A[(size_t)i * K + k] * (double)B[(size_t)k * N + j];
      ref += p;
      mag += fabs(p);
    }
    double bound = 2.0 * (K + 1) * u * mag + 1e-6;
    double r = fabs(C1[(size_t)i * N + j] - ref) / bound;
    if (r > worst) worst = r;
  }
  return worst;
}

// When set, a round's time is its mean per call (what a caller gets over a
// stretch of time) rather than its best call: on a machine shared with another
// process the best call is one that happened to run alone.
static int mean_times = 0;

// Best (or mean) time of at least 2 runs and ~`budget` seconds.
static double best_time(const Contender* c, int M, int N, int K, const float* A, const float* B,
                        float* C, double budget) {
  double best = 1e30;
  int reps = 0;
  double start = now();
  do {
    double t0 = now();
    c->run(M, N, K, A, B, C);
    double t = now() - t0;
    if (t < best) best = t;
    reps++;
  } while (reps < 2 || (now() - start < budget && reps < 1000));
  return mean_times ? (now() - start) / reps : best;
}

int main(int argc, char** argv) {
  int threads = 1, rounds = 4;
  const char* csv_path = NULL;
  const char* skx_copy = NULL;
  int shapes[64][3], n_shapes = 0;
  for (int a = 1; a < argc; a++) {
    if (!strcmp(argv[a], "--threads") && a + 1 < argc) threads = atoi(argv[++a]);
    else if (!strcmp(argv[a], "--rounds") && a + 1 < argc) rounds = atoi(argv[++a]);
    else if (!strcmp(argv[a], "--csv") && a + 1 < argc) csv_path = argv[++a];
    else if (!strcmp(argv[a], "--openblas-skx") && a + 1 < argc) skx_copy = argv[++a];
    else if (!strcmp(argv[a], "--mean")) mean_times = 1;
    else if (n_shapes < 64 && sscanf(argv[a], "%dx%dx%d", &shapes[n_shapes][0], &shapes[n_shapes][1],
                                     &shapes[n_shapes][2]) == 3)
      n_shapes++;
    else {
      fprintf(stderr,
              "usage: %s [--threads T] [--rounds R] [--csv FILE] [--openblas-skx LIBCOPY] [--mean] MxNxK...\n",
              argv[0]);
      return 2;
    }
  }
  char cpu[256] = "unknown";
  FILE* ci = fopen("/proc/cpuinfo", "r");
  for (char line[512]; ci && fgets(line, sizeof line, ci);)
    if (!strncmp(line, "model name", 10) && strchr(line, ':')) {
      snprintf(cpu, sizeof cpu, "%s", strchr(line, ':') + 2);
      cpu[strcspn(cpu, "\n")] = 0;
      break;
    }
  if (ci) fclose(ci);
  printf("CPU: %s (avx512f: %s)\n", cpu, __builtin_cpu_supports("avx512f") ? "yes" : "no");
  if (!__builtin_cpu_supports("avx512f")) skx_copy = NULL;
  load_libraries(skx_copy, threads);

  // Many short runs: on a shared machine the best of them is the one that ran alone.
  double peak2 = best_of(fma_peak_avx2, 2000000, 40) * threads;
  double peak512 = __builtin_cpu_supports("avx512f") ? best_of(fma_peak_avx512, 2000000, 40) * threads : 0;
  if (mean_times) printf("times: mean per call over each ~0.08 s round (not the best call)\n");
  printf("threads: %d\nmeasured FMA peak: AVX2 %.1f GFLOP/s", threads, peak2);
  if (peak512 > 0) printf(", AVX-512 %.1f GFLOP/s", peak512);
  printf(" (single-core loop x%d threads)\n", threads);
  // Percentages are of the widest vector unit's peak: the libraries use it.
  const double peak = peak512 > 0 ? peak512 : peak2;
  printf("%% of peak below is of %.1f GFLOP/s (%s FMA)\n\n", peak, peak512 > 0 ? "AVX-512" : "AVX2");

  Contender contenders[16];
  int n_c = 0;
  contenders[n_c++] = (Contender){"OpenBLAS", run_openblas, 1 << 30};
  if (skx_copy) contenders[n_c++] = (Contender){"OpenBLAS-SKX", run_openblas_skx, 1 << 30};
  contenders[n_c++] = (Contender){"BLIS", run_blis, 1 << 30};
  const int n_libs = n_c;  // the libraries: ours are scored against the best of them
  n_c += exo_bench_contenders(contenders + n_c, threads);

  FILE* csv = csv_path ? fopen(csv_path, "w") : NULL;
  if (csv) fprintf(csv, "threads,M,N,K,name,gflops,ratio_best_library,pct_peak\n");
  printf("%-16s", "M x N x K");
  for (int c = 0; c < n_c; c++) printf(" %18s", contenders[c].name);
  printf("   (GFLOP/s [x the best library on the shape, %% of peak])\n");
  int failures = 0;
  for (int s = 0; s < n_shapes; s++) {
    int M = shapes[s][0], N = shapes[s][1], K = shapes[s][2];
    unsigned seed = 1234 + s;
    float* A = random_matrix((size_t)M * K, &seed);
    float* B = random_matrix((size_t)K * N, &seed);
    float* C0 = random_matrix((size_t)M * N, &seed);
    float* C = random_matrix((size_t)M * N, &seed);
    char label[64];
    snprintf(label, sizeof label, "%dx%dx%d", M, N, K);
    printf("%-16s", label);
    // Check every contender, then time them round-robin (best of `rounds`
    // rounds of ~0.08 s each), so that load from other processes on a shared
    // machine hits all contenders alike rather than whichever ran during it.
    double best[16];
    int ok[16];
    for (int c = 0; c < n_c; c++) {
      double size3 = (double)M * N * K, lim = (double)contenders[c].max_size;
      ok[c] = size3 <= lim * lim * lim;
      best[c] = 1e30;
      if (!ok[c]) continue;
      memcpy(C, C0, (size_t)M * N * sizeof(float));
      contenders[c].run(M, N, K, A, B, C);
      double err = check(M, N, K, A, B, C0, C);
      if (err > 1.0) {
        ok[c] = -1;
        fprintf(stderr, "%s %s: error %.2f x bound\n", contenders[c].name, label, err);
        failures++;
      }
    }
    for (int r = 0; r < rounds; r++)
      for (int c = 0; c < n_c; c++)
        if (ok[c] == 1) {
          double t = best_time(&contenders[c], M, N, K, A, B, C, 0.08);
          if (t < best[c]) best[c] = t;
        }
    double base = 0;  // the best library's GFLOP/s on this shape
    for (int c = 0; c < n_libs; c++)
      if (ok[c] == 1 && 2.0 * M * N * K / best[c] * 1e-9 > base) base = 2.0 * M * N * K / best[c] * 1e-9;
    for (int c = 0; c < n_c; c++) {
      if (ok[c] != 1) {
        printf(" %18s", ok[c] ? "WRONG" : "-");
        continue;
      }
      double g = 2.0 * M * N * K / best[c] * 1e-9;
      char cell[64];
      if (c < n_libs) snprintf(cell, sizeof cell, "%.1f [%.0f%%]", g, 100 * g / peak);
      else snprintf(cell, sizeof cell, "%.1f [%.2fx %.0f%%]", g, g / base, 100 * g / peak);
      printf(" %18s", cell);
      if (csv)
        fprintf(csv, "%d,%d,%d,%d,%s,%.3f,%.4f,%.2f\n", threads, M, N, K, contenders[c].name, g,
                base > 0 ? g / base : 0, 100 * g / peak);
    }
    printf("\n");
    free(A);
    free(B);
    free(C0);
    free(C);
  }
  if (csv) fclose(csv);
  return failures ? 1 : 0;
}
