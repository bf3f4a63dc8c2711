// Narrow integer data (i8, ui8, ui16) is computed in int and wrapped only
// when stored: binding a subexpression to a new narrow variable, or inlining
// one, must not add or remove a wrap a later operation would see.
#include <gtest/gtest.h>

#include "exo/exo.h"
#include "exo/schedule/buffers.h"
#include "exo/schedule/exprs.h"
#include "exo/schedule/match.h"
#include "support/by_name.h"
#include "support/schedule_check.h"

namespace exo {
namespace {

const char* kSrc = R"(
@proc
def avg3(n: size, x: ui16[n + 2] @ DRAM, y: ui16[n] @ DRAM, z: ui16[n] @ DRAM):
    for i in seq(0, n):
        y[i] = (x[i] + x[i + 1] + x[i + 2]) / 3.0
    for i in seq(0, n):
        z[i] = x[i] + x[i + 1] * x[i + 2]

@proc
def mix(n: size, a: i8[n] @ DRAM, b: i8[n] @ DRAM, c: i32[n] @ DRAM, d: i8[n] @ DRAM):
    for i in seq(0, n):
        c[i] = a[i] * b[i]
    for i in seq(0, n):
        d[i] += a[i] - b[i]
    for i in seq(0, n):
        d[i] = a[i] / 2.0 + b[i] / 2.0

@proc
def staged(n: size, x: ui16[n + 1] @ DRAM, y: ui16[n] @ DRAM):
    for i in seq(0, n):
        t: ui16 @ DRAM
        t = x[i] + x[i + 1]
        y[i] = t / 2.0
    for i in seq(0, n):
        s: ui16 @ DRAM
        s = x[i] / 2.0
        y[i] = s + x[i + 1] / 2.0
)";

const Module& mod() {
  static Module m = Module::from_string(kSrc);
  return m;
}

std::string sched_error(const std::function<void()>& f) { return test::scheduling_error_message(f); }

TEST(NarrowInts, BindRefusesAWrapAnOperationWouldSee) {
  Proc p = mod().proc("avg3");
  // x[i] + x[i + 1] + x[i + 2] reaches 196605; stored in a ui16 before the
  // division it would wrap.
  std::string m = sched_error([&] { bind_expr(p, "x[i] + x[i + 1] + x[i + 2]", "s"); });
  EXPECT_NE(m.find("cannot bind 'x[i] + x[i + 1] + x[i + 2]' to a new ui16 variable: its value ranges over "
                   "0..196605 (C computes it in int) and ui16 holds 0..65535"),
            std::string::npos)
      << m;
  // The quotient fits: bound, and the results stay.
  Rewrite q = bind_expr(p, "(x[i] + x[i + 1] + x[i + 2]) / 3.0", "q");
  test::expect_same_results(p, q.proc, {{"n", 40}}, "narrow_bind_quotient");
  // Through + and * into a ui16 store, wrapping early changes nothing.
  Rewrite r = bind_expr(p, "x[i + 1] * x[i + 2]", "prod");
  test::expect_same_results(p, r.proc, {{"n", 40}}, "narrow_bind_ring");
}

TEST(NarrowInts, BindLooksAtWhereTheValueGoes) {
  Proc p = mod().proc("mix");
  // Into an i32: the full product is kept there, a wrapped one would not be.
  std::string m = sched_error([&] { bind_expr(p, "a[i] * b[i]", "ab"); });
  EXPECT_NE(m.find("cannot bind 'a[i] * b[i]' to a new i8 variable: its value ranges over -16256..16384"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("uses unwrapped"), std::string::npos) << m;
  // A reduction into an i8 wraps the sum anyway.
  Rewrite r = bind_expr(p, "a[i] - b[i]", "diff");
  test::expect_same_results(p, r.proc, {{"n", 40}}, "narrow_bind_reduce");
  // a[i] / 2 fits an i8.
  Rewrite h = bind_expr(p, "a[i] / 2.0", "half");
  test::expect_same_results(p, h.proc, {{"n", 40}}, "narrow_bind_half");
}

TEST(NarrowInts, InlineRefusesToDropAWrap) {
  Proc p = mod().proc("staged");
  std::string m = sched_error([&] { inline_assign(p, find_stmt(p, "t = _")); });
  EXPECT_NE(m.find("cannot inline 't': 'x[i] + x[i + 1]' is stored into a ui16: its value ranges over 0..131070"),
            std::string::npos)
      << m;
  Rewrite r = inline_assign(p, find_stmt(p, "s = _"));
  test::expect_same_results(p, r.proc, {{"n", 40}}, "narrow_inline_fits");
}

}  // namespace
}  // namespace exo
