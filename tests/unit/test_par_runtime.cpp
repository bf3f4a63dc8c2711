// par loops in generated C: the body outlined into a function over an
// iteration range and run by exo_par_for (c_par.cpp, c_par_runtime.cpp), or
// kept as an OpenMP pragma when a variable it uses cannot be copied. Results
// are compared with the interpreter on random inputs, with the pool and with
// the OpenMP variant of the runtime (-DEXO_PAR_USE_OPENMP).
#include <gtest/gtest.h>

#include "exo/exo.h"
#include "support/differential.h"
#include "support/harness.h"

namespace exo {
namespace {

bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

// Every kind of variable a par body can use from outside: size and data scalar
// arguments, tensors, an enclosing loop's iterator, a local buffer, a window
// alias, a config field; and a par loop nested in one. (Window arguments: the
// next test.)
const char* kKinds = R"(
@config
class Cfg:
    scale: f32

@proc
def kinds(n: size, m: size, a: f32, x: f32[n, m], w: f32[n, m], y: f32[n, m], out: f32[n]):
    assert n >= 2
    tmp: f32[m]
    for j in seq(0, m):
        tmp[j] = x[0, j] * a
    Cfg.scale = a + 1.0
    for t in seq(0, 3):
        xt = x[0:n, 0:m]
        for i in par(0, n):
            acc: f32
            acc = 0.0
            for j in seq(0, m):
                acc += xt[i, j] * tmp[j] + w[i, j] * Cfg.scale
            out[i] += acc
            for j in par(0, m):
                y[i, j] += x[i, j] * a + w[i, j] + tmp[j]
)";

TEST(ParRuntime, EveryKindOfCapturedVariableMatchesTheInterpreter) {
  Module mod = Module::from_string(kKinds, "kinds.exo");
  Proc p = mod.proc("kinds");
  CCode code = compile_to_c({p}, "kinds");
  EXPECT_TRUE(contains(code.c, "static void exo_par_kinds_0_body(void *exo_cap_, int_fast32_t exo_lo, "
                               "int_fast32_t exo_hi) {"))
      << code.c;
  EXPECT_TRUE(contains(code.c, "exo_par_for(0, n, exo_par_kinds_0_body, &exo_cap);")) << code.c;
  EXPECT_TRUE(contains(code.c, "exo_par_for(0, m, exo_par_kinds_1_body, &exo_cap);")) << code.c;
  EXPECT_FALSE(contains(code.c, "#pragma omp parallel for\n")) << code.c;
  for (auto [n, m] : {std::pair{2, 1}, {7, 5}, {33, 9}}) {
    test::ControlArgs args{{"n", n}, {"m", m}};
    for (unsigned seed : {1u, 2u}) {
      test::ProcInputs in = test::make_random_inputs(p, args, seed);
      auto want = test::run_interpreted(p, in, mod.configs());
      std::string tag = "par_kinds_" + std::to_string(n) + "_" + std::to_string(seed);
      EXPECT_EQ(test::compare_outputs(p, want, test::run_compiled(p, in, tag)), "") << tag;
      EXPECT_EQ(test::compare_outputs(p, want, test::run_compiled(p, in, tag + "_omp", "-DEXO_PAR_USE_OPENMP")),
                "")
          << tag;
    }
  }
}

// Callers on several threads at once (one gets the pool, the others run
// serially), and a par body calling a proc with its own par loop over a window
// argument (run serially on the thread that runs the body): every result is
// still complete.
TEST(ParRuntime, ConcurrentCallersAndNestedCallsComputeEverything) {
  Module mod = Module::from_string(R"(
@proc
def inc_rows(n: size, m: size, y: [f32][n, m]):
    for i in par(0, n):
        for j in seq(0, m):
            y[i, j] += 1.0

@proc
def inc_blocks(b: size, n: size, m: size, y: f32[b, n, m]):
    for k in par(0, b):
        inc_rows(n, m, y[k, 0:n, 0:m])
)",
                                   "nested.exo");
  CCode code = compile_to_c({mod.proc("inc_rows"), mod.proc("inc_blocks")}, "nested");
  std::string dir = test::make_temp_dir("par_concurrent");
  test::write_file(dir + "/nested.c", code.c);
  test::write_file(dir + "/nested.h", code.h);
  test::write_file(dir + "/main.c", R"(
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include "nested.h"
enum { B = 5, N = 37, M = 11, ROUNDS = 200 };
static void *caller(void *arg) {
  float *y = arg;
  for (int r = 0; r < ROUNDS; r++) {
    if (r % 2) inc_rows(NULL, B * N, M, (struct exo_win_2f32){y, {M, 1}});
    else inc_blocks(NULL, B, N, M, y);
  }
  return NULL;
}
int main(void) {
  static float y[4][B * N * M];
  pthread_t t[3];
  for (int k = 0; k < 3; k++) pthread_create(&t[k], NULL, caller, y[k + 1]);
  caller(y[0]);
  for (int k = 0; k < 3; k++) pthread_join(t[k], NULL);
  for (int k = 0; k < 4; k++)
    for (int e = 0; e < B * N * M; e++)
      if (y[k][e] != ROUNDS) { printf("caller %d element %d: %g\n", k, e, y[k][e]); return 1; }
  printf("OK\n");
  return 0;
}
)");
  for (std::string threads : {"1", "2", "3", "8"}) {
    test::compile_c_program(dir, "-pthread");
    EXPECT_EQ(test::run_command("EXO_NUM_THREADS=" + threads + " " + dir + "/prog").second, "OK\n")
        << "EXO_NUM_THREADS=" << threads;
  }
}

