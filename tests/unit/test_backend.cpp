// Backend tests: generate C from Exo source (or hand-built LoopIR), compile it
// with the system compiler next to a small C harness, run it on random inputs
// and check results computed independently in the harness.

#include <gtest/gtest.h>

#include <cstdlib>

#include "exo/exo.h"
#include "exo/schedule/allocations.h"
#include "exo/schedule/subprocs.h"
#include "support/harness.h"
#include "support/schedule_check.h"
#include "support/by_name.h"

namespace {

using namespace exo;
using exo::test::compile_c_program;
using exo::test::make_temp_dir;
using exo::test::run_program;
using exo::test::write_file;

// Shared harness prelude: a deterministic generator of non-zero values and a
// failure reporter. Outputs are poisoned before each run.
const char* kPrelude = R"(
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
unsigned exo_seed = 12345u;
int rnd_int(int lo, int hi) { exo_seed = exo_seed * 1103515245u + 12345u; return lo + (int)((exo_seed >> 16) % (unsigned)(hi - lo + 1)); }
float rnd_f(void) { return (float)rnd_int(1, 2000) / 250.0f - 4.0f + 0.125f; }
static int failures = 0;
#define CHECK_NEAR(got, want, tol) do { double g_ = (got), w_ = (want); \
  if (!(fabs(g_ - w_) <= (tol) * (1.0 + fabs(w_)))) { if (failures++ < 5) printf("mismatch %s: got %g want %g\n", #got, g_, w_); } } while (0)
#define CHECK_EQ(got, want) do { long long g_ = (long long)(got), w_ = (long long)(want); \
  if (g_ != w_) { if (failures++ < 5) printf("mismatch %s: got %lld want %lld\n", #got, g_, w_); } } while (0)
#define FINISH() do { if (failures) return 1; printf("OK\n"); return 0; } while (0)
)";

std::vector<Proc> procs_of(const Module& m, const std::vector<std::string>& names) {
  std::vector<Proc> out;
  for (auto& n : names) out.push_back(m.proc(n));
  return out;
}

CCode gen(const std::string& src, const std::vector<std::string>& names, const std::string& stem) {
  Module m = Module::from_string(src);
  return compile_to_c(procs_of(m, names), stem);
}

// Writes the generated files and the harness, compiles, runs; returns stdout.
std::string build_and_run(const CCode& code, const std::string& stem, const std::string& main_body,
                          const std::string& tag) {
  std::string dir = make_temp_dir(tag);
  write_file(dir + "/" + stem + ".c", code.c);
  write_file(dir + "/" + stem + ".h", code.h);
  write_file(dir + "/main.c", std::string(kPrelude) + "#include \"" + stem + ".h\"\n" + main_body);
  compile_c_program(dir);
  return run_program(dir);
}

bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

// ---------------------------------------------------------------------------

const char* kSgemm = R"(
@proc
def example_sgemm(M: size, N: size, K: size, C: f32[M, N] @ DRAM, A: f32[M, K] @ DRAM, B: f32[K, N] @ DRAM):
    for i in seq(0, M):
        for j in seq(0, N):
            for k in seq(0, K):
                C[i, j] += A[i, k] * B[k, j]
)";

TEST(Backend, SgemmPrototypeMatchesReferenceConvention) {
  CCode code = gen(kSgemm, {"example_sgemm"}, "example");
  EXPECT_TRUE(contains(code.h,
                       "void example_sgemm( void *ctxt, int_fast32_t M, int_fast32_t N, int_fast32_t K, "
                       "float* C, const float* A, const float* B );"))
      << code.h;
  EXPECT_TRUE(contains(code.h, "#ifndef EXAMPLE_H\n#define EXAMPLE_H"));
  EXPECT_TRUE(contains(code.h, "#ifdef __cplusplus\nextern \"C\" {\n#endif"));
  EXPECT_TRUE(contains(code.h, "// example_sgemm(\n//     M : size,\n//     N : size,\n//     K : size,\n"
                               "//     C : f32[M, N] @DRAM,\n"));
  EXPECT_EQ(code.c.rfind("#include \"example.h\"\n\n", 0), 0u);
  EXPECT_TRUE(contains(code.c, "C[i * N + j] += A[i * K + k] * B[k * N + j];")) << code.c;
  // Byte-stable output.
  CCode again = gen(kSgemm, {"example_sgemm"}, "example");
  EXPECT_EQ(code.c, again.c);
  EXPECT_EQ(code.h, again.h);
}

TEST(Backend, SgemmRuns) {
  CCode code = gen(kSgemm, {"example_sgemm"}, "example");
  std::string out = build_and_run(code, "example", R"(
int main(void) {
  enum { M = 7, N = 9, K = 5 };
  float A[M*K], B[K*N], C[M*N], W[M*N];
  for (int i = 0; i < M*K; i++) A[i] = rnd_f();
  for (int i = 0; i < K*N; i++) B[i] = rnd_f();
  for (int i = 0; i < M*N; i++) C[i] = W[i] = rnd_f();
  for (int i = 0; i < M; i++) for (int j = 0; j < N; j++) for (int k = 0; k < K; k++) W[i*N+j] += A[i*K+k] * B[k*N+j];
  example_sgemm(NULL, M, N, K, C, A, B);
  for (int i = 0; i < M*N; i++) CHECK_NEAR(C[i], W[i], 1e-5);
  FINISH();
}
)", "sgemm");
  EXPECT_EQ(out, "OK\n");
}

TEST(Backend, HeaderCompilesAsCxx) {
  CCode code = gen(kSgemm, {"example_sgemm"}, "example");
  std::string dir = make_temp_dir("cxx");
  write_file(dir + "/example.h", code.h);
  write_file(dir + "/use.cpp", "#include \"example.h\"\nint main() { return 0; }\n");
  std::string cmd = "g++ -std=c++17 -Wall -Werror -fsyntax-only -I" + dir + " " + dir + "/use.cpp";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << code.h;
}

// ---------------------------------------------------------------------------


TEST(Backend, WindowsAndCalls) {
  std::string src = R"(
@proc
def axpy_win(n: size, a: f32, x: [f32][n] @ DRAM, y: [f32][n] @ DRAM):
    for i in seq(0, n):
        y[i] += a * x[i]

@proc
def cols_axpy(M: size, N: size, a: f32, X: f32[M, N], Y: f32[M, N]):
    for j in seq(0, N):
        col = X[:, j]
        axpy_win(M, a, col, Y[:, j])

@proc
def scale_block(n: size, blk: [f32][n, n]):
    for i in seq(0, n):
        for j in seq(0, n):
            blk[i, j] = blk[i, j] * 2.0

@proc
def scale_tiles(T: size, A: f32[4 * T, 4 * T]):
    for t in seq(0, T):
        tile = A[4 * t:4 * t + 4, 4 * t:4 * t + 4]
        scale_block(4, tile)
)";
  CCode code = gen(src, {"cols_axpy", "scale_tiles"}, "wins");
  // Window structs: const and mutable flavours, defined once with guards.
  EXPECT_TRUE(contains(code.h, "#ifndef EXO_WIN_1F32C\n#define EXO_WIN_1F32C\nstruct exo_win_1f32c{\n"
                               "    const float * const data;\n    const int_fast32_t strides[1];\n};\n#endif"))
      << code.h;
  EXPECT_TRUE(contains(code.h, "struct exo_win_2f32{"));
  EXPECT_TRUE(contains(code.c, "static void axpy_win( void *ctxt, int_fast32_t n, const float* a, "
                               "struct exo_win_1f32c x, struct exo_win_1f32 y );"))
      << code.c;
  EXPECT_TRUE(contains(code.c, "y.data[i * y.strides[0]] += *a * x.data[i * x.strides[0]];"));
  EXPECT_TRUE(contains(code.c, "(struct exo_win_1f32){ &Y[j], { N } }")) << code.c;
  EXPECT_FALSE(contains(code.h, "axpy_win"));  // callees are private

  std::string out = build_and_run(code, "wins", R"(
int main(void) {
  enum { M = 6, N = 5, T = 3 };
  float X[M*N], Y[M*N], W[M*N], a = rnd_f();
  for (int i = 0; i < M*N; i++) { X[i] = rnd_f(); Y[i] = W[i] = rnd_f(); }
  for (int i = 0; i < M; i++) for (int j = 0; j < N; j++) W[i*N+j] += a * X[i*N+j];
  cols_axpy(NULL, M, N, &a, X, Y);
  for (int i = 0; i < M*N; i++) CHECK_NEAR(Y[i], W[i], 1e-5);
  float A[16*T*T], B[16*T*T];
  for (int i = 0; i < 16*T*T; i++) A[i] = B[i] = rnd_f();
  for (int t = 0; t < T; t++) for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++)
    B[(4*t+i)*4*T + 4*t+j] *= 2.0f;
  scale_tiles(NULL, T, A);
  for (int i = 0; i < 16*T*T; i++) CHECK_NEAR(A[i], B[i], 1e-6);
  FINISH();
}
)", "windows");
  EXPECT_EQ(out, "OK\n");
}

TEST(Backend, KnownStrideAndStrideExpr) {
  Module m = Module::from_string(R"(
@proc
def copy_contig(n: size, src: [f32][n], dst: [f32][n]):
    assert stride(src, 0) == 1
    for i in seq(0, n):
        dst[i] = src[i]

@proc
def rows(M: size, N: size, A: f32[M, N], B: f32[M, N]):
    for i in seq(0, M):
        copy_contig(N, A[i, :], B[i, :])
)");
  CCode code = compile_to_c({m.proc("rows")}, "rows");
  EXPECT_TRUE(contains(code.c, "// assert stride(src, 0) == 1")) << code.c;
  EXPECT_TRUE(contains(code.c, "dst.data[i * dst.strides[0]] = src.data[i];")) << code.c;
  std::string out = build_and_run(code, "rows", R"(
int main(void) {
  enum { M = 4, N = 7 };
  float A[M*N], B[M*N];
  for (int i = 0; i < M*N; i++) { A[i] = rnd_f(); B[i] = -99.0f; }
  rows(NULL, M, N, A, B);
  for (int i = 0; i < M*N; i++) CHECK_NEAR(B[i], A[i], 0);
  FINISH();
}
)", "strides");
  EXPECT_EQ(out, "OK\n");
}

// ---------------------------------------------------------------------------

TEST(Backend, ConfigsLiveInTheContextStruct) {
  std::string src = R"(
@config
class ConfigScale:
    factor: f32
    offset: index

@proc
def set_scale(f: f32):
    ConfigScale.factor = f
    ConfigScale.offset = 1

@proc
def scaled(n: size, x: f32[n], y: f32[n], f: f32):
    set_scale(f)
    for i in seq(0, n):
        y[i] = x[i] * ConfigScale.factor
)";
  CCode code = gen(src, {"scaled"}, "cfg");
  EXPECT_TRUE(contains(code.h, "typedef struct cfg_Context { \n\n    struct ConfigScale {\n"
                               "        float factor;\n        int_fast32_t offset;\n    } ConfigScale;\n\n"
                               "} cfg_Context;"))
      << code.h;
  EXPECT_TRUE(contains(code.h, "void scaled( cfg_Context *ctxt, int_fast32_t n, const float* x, float* y, const float* f );"))
      << code.h;
  EXPECT_TRUE(contains(code.c, "ctxt->ConfigScale.factor = *f;")) << code.c;
  std::string out = build_and_run(code, "cfg", R"(
int main(void) {
  enum { N = 9 };
  float x[N], y[N], f = rnd_f();
  cfg_Context ctx;
  memset(&ctx, 0, sizeof ctx);
  for (int i = 0; i < N; i++) { x[i] = rnd_f(); y[i] = -77.0f; }
  scaled(&ctx, N, x, y, &f);
  for (int i = 0; i < N; i++) CHECK_NEAR(y[i], x[i] * f, 1e-6);
  CHECK_EQ(ctx.ConfigScale.offset, 1);
  CHECK_NEAR(ctx.ConfigScale.factor, f, 0);
  FINISH();
}
)", "configs");
  EXPECT_EQ(out, "OK\n");
}

