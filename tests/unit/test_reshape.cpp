// divide_dim / mult_dim: accesses re-indexed so results are unchanged; refusals.
#include <gtest/gtest.h>

#include "exo/exo.h"
#include "exo/printer.h"
#include "exo/schedule/reshape.h"
#include "exo/schedule/procs.h"
#include "support/schedule_check.h"
#include "support/by_name.h"

namespace exo {
namespace {

const char* kSrc = R"(
@proc
def rows(n: size, x: f32[n, 32] @ DRAM, y: f32[n, 32] @ DRAM):
    for i in seq(0, n):
        t: f32[32] @ DRAM
        for j in seq(0, 32):
            t[j] = x[i, j] * 2.0
        for j in seq(0, 32):
            y[i, j] = t[31 - j] + t[j]

@proc
def grid(n: size, x: f32[n, 4, 8] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        u: f32[4, 8] @ DRAM
        for a in seq(0, 4):
            for b in seq(0, 8):
                u[a, b] = x[i, a, b]
        y[i] = u[3, 7] + u[1, 2]

@proc
def odd(n: size, x: f32[n] @ DRAM):
    t: f32[n] @ DRAM
    for i in seq(0, n):
        t[i] = x[i]
    for i in seq(0, n):
        x[i] = t[i] + 1.0
)";

const char* kDead = R"(
@proc
def dead(x: f32[8] @ DRAM):
    for i in seq(0, 2 / 3):
        t: f32[1] @ DRAM
        t[0] = x[0]
        x[1] = t[0]
    for i in seq(0, 2):
        u: f32[3] @ DRAM
        u[i] = x[i]
        x[i + 4] = u[i]
)";

const Module& mod() {
  static Module m = Module::from_string(kSrc);
  return m;
}

TEST(Reshape, DivideDim) {
  Proc p = mod().proc("rows");
  Rewrite r = divide_dim(p, "t", 0, 8);
  std::string s = print_proc(r.proc);
  EXPECT_NE(s.find("t: f32[4, 8] @ DRAM"), std::string::npos) << s;
  EXPECT_NE(s.find("t[j / 8, j % 8] = "), std::string::npos) << s;
  test::expect_same_results(p, r.proc, {{"n", 3}}, "divide_dim_rows");
}

TEST(Reshape, DivideDimRefusesIndivisible) {
  Proc p = mod().proc("rows");
  std::string m = test::scheduling_error_message([&] { divide_dim(p, "t", 0, 5); });
  EXPECT_NE(m.find("cannot perfectly divide dimension 0 of 't' (extent 32) by 5"), std::string::npos) << m;
  // A symbolic extent is divided only when the preconditions say so.
  Proc q = mod().proc("odd");
  m = test::scheduling_error_message([&] { divide_dim(q, "t", 0, 4); });
  EXPECT_NE(m.find("'n % 4 == 0' is not provable"), std::string::npos) << m;
  Proc q4 = add_assertion(q, "n % 4 == 0");
  Rewrite r = divide_dim(q4, "t", 0, 4);
  test::expect_same_results(q4, r.proc, {{"n", 12}}, "divide_dim_symbolic");
}

// Inside a loop that never runs every fact is provable; a constant extent that
// does not divide is still refused (the result would not check).
TEST(Reshape, DivideDimDecidesConstantsInDeadCode) {
  Proc p = Module::from_string(kDead).proc("dead");
  std::string m = test::scheduling_error_message([&] { divide_dim(p, "t", 0, 3); });
  EXPECT_NE(m.find("cannot perfectly divide dimension 0 of 't' (extent 1) by 3"), std::string::npos) << m;
  Rewrite r = divide_dim(p, "u", 0, 3);
  test::expect_same_results(p, r.proc, {}, "divide_dim_dead_twin");
}

TEST(Reshape, MultDim) {
  Proc p = mod().proc("grid");
  Rewrite r = mult_dim(p, "u", 0);
  std::string s = print_proc(r.proc);
  EXPECT_NE(s.find("u: f32[32] @ DRAM"), std::string::npos) << s;
  EXPECT_NE(s.find("u[31]"), std::string::npos) << s;
  test::expect_same_results(p, r.proc, {{"n", 3}}, "mult_dim_grid");
  // Round trip: divide what was merged.
  Rewrite back = divide_dim(r.proc, "u", 0, 8);
  test::expect_same_results(p, back.proc, {{"n", 2}}, "mult_divide_grid");
  // Any two dimensions: the second (lo) folds into the first (hi), even before it.
  Rewrite swapped = mult_dim(p, find_stmt(p, "u : _"), 1, 0);
  s = print_proc(swapped.proc);
  EXPECT_NE(s.find("u[4 * b + a] = x[i, a, b]"), std::string::npos) << s;
  EXPECT_NE(s.find("u: f32[32] @ DRAM"), std::string::npos) << s;
  test::expect_same_results(p, swapped.proc, {{"n", 3}}, "mult_dim_grid_swapped");
}

}  // namespace
}  // namespace exo
