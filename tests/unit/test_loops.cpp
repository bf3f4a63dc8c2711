// Loop and statement primitives: results compared with the original through the
// interpreter and compiled C on random inputs; refusals checked.
#include <gtest/gtest.h>

#include "exo/exo.h"
#include "exo/schedule/match.h"
#include "exo/schedule/loops.h"
#include "support/schedule_check.h"
#include "support/by_name.h"

namespace exo {
namespace {

const char* kSrc = R"(
@proc
def gemv(n: size, m: size, y: f32[n] @ DRAM, A: f32[n, m] @ DRAM, x: f32[m] @ DRAM):
    for i in seq(0, n):
        y[i] = 0.0
        for j in seq(0, m):
            y[i] += A[i, j] * x[j]

@proc
def small(x: f32[8] @ DRAM, y: f32[8] @ DRAM):
    for i in seq(0, 4):
        t: f32 @ DRAM
        t = x[2 * i] + x[2 * i + 1]
        y[i] = t
    pass
    for k in seq(0, 3):
        pass
    y[4] = 1.0
    y[5] = x[0]
    y[6] += x[1]
    y[6] += x[2]
    y[7] = y[4]

@proc
def pairs(n: size, x: f32[2 * n] @ DRAM, y: f32[2 * n] @ DRAM):
    for i in seq(0, n):
        y[2 * i] = x[2 * i + 1]
        y[2 * i + 1] = x[2 * i]
        y[2 * i] += 1.0

@proc
def stencil(n: size, m: size, y: f32[n, m] @ DRAM, z: f32[n, m] @ DRAM):
    for i in seq(0, n - 1):
        for j in seq(0, m - 1):
            y[i + 1, j] = y[i, j + 1]
    for i in seq(0, n - 1):
        for j in seq(0, m - 1):
            z[i + 1, j + 1] = z[i, j] + y[i, j]

@proc
def bcast(n: size, m: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, s: f32 @ DRAM):
    assert n >= 2
    for j in seq(1, m):
        for i in seq(0, n):
            y[i] = x[i]
    for k in seq(0, 4):
        s = x[0]
    for k in seq(0, 4):
        s += x[0]
    for k in seq(0, 4):
        y[0] = y[1]
        y[1] = s

@proc
def totals(n: size, m: size, A: f32[n, m] @ DRAM, s: f32[2] @ DRAM, t: f32[1] @ DRAM):
    for i in seq(0, n):
        for j in seq(0, m):
            s[0] = s[0] + A[i, j]
    for i in seq(0, n):
        for j in seq(0, m):
            s[1] = A[i, j] * 2.0 + s[1]
    for i in seq(0, n):
        for j in seq(0, m):
            t[0] = A[i, j] - t[0]

@proc
def tiles(K: size, C: f32[32] @ DRAM, D: f32[32] @ DRAM, B: f32[K, 32] @ DRAM):
    for jo in seq(0, 4):
        for k in seq(0, K):
            for ji in seq(0, 8):
                C[8 * jo + ji] = C[8 * jo + ji] * B[k, 8 * jo + ji] + 1.0
    for jo in seq(0, 3):
        for k in seq(0, K):
            for ji in seq(0, 9):
                D[8 * jo + ji] = D[8 * jo + ji] * B[k, 8 * jo + ji] + 1.0

@proc
def copy4(a: f32[4] @ DRAM, b: f32[4] @ DRAM):
    for i in seq(0, 4):
        b[i] = a[i]

@proc
def use_call(x: f32[4] @ DRAM, y: f32[4] @ DRAM, z: f32[4] @ DRAM):
    copy4(x, y)
    x[0] = 1.0
    copy4(x, y)
    z[0] = 1.0

@proc
def div8(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    assert n % 8 == 0
    for i in seq(0, n):
        if i > 2:
            pass
        y[i] = x[i] * 2.0
)";

const Module& mod() {
  static Module m = Module::from_string(kSrc);
  return m;
}

void expect_same(const Proc& before, const Proc& after, const test::ControlArgs& args, const std::string& tag) {
  test::expect_same_results(before, after, args, tag);
}

std::string sched_error(const std::function<void()>& f) { return test::scheduling_error_message(f); }

TEST(Loops, Rename) {
  Proc p = mod().proc("gemv");
  Rewrite r = rename_proc(p, "gemv2");
  EXPECT_EQ(r.proc->name, "gemv2");
  EXPECT_TRUE(r.proc->body[0].same_as(p->body[0]));
}

TEST(Loops, DeletePass) {
  Proc p = mod().proc("small");
  Rewrite r = delete_pass(p);
  std::string s = print_proc(r.proc);
  EXPECT_EQ(s.find("pass"), std::string::npos) << s;
  EXPECT_EQ(s.find("for k"), std::string::npos) << s;  // the empty loop went too
  EXPECT_EQ(r.forward(find_stmt(p, "y[7] = _")), find_stmt(r.proc, "y[7] = _"));
  expect_same(p, r.proc, {}, "delete_pass_small");
  // An if keeps a pass when its else branch still has work.
  Proc d = mod().proc("div8");
  Rewrite rd = delete_pass(d);
  EXPECT_EQ(print_proc(rd.proc).find("if"), std::string::npos) << print_proc(rd.proc);
  expect_same(d, rd.proc, {{"n", 16}}, "delete_pass_div8");
}

TEST(Loops, ReorderStmts) {
  Proc p = mod().proc("small");
  Rewrite r = reorder_stmts(p, "y[4] = _", "y[5] = _");
  EXPECT_EQ(find_stmt(r.proc, "y[5] = _").str(), "body[3]");
  EXPECT_EQ(r.forward(find_stmt(p, "y[4] = _")), find_stmt(r.proc, "y[4] = _"));
  expect_same(p, r.proc, {}, "reorder_small");
  // Two reductions into the same element commute.
  Rewrite r2 = reorder_stmts(p, "y[6] += x[1]", "y[6] += x[2]");
  expect_same(p, r2.proc, {}, "reorder_reduce");
  // Accesses at different constant indices do not conflict.
  Rewrite r3 = reorder_stmts(p, "y[6] += x[2]", "y[7] = y[4]");
  expect_same(p, r3.proc, {}, "reorder_disjoint");
  // Refusals: a write then a read of the same location; a declaration and its use.
  std::string m = sched_error([&] { reorder_stmts(p, "t = _", "y[i] = _"); });
  EXPECT_NE(m.find("reorder_stmts: the statements do not commute: 't' is written by the first statement and "
                   "read by the second"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find(">       t = x[2 * i] + x[2 * i + 1]  # <-- here\n>       y[i] = t"), std::string::npos)
      << m;
  m = sched_error([&] { reorder_stmts(p, "y[4] = _", "y[7] = _"); });
  EXPECT_NE(m.find("right after"), std::string::npos) << m;
  m = sched_error([&] { reorder_stmts(p, "t : _", "t = _"); });
  EXPECT_NE(m.find("declared by the first"), std::string::npos) << m;
  EXPECT_NE(m.find(">       t: f32 @ DRAM"), std::string::npos) << m;
  // Writes and reductions of different elements of y commute.
  Proc q = reorder_stmts(p, "y[6] += x[2]", "y[7] = y[4]").proc;
  EXPECT_NO_THROW(reorder_stmts(q, "y[5] = _", "y[6] += x[1]"));
}

TEST(Loops, ReorderStmtsProvesIndicesApart) {
  Proc p = mod().proc("pairs");
  Rewrite r = reorder_stmts(p, "y[2 * i] = _", "y[2 * i + 1] = _");
  expect_same(p, r.proc, {{"n", 5}}, "reorder_pairs");
  Rewrite r2 = reorder_stmts(p, "y[2 * i + 1] = _", "y[2 * i] += _");
  expect_same(p, r2.proc, {{"n", 5}}, "reorder_pairs2");
  std::string m = sched_error([&] { reorder_stmts(r.proc, "y[2 * i] = _", "y[2 * i] += _"); });
  EXPECT_NE(m.find("'y' is written by the first statement and reduced by the second"), std::string::npos) << m;
}

TEST(Loops, ReorderLoops) {
  Proc g = mod().proc("gemv");
  // A reduction nest interchanges, and so does a nest with a private temporary.
  Proc s = mod().proc("small");
  Proc gs = split_loop(g, "i", 2, "io", "ii", "cut").proc;  // io's body is the single loop ii
  Rewrite r = reorder_loops(gs, "io ii");
  expect_same(g, r.proc, {{"n", 6}, {"m", 3}}, "reorder_loops_gemv");
  (void)s;
  std::string m = sched_error([&] { reorder_loops(g, "i"); });
  EXPECT_NE(m.find("single loop as its body"), std::string::npos) << m;
  Proc st = mod().proc("stencil");
  // y[i + 1, j] = y[i, j + 1]: iteration (i, j + 1) reads what (i - 1 + 1, ...) wrote: refused.
  m = sched_error([&] { reorder_loops(st, "i j"); });
  EXPECT_NE(m.find("cannot reorder loops 'i' and 'j'"), std::string::npos) << m;
  EXPECT_NE(m.find(">   for i in seq(0, n - 1):  # <-- here"), std::string::npos) << m;
  // The near-identical z[i + 1, j + 1] = z[i, j] keeps its dependences in order: accepted.
  Rewrite ok = reorder_loops(st, "i #1");
  EXPECT_EQ(find_loop(ok.proc, "j #1").str(), "body[1]");
  expect_same(st, ok.proc, {{"n", 5}, {"m", 6}}, "reorder_loops_z");
  m = sched_error([&] { reorder_loops(st, "i k"); });
  EXPECT_NE(m.find("expected loop 'k' directly inside 'i'"), std::string::npos) << m;
}

TEST(Loops, ReorderLoopsUsesTheRangesOfInnerLoops) {
  // C[8 * jo + ji] with 0 <= ji < 8: iterations of different jo never write one
  // element, so jo and k interchange though the body is no reduction. With
  // ji < 9 the tiles overlap (D[8] is tile 0's last and tile 1's first): refused.
  Proc p = mod().proc("tiles");
  Rewrite r = reorder_loops(p, "jo k");
  expect_same(p, r.proc, {{"K", 3}}, "reorder_loops_tiles");
  // Cursors follow the loops: jo's goes inside, k's comes out, the body stays.
  EXPECT_EQ(r.forward(find_loop(p, "jo")).str(), "body[0].body[0]");
  EXPECT_EQ(r.forward(find_loop(p, "k")).str(), "body[0]");
  EXPECT_EQ(r.forward(find_loop(p, "ji")).str(), "body[0].body[0].body[0]");
  std::string m = sched_error([&] { reorder_loops(p, "jo #1"); });
  EXPECT_NE(m.find("cannot reorder loops 'jo' and 'k': 'D[8 * jo + ji]' written in one iteration"),
            std::string::npos)
      << m;
}

TEST(Loops, ReorderLoopsAroundAccumulationWrittenInFull) {
  // `s[0] = s[0] + e` is `s[0] += e`: the loops around it interchange (either
  // operand order); `t[0] = e - t[0]` is no reduction, and is refused.
  Proc p = mod().proc("totals");
  Rewrite r = reorder_loops(p, "i j");
  EXPECT_EQ(find_loop(r.proc, "j").str(), "body[0]");
  Rewrite r2 = reorder_loops(r.proc, "i #1");
  EXPECT_EQ(find_loop(r2.proc, "j #1").str(), "body[1]");
  expect_same(p, r2.proc, {{"n", 5}, {"m", 7}}, "reorder_loops_assign_add");
  std::string m = sched_error([&] { reorder_loops(p, "i #2"); });
  EXPECT_NE(m.find("cannot reorder loops 'i' and 'j': 't[0]' written in one iteration"), std::string::npos) << m;
}

TEST(Loops, RemoveLoop) {
  Proc p = mod().proc("bcast");
  Rewrite r = remove_loop(p, "j");  // m may be 1 (sizes are positive): the body goes under a guard
  EXPECT_NE(print_proc(r.proc).find("    if m > 1:\n        for i in seq(0, n):"), std::string::npos)
      << print_proc(r.proc);
  EXPECT_EQ(r.forward(find_loop(p, "i")), find_loop(r.proc, "i"));
  for (long long m : {1, 2, 4}) expect_same(p, r.proc, {{"n", 4}, {"m", m}}, "remove_loop_" + std::to_string(m));
  Rewrite r2 = remove_loop(p, "k");  // runs 4 times: no guard
  EXPECT_EQ(find_stmt(r2.proc, "s = _").str(), "body[1]");
  expect_same(p, r2.proc, {{"n", 4}, {"m", 2}}, "remove_loop_k");
  std::string m = sched_error([&] { remove_loop(p, "k #1"); });
  EXPECT_NE(m.find("not idempotent: the body reduces into 's'"), std::string::npos) << m;
  m = sched_error([&] { remove_loop(p, "k #2"); });
  EXPECT_NE(m.find("reads and writes 'y'"), std::string::npos) << m;
  m = sched_error([&] { remove_loop(p, "i"); });
  EXPECT_NE(m.find("depends on 'i'"), std::string::npos) << m;
}

TEST(Loops, ReorderStmtsThroughCalls) {
  Proc p = mod().proc("use_call");
  // The call reads x (its parameter a): a later write to x cannot move before it.
  std::string m = sched_error([&] { reorder_stmts(p, "copy4(_)", "x[0] = _"); });
  EXPECT_NE(m.find("'x' is read by the first statement and written by the second"), std::string::npos) << m;
  // z is not touched by the call: accepted.
  Rewrite r = reorder_stmts(p, "copy4(_) #1", "z[0] = _");
  expect_same(p, r.proc, {}, "reorder_call");
}

TEST(Loops, Unroll) {
  Proc p = mod().proc("small");
  Rewrite r = unroll_loop(p, "i");
  EXPECT_EQ(match_pattern(r.proc, "t : _").size(), 4u);
  EXPECT_EQ(match_pattern(r.proc, "for i in _: _").size(), 0u);
  expect_same(p, r.proc, {}, "unroll_small");
  // Cursors after the loop follow it; the loop itself is gone.
  Cursor y7 = find_stmt(p, "y[7] = _");
  EXPECT_EQ(resolve_stmt(r.proc, r.forward(y7)).get(), resolve_stmt(p, y7).get());
  EXPECT_FALSE(r.forward(find_loop(p, "i")).valid());
  std::string m = sched_error([&] { unroll_loop(mod().proc("gemv"), "j"); });
  EXPECT_NE(m.find("unroll_loop: expected loop 'j' to have constant bounds, got seq(0, m)"), std::string::npos) << m;
}

TEST(Loops, UnrollRefusesHugeTripCounts) {
  // Unrolling 2^62 iterations would build that many copies: refused at once.
  Module huge = Module::from_string(R"(
@proc
def f(x: f32[4] @ DRAM):
    for i in seq(0, 4611686018427387904):
        x[0] += 1.0
    for j in seq(0, 65536):
        x[1] += 1.0
)",
                                    "huge.py");
  std::string m = sched_error([&] { unroll_loop(huge.proc("f"), "i"); });
  EXPECT_NE(m.find("unroll_loop: seq(0, 4611686018427387904) runs more than 65536 iterations"), std::string::npos)
      << m;
  // At the limit: accepted.
  Rewrite r = unroll_loop(huge.proc("f"), "j");
  EXPECT_EQ(r.proc->body.size(), 1u + 65536u);
}

TEST(Loops, SplitTails) {
  Proc p = mod().proc("gemv");
  for (std::string tail : {"guard", "cut", "cut_and_guard"}) {
    Rewrite r = split_loop(p, "j", 4, "jo", "ji", tail);
    EXPECT_EQ(match_pattern(r.proc, "for ji in seq(0, 4): _").size(), 1u) << print_proc(r.proc);
    for (long long m : {1, 4, 7, 13})
      expect_same(p, r.proc, {{"n", 3}, {"m", m}}, "split_" + tail + "_" + std::to_string(m));
  }
  // Cursors follow: the loop to the outer loop, its body into the inner loop.
  Cursor red = find_stmt(p, "y[_] += _");
  Rewrite g = split_loop(p, "j", 4, "jo", "ji", "guard");
  EXPECT_EQ(g.forward(find_loop(p, "j")), find_loop(g.proc, "jo"));
  EXPECT_EQ(g.forward(red), find_stmt(g.proc, "y[_] += _"));
  EXPECT_EQ(g.forward(find_stmt(p, "y[_] = 0.0")), find_stmt(g.proc, "y[_] = 0.0"));
  Rewrite outer = split_loop(p, "i", 3, "io", "ii", "cut");
  EXPECT_EQ(outer.forward(red), find_stmt(outer.proc, "y[_] += _"));
  expect_same(p, outer.proc, {{"n", 7}, {"m", 5}}, "split_outer");
}

TEST(Loops, SplitPerfect) {
  Proc d = mod().proc("div8");
  Rewrite r = split_loop(d, "i", 8, "io", "ii", "guard", true);
  EXPECT_EQ(print_proc(r.proc).find("if i"), std::string::npos);
  expect_same(d, r.proc, {{"n", 24}}, "split_perfect");
  Rewrite r4 = split_loop(d, "i", 4, "io", "ii", "guard", true);  // 4 divides 8
  expect_same(d, r4.proc, {{"n", 16}}, "split_perfect4");
  Proc p = mod().proc("gemv");
  std::string m = sched_error([&] { split_loop(p, "j", 4, "jo", "ji", "guard", true); });
  EXPECT_NE(m.find("cannot perfectly divide loop 'j' by 4: 'm % 4 == 0' is not provable"), std::string::npos) << m;
  m = sched_error([&] { split_loop(d, "i", 16, "io", "ii", "guard", true); });
  EXPECT_NE(m.find("not provable"), std::string::npos) << m;
}

}  // namespace
}  // namespace exo
