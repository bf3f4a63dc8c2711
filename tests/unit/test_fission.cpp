// fission_after: results compared with the original on random inputs
// (interpreter and compiled C); each refusal paired with a legal twin.
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
@config
class Cfg:
    on: size
    other: size

@proc
def cfg_if(n: size, x: f32[n] @ DRAM):
    for i in seq(0, n):
        if Cfg.on > 0:
            Cfg.on = 0
            x[i] = 1.0

@proc
def cfg_if_other(n: size, x: f32[n] @ DRAM):
    for i in seq(0, n):
        if Cfg.on > 0:
            Cfg.other = 0
            x[i] = 1.0

@proc
def dep(n: size, x: f32[n + 1] @ DRAM, y: f32[n] @ DRAM, z: f32[n] @ DRAM):
    for i in seq(0, n):
        x[i + 1] = y[i] * 2.0
        z[i] = x[i]
    for i in seq(0, n):
        x[i] = y[i] * 2.0
        z[i] = x[i + 1]

@proc
def nest(n: size, m: size, A: f32[n, m] @ DRAM, B: f32[n, m] @ DRAM, s: f32[n] @ DRAM):
    for i in seq(0, n):
        s[i] = 0.0
        for j in seq(0, m):
            A[i, j] = B[i, j] * 2.0
            s[i] += A[i, j]

@proc
def temps(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        t: f32 @ DRAM
        t = x[i] * 2.0
        y[i] = t
    u: f32[n] @ DRAM
    for i in seq(0, n):
        u[i] = x[i] * 2.0
        y[i] += u[i]
    v: f32 @ DRAM
    for i in seq(0, n):
        v = x[i] * 2.0
        y[i] += v

@proc
def fwin(n: size, x: f32[n + 2] @ DRAM, z: f32[n] @ DRAM):
    w = x[1:n + 1]
    for i in seq(0, n):
        w[i] = 2.0 * z[i]
        z[i] = x[i]
    for i in seq(0, n):
        w[i] = 2.0
        z[i] = x[i + 2]

@proc
def scale4(a: [f32][4] @ DRAM):
    for k in seq(0, 4):
        a[k] = a[k] * 2.0

@proc
def fcall(n: size, x: f32[n, 4] @ DRAM, y: f32[n, 4] @ DRAM):
    for i in seq(0, n):
        scale4(x[i, 0:4])
        y[i, 0] = x[i, 1]
    for i in seq(0, n):
        scale4(x[i, 0:4])
        if i + 1 < n:
            y[i, 1] = x[i + 1, 2]

@proc
def gemv(n: size, m: size, y: f32[n] @ DRAM, A: f32[n, m] @ DRAM, x: f32[m] @ DRAM):
    for i in seq(0, n):
        y[i] = 0.0
        for j in seq(0, m):
            y[i] += A[i, j] * x[j]

@proc
def hoist(n: size, m: size, a: f32[n] @ DRAM, y: f32[n, m] @ DRAM):
    for i in seq(0, n):
        t: f32[4] @ DRAM
        for j in seq(0, m):
            for l in seq(0, 4):
                t[l] = a[i] * 2.0
            y[i, j] += t[1] * t[3]
    for i in seq(0, n):
        t2: f32[4] @ DRAM
        for j in seq(0, m):
            for l in seq(0, 4):
                t2[l] = a[i] * 2.0
            a[i] += t2[1]
    for i in seq(0, n):
        t3: f32[4] @ DRAM
        for j in seq(0, m):
            for l in seq(0, 4):
                t3[l] = a[i] * 2.0
            y[i, j] += t3[1]
            t3[1] = 0.0
    for i in seq(0, n):
        t4: f32[4] @ DRAM
        for l in seq(0, 4):
            t4[l] = 0.0
        for j in seq(0, m):
            for l in seq(0, 4):
                t4[l] += a[i]
            y[i, j] += t4[1]

@proc
def branch(n: size, x: f32[n] @ DRAM):
    for i in seq(0, n):
        if i > 2:
            x[i] = 1.0
        else:
            x[i] = 2.0
            x[i] += 1.0
)";

const Module& mod() {
  static Module m = Module::from_string(kSrc);
  return m;
}

std::string sched_error(const std::function<void()>& f) {
  return test::scheduling_error_message(f);
}

