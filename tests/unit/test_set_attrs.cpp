// set_precision, set_window, set_memory: the new declarations, compiled C run on
// random inputs, and the refusals with their legal twins.
#include <gtest/gtest.h>

#include "exo/exo.h"
#include "exo/schedule/match.h"
#include "exo/platforms/x86.h"
#include "exo/schedule/procs.h"
#include "exo/schedule/loops.h"
#include "support/schedule_check.h"
#include "support/by_name.h"

namespace exo {
namespace {

const char* kSrc = R"(
@proc
def copy4(a: f32[4] @ DRAM, b: f32[4] @ DRAM):
    for i in seq(0, 4):
        b[i] = a[i]

@proc
def copy4w(a: [f32][4] @ DRAM, b: [f32][4] @ DRAM):
    for i in seq(0, 4):
        b[i] = a[i]

@proc
def axpy(n: size, a: f32, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    t: f32[n] @ DRAM
    for i in seq(0, n):
        t[i] = a * x[i]
    for i in seq(0, n):
        y[i] += t[i] * 0.1
    s: f32 @ DRAM
    s = 0.0
    for i in seq(0, n):
        s += x[i]
    y[0] = s

@proc
def calls(x: f32[8] @ DRAM, y: f32[8] @ DRAM, r: R[4] @ DRAM, s: R[4] @ DRAM):
    copy4w(x[0:4], y[0:4])
    w = y[4:8]
    copy4w(r[0:4], w)
    copy4(r, s)

@proc
def whole(x: f32[4] @ DRAM, y: f32[4] @ DRAM, z: f32[4] @ DRAM):
    copy4(x, y)
    copy4w(z, y)

@proc
def strided(n: size, m: size, A: f32[n, m] @ DRAM, B: f32[n, m] @ DRAM):
    for i in seq(0, n):
        for j in seq(0, m):
            B[i, j] = A[i, j] * 2.0

@proc
def vec(x: f32[8] @ DRAM):
    t: f32[8] @ DRAM
    for i in seq(0, 8):
        t[i] = x[i]
    u: f32[5] @ DRAM
    for i in seq(0, 5):
        u[i] = t[i]
    for i in seq(0, 5):
        x[i] = u[i]
)";

const Module& mod() {
  static Module m = Module::from_string(kSrc);
  return m;
}

// A proc with p's (dense) arguments whose body calls `callee` with them: how a
// window-argument proc is run by the harness, which passes dense buffers.
Proc caller_of(const Proc& p, const Proc& callee) {
  auto w = std::make_shared<ProcNode>(*p);
  w->name = p->name + "_caller";
  std::vector<Expr> args;
  for (auto& a : p->args) args.push_back(make_expr<ReadNode>(a.name, std::vector<Expr>{}, a.type, a.srcinfo));
  w->body = {make_stmt<CallNode>(callee, args, p->srcinfo)};
  return w;
}

bool contains(const Proc& p, const std::string& text) { return print_proc(p).find(text) != std::string::npos; }

TEST(SetPrecision, AllocationsAndArguments) {
  Proc p = mod().proc("axpy");
  // An allocation: its declaration and every access; results agree within tolerance.
  Rewrite r = set_precision(p, "t", ScalarKind::F64);
  EXPECT_TRUE(contains(r.proc, "t: f64[n] @ DRAM")) << print_proc(r.proc);
  for (long long n : {1, 7}) test::expect_same_results(p, r.proc, {{"n", n}}, "set_precision_t" + std::to_string(n));
  Proc s = set_precision(r.proc, "s", ScalarKind::F64).proc;
  EXPECT_TRUE(contains(s, "s: f64 @ DRAM"));
  test::expect_same_results(p, s, {{"n", 5}}, "set_precision_s");
  EXPECT_EQ(r.forward(find_stmt(p, "y[0] = s")), find_stmt(r.proc, "y[0] = s"));
  // An argument: the signature changes; the compiled C agrees with the interpreter.
  // (with `a`, which it multiplies: mixed precisions do not compile)
  Proc q = set_precision(set_precision(p, "x", ScalarKind::F64).proc, "a", ScalarKind::F64).proc;
  EXPECT_TRUE(contains(q, "x: f64[n] @ DRAM")) << print_proc(q);
  test::ProcInputs in = test::make_random_inputs(q, {{"n", 6}}, 3);
  auto interp = test::run_interpreted(q, in, {});
  auto compiled = test::run_compiled(q, in, "set_precision_arg");
  EXPECT_EQ(test::compare_outputs(q, interp, compiled), "");
  EXPECT_NE(compile_to_c({q}, "sp").c.find("const double* x"), std::string::npos) << compile_to_c({q}, "sp").c;
  // Integers too.
  Proc i8 = set_precision(p, "y", ScalarKind::I32).proc;
  EXPECT_TRUE(contains(i8, "y: i32[n] @ DRAM"));
  EXPECT_NO_THROW(compile_to_c({i8}, "sp_i32"));
}

TEST(SetPrecision, Refusals) {
  Proc p = mod().proc("calls");
  std::string m = test::scheduling_error_message([&] { set_precision(p, "x", ScalarKind::F64); });
  EXPECT_NE(m.find("set_precision: 'x[0:4]' is passed to 'a' of type [f32][4], which would not match the new precision f64"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find(">   copy4w(x[0:4], y[0:4])  # <-- here"), std::string::npos) << m;
  // Through a window statement.
  m = test::scheduling_error_message([&] { set_precision(p, "y", ScalarKind::F16); });
  EXPECT_NE(m.find("'y[0:4]' is passed to 'b'"), std::string::npos) << m;
  // The legal twin: R is f32 to the callee, so R[4] -> f32[4] keeps the call valid.
  Rewrite ok = set_precision(p, "r", ScalarKind::F32);
  EXPECT_TRUE(contains(ok.proc, "r: f32[4] @ DRAM"));
  test::expect_same_results(p, ok.proc, {}, "set_precision_r");
  m = test::scheduling_error_message([&] { set_precision(mod().proc("axpy"), "n", ScalarKind::F32); });
  EXPECT_NE(m.find("'n' is not a data buffer (its type is size)"), std::string::npos) << m;
  EXPECT_THROW(set_precision(mod().proc("axpy"), "nothing", ScalarKind::F32), Error);
}

TEST(SetWindow, ArgumentsBecomeWindowStructs) {
  Proc p = mod().proc("strided");
  Rewrite r = set_window(p, "A", true);
  EXPECT_TRUE(contains(r.proc, "A: [f32][n, m] @ DRAM")) << print_proc(r.proc);
  EXPECT_NE(compile_to_c({r.proc}, "sw").c.find("struct exo_win_2f32c A"), std::string::npos)
      << compile_to_c({r.proc}, "sw").c;
  test::expect_same_results(p, caller_of(p, r.proc), {{"n", 3}, {"m", 5}}, "set_window_A");
  Proc back = set_window(r.proc, "A", false).proc;
  EXPECT_EQ(print_proc(back), print_proc(p));
  test::expect_same_results(p, back, {{"n", 3}, {"m", 5}}, "set_window_back");
}

TEST(SetWindow, Refusals) {
  Proc w = mod().proc("whole");
  std::string m = test::scheduling_error_message([&] { set_window(w, "x", true); });
  EXPECT_NE(m.find("'x' is passed to 'a' of type f32[4], which is not a window"), std::string::npos) << m;
  // The twin: z goes to a window parameter, so it may be a window itself.
  Rewrite ok = set_window(w, "z", true);
  EXPECT_TRUE(contains(ok.proc, "z: [f32][4] @ DRAM"));
  test::expect_same_results(w, caller_of(w, ok.proc), {}, "set_window_z");
  m = test::scheduling_error_message([&] { set_window(mod().proc("axpy"), "t", true); });
  EXPECT_NE(m.find("'t' is an allocation: only arguments can be windows"), std::string::npos) << m;
  m = test::scheduling_error_message([&] { set_window(mod().proc("axpy"), "a", true); });
  EXPECT_NE(m.find("cannot change windowing of the non-tensor argument 'a' of type f32"), std::string::npos) << m;
}

TEST(SetMemory, AllocationsAndHookErrors) {
  Proc p = mod().proc("vec");
  Rewrite r = set_memory(p, "t", dram_static());
  EXPECT_TRUE(contains(r.proc, "t: f32[8] @ DRAM_STATIC"));
  test::expect_same_results(p, r.proc, {}, "set_memory_static");
  Proc s = set_memory(p, "x", dram_stack()).proc;
  EXPECT_TRUE(contains(s, "x: f32[8] @ DRAM_STACK"));
  // AVX2 holds f32 vectors of 8: t fits, u (5 lanes) is refused when C is generated.
  Proc v = set_memory(p, "t", platforms::avx2()).proc;
  EXPECT_TRUE(contains(v, "t: f32[8] @ AVX2"));
  Proc bad = set_memory(p, "u", platforms::avx2()).proc;
  try {
    compile_to_c({bad}, "sm");
    ADD_FAILURE() << "expected a MemGen error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::MemGen) << e.what();
    EXPECT_EQ(e.where().line, cursor_srcinfo(bad, find_alloc(bad, "u")).line) << e.what();
    EXPECT_GT(e.where().line, 0);
  }
  std::string m = test::scheduling_error_message([&] { set_memory(mod().proc("axpy"), "n", dram()); });
  EXPECT_NE(m.find("'n' is not a data buffer"), std::string::npos) << m;
}

}  // namespace
}  // namespace exo