// ---------------------------------------------------------------------------

TEST(Backend, InstrTemplatesAndGlobals) {
  std::string src = R"(
@instr("vec4_double(&{dst_data}, &{src_data});",
       "static inline void vec4_double(float *d, const float *s) { for (int q = 0; q < 4; q++) d[q] = s[q] * 2.0f; }")
def vec4_double(dst: [f32][4] @ DRAM, src: [f32][4] @ DRAM):
    assert stride(dst, 0) == 1
    assert stride(src, 0) == 1
    for i in seq(0, 4):
        dst[i] = src[i] * 2.0

@instr("{dst_data} += {src_data}; /* {{literal}} {n} */")
def acc1(n: size, dst: [f32][1] @ DRAM, src: [f32][1] @ DRAM):
    for i in seq(0, 1):
        dst[i] += src[i]

@proc
def double_all(n: size, x: f32[4 * n], y: f32[4 * n]):
    for i in seq(0, n):
        vec4_double(y[4 * i:4 * i + 4], x[4 * i:4 * i + 4])

@proc
def accumulate(n: size, x: f32[n], y: f32[n]):
    for i in seq(0, n):
        acc1(n, y[i:i + 1], x[i:i + 1])
)";
  CCode code = gen(src, {"double_all", "accumulate"}, "ins");
  EXPECT_TRUE(contains(code.c, "vec4_double(&y[4 * i], &x[4 * i]);")) << code.c;
  EXPECT_TRUE(contains(code.c, "y[i] += x[i]; /* {literal} (n) */")) << code.c;
  // The global helper appears once although used in one proc only; instr procs
  // are documented, not emitted.
  size_t first = code.c.find("static inline void vec4_double");
  ASSERT_NE(first, std::string::npos);
  EXPECT_EQ(code.c.find("static inline void vec4_double", first + 1), std::string::npos);
  EXPECT_TRUE(contains(code.c, "/* relying on the following instruction...\"\nvec4_double(dst,src)\n"));
  std::string out = build_and_run(code, "ins", R"(
int main(void) {
  enum { N = 5 };
  float x[4*N], y[4*N], z[4*N];
  for (int i = 0; i < 4*N; i++) { x[i] = rnd_f(); y[i] = -5.0f; z[i] = rnd_f(); }
  double_all(NULL, N, x, y);
  for (int i = 0; i < 4*N; i++) CHECK_NEAR(y[i], 2.0f * x[i], 0);
  float w[4*N];
  for (int i = 0; i < 4*N; i++) w[i] = z[i] + x[i];
  accumulate(NULL, 4*N, x, z);
  for (int i = 0; i < 4*N; i++) CHECK_NEAR(z[i], w[i], 1e-6);
  FINISH();
}
)", "instr");
  EXPECT_EQ(out, "OK\n");
}