// A buffer of a memory that declares its own C objects cannot be copied into a
// capture struct: a par loop using one keeps exo-lang's OpenMP pragma (and
// still computes the same).
class RowMemory : public Memory {
 public:
  std::string name() const override { return "ROWS"; }
  std::string alloc(const std::string& n, const std::string& t, const std::vector<std::string>& shape,
                    const SrcInfo&) const override {
    std::string s = t + " " + n + "[";
    for (size_t k = 0; k < shape.size(); ++k) s += (k ? " * " : "") + shape[k];
    return s + "];";
  }
  std::string free(const std::string&, const std::string&, const std::vector<std::string>&,
                   const SrcInfo&) const override {
    return "";
  }
};

TEST(ParRuntime, BufferOfACustomMemoryKeepsTheOpenMPPragma) {
  static MemoryPtr mem = std::make_shared<RowMemory>();
  Scope scope = Scope::with_builtins();
  scope.bind_memory(mem);
  Module mod = Module::from_string(R"(
@proc
def scale_rows(n: size, x: f32[n, 8], y: f32[n, 8]):
    r: f32[8] @ ROWS
    for j in seq(0, 8):
        r[j] = x[0, j]
    for i in par(0, n):
        for j in seq(0, 8):
            y[i, j] = x[i, j] * r[j]
    for i in par(0, n):
        for j in seq(0, 8):
            y[i, j] += 1.0
)",
                                   "rows.exo", &scope);
  Proc p = mod.proc("scale_rows");
  CCode code = compile_to_c({p}, "rows");
  EXPECT_TRUE(contains(code.c, "#pragma omp parallel for\nfor (int_fast32_t i = 0; i < n; i++) {")) << code.c;
  EXPECT_TRUE(contains(code.c, "exo_par_for(0, n, exo_par_scale_rows_0_body, &exo_cap);")) << code.c;
  test::ProcInputs in = test::make_random_inputs(p, {{"n", 9}}, 3);
  EXPECT_EQ(test::compare_outputs(p, test::run_interpreted(p, in, {}), test::run_compiled(p, in, "par_rows")), "");
}

}  // namespace
}  // namespace exo
