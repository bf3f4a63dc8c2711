// divide_dim / mult_dim: accesses re-indexed so results are unchanged; refusals.
#include <gtest/gtest.h>

#include "exo/exo.h"
#include "exo/printer.h"
#include "exo/reshape.h"
#include "exo/rewrite.h"
#include "support/schedule_check.h"

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
  EXPECT_NE(m.find("cannot divide dimension 0 of 't' (extent 32) by 5"), std::string::npos) << m;
  // A symbolic extent is divided only when the preconditions say so.
  Proc q = mod().proc("odd");
  m = test::scheduling_error_message([&] { divide_dim(q, "t", 0, 4); });
  EXPECT_NE(m.find("'n % 4 == 0' is not provable"), std::string::npos) << m;
  Proc q4 = add_assertion(q, "n % 4 == 0");
  Rewrite r = divide_dim(q4, "t", 0, 4);
  test::expect_same_results(q4, r.proc, {{"n", 12}}, "divide_dim_symbolic");
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
}

}  // namespace
}  // namespace exo