TEST(Fission, DependenceKeptOrRefused) {
  Proc p = mod().proc("dep");
  Cursor read = find_stmt(p, "z[i] = x[i]");
  // z[i] reads what the previous iteration wrote: all writes first keeps that.
  Rewrite r = fission_after(p, "x[i + 1] = _");
  EXPECT_EQ(r.forward(read).str(), "body[1].body[0]");
  EXPECT_EQ(r.forward(find_loop(p, "i #1")).str(), "body[2]");
  for (long long n : {1, 6})
    test::expect_same_results(p, r.proc, {{"n", n}}, "fission_dep_" + std::to_string(n));
  // z[i] reads x[i + 1] before the next iteration overwrites it: refused.
  std::string m = sched_error([&] { fission_after(p, "x[i] = _"); });
  EXPECT_NE(
      m.find(
          "fission_after: Cannot fission loop 'i': the read x[i + 1] after the split point in one "
          "iteration "
          "and the write x[i] before it in a later iteration may touch the same location of 'x'"),
      std::string::npos)
      << m;
  EXPECT_NE(m.find(">   for i in seq(0, n):  # <-- here\n        x[i] = y[i] * 2.0"),
            std::string::npos)
      << m;
}

TEST(Fission, TwoLevels) {
  Proc p = mod().proc("nest");
  Rewrite r = fission_after(p, "A[_] = _", 2);
  EXPECT_EQ(match_pattern(r.proc, "for i in _: _").size(), 2u) << print_proc(r.proc);
  EXPECT_EQ(r.forward(find_stmt(p, "s[_] += _")).str(), "body[1].body[0].body[0]");
  for (long long m : {1, 3})
    test::expect_same_results(p, r.proc, {{"n", 4}, {"m", m}}, "fission_nest_" + std::to_string(m));
  std::string m = sched_error([&] { fission_after(p, "A[_] = _", 3); });
  EXPECT_NE(m.find("cannot lift the split 3 level(s): only 2 statement(s) enclose it"),
            std::string::npos)
      << m;
}

TEST(Fission, Allocations) {
  Proc p = mod().proc("temps");
  std::string m = sched_error([&] { fission_after(p, "t = _"); });
  EXPECT_NE(
      m.find("cannot fission loop 'i': 't' is declared before the split point and used after it"),
      std::string::npos)
      << m;
  // The same with the temporary lifted out as a buffer indexed by i: accepted.
  Rewrite r = fission_after(p, "u[_] = _");
  test::expect_same_results(p, r.proc, {{"n", 5}}, "fission_lifted_tmp");
  // A scalar temporary lifted without a dimension: every iteration reuses it.
  m = sched_error([&] { fission_after(p, "v = _"); });
  EXPECT_NE(m.find("the read v after the split point in one iteration and the write v before it"),
            std::string::npos)
      << m;
}

TEST(Fission, ThroughWindowsAndCalls) {
  Proc w = mod().proc("fwin");
  Rewrite r = fission_after(w, "w[_] = 2.0 * _");
  test::expect_same_results(w, r.proc, {{"n", 5}}, "fission_win");
  std::string m = sched_error([&] { fission_after(w, "w[_] = 2.0"); });
  EXPECT_NE(m.find("the read x[i + 2] after the split point in one iteration and the write x[1 + "
                   "i] before it"),
            std::string::npos)
      << m;
  Proc c = mod().proc("fcall");
  Rewrite rc = fission_after(c, "scale4(_)");
  test::expect_same_results(c, rc.proc, {{"n", 4}}, "fission_call");
  m = sched_error([&] { fission_after(c, "scale4(_) #1"); });
  EXPECT_NE(m.find("the read x[i + 1, 2] after the split point"), std::string::npos) << m;
}

TEST(Fission, GuardsFromSplit) {
  Proc g = mod().proc("gemv");
  Proc s = split_loop(g, "i", 4, "io", "ii").proc;  // y[...] = 0.0 sits under the tail guard
  Rewrite r = fission_after(s, "y[_] = 0.0", 3);
  EXPECT_EQ(match_pattern(r.proc, "for io in _: _").size(), 2u) << print_proc(r.proc);
  for (long long n : {3, 8, 9})
    test::expect_same_results(g, r.proc, {{"n", n}, {"m", 3}},
                              "fission_guard_" + std::to_string(n));
}

TEST(Fission, LoopInvariantIdempotentPrefix) {
  // A broadcast into t shared by the iterations of j: t[l] is rewritten with the
  // same value each time, so it can run once before the loop that reads it.
  Proc p = mod().proc("hoist");
  Rewrite r = fission_after(p, "t[_] = _", 2);
  EXPECT_EQ(match_pattern(r.proc, "for j in _: _").size(), 5u) << print_proc(r.proc);
  for (long long m : {1, 3})
    test::expect_same_results(p, r.proc, {{"n", 3}, {"m", m}},
                              "fission_hoist_" + std::to_string(m));
  // Refused when the part after writes what the part before reads (a) or
  // writes (t3), or when the part before is not idempotent (it reduces into t4).
  for (const char* stmt : {"t2[_] = _", "t3[_] = _", "t4[_] += _"}) {
    std::string m = sched_error([&] { fission_after(p, stmt, 2); });
    EXPECT_NE(m.find("Cannot fission loop 'j'"), std::string::npos) << stmt << "\n" << m;
  }
}

