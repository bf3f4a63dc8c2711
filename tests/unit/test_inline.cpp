// inline, call_eqv and make_instr: differential checks and refusals.
#include <gtest/gtest.h>

#include "exo/equivalence.h"
#include "exo/exo.h"
#include "exo/schedule/match.h"
#include "exo/schedule/loops.h"
#include "exo/schedule/subprocs.h"
#include "support/schedule_check.h"
#include "support/by_name.h"

namespace exo {
namespace {

const char* kSrc = R"(
@proc
def scale(n: size, s: f32, x: [f32][n] @ DRAM, y: [f32][n] @ DRAM):
    assert n >= 1
    for i in seq(0, n):
        t: f32 @ DRAM
        t = x[i] * s
        y[i] += t

@proc
def acc(total: f32, x: [f32][4] @ DRAM):
    for i in seq(0, 4):
        total += x[i]

@proc
def sub_window(m: size, z: [f32][m, 4] @ DRAM):
    for r in seq(0, m):
        w = z[r, 1:3]
        w[0] = w[1]

@proc
def caller(n: size, A: f32[n, 8] @ DRAM, B: f32[n, 8] @ DRAM, c: f32[2] @ DRAM, D: f32[3, 5, 4] @ DRAM):
    for i in seq(0, n):
        for i2 in seq(0, 2):
            scale(4, c[i2], A[i, 4 * i2:4 * i2 + 4], B[i, 4 * i2:4 * i2 + 4])
    acc(c[1], D[0, 0, 0:4])
    sub_window(5, D[1, 0:5, 0:4])

@proc
def caller_whole(x: f32[4] @ DRAM, s: f32[1] @ DRAM):
    acc(s[0], x)
    acc(s[0], x)

@proc
def copy8(x: f32[8] @ DRAM, y: f32[8] @ DRAM):
    for i in seq(0, 8):
        y[i] = x[i]

@proc
def other8(x: f32[8] @ DRAM, y: f32[8] @ DRAM):
    for i in seq(0, 8):
        y[i] = x[i] + 1.0

@proc
def use_copy8(x: f32[8] @ DRAM, y: f32[8] @ DRAM):
    copy8(x, y)
)";

const Module& mod() {
  static Module m = Module::from_string(kSrc);
  return m;
}

std::string sched_error(const std::function<void()>& f) { return test::scheduling_error_message(f); }

TEST(Inline, WindowsSizesAndLocals) {
  Proc p = mod().proc("caller");
  Rewrite r = inline_call(p, "scale(_)");
  std::string s = print_proc(r.proc);
  EXPECT_NE(s.find("B[i, 4 * i2 + i_1] += t"), std::string::npos) << s;  // window offset + index
  EXPECT_NE(s.find("t = A[i, 4 * i2 + i_1] * c[i2]"), std::string::npos) << s;
  EXPECT_EQ(s.find("scale("), std::string::npos) << s;
  // Statements after the call keep their cursors.
  EXPECT_EQ(r.forward(find_stmt(p, "acc(_)")), find_stmt(r.proc, "acc(_)"));
  test::expect_same_results(p, r.proc, {{"n", 3}}, "inline_scale");
  // A scalar parameter bound to an element; a window of a window.
  Rewrite r2 = inline_call(r.proc, "acc(_)");
  EXPECT_NE(print_proc(r2.proc).find("c[1] += D[0, 0, i]"), std::string::npos) << print_proc(r2.proc);
  Rewrite r3 = inline_call(r2.proc, "sub_window(_)");
  EXPECT_NE(print_proc(r3.proc).find("w = D[1, r, 1:3]"), std::string::npos) << print_proc(r3.proc);
  test::expect_same_results(p, r3.proc, {{"n", 2}}, "inline_all");
}

TEST(Inline, WholeBuffersTwice) {
  Proc p = mod().proc("caller_whole");
  Rewrite r = inline_call(inline_call(p, "acc(_)").proc, "acc(_)");
  // The two copies of the callee's loop have distinct iterators.
  auto loops = match_pattern(r.proc, "for _ in _: _");
  ASSERT_EQ(loops.size(), 2u);
  EXPECT_FALSE(resolve_stmt(r.proc, loops[0]).as<ForNode>()->iter == resolve_stmt(r.proc, loops[1]).as<ForNode>()->iter);
  test::expect_same_results(p, r.proc, {}, "inline_whole");
  std::string e = sched_error([&] { inline_call(p, "for i in _: _"); });
  EXPECT_NE(e.find("no statement matches"), std::string::npos) << e;
}

TEST(Inline, RefusesNonCall) {
  Proc p = mod().proc("scale");
  std::string e = sched_error([&] { inline_call(p, find_loop(p, "i")); });
  EXPECT_NE(e.find("inline: expected a call statement"), std::string::npos) << e;
}

TEST(CallEqv, ScheduledFromTheCallee) {
  Proc p = mod().proc("use_copy8");
  Proc copy8 = mod().proc("copy8");
  Proc fast = split_loop(copy8, "i", 4, "io", "ii", "guard", true).proc;
  EXPECT_TRUE(equivalent(copy8, fast));
  Rewrite r = call_eqv(p, "copy8(_)", fast);
  EXPECT_EQ(resolve_stmt(r.proc, find_stmt(r.proc, "copy8(_)")).as<CallNode>()->proc, fast);
  test::expect_same_results(p, r.proc, {}, "call_eqv");
  // An unrelated proc with the same signature is refused ...
  Proc other = mod().proc("other8");
  std::string e = sched_error([&] { call_eqv(p, "copy8(_)", other); });
  EXPECT_NE(e.find("call_eqv: 'other8' is not known to be equivalent to 'copy8'"), std::string::npos) << e;
  // ... and a proc with another signature too.
  e = sched_error([&] { call_eqv(p, "copy8(_)", mod().proc("acc")); });
  EXPECT_NE(e.find("does not have the signature of 'copy8'"), std::string::npos) << e;
}

TEST(CallEqv, AssertedEquivalent) {
  const char* src = R"(
@proc
def f(x: f32[4] @ DRAM):
    for i in seq(0, 4):
        x[i] = 2.0 * x[i]

@proc
def g(x: f32[4] @ DRAM):
    for i in seq(0, 4):
        x[i] = x[i] + x[i]

@proc
def h(x: f32[4] @ DRAM):
    f(x)
)";
  Module m = Module::from_string(src);
  Proc f = m.proc("f"), g = m.proc("g"), h = m.proc("h");
  EXPECT_FALSE(equivalent(f, g));
  EXPECT_THROW(call_eqv(h, "f(_)", g), Error);
  assert_equivalent(g, f);
  EXPECT_TRUE(equivalent(f, g));
  Rewrite r = call_eqv(h, "f(_)", g);
  test::expect_same_results(h, r.proc, {}, "call_eqv_asserted");
}

TEST(MakeInstr, KeepsBodyAndClass) {
  Proc copy8 = mod().proc("copy8");
  Rewrite r = make_instr(copy8, "memcpy({y}, {x}, 8 * sizeof(float));", "#include <string.h>");
  ASSERT_TRUE(r.proc->instr.has_value());
  EXPECT_EQ(r.proc->instr->c_global, "#include <string.h>");
  EXPECT_TRUE(equivalent(copy8, r.proc));
  EXPECT_TRUE(r.proc->body[0].same_as(copy8->body[0]));
  // Called through its template: same results.
  Proc p = mod().proc("use_copy8");
  Rewrite c = call_eqv(p, "copy8(_)", r.proc);
  test::expect_same_results(p, c.proc, {}, "make_instr");
  EXPECT_THROW(make_instr(copy8, ""), Error);
}

}  // namespace
}  // namespace exo