// ---------------------------------------------------------------------------

TEST(Backend, Externs) {
  std::string src = R"(
@proc
def ext(n: size, x: f32[n], y: f32[n], z: f32[n], w: f64[n]):
    for i in seq(0, n):
        y[i] = relu(x[i]) + select(x[i], 0.5, 1.0, 2.0)
        z[i] = sqrt(x[i] * x[i]) + fmaxf(x[i], 0.25) + sin(x[i]) + expf(x[i]) + sigmoid(x[i])
        w[i] = select(w[i], 0.0, -1.0, 1.0)
)";
  CCode code = gen(src, {"ext"}, "ext");
  EXPECT_TRUE(contains(code.c, "_relu_float((float)x[i])")) << code.c;
  EXPECT_TRUE(contains(code.c, "_select_float((float)x[i], (float)0.5f, (float)1.0f, (float)2.0f)")) << code.c;
  EXPECT_TRUE(contains(code.c, "_select_double(")) << code.c;
  EXPECT_TRUE(contains(code.c, "float _relu_float(float x) {\n    if (x > 0.0) return x;\n    else return 0.0;\n}\n"));
  std::string out = build_and_run(code, "ext", R"(
int main(void) {
  enum { N = 11 };
  float x[N], y[N], z[N]; double w[N], w0[N];
  for (int i = 0; i < N; i++) { x[i] = rnd_f(); y[i] = z[i] = -9.0f; w[i] = w0[i] = rnd_f(); }
  ext(NULL, N, x, y, z, w);
  for (int i = 0; i < N; i++) {
    float r = x[i] > 0 ? x[i] : 0.0f, s = x[i] < 0.5f ? 1.0f : 2.0f;
    CHECK_NEAR(y[i], r + s, 1e-6);
    float e = fabsf(x[i]) + fmaxf(x[i], 0.25f) + sinf(x[i]) + expf(x[i]) + 1.0f / (1.0f + expf(-x[i]));
    CHECK_NEAR(z[i], e, 1e-4);
    CHECK_NEAR(w[i], w0[i] < 0.0 ? -1.0 : 1.0, 0);
  }
  FINISH();
}
)", "externs");
  EXPECT_EQ(out, "OK\n");
}

