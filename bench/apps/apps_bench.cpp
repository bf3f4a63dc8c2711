// App benchmark driver: our generated blur / unsharp / conv against Halide 14
// (AOT pipelines with Halide's own app schedules) and oneDNN (conv).
// Each app: random inputs (fixed seed), `*_base` as the reference, every
// contender checked against it (blur exactly, floats to 1e-4 of the largest
// reference value), then timed: warm-up, calls until the time budget is spent,
// best and median per call. Any mismatch or Halide error: exit status 1.
// Usage: apps_bench --threads N [--quick] [--csv FILE] [--sizes WxH,...] [--apps a,b]
// Thread counts are per process (our par runtime reads EXO_NUM_THREADS once).
#include <malloc.h>
#include <omp.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "HalideBuffer.h"
#include "HalideRuntime.h"
#include "blur.h"
#include "conv.h"
#include "dnnl_conv.h"
#include "halide_blur.h"
#include "halide_blur_seq.h"
#include "halide_blur_u16.h"
#include "halide_unsharp.h"
#include "halide_unsharp_seq.h"
#include "unsharp.h"

#ifndef CC_VERSION
#define CC_VERSION "?"
#endif
#ifndef HALIDE_VERSION
#define HALIDE_VERSION "?"
#endif
#ifndef OURS_PAR
#define OURS_PAR "?"
#endif

