// lift_if, assert_if and reorder_before: results compared with the original on
// random inputs (interpreter and compiled C); each refusal paired with a legal twin.
#include <gtest/gtest.h>

#include "exo/exo.h"
#include "exo/schedule/match.h"
#include "exo/printer.h"
#include "exo/schedule/loops.h"
#include "support/schedule_check.h"
#include "support/by_name.h"

namespace exo {
namespace {

const char* kSrc = R"(
@proc
def lift(n: size, flag: bool, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        if flag:
            x[i] = y[i] * 2.0
        else:
            x[i] = 1.0
    for i in seq(0, n):
        if i > 1:
            x[i] += 1.0
    for i in seq(0, n):
        for j in seq(0, 4):
            if n > 3:
                y[i] += 1.0

@proc
def nested(n: size, a: bool, b: bool, x: f32[4] @ DRAM):
    if a:
        if b:
            x[0] = 1.0
        else:
            x[1] = 2.0
    else:
        x[2] = 3.0
    if a:
        x[3] = 1.0
    else:
        if b:
            x[0] += 2.0
    if a:
        if b:
            x[1] += 5.0
    else:
        x[2] += 7.0

@proc
def guards(n: size, x: f32[n] @ DRAM):
    assert n % 4 == 0
    for i in seq(0, n):
        x[i] = x[i] * 2.0
    for j in seq(0, n):
        if j < n - 1:
            x[j] += 1.0
    for k in seq(0, n):
        if k + 1 > n:
            x[k] = 0.0
        else:
            x[k] += 3.0
)";

const Module& mod() {
  static Module m = Module::from_string(kSrc);
  return m;
}

std::string sched_error(const std::function<void()>& f) {
  return test::scheduling_error_message(f);
}

TEST(LiftIf, OutOfLoops) {
  Proc p = mod().proc("lift");
  Cursor ifc = find_stmt(p, "if flag: _");
  Cursor else_stmt = find_stmt(p, "x[i] = 1.0");
  Rewrite r = lift_if(p, ifc);
  EXPECT_NE(print_proc(r.proc).find(
                "    if flag:\n        for i in seq(0, n):\n            x[i] = y[i] * 2.0\n"
                "    else:\n        for i in seq(0, n):\n            x[i] = 1.0"),
            std::string::npos)
      << print_proc(r.proc);
  EXPECT_EQ(r.forward(ifc).str(), "body[0]");
  EXPECT_EQ(r.forward(else_stmt).str(), "body[0].orelse[0].body[0]");
  for (long long f : {0, 1})
    test::expect_same_results(p, r.proc, {{"n", 5}, {"flag", f}}, "lift_if_" + std::to_string(f));
  // The condition depends on the iterator: refused.
  std::string m = sched_error([&] { lift_if(p, "if i > 1: _"); });
  EXPECT_NE(
      m.find("cannot lift the if out of loop 'i': its condition 'i > 1' depends on 'i'"),
      std::string::npos)
      << m;
  // Two levels, out of j then i.
  Rewrite r2 = lift_if(p, "if n > 3: _", 2);
  EXPECT_EQ(r2.forward(find_stmt(p, "if n > 3: _")).str(), "body[2]");
  EXPECT_EQ(match_pattern(r2.proc, "if n > 3: _")[0].str(), "body[2]");
  for (long long n : {2, 5})
    test::expect_same_results(p, r2.proc, {{"n", n}, {"flag", 1}}, "lift_if2_" + std::to_string(n));
  m = sched_error([&] { lift_if(p, "if n > 3: _", 3); });
  EXPECT_NE(m.find("cannot lift the if 1 more level(s): it is at the top level"), std::string::npos)
      << m;
}

TEST(LiftIf, OutOfIfs) {
  Proc p = mod().proc("nested");
  Rewrite r = lift_if(p, "if b: _");      // in the body of `if a`
  Rewrite r2 = lift_if(p, "if b: _ #1");  // in the else branch of `if a`
  Rewrite r3 = lift_if(p, "if b: _ #2");  // no else of its own
  for (long long a : {0, 1})
    for (long long b : {0, 1}) {
      std::string tag = std::to_string(a) + std::to_string(b);
      test::expect_same_results(p, r.proc, {{"n", 1}, {"a", a}, {"b", b}}, "lift_if_if_" + tag);
      test::expect_same_results(p, r2.proc, {{"n", 1}, {"a", a}, {"b", b}}, "lift_if_else_" + tag);
      test::expect_same_results(p, r3.proc, {{"n", 1}, {"a", a}, {"b", b}},
                                "lift_if_noelse_" + tag);
    }
  EXPECT_EQ(r.forward(find_stmt(p, "x[1] = _")).str(), "body[0].orelse[0].body[0]");
  EXPECT_EQ(r.forward(find_stmt(p, "x[2] = _")).str(), "body[0].body[0].orelse[0]");
  EXPECT_EQ(r2.forward(find_stmt(p, "x[3] = _")).str(), "body[1].body[0].body[0]");
  std::string m = sched_error([&] { lift_if(p, "if a: _"); });
  EXPECT_NE(m.find("at the top level"), std::string::npos) << m;
}

TEST(AssertIf, ProvableOrRefused) {
  Proc g = mod().proc("guards");
  // Split by 4 with a guard: n % 4 == 0 makes the guard always true.
  Proc s = split_loop(g, "i", 4, "io", "ii").proc;
  Cursor guard = find_stmt(s, "if _: _");
  Cursor body = find_stmt(s, "x[_] = _");
  Rewrite r = assert_if(s, guard, true);
  EXPECT_EQ(match_pattern(r.proc, "if _: _ ").size(), 2u) << print_proc(r.proc);
  EXPECT_EQ(r.forward(body).str(), "body[0].body[0].body[0]");
  test::expect_same_results(g, r.proc, {{"n", 8}}, "assert_if_split");
  // j < n - 1 fails on the last iteration: neither value is provable.
  std::string m = sched_error([&] { assert_if(g, "if j < n - 1: _", true); });
  EXPECT_NE(m.find("assert_if: cannot assert that the condition 'j < n - 1' is always True here: "
                   "it is not provable"),
            std::string::npos)
      << m;
  m = sched_error([&] { assert_if(g, "if j < n - 1: _", false); });
  EXPECT_NE(m.find("is always False here"), std::string::npos) << m;
  // False where the loop range decides it: the else branch stays.
  Rewrite rf = assert_if(g, "if k + 1 > n: _", false);
  EXPECT_EQ(print_proc(rf.proc).find("x[k] = 0.0"), std::string::npos) << print_proc(rf.proc);
  EXPECT_EQ(rf.forward(find_stmt(g, "x[k] += _")).str(), "body[2].body[0]");
  test::expect_same_results(g, rf.proc, {{"n", 4}}, "assert_if_false");
}

TEST(ReorderBefore, MovesUpOrRefuses) {
  Proc p = mod().proc("lift");
  Cursor third = find_loop(p, "i #2");
  Rewrite r = reorder_before(p, third);
  EXPECT_EQ(r.forward(third).str(), "body[1]");
  EXPECT_EQ(r.forward(find_stmt(p, "x[i] += _")).str(), "body[2].body[0].body[0]");
  test::expect_same_results(p, r.proc, {{"n", 5}, {"flag", 1}}, "reorder_before");
  // The second loop reduces x, which the first writes; the first has nothing before it.
  std::string m = sched_error([&] { reorder_before(p, "for i in _: _ #1"); });
  EXPECT_NE(m.find("the statements do not commute: 'x' is written by the first statement and "
                   "reduced by the second"),
            std::string::npos)
      << m;
  m = sched_error([&] { reorder_before(p, "for i in _: _"); });
  EXPECT_NE(m.find("reorder_before: expected a statement before it"), std::string::npos) << m;
}

}  // namespace
}  // namespace exo