TEST(Backend, BuiltinExternTable) {
  std::vector<std::string> names;
  for (auto& [n, e] : builtin_externs()) names.push_back(n);
  for (const char* want : {"select", "relu", "sin", "sqrt", "expf", "fmaxf", "sigmoid", "intmin", "intmax"})
    EXPECT_NE(std::find(names.begin(), names.end(), want), names.end()) << want;
  for (auto& [n, e] : builtin_externs()) {
    if (n == "select") {
      EXPECT_EQ(e->interpret({1, 2, 3, 4}), 3);
      EXPECT_EQ(e->interpret({2, 1, 3, 4}), 4);
      EXPECT_EQ(e->typecheck({ScalarKind::F32, ScalarKind::F32, ScalarKind::F32, ScalarKind::F64}, {}),
                ScalarKind::F64);
      EXPECT_THROW(e->typecheck({ScalarKind::F32}, {}), Error);
      EXPECT_THROW(e->typecheck({ScalarKind::F32, ScalarKind::Index, ScalarKind::F32, ScalarKind::F32}, {}), Error);
    }
    if (n == "relu") {
      EXPECT_EQ(e->interpret({-2}), 0);
    }
    if (n == "intmin") {
      EXPECT_EQ(e->typecheck({ScalarKind::Index, ScalarKind::Index}, {}), ScalarKind::Index);
    }
  }
}

// ---------------------------------------------------------------------------

TEST(Backend, ParallelLoops) {
  std::string src = R"(
@proc
def par_scale(N: size, M: size, A: f32[N, M], B: f32[N, M]):
    for i in par(0, N):
        for j in seq(0, M):
            B[i, j] = A[i, j] * 3.0 + 1.0
)";
  CCode code = gen(src, {"par_scale"}, "par");
  EXPECT_TRUE(contains(code.c, "exo_par_for(0, N, exo_par_par_scale_0_body, &exo_cap);")) << code.c;
  std::string out = build_and_run(code, "par", R"(
int main(void) {
  enum { N = 33, M = 7 };
  float A[N*M], B[N*M];
  for (int i = 0; i < N*M; i++) { A[i] = rnd_f(); B[i] = -1e9f; }
  par_scale(NULL, N, M, A, B);
  for (int i = 0; i < N*M; i++) CHECK_NEAR(B[i], A[i] * 3.0f + 1.0f, 1e-6);
  FINISH();
}
)", "par");
  EXPECT_EQ(out, "OK\n");
}

