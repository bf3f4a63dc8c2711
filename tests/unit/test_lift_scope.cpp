// lift_loop_from_if (lift_scope's loop-out-of-an-if case): results compared with
// the original on random inputs; each refusal paired with an accepted twin.
#include <gtest/gtest.h>

#include "exo/exo.h"
#include "exo/schedule/lift_scope.h"
#include "exo/schedule/match.h"
#include "exo/printer.h"
#include "exo/schedule/loops.h"
#include "support/schedule_check.h"
#include "support/by_name.h"

namespace exo {
namespace {

const char* kSrc = R"(
@config
class Cfg:
    on: size

@proc
def guarded(n: size, k: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for j in seq(0, 3):
        if k > 2:
            for i in seq(0, n):
                y[i] += x[i] * 2.0

@proc
def nest(n: size, x: f32[n, 4] @ DRAM, y: f32[n, 4] @ DRAM):
    for i in seq(0, n):
        for j in seq(0, 4):
            y[i, j] += x[i, j] * 3.0

@proc
def with_else(n: size, k: size, x: f32[n] @ DRAM):
    if k > 2:
        for i in seq(0, n):
            x[i] = 1.0
    else:
        for i in seq(0, n):
            x[i] = 2.0

@proc
def two_stmts(n: size, k: size, x: f32[n] @ DRAM):
    if k > 2:
        for i in seq(0, n):
            x[i] = 1.0
        x[0] = 3.0

@proc
def cfg_write(n: size, x: f32[n] @ DRAM):
    if Cfg.on > 0:
        for i in seq(0, n):
            Cfg.on = 0
            x[i] = 1.0

@proc
def cfg_read(n: size, x: f32[n] @ DRAM):
    if Cfg.on > 0:
        for i in seq(0, n):
            x[i] = 1.0
)";

const Module& mod() {
  static Module m = Module::from_string(kSrc);
  return m;
}

std::string sched_error(const std::function<void()>& f) {
  return test::scheduling_error_message(f);
}

TEST(LiftScope, LoopOutOfIf) {
  Proc p = mod().proc("guarded");
  Cursor loop = find_loop(p, "i");
  Cursor body = find_stmt(p, "y[_] += _");
  Cursor cond = find_stmt(p, "if _: _");
  Rewrite r = lift_loop_from_if(p, loop);
  EXPECT_NE(print_proc(r.proc).find(
                "for i in seq(0, n):\n            if k > 2:\n                y[i] +="),
            std::string::npos)
      << print_proc(r.proc);
  EXPECT_EQ(r.forward(loop).str(), "body[0].body[0]");
  EXPECT_EQ(r.forward(cond).str(), "body[0].body[0].body[0]");
  EXPECT_EQ(r.forward(body).str(), body.str());
  for (long long k : {1, 5})
    for (long long n : {1, 4})
      test::expect_same_results(p, r.proc, {{"n", n}, {"k", k}},
                                "lift_scope_" + std::to_string(k) + "_" + std::to_string(n));
}

TEST(LiftScope, Refusals) {
  std::string m = sched_error([&] { lift_loop_from_if(mod().proc("with_else"), "i"); });
  EXPECT_NE(m.find("lift_scope: cannot lift for loop when if has an orelse clause"),
            std::string::npos)
      << m;
  m = sched_error([&] { lift_loop_from_if(mod().proc("two_stmts"), "i"); });
  EXPECT_NE(m.find("expected loop 'i' to be directly nested in the if"), std::string::npos) << m;
  m = sched_error([&] { lift_loop_from_if(mod().proc("cfg_write"), "i"); });
  EXPECT_NE(m.find("the loop writes config field 'on', which the condition 'Cfg.on > 0' reads"),
            std::string::npos)
      << m;
  // The same condition with a loop that only reads data is accepted.
  Rewrite ok = lift_loop_from_if(mod().proc("cfg_read"), "i");
  EXPECT_NE(print_proc(ok.proc).find("for i in seq(0, n):\n        if Cfg.on > 0:"),
            std::string::npos)
      << print_proc(ok.proc);
  m = sched_error([&] { lift_loop_from_if(mod().proc("guarded"), "j"); });
  EXPECT_NE(m.find("Cannot lift scope of top-level statement"), std::string::npos) << m;
}

// lift_scope picks the case from the statement and its parent; each result is
// compared with the original on random inputs.
TEST(LiftScope, ChoosesTheCase) {
  Proc g = mod().proc("guarded");
  // An if in a loop: lift_if.
  Rewrite r = lift_scope(g, find_stmt(g, "if _: _"));
  EXPECT_NE(print_proc(r.proc).find("    if k > 2:\n        for j in seq(0, 3):\n            for i in"),
            std::string::npos)
      << print_proc(r.proc);
  EXPECT_EQ(print_proc(r.proc), print_proc(lift_if(g, find_stmt(g, "if _: _"), 1).proc));
  for (long long k : {1, 5}) test::expect_same_results(g, r.proc, {{"n", 3}, {"k", k}}, "scope_if");
  // A loop in an if: lift_loop_from_if.
  r = lift_scope(g, find_loop(g, "i"));
  EXPECT_EQ(print_proc(r.proc), print_proc(lift_loop_from_if(g, find_loop(g, "i")).proc));
  EXPECT_NE(print_proc(r.proc).find("for i in seq(0, n):\n            if k > 2:"), std::string::npos)
      << print_proc(r.proc);
  for (long long k : {1, 5}) test::expect_same_results(g, r.proc, {{"n", 3}, {"k", k}}, "scope_loop_if");
  // A loop in a loop: the two loops are interchanged.
  Proc n = mod().proc("nest");
  r = lift_scope(n, find_loop(n, "j"));
  EXPECT_NE(print_proc(r.proc).find("for j in seq(0, 4):\n        for i in seq(0, n):"), std::string::npos)
      << print_proc(r.proc);
  test::expect_same_results(n, r.proc, {{"n", 5}}, "scope_loop_loop");
}

TEST(LiftScope, RefusesATopLevelStatement) {
  Proc n = mod().proc("nest");
  std::string m = sched_error([&] { lift_scope(n, find_loop(n, "i")); });
  EXPECT_NE(m.find("lift_scope: Cannot lift scope of top-level statement"), std::string::npos) << m;
  // Its twin one level down is accepted.
  EXPECT_NO_THROW(lift_scope(n, find_loop(n, "j")));
}

}  // namespace
}  // namespace exo
