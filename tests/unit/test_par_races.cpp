// par loops must be race-free however they were made: written in the source
// (checked at definition), made by parallelize_loop (its check), changed by a
// later rewrite, or built by hand (checked by the C backend before it emits
// OpenMP). One check serves all: analysis::parallel_iteration_conflict. Each
// refusal next to an accepted twin, run through the interpreter and through C
// compiled with and without OpenMP.
#include <gtest/gtest.h>

#include <optional>

#include "exo/analysis.h"
#include "exo/schedule/buffers.h"
#include "exo/schedule/configs.h"
#include "exo/backend.h"
#include "exo/exo.h"
#include "exo/schedule/match.h"
#include "exo/printer.h"
#include "exo/schedule/loops.h"
#include "support/schedule_check.h"
#include "support/by_name.h"

namespace exo {
namespace {

// A racy par loop is accepted as written and refused when compiled to C (as
// exo-lang does): the error of defining and compiling `src`.
std::optional<Error> definition_error(const std::string& src) {
  try {
    Module m = Module::from_string(src, "races.py");
    compile_to_c(m.procs(), "races");
  } catch (const Error& e) {
    return e;
  }
  return std::nullopt;
}

const char* kSrc = R"(
@proc
def rowsum(A: f32[10, 4] @ DRAM, s: f32[10] @ DRAM):
    for i in par(0, 10):
        for j in seq(0, 4):
            s[i] += A[i, j]

@proc
def total(A: f32[10] @ DRAM, t: f32[1] @ DRAM):
    for i in seq(0, 10):
        t[0] += A[i]

@proc
def scale(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in par(0, n):
        y[i] = x[i] * 2.0 + y[i]
)";

const Module& mod() {
  static Module m = Module::from_string(kSrc, "races.py");
  return m;
}

// The interpreter and C built with -fopenmp agree with the original.
void expect_same_with_openmp(const Proc& before, const Proc& after, const test::ControlArgs& args,
                             const std::string& tag) {
  test::expect_same_results(before, after, args, tag);
  test::ProcInputs in = test::make_random_inputs(before, args, 7);
  auto expected = test::run_interpreted(before, in, {});
  auto compiled = test::run_compiled(after, in, tag + "_omp", "-fopenmp");
  EXPECT_EQ(test::compare_outputs(before, expected, compiled), "") << tag;
}

TEST(ParRaces, SourceReductionIntoOneLocationRefused) {
  auto e = definition_error(R"(
@proc
def total(A: f32[10] @ DRAM, t: f32[1] @ DRAM):
    for i in par(0, 10):
        t[0] += A[i]
)");
  ASSERT_TRUE(e.has_value()) << "accepted a par loop whose iterations all reduce into t[0]";
  EXPECT_EQ(e->kind(), ErrorKind::Type) << e->what();
  EXPECT_EQ(e->where().line, 4) << e->what();
  EXPECT_NE(e->message().find("par loop 'i' over par(0, 10) may race: the reduce t[0] in one iteration and the "
                              "reduce t[0] in another may touch the same location of 't'"),
            std::string::npos)
      << e->what();
  // Twin: per-row reductions are independent.
  Proc p = mod().proc("rowsum");
  expect_same_with_openmp(p, p, {}, "race_rowsum");
}

TEST(ParRaces, SharedScalarAndNeighbourReadsRefused) {
  auto e = definition_error(R"(
@proc
def f(A: f32[10] @ DRAM, B: f32[10] @ DRAM):
    t: f32 @ DRAM
    for i in par(0, 10):
        t = A[i]
        B[i] = t
)");
  ASSERT_TRUE(e.has_value());
  EXPECT_NE(e->message().find("the write t in one iteration"), std::string::npos) << e->what();
  // Twin: the scalar allocated in the body is private to an iteration.
  auto ok = definition_error(R"(
@proc
def f(A: f32[10] @ DRAM, B: f32[10] @ DRAM):
    for i in par(0, 10):
        t: f32 @ DRAM
        t = A[i]
        B[i] = t
)");
  EXPECT_FALSE(ok.has_value()) << ok->what();
  e = definition_error(R"(
@proc
def f(A: f32[11] @ DRAM):
    for i in par(0, 10):
        A[i] = A[i + 1]
)");
  ASSERT_TRUE(e.has_value());
  EXPECT_NE(e->message().find("may touch the same location of 'A'"), std::string::npos) << e->what();
}

TEST(ParRaces, SplitParLoopStaysParallelAndEqual) {
  Proc p = mod().proc("scale");
  Rewrite r = split_loop(p, find_loop(p, "i"), 4, "io", "ii", "cut", false);
  EXPECT_NE(print_proc(r.proc).find("for io in par("), std::string::npos) << print_proc(r.proc);
  expect_same_with_openmp(p, r.proc, {{"n", 11}}, "race_split_par");
}

// Staging the whole output around one iteration's body: sequentially the same
// values, but every iteration would copy the whole window back concurrently.
TEST(ParRaces, RewriteThatMakesARaceRefused) {
  Proc p = mod().proc("scale");
  Cursor body = find_stmt(p, "y[i] = _");
  std::string m = test::scheduling_error_message([&] { stage_mem(p, body, "y[0:n]", "t"); });
  EXPECT_NE(m.find("stage_mem"), std::string::npos) << m;
  EXPECT_NE(m.find("par loop 'i' over par(0, n) may race"), std::string::npos) << m;
  Rewrite ok = stage_mem(p, body, "y[i]", "t");
  expect_same_with_openmp(p, ok.proc, {{"n", 9}}, "race_stage_twin");
}

// A par loop the checks never saw (built by hand): the backend refuses it with
// the loop's position; the same construction of a race-free loop compiles.
TEST(ParRaces, BackendRefusesARacyParLoop) {
  auto as_par = [](const Proc& p) {
    auto* f = p->body[0].as<ForNode>();
    Stmt par = make_stmt<ForNode>(f->iter, f->lo, f->hi, f->body, LoopMode::Par, f->srcinfo);
    return with_body(p, Block{par});
  };
  Proc racy = as_par(mod().proc("total"));
  try {
    compile_to_c({racy}, "racy");
    ADD_FAILURE() << "compiled a racy par loop";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Type) << e.what();
    EXPECT_EQ(e.where().line, 10) << e.what();
    EXPECT_NE(e.message().find("par loop 'i' over par(0, 10) may race"), std::string::npos) << e.what();
  }
  Proc fine = as_par(mod().proc("scale"));
  CCode c = compile_to_c({fine}, "fine");
  EXPECT_NE(c.c.find("exo_par_for(0, n, exo_par_scale_0_body, &exo_cap);"), std::string::npos) << c.c;
}

// A config field is one location for all iterations: a write of it inserted
// into a par loop's body is a race, refused; before the loop it is accepted.
TEST(ParRaces, ConfigWriteIntoParLoopRefused) {
  Module m = Module::from_string(R"(
@config
class Cfg:
    f: f32

@proc
def scale(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in par(0, n):
        y[i] = x[i] * 2.0
)",
                                 "races_cfg.py");
  Proc p = m.proc("scale");
  ConfigPtr cfg = m.configs().at(0);
  Cursor body = find_stmt(p, "y[i] = _");
  std::string w = test::scheduling_error_message([&] { write_config(p, after(body), cfg, "f", "2.0"); });
  EXPECT_NE(w.find("write_config"), std::string::npos) << w;
  EXPECT_NE(w.find("may race"), std::string::npos) << w;
  std::string a = test::scheduling_error_message([&] { configwrite_after(p, body, cfg, "f", "1.0"); });
  EXPECT_NE(a.find("may race"), std::string::npos) << a;
  std::string b = test::scheduling_error_message([&] { bind_config(p, "x[i]", cfg, "f"); });
  EXPECT_NE(b.find("bind_config"), std::string::npos) << b;
  Rewrite ok = write_config(p, before(find_loop(p, "i")), cfg, "f", "3.0");
  expect_same_with_openmp(p, ok.proc, {{"n", 9}}, "race_cfg_before");
}

}  // namespace
}  // namespace exo