TEST(Backend, EveryScalarType) {
  std::string src = R"(
@proc
def axpy_f64(n: size, a: f64, x: f64[n], y: f64[n]):
    for i in seq(0, n):
        y[i] += a * x[i]

@proc
def scale_f16(n: size, x: f16[n], y: f16[n]):
    for i in seq(0, n):
        y[i] = x[i] * x[i] + y[i]

@proc
def add_i8(n: size, x: i8[n], y: i8[n]):
    for i in seq(0, n):
        y[i] = x[i] + y[i] * 2

@proc
def mac_ui8(n: size, x: ui8[n], y: ui8[n]):
    for i in seq(0, n):
        y[i] += x[i] * 3

@proc
def sum_ui16(n: size, x: ui16[n], s: ui16[1]):
    for i in seq(0, n):
        s[0] += x[i]

@proc
def dot_i32(n: size, x: i32[n], y: i32[n], out: i32):
    out = 0
    for i in seq(0, n):
        out += x[i] * y[i]

@proc
def flag(n: size, b: bool, x: f32[n]):
    for i in seq(0, n):
        if b:
            x[i] = 1.0
        else:
            x[i] = 2.0
)";
  CCode code = gen(src, {"axpy_f64", "scale_f16", "add_i8", "mac_ui8", "sum_ui16", "dot_i32", "flag"}, "types");
  EXPECT_TRUE(contains(code.h, "void scale_f16( void *ctxt, int_fast32_t n, const _Float16* x, _Float16* y );"));
  EXPECT_TRUE(contains(code.h, "void dot_i32( void *ctxt, int_fast32_t n, const int32_t* x, const int32_t* y, int32_t* out );"));
  EXPECT_TRUE(contains(code.h, "void flag( void *ctxt, int_fast32_t n, bool b, float* x );"));
  EXPECT_TRUE(contains(code.c, "y[i] += x[i] * ((uint8_t) 3);")) << code.c;
  std::string out = build_and_run(code, "types", R"(
int main(void) {
  enum { N = 12 };
  double a = rnd_f(), xd[N], yd[N], wd[N];
  _Float16 xh[N], yh[N], wh[N];
  int8_t x8[N], y8[N], w8[N]; uint8_t xu[N], yu[N], wu[N];
  uint16_t x16[N], s16[1]; int32_t x32[N], y32[N], o32 = -1, w32 = 0; uint16_t ws = 0;
  float xf[N];
  for (int i = 0; i < N; i++) {
    xd[i] = rnd_f(); yd[i] = rnd_f(); wd[i] = yd[i] + a * xd[i];
    xh[i] = (_Float16)rnd_int(-4, 4); yh[i] = (_Float16)rnd_int(-4, 4); wh[i] = xh[i] * xh[i] + yh[i];
    x8[i] = (int8_t)rnd_int(-20, 20); y8[i] = (int8_t)rnd_int(-20, 20); w8[i] = (int8_t)(x8[i] + y8[i] * 2);
    xu[i] = (uint8_t)rnd_int(0, 40); yu[i] = (uint8_t)rnd_int(0, 40); wu[i] = (uint8_t)(yu[i] + xu[i] * 3);
    x16[i] = (uint16_t)rnd_int(1, 1000); ws = (uint16_t)(ws + x16[i]);
    x32[i] = rnd_int(-100, 100); y32[i] = rnd_int(-100, 100); w32 += x32[i] * y32[i];
    xf[i] = -3.0f;
  }
  s16[0] = 0;
  axpy_f64(NULL, N, &a, xd, yd); scale_f16(NULL, N, xh, yh); add_i8(NULL, N, x8, y8);
  mac_ui8(NULL, N, xu, yu); sum_ui16(NULL, N, x16, s16); dot_i32(NULL, N, x32, y32, &o32);
  flag(NULL, N, true, xf);
  for (int i = 0; i < N; i++) {
    CHECK_NEAR(yd[i], wd[i], 1e-12); CHECK_NEAR((double)yh[i], (double)wh[i], 1e-3);
    CHECK_EQ(y8[i], w8[i]); CHECK_EQ(yu[i], wu[i]); CHECK_NEAR(xf[i], 1.0, 0);
  }
  CHECK_EQ(s16[0], ws); CHECK_EQ(o32, w32);
  FINISH();
}
)", "types");
  EXPECT_EQ(out, "OK\n");
}

