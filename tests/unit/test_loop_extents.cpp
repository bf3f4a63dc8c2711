// Every loop runs a non-negative number of times: hi - lo >= 0 is proved at
// definition (before the loop's own range is assumed) and kept by the rewrites
// that make, move or cut loops. cut_loop takes the reference's absolute cut
// point. Each refusal next to an accepted twin whose results are compared with
// the original on random inputs (interpreter and compiled C).
#include <gtest/gtest.h>

#include <optional>

#include "exo/exo.h"
#include "exo/schedule/lift_scope.h"
#include "exo/schedule/match.h"
#include "exo/printer.h"
#include "exo/schedule/loops.h"
#include "support/schedule_check.h"

namespace exo {
namespace {

std::optional<Error> definition_error(const std::string& src) {
  try {
    Module::from_string(src, "extents.py");
  } catch (const Error& e) {
    return e;
  }
  return std::nullopt;
}

bool has(const Proc& p, const std::string& text) { return print_proc(p).find(text) != std::string::npos; }

const char* kSrc = R"(
@proc
def tail(n: size, x: R[n] @ DRAM):
    assert n >= 8
    for j in seq(0, n - 8):
        x[j] = 0.0

@proc
def guarded(n: size, x: R[n] @ DRAM):
    if n >= 8:
        for j in seq(0, n - 8):
            x[j] = 0.0
    if n >= 2:
        for j in seq(0, n):
            x[j] += 1.0

@proc
def triangle(n: size, x: R[n, n] @ DRAM):
    for i in seq(0, n):
        for j in seq(i + 1, n):
            x[i, j] = 1.0
        if i >= 2:
            for j in seq(0, i - 2):
                x[i, j] = 2.0

@proc
def nest(n: size, x: R[n, n] @ DRAM, y: R[n, n] @ DRAM):
    assert n >= 8
    for i in seq(0, n - 8):
        for j in seq(0, n - 9):
            x[i, j] = 1.0
    for i in seq(0, n - 8):
        for j in seq(0, n - 8):
            y[i, j] = 1.0

@proc
def shifted(n: size, x: R[n + 2] @ DRAM):
    assert n >= 2
    for i in seq(2, n + 2):
        x[i] = x[i - 1] + 1.0
)";

const Module& mod() {
  static Module m = Module::from_string(kSrc, "extents.py");
  return m;
}

TEST(LoopExtent, NegativeExtentRefusedAtDefinition) {
  auto e = definition_error(R"(
@proc
def tail(n: size, x: R[n] @ DRAM):
    for j in seq(0, n - 8):
        x[j] = 0.0
)");
  ASSERT_TRUE(e.has_value()) << "accepted a loop that may run a negative number of times";
  EXPECT_EQ(e->kind(), ErrorKind::Bounds) << e->what();
  EXPECT_EQ(e->where().line, 4) << e->what();
  EXPECT_NE(e->message().find("loop 'j' over seq(0, n - 8) may run a negative number of times"), std::string::npos)
      << e->what();
  EXPECT_NE(e->message().find("could not prove 0 <= n - 8"), std::string::npos) << e->what();
  EXPECT_NE(e->message().find("fails when n = "), std::string::npos) << e->what();
}

TEST(LoopExtent, EnclosingFactsProveExtents) {
  // Accepted: i + 1 <= n inside `for i < n`, 0 <= i - 2 under `if i >= 2`.
  Proc p = mod().proc("triangle");
  test::expect_same_results(p, p, {{"n", 6}}, "extent_triangle");
  // Refused twin: i + 2 <= n fails in the last iteration.
  auto e = definition_error(R"(
@proc
def triangle(n: size, x: R[n, n] @ DRAM):
    for i in seq(0, n):
        for j in seq(i + 2, n):
            x[i, j] = 1.0
)");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->where().line, 5) << e->what();
  EXPECT_NE(e->message().find("loop 'j' over seq(i + 2, n)"), std::string::npos) << e->what();
  EXPECT_NE(e->message().find("0 <= i < n"), std::string::npos) << e->what();
}

// The reported bug: with the precondition the tail loops of divide_loop stay in
// bounds (before the rule, the same proc without it compiled to a tail writing
// x[-4] for n = 5).
TEST(LoopExtent, DivideLoopTailsUnderThePrecondition) {
  Proc p = mod().proc("tail");
  for (const char* tail : {"cut", "cut_and_guard", "guard"}) {
    Rewrite r = split_loop(p, find_loop(p, "j"), 4, "jo", "ji", tail, false);
    test::expect_same_results(p, r.proc, {{"n", 8}}, std::string("extent_tail8_") + tail);
    test::expect_same_results(p, r.proc, {{"n", 15}}, std::string("extent_tail15_") + tail);
  }
}

TEST(LoopExtent, LiftScopeKeepsTheGuardOfAPossiblyNegativeLoop) {
  Proc p = mod().proc("guarded");
  std::string m = test::scheduling_error_message([&] { lift_loop_from_if(p, find_loop(p, "j")); });
  EXPECT_NE(m.find("lift_scope"), std::string::npos) << m;
  EXPECT_NE(m.find("loop 'j' over seq(0, n - 8) may run a negative number of times"), std::string::npos) << m;
  // Twin: a loop over seq(0, n) runs a non-negative number of times anywhere.
  Rewrite ok = lift_loop_from_if(p, find_loop(p, "j #1"));
  EXPECT_TRUE(has(ok.proc, "for j in seq(0, n):\n        if n >= 2:")) << print_proc(ok.proc);
  test::expect_same_results(p, ok.proc, {{"n", 5}}, "extent_lift_twin");
}

TEST(LoopExtent, ReorderKeepsTheNewOuterExtentProvable) {
  // seq(0, n - 9) is non-negative only inside a loop that runs (n - 8 >= 1).
  Proc p = mod().proc("nest");
  std::string m = test::scheduling_error_message([&] { reorder_loops(p, find_loop(p, "i"), ""); });
  EXPECT_NE(m.find("loop 'j' over seq(0, n - 9) may run a negative number of times"), std::string::npos) << m;
  Rewrite ok = reorder_loops(p, find_loop(p, "i #1"), "");
  test::expect_same_results(p, ok.proc, {{"n", 11}}, "extent_reorder_twin");
}

// cut_loop's argument is the iteration where the second loop starts, as in the
// reference (not lo + cut_point, which partition_loop's `num` means).
TEST(CutLoop, CutsAtTheGivenIteration) {
  Proc p = mod().proc("shifted");
  Rewrite r = cut_loop(p, find_loop(p, "i"), "4");
  EXPECT_TRUE(has(r.proc, "for i in seq(2, 4):")) << print_proc(r.proc);
  EXPECT_TRUE(has(r.proc, "in seq(4, n + 2):")) << print_proc(r.proc);
  test::expect_same_results(p, r.proc, {{"n", 5}}, "cut_loop_at_4");
  Rewrite s = cut_loop(p, find_loop(p, "i"), "n + 1");
  test::expect_same_results(p, s.proc, {{"n", 3}}, "cut_loop_at_n1");
  test::expect_same_results(p, r.proc, {{"n", 2}}, "cut_loop_at_4_n2");
  // partition_loop keeps its offset from lo.
  Rewrite q = partition_loop(p, find_loop(p, "i"), 2);
  EXPECT_TRUE(has(q.proc, "for i in seq(2, 4):")) << print_proc(q.proc);
}

TEST(CutLoop, RefusesCutPointsOutsideTheRange) {
  Proc p = mod().proc("shifted");
  std::string m = test::scheduling_error_message([&] { cut_loop(p, find_loop(p, "i"), "1"); });
  EXPECT_NE(m.find("Expected `lo` <= `cut_point`: '2 <= 1' is not provable"), std::string::npos) << m;
  m = test::scheduling_error_message([&] { cut_loop(p, find_loop(p, "i"), "n - 1"); });
  EXPECT_NE(m.find("Expected `lo` <= `cut_point`"), std::string::npos) << m;  // n may be 2
  m = test::scheduling_error_message([&] { cut_loop(p, find_loop(p, "i"), "n + 3"); });
  EXPECT_NE(m.find("Expected `cut_point` <= `hi`: 'n + 3 <= n + 2' is not provable"), std::string::npos) << m;
  // The twin at the upper end is accepted: the second loop is empty.
  Rewrite ok = cut_loop(p, find_loop(p, "i"), "n + 2");
  test::expect_same_results(p, ok.proc, {{"n", 4}}, "cut_loop_at_hi");
}

}  // namespace
}  // namespace exo