namespace {

int g_threads = 1;
double g_budget = 0.5;  // seconds of timed calls per contender
bool g_failed = false;
double g_max_others = 0;  // the largest "other %" of any row
FILE *g_csv = nullptr;

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// 64-byte aligned, never freed before exit (a few buffers per run).
template <class T>
T *alloc(size_t n) {
  size_t bytes = (n * sizeof(T) + 63) / 64 * 64;
  return static_cast<T *>(aligned_alloc(64, bytes));
}

uint64_t g_rng = 0x9E3779B97F4A7C15ull;  // splitmix64, fixed seed
double urand() {                         // [0, 1)
  uint64_t z = (g_rng += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return (double)((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
}

struct Stats {
  double best, median;
  int reps;
  double others;  // % of all CPUs used by other processes (or stolen) meanwhile
};

// CPU seconds that other processes used (plus steal): the busy time of all
// CPUs in /proc/stat minus this process's own. Shared machines skew timings.
double others_cpu_s() {
  std::ifstream f("/proc/stat");
  std::string cpu;
  long long v[8] = {};  // user nice system idle iowait irq softirq steal
  f >> cpu;
  for (auto &x : v) f >> x;
  double busy = (double)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / sysconf(_SC_CLK_TCK);
  rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return busy - (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) -
         1e-6 * (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

// `first` is how long the checking call took: it already warmed caches and
// pages, so a call slower than the budget gets no extra warm-up.
Stats time_it(const std::function<void()> &f, double first) {
  if (first < g_budget) {
    double t0 = now();
    while (now() - t0 < 0.2 * g_budget) f();
  }
  std::vector<double> ts;
  double total = 0, o0 = others_cpu_s(), w0 = now();
  while (total < g_budget || ts.empty()) {
    double t0 = now();
    f();
    ts.push_back(now() - t0);
    total += ts.back();
  }
  double others = (others_cpu_s() - o0) / ((now() - w0) * sysconf(_SC_NPROCESSORS_ONLN));
  std::sort(ts.begin(), ts.end());
  return {ts[0], ts[ts.size() / 2], (int)ts.size(), std::max(0.0, 100 * others)};
}

// One contender of one app/size: its checked call and its timing.
struct Row {
  std::string impl;
  std::function<void()> run;
  std::function<void()> fetch = nullptr;  // copies a private output into ours, for the check
  double err = 0;
  bool bad = false;
  Stats s{};
};

// Checks by `check` (returns the error, sets ok), then times, then prints the
// table rows; ratio is the first row's ("ours") best over each row's best.
void run_app(const char *app, const std::string &size, double work, const char *unit,
             std::vector<Row> &rows, const std::function<void()> &poison,
             const std::function<double(bool &)> &check) {
  for (auto &r : rows) {
    poison();
    double t0 = now();
    r.run();
    double first = now() - t0;
    if (r.fetch) r.fetch();
    bool ok = true;
    r.err = check(ok);
    r.bad = !ok;
    if (!ok) {
      fprintf(stderr, "ERROR: %s %s %s does not match the reference (max err %.3g)\n", app,
              size.c_str(), r.impl.c_str(), r.err);
      g_failed = true;
    }
    r.s = time_it(r.run, first);
  }
  for (auto &r : rows) {
    double rate = work / r.s.best * 1e-9, ratio = r.s.best / rows[0].s.best;
    printf("%-8s %-14s %3d  %-12s %10.3f %10.3f %9.2f %-6s %8.2f %6d %10.2e %6.0f%s\n", app,
           size.c_str(), g_threads, r.impl.c_str(), r.s.best * 1e3, r.s.median * 1e3, rate, unit,
           ratio, r.s.reps, r.err, r.s.others, r.bad ? "  MISMATCH" : "");
    g_max_others = std::max(g_max_others, r.s.others);
    if (g_csv)
      fprintf(g_csv, "%s,%s,%d,%s,%.6f,%.6f,%d,%.4f,%s,%.4f,%.3g,%.1f\n", app, size.c_str(),
              g_threads, r.impl.c_str(), r.s.best * 1e3, r.s.median * 1e3, r.s.reps, rate, unit,
              ratio, r.err, r.s.others);
  }
  fflush(stdout);
}

// max |out - ref| / max |ref|; ok unless above 1e-4 or not finite.
double float_err(const float *out, const float *ref, size_t n, bool &ok) {
  double d = 0, m = 0;
  for (size_t i = 0; i < n; i++) {
    if (!std::isfinite(out[i])) {
      ok = false;
      return INFINITY;
    }
    d = std::max(d, (double)std::fabs(out[i] - ref[i]));
    m = std::max(m, (double)std::fabs(ref[i]));
  }
  double e = d / (m > 0 ? m : 1);
  ok = e <= 1e-4;
  return e;
}

void halide_check(const char *what, int rc) {
  if (rc != 0) {
    fprintf(stderr, "ERROR: %s returned %d\n", what, rc);
    g_failed = true;
  }
}

void bench_blur(int W, int H, bool seq) {
  auto *in = alloc<uint16_t>((size_t)(H + 2) * (W + 2));
  auto *ref = alloc<uint16_t>((size_t)H * W), *out = alloc<uint16_t>((size_t)H * W);
  for (size_t i = 0; i < (size_t)(H + 2) * (W + 2); i++) in[i] = (uint16_t)(urand() * 256);
  blur_base(nullptr, W, H, ref, in);

  halide_dimension_t in_dims[2] = {{0, W + 2, 1}, {0, H + 2, W + 2}};
  halide_dimension_t out_dims[2] = {{0, W, 1}, {0, H, W}};
  Halide::Runtime::Buffer<uint16_t> hin(in, 2, in_dims), hout(out, 2, out_dims);
  std::vector<Row> rows = {
      {"ours", [&] { blur(nullptr, W, H, out, in); }},
      {"base", [&] { blur_base(nullptr, W, H, out, in); }},
      {"halide",
       [&] { halide_check("halide_blur", halide_blur(hin.raw_buffer(), hout.raw_buffer())); }},
  };
  if (seq)
    rows.push_back({"halide_seq", [&] {
                      halide_check("halide_blur_seq",
                                   halide_blur_seq(hin.raw_buffer(), hout.raw_buffer()));
                    }});
  // Halide's app as written: 16-bit sums (wrapping; equal on these 8-bit data).
  rows.push_back({"halide_u16", [&] {
                    halide_check("halide_blur_u16", halide_blur_u16(hin.raw_buffer(), hout.raw_buffer()));
                  }});
  size_t n = (size_t)H * W;
  run_app(
      "blur", std::to_string(W) + "x" + std::to_string(H), (double)n, "Gpix/s", rows,
      [&] { std::fill(out, out + n, 0xFFFF); },  // above any blur of 8-bit values
      [&](bool &ok) {
        double m = 0;
        for (size_t i = 0; i < n; i++) m = std::max(m, std::fabs((double)out[i] - ref[i]));
        ok = m == 0;
        return m;
      });
}

void bench_unsharp(int W, int H, bool seq) {
  size_t in_n = (size_t)3 * (H + 6) * (W + 6), n = (size_t)3 * H * W;
  auto *in = alloc<float>(in_n);
  auto *ref = alloc<float>(n), *out = alloc<float>(n);
  for (size_t i = 0; i < in_n; i++) in[i] = (float)(0.1 + 0.9 * urand());  // gray never 0
  unsharp_base(nullptr, W, H, ref, in);

  // Halide sees the input with its 3-pixel margin at x, y = -3.
  halide_dimension_t in_dims[3] = {{-3, W + 6, 1}, {-3, H + 6, W + 6}, {0, 3, (W + 6) * (H + 6)}};
  halide_dimension_t out_dims[3] = {{0, W, 1}, {0, H, W}, {0, 3, W * H}};
  Halide::Runtime::Buffer<float> hin(in, 3, in_dims), hout(out, 3, out_dims);
  std::vector<Row> rows = {
      {"ours", [&] { unsharp(nullptr, W, H, out, in); }},
      {"base", [&] { unsharp_base(nullptr, W, H, out, in); }},
      {"halide",
       [&] {
         halide_check("halide_unsharp", halide_unsharp(hin.raw_buffer(), hout.raw_buffer()));
       }},
  };
  if (seq)
    rows.push_back({"halide_seq", [&] {
                      halide_check("halide_unsharp_seq",
                                   halide_unsharp_seq(hin.raw_buffer(), hout.raw_buffer()));
                    }});
  run_app(
      "unsharp", std::to_string(W) + "x" + std::to_string(H), (double)W * H, "Gpix/s", rows,
      [&] { std::fill(out, out + n, NAN); }, [&](bool &ok) { return float_err(out, ref, n, ok); });
}

// conv.py's fixed shape.
const ConvShape kConv = {5, 82, 102, 128, 128, 3};

struct ConvData {
  float *inp, *weights, *bias, *ref, *out;
  size_t out_n;
};

ConvData make_conv_data() {
  const ConvShape &s = kConv;
  ConvData d;
  size_t in_n = (size_t)s.n * s.ih * s.iw * s.ic, w_n = (size_t)s.ic * s.k * s.k * s.oc;
  d.out_n = (size_t)s.n * (s.ih - s.k + 1) * (s.iw - s.k + 1) * s.oc;
  d.inp = alloc<float>(in_n), d.weights = alloc<float>(w_n), d.bias = alloc<float>(s.oc);
  d.ref = alloc<float>(d.out_n), d.out = alloc<float>(d.out_n);
  // Weights scaled so sums stay O(1); about half the outputs survive the ReLU.
  double wscale = 2.0 / std::sqrt((double)s.ic * s.k * s.k);
  for (size_t i = 0; i < in_n; i++) d.inp[i] = (float)(2 * urand() - 1);
  for (size_t i = 0; i < w_n; i++) d.weights[i] = (float)(wscale * (urand() - 0.5));
  for (int i = 0; i < s.oc; i++) d.bias[i] = (float)(urand() - 0.5);
  return d;
}

void bench_conv(ConvData &d, DnnlConv *dc) {
  const ConvShape &s = kConv;
  int oh = s.ih - s.k + 1, ow = s.iw - s.k + 1;
  double t0 = now();
  conv_base(nullptr, oh, ow, s.oc, s.ih, s.iw, s.ic, s.k, s.n, d.inp, d.ref, d.weights, d.bias);
  printf("(conv_base reference: %.2f s, not timed further)\n", now() - t0);
  std::vector<Row> rows = {
      {"ours", [&] { conv(nullptr, d.inp, d.out, d.weights, d.bias); }},
      // The execute only; its output is reordered to NHWC for the check.
      {"onednn", [&] { dnnl_conv_run(dc); }, [&] { dnnl_conv_output(dc, d.out); }},
  };
  double flops = 2.0 * s.n * oh * ow * s.oc * s.k * s.k * s.ic;
  std::string size = std::to_string(s.n) + "x" + std::to_string(oh) + "x" + std::to_string(ow) +
                     "x" + std::to_string(s.oc);
  run_app(
      "conv", size, flops, "GFLOP/s", rows, [&] { std::fill(d.out, d.out + d.out_n, NAN); },
      [&](bool &ok) { return float_err(d.out, d.ref, d.out_n, ok); });
}

std::string cpu_model() {
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "?";
}

}  // namespace

int main(int argc, char **argv) {
  std::string sizes = "768x1280,1536x2560", apps = "blur,unsharp,conv", csv;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--threads" && i + 1 < argc)
      g_threads = atoi(argv[++i]);
    else if (a == "--quick")
      g_budget = 0.1;
    else if (a == "--csv" && i + 1 < argc)
      csv = argv[++i];
    else if (a == "--sizes" && i + 1 < argc)
      sizes = argv[++i];
    else if (a == "--apps" && i + 1 < argc)
      apps = argv[++i];
    else {
      fprintf(stderr,
              "usage: %s --threads N [--quick] [--csv FILE] [--sizes WxH,...] [--apps "
              "blur,unsharp,conv]\n",
              argv[0]);
      return 2;
    }
  }
  if (g_threads < 1) g_threads = 1;
  // Keep the kernels' per-call temporaries on the heap: with glibc's defaults a
  // large malloc may be a fresh mmap each call (page faults on every call) or
  // not, depending on earlier frees -- measured, 2x on unsharp_base, varying
  // with the order of the runs.
  mallopt(M_MMAP_MAX, 0);
  mallopt(M_TRIM_THRESHOLD, -1);
  // Every runtime reads its count lazily, except OpenMP (oneDNN), which is told.
  std::string t = std::to_string(g_threads);
  setenv("EXO_NUM_THREADS", t.c_str(), 1);
  setenv("HL_NUM_THREADS", t.c_str(), 1);
  setenv("OMP_NUM_THREADS", t.c_str(), 1);
  omp_set_num_threads(g_threads);
  halide_set_num_threads(g_threads);

  auto has = [&](const char *app) {
    return ("," + apps + ",").find(std::string(",") + app + ",") != std::string::npos;
  };
  ConvData cd{};
  DnnlConv *dc = nullptr;
  if (has("conv")) {
    cd = make_conv_data();
    dc = dnnl_conv_create(kConv, cd.inp, cd.weights, cd.bias);
  }

  // The load average flags other processes competing for the cores (noisy multi-thread rows).
  double l1 = 0, l5 = 0;
  std::ifstream("/proc/loadavg") >> l1 >> l5;
  printf("CPU: %s (%d online), load average %.2f (1 min) %.2f (5 min)\n", cpu_model().c_str(),
         (int)sysconf(_SC_NPROCESSORS_ONLN), l1, l5);
  printf("C compiler (generated code): %s; driver: %s\n", CC_VERSION, __VERSION__);
  printf("Halide: %s, target %s\n", HALIDE_VERSION, halide_blur_metadata()->target);
  dnnl_conv_describe(stdout);
  if (dc) printf("oneDNN conv implementation: %s\n", dnnl_conv_impl(dc));
  printf("threads: %d (EXO_NUM_THREADS, HL_NUM_THREADS, OMP_NUM_THREADS); par loops in ours: %s\n",
         g_threads, OURS_PAR);
  printf(
      "halide = Halide's schedule with .parallel (HL_NUM_THREADS threads); halide_seq = same "
      "schedule without .parallel; blur: sums widened to 32 bits (exact, as ours), halide_u16 = "
      "Halide's app as written (16-bit sums, wrapping above 65535)\n");
  printf("time budget %.1f s per contender; ours/this = this best / ours best (>1: ours faster)\n",
         g_budget);
  printf(
      "other%% = CPU time of other processes (and steal) during the timed calls, %% of all "
      "CPUs\n\n");
  printf("%-8s %-14s %3s  %-12s %10s %10s %9s %-6s %8s %6s %10s %6s\n", "app", "size", "thr",
         "impl", "best ms", "median ms", "rate", "unit", "ours/this", "reps", "max err", "other%");

  if (!csv.empty()) {
    bool fresh = !std::ifstream(csv).good();
    g_csv = fopen(csv.c_str(), "a");
    if (g_csv && fresh)
      fputs(
          "app,size,threads,impl,best_ms,median_ms,reps,rate,unit,ours_over_this,max_err,"
          "other_pct\n",
          g_csv);
  }
  std::vector<std::pair<int, int>> wh;
  for (size_t p = 0; p < sizes.size();) {
    size_t q = sizes.find(',', p);
    std::string s = sizes.substr(p, q == std::string::npos ? std::string::npos : q - p);
    int w = 0, h = 0;
    if (sscanf(s.c_str(), "%dx%d", &w, &h) == 2) wh.push_back({w, h});
    p = q == std::string::npos ? sizes.size() : q + 1;
  }
  bool seq = g_threads == 1;  // the no-.parallel variants matter at one thread only
  for (auto [w, h] : wh) {
    if (w % 256 || h % 32) {
      fprintf(stderr, "skip %dx%d: blur needs W %% 256 == 0, H %% 32 == 0\n", w, h);
      continue;
    }
    if (has("blur")) bench_blur(w, h, seq);
  }
  for (auto [w, h] : wh)
    if (has("unsharp") && w % 8 == 0 && h % 32 == 0) bench_unsharp(w, h, seq);
  if (dc) bench_conv(cd, dc);
  if (g_csv) fclose(g_csv);
  if (dc) dnnl_conv_destroy(dc);
  if (g_max_others > 10)
    printf(
        "note: other processes used up to %.0f%% of the CPUs during some rows; their times "
        "(multi-threaded ones most) are pessimistic\n",
        g_max_others);
  if (g_failed) fprintf(stderr, "apps_bench: FAILED (see errors above)\n");
  return g_failed ? 1 : 0;
}