TEST(Backend, StaticAndStackMemories) {
  std::string src = R"(
@proc
def static_tile(n: size, x: f32[4 * n], y: f32[4 * n]):
    buf: f32[4] @ DRAM_STATIC
    for t in seq(0, n):
        for k in seq(0, 4):
            buf[k] = x[4 * t + k]
        for k in seq(0, 4):
            y[4 * t + k] = buf[3 - k]

@proc
def stack_tile(n: size, x: f64[n], y: f64[n]):
    for i in seq(0, n):
        tmp: f64[2] @ DRAM_STACK
        s: f64 @ DRAM_STACK
        unused: f32[3] @ DRAM
        tmp[0] = x[i]
        tmp[1] = x[i] * x[i]
        s = tmp[0] + tmp[1]
        y[i] = s
)";
  CCode code = gen(src, {"static_tile", "stack_tile"}, "mems");
  EXPECT_TRUE(contains(code.c, "static float buf[4];")) << code.c;
  EXPECT_TRUE(contains(code.c, "  double tmp[2];\n  double s;\n")) << code.c;
  // A buffer is freed after its last use: one never used, right after it is made.
  EXPECT_TRUE(contains(code.c, "float *unused = (float*) malloc(3 * sizeof(*unused));\n  free(unused);\n"))
      << code.c;
  std::string out = build_and_run(code, "mems", R"(
int main(void) {
  enum { N = 5 };
  float x[4*N], y[4*N]; double xd[N], yd[N];
  for (int i = 0; i < 4*N; i++) { x[i] = rnd_f(); y[i] = -3.0f; }
  for (int i = 0; i < N; i++) { xd[i] = rnd_f(); yd[i] = -3.0; }
  static_tile(NULL, N, x, y);
  stack_tile(NULL, N, xd, yd);
  for (int t = 0; t < N; t++) for (int k = 0; k < 4; k++) CHECK_NEAR(y[4*t+k], x[4*t+3-k], 0);
  for (int i = 0; i < N; i++) CHECK_NEAR(yd[i], xd[i] + xd[i]*xd[i], 1e-12);
  FINISH();
}
)", "mems");
  EXPECT_EQ(out, "OK\n");
}

// A buffer is freed after the last statement that mentions it, or a window of it,
// so a later buffer can take its place (memories with one register rely on it).
TEST(Backend, BuffersAreFreedAfterTheirLastUse) {
  std::string src = R"(
@proc
def staged(n: size, x: f32[n, 4], y: f32[n, 4]):
    for i in seq(0, n):
        a: f32[4] @ DRAM
        b: f32[4] @ DRAM
        for k in seq(0, 4):
            a[k] = x[i, k] * 2.0
        w = a[1:3]
        for k in seq(0, 4):
            b[k] = x[i, k] + 1.0
        for k in seq(0, 2):
            y[i, k] = w[k] + b[k]
        for k in seq(2, 4):
            y[i, k] = b[k]
)";
  CCode code = gen(src, {"staged"}, "frees");
  // `a` is last used through its window `w`, `b` by the last loop.
  size_t use_w = code.c.find("y[i * 4 + k] = w.data");
  size_t free_a = code.c.find("free(a);");
  size_t last_loop = code.c.find("for (int_fast32_t k = 2;");
  size_t free_b = code.c.find("free(b);");
  ASSERT_NE(use_w, std::string::npos) << code.c;
  EXPECT_LT(use_w, free_a) << code.c;
  EXPECT_LT(free_a, last_loop) << code.c;
  EXPECT_LT(last_loop, free_b) << code.c;
  std::string out = build_and_run(code, "frees", R"(
int main(void) {
  enum { N = 3 };
  float x[N*4], y[N*4];
  for (int i = 0; i < N*4; i++) { x[i] = rnd_f(); y[i] = -3.0f; }
  staged(NULL, N, x, y);
  for (int i = 0; i < N; i++) {
    for (int k = 0; k < 2; k++) CHECK_NEAR(y[4*i+k], x[4*i+k+1] * 2.0f + x[4*i+k] + 1.0f, 1e-5);
    for (int k = 2; k < 4; k++) CHECK_NEAR(y[4*i+k], x[4*i+k] + 1.0f, 1e-5);
  }
  FINISH();
}
)", "frees");
  EXPECT_EQ(out, "OK\n");
}

TEST(Backend, StaticMemoryNeedsConstantShape) {
  std::string src = R"(
@proc
def bad(n: size, x: f32[n]):
    buf: f32[n] @ DRAM_STATIC
    for i in seq(0, n):
        buf[i] = x[i]
)";
  try {
    gen(src, {"bad"}, "bad");
    FAIL() << "expected a MemGen error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::MemGen);
    EXPECT_EQ(e.where().line, 4);
  }
}

// ---------------------------------------------------------------------------
// Hand-built IR: memory permissions and floor division.

class NoReadMemory : public Memory {
 public:
  std::string name() const override { return "NOREAD"; }
  std::string alloc(const std::string& n, const std::string& t, const std::vector<std::string>&,
                    const SrcInfo&) const override {
    return t + " " + n + "[8];";
  }
  std::string free(const std::string&, const std::string&, const std::vector<std::string>&,
                   const SrcInfo&) const override {
    return "";
  }
  bool can_read() const override { return false; }
};