TEST(Fission, ElseBranchAndEmptySides) {
  // In an else branch: the first copy keeps the then-branch and the else part
  // before the split, the second the rest of the else part.
  Proc b = mod().proc("branch");
  Rewrite e = fission_after(b, "x[i] = 2.0");
  EXPECT_NE(print_proc(e.proc).find("        else:\n            x[i] = 2.0\n        if i > 2:\n            pass\n"
                                    "        else:\n            x[i] += 1.0\n"),
            std::string::npos)
      << print_proc(e.proc);
  test::expect_same_results(b, e.proc, {{"n", 6}}, "fission_else");
  // After the last statement of a body there is nothing to split: the point moves out.
  Proc d = mod().proc("dep");
  Rewrite r = fission_after(d, "z[i] = x[i]");
  EXPECT_EQ(print_proc(r.proc), print_proc(d));
}

// A first part that does the same in every iteration (a loop-invariant setup, as
// in `two[k] = 2.0`) may move before the whole loop although a later iteration
// writes what the second part read: the value written is the same. Each twin
// below breaks one condition of that rule and is refused.
const char* kInvariantSrc = R"(
@proc
def setup(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, c: f32[8] @ DRAM):
    two: f32[8] @ DRAM
    for i in seq(0, n):
        for k in seq(0, 8):
            two[k] = c[k] * 2.0
        y[i] = two[3] * x[i]

@proc
def uses_iter(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, c: f32[8] @ DRAM):
    two: f32[8] @ DRAM
    for i in seq(0, n):
        for k in seq(0, 8):
            two[k] = c[k] * x[i]
        y[i] = two[3] * x[i]

@proc
def accumulates(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, c: f32[8] @ DRAM):
    two: f32[8] @ DRAM
    for k in seq(0, 8):
        two[k] = 0.0
    for i in seq(0, n):
        for k in seq(0, 8):
            two[k] += c[k]
        y[i] = two[3] * x[i]

@proc
def input_changes(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, c: f32[8] @ DRAM):
    two: f32[8] @ DRAM
    for i in seq(0, n):
        for k in seq(0, 8):
            two[k] = c[k] * 2.0
        y[i] = two[3] * x[i]
        c[3] = x[i]

@proc
def overwritten(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, c: f32[8] @ DRAM):
    two: f32[8] @ DRAM
    for i in seq(0, n):
        for k in seq(0, 8):
            two[k] = c[k] * 2.0
        two[3] = x[i]
        y[i] = two[3] * x[i]
)";

TEST(Fission, LoopInvariantFirstPart) {
  Module m = Module::from_string(kInvariantSrc);
  Proc p = m.proc("setup");
  Rewrite r = fission_after(p, "for k in _: _");
  EXPECT_EQ(match_pattern(r.proc, "for i in _: _").size(), 2u) << print_proc(r.proc);
  for (long long n : {1, 7})
    test::expect_same_results(p, r.proc, {{"n", n}}, "fission_inv_" + std::to_string(n));
  for (const char* name : {"uses_iter", "accumulates", "input_changes", "overwritten"}) {
    Proc q = m.proc(name);
    const char* k = std::string(name) == "accumulates" ? "k #1" : "k";
    std::string msg = sched_error([&] { fission_after(q, find_loop(q, k), 1); });
    EXPECT_NE(msg.find("fission_after: Cannot fission loop 'i'"), std::string::npos)
        << name << ": " << msg;
  }
}

TEST(Fission, ConfigReadAgainByTheCondition) {
  // The second copy of the if evaluates its condition again, after the first
  // part changed the config field it reads: refused.
  std::string m = sched_error([&] { fission_after(mod().proc("cfg_if"), "Cfg.on = _"); });
  EXPECT_NE(m.find("cannot fission if 'Cfg.on > 0': the part before the split point writes config "
                   "field 'on', "
                   "which the condition reads"),
            std::string::npos)
      << m;
  // Writing another field is fine.
  Proc p = mod().proc("cfg_if_other");
  Rewrite r = fission_after(p, "Cfg.other = _");
  test::expect_same_results(p, r.proc, {{"n", 5}}, "fission_cfg_other", mod().configs());
}

}  // namespace
}  // namespace exo