TEST(Backend, UnreadableMemoryIsAMemGenError) {
  auto file = std::make_shared<const std::string>("mem.exo");
  SrcInfo at(file, 7, 9);
  Sym x("x"), y("y");
  Type buf8 = Type::tensor(ScalarKind::F32, {int_const(8)});
  auto mem = std::make_shared<NoReadMemory>();
  Expr rd = make_expr<ReadNode>(x, std::vector<Expr>{int_const(0)}, Type::scalar(ScalarKind::F32), at);
  auto p = std::make_shared<ProcNode>();
  p->name = "uses_noread";
  p->args = {FnArg{y, buf8, dram(), {}}};
  p->body = {make_stmt<AllocNode>(x, buf8, mem, SrcInfo{}),
             make_stmt<AssignNode>(y, Type::scalar(ScalarKind::F32), std::vector<Expr>{int_const(0)}, rd, SrcInfo{})};
  try {
    compile_to_c({p}, "m");
    FAIL() << "expected a MemGen error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::MemGen);
    EXPECT_EQ(e.where().line, 7);
    EXPECT_NE(std::string(e.what()).find("cannot read from buffer 'x' in memory 'NOREAD'"), std::string::npos);
  }
}

TEST(Backend, FloorDivisionAndModuloOnNegatives) {
  // y[i] = (i - 4) / 2 and (i - 4) % 3, with Exo's floor semantics.
  Sym n("n"), y("y"), z("z"), i("i");
  auto p = std::make_shared<ProcNode>();
  p->name = "floors";
  Type buf = Type::tensor(ScalarKind::I32, {read_var(n, ScalarKind::Size)});
  p->args = {FnArg{n, Type::scalar(ScalarKind::Size), nullptr, {}}, FnArg{y, buf, dram(), {}},
             FnArg{z, buf, dram(), {}}};
  Expr im4 = binop(BinOpKind::Sub, read_var(i, ScalarKind::Index), int_const(4));
  Expr d = binop(BinOpKind::Div, im4, int_const(2));
  Expr m = binop(BinOpKind::Mod, im4, int_const(3));
  // Index values flow into data through a comparison-free path: compare in a
  // condition and store constants.
  auto store = [&](const Sym& buf_sym, Expr val) {
    Block body;
    for (int v = -3; v <= 3; ++v) {
      Expr cond = binop(BinOpKind::Eq, val, int_const(v));
      Expr c = make_expr<ConstNode>(double(v), Type::scalar(ScalarKind::I32), SrcInfo{});
      body.push_back(make_stmt<IfNode>(
          cond,
          Block{make_stmt<AssignNode>(buf_sym, Type::scalar(ScalarKind::I32),
                                      std::vector<Expr>{read_var(i, ScalarKind::Index)}, c, SrcInfo{})},
          Block{}, SrcInfo{}));
    }
    return body;
  };
  Block body = store(y, d);
  for (auto& s : store(z, m)) body.push_back(s);
  p->body = {make_stmt<ForNode>(i, int_const(0), read_var(n, ScalarKind::Size), body, LoopMode::Seq, SrcInfo{})};
  CCode code = compile_to_c({p}, "floors");
  EXPECT_TRUE(contains(code.c, "exo_floor_div(i - 4, 2)")) << code.c;
  EXPECT_TRUE(contains(code.c, "static int exo_floor_div(int num, int quot)")) << code.c;
  std::string out = build_and_run(code, "floors", R"(
int main(void) {
  enum { N = 10 };
  int32_t y[N], z[N];
  for (int i = 0; i < N; i++) { y[i] = z[i] = 99; }
  floors(NULL, N, y, z);
  for (int i = 0; i < N; i++) {
    int a = i - 4, q = (a >= 0) ? a / 2 : -((-a + 1) / 2), r = ((a % 3) + 3) % 3;
    CHECK_EQ(y[i], q); CHECK_EQ(z[i], r);
  }
  FINISH();
}
)", "floors");
  EXPECT_EQ(out, "OK\n");
}

TEST(Backend, NameClashesAndKeywords) {
  // Two distinct Syms named `int` and a local named like the proc.
  Sym a("int"), b("int"), n("n");
  auto p = std::make_shared<ProcNode>();
  p->name = "clash";
  Type buf = Type::tensor(ScalarKind::F32, {read_var(n, ScalarKind::Size)});
  p->args = {FnArg{n, Type::scalar(ScalarKind::Size), nullptr, {}}, FnArg{a, buf, dram(), {}}};
  Sym loc("clash");
  Expr one = make_expr<ConstNode>(1.0, Type::scalar(ScalarKind::F32), SrcInfo{});
  p->body = {make_stmt<ForNode>(
      b, int_const(0), read_var(n, ScalarKind::Size),
      Block{make_stmt<AllocNode>(loc, Type::scalar(ScalarKind::F32), dram(), SrcInfo{}),
            make_stmt<AssignNode>(loc, Type::scalar(ScalarKind::F32), std::vector<Expr>{}, one, SrcInfo{}),
            make_stmt<AssignNode>(a, Type::scalar(ScalarKind::F32),
                                  std::vector<Expr>{read_var(b, ScalarKind::Index)},
                                  make_expr<ReadNode>(loc, std::vector<Expr>{}, Type::scalar(ScalarKind::F32), SrcInfo{}),
                                  SrcInfo{})},
      LoopMode::Seq, SrcInfo{})};
  CCode code = compile_to_c({p}, "clash");
  EXPECT_TRUE(contains(code.h, "void clash( void *ctxt, int_fast32_t n, float* int_1 );")) << code.h;
  std::string out = build_and_run(code, "clash", R"(
int main(void) {
  float x[6];
  for (int i = 0; i < 6; i++) x[i] = rnd_f();
  clash(NULL, 6, x);
  for (int i = 0; i < 6; i++) CHECK_NEAR(x[i], 1.0, 0);
  FINISH();
}
)", "clash");
  EXPECT_EQ(out, "OK\n");
}

TEST(Backend, NamesWithAReservedPrefixAreRenamedOnce) {
  // `__x`, `_X` and `exo_x` are reserved in C or by the generated code, and so
  // is every numbered variant of them: such a name gets a `v` in front (it
  // once looped for ever looking for a free `__c_N`).
  CCode code = gen(R"(
@proc
def reserved(n: size, __c: f32[n], exo_x: f32[n], _Y: f32[n]):
    for i in seq(0, n):
        __c[i] = exo_x[i] + _Y[i]
)", {"reserved"}, "reserved");
  EXPECT_TRUE(contains(code.h, "void reserved( void *ctxt, int_fast32_t n, float* v__c, const float* vexo_x, "
                               "const float* v_Y );"))
      << code.h;
  std::string out = build_and_run(code, "reserved", R"(
int main(void) {
  float c[5], x[5], y[5];
  for (int i = 0; i < 5; i++) { x[i] = rnd_f(); y[i] = rnd_f(); c[i] = -1e9f; }
  reserved(NULL, 5, c, x, y);
  for (int i = 0; i < 5; i++) CHECK_NEAR(c[i], x[i] + y[i], 1e-6);
  FINISH();
}
)", "reserved");
  EXPECT_EQ(out, "OK\n");
}

TEST(Backend, RenamingNumberedNamesOfAnyLength) {
  // A clash renames x_N to x_<N+1> as exo-lang does (Python's int: any length,
  // leading zeros dropped); a suffix past the 64-bit range must not throw.
  CCode code = gen(R"(
@proc
def numbered(n: size, A: f32[n, n]):
    for x_99999999999999999999 in seq(0, n):
        for x_99999999999999999999 in seq(0, n):
            A[x_99999999999999999999, 0] += 1.0
    for y_007 in seq(0, n):
        for y_007 in seq(0, n):
            A[0, y_007] += 2.0
)", {"numbered"}, "numbered");
  EXPECT_TRUE(contains(code.c, "for (int_fast32_t x_99999999999999999999 = 0;")) << code.c;
  EXPECT_TRUE(contains(code.c, "for (int_fast32_t x_100000000000000000000 = 0;")) << code.c;
  EXPECT_TRUE(contains(code.c, "for (int_fast32_t y_8 = 0;")) << code.c;
  std::string out = build_and_run(code, "numbered", R"(
int main(void) {
  float a[16];
  for (int i = 0; i < 16; i++) a[i] = 0.0f;
  numbered(NULL, 4, a);
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++) {
      float want = 0.0f;
      if (j == 0) want += 4.0f;  /* the inner x loop writes A[x, 0] */
      if (i == 0) want += 8.0f;  /* the inner y loop writes A[0, y] */
      CHECK_NEAR(a[i * 4 + j], want, 0);
    }
  FINISH();
}
)", "numbered");
  EXPECT_EQ(out, "OK\n");
}

}  // namespace

// A branch condition asserted by extract_subproc is `(n % 2 == 0) == True`: its
// C keeps the parentheses gcc's -Wall -Werror (-Wparentheses) asks for.
TEST(Backend, NestedComparisonsCompileUnderWparentheses) {
  exo::Module m = exo::Module::from_string(R"(
@proc
def evens(n: size, x: f32[n] @ DRAM):
    if n % 2 == 0 or n < 3 and n > 1:
        for i in seq(0, n):
            x[i] = 1.0
)",
                                           "nested_cmp.py");
  exo::Proc p = m.proc("evens");
  exo::ExtractedSubproc ex = exo::extract_subproc(p, "for i in _: _", "evens_body", true);
  std::string c = exo::compile_to_c({ex.rewrite.proc}, "nested_cmp").c;
  EXPECT_NE(c.find("EXO_ASSUME((n % 2 == 0 || (n < 3 && n > 1)) == true);"), std::string::npos) << c;
  exo::test::expect_same_results(p, ex.rewrite.proc, {{"n", 4}}, "nested_cmp");
}
