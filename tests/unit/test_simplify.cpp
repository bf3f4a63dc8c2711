// simplify: the printed shapes of the reference's simplify tests, dead code
// removal under preconditions, loop ranges and branch conditions, cursor
// forwarding, and results compared with the original on random inputs.
#include <gtest/gtest.h>

#include "exo/exo.h"
#include "exo/schedule/match.h"
#include "exo/schedule/procs.h"
#include "exo/schedule/loops.h"
#include "support/schedule_check.h"
#include "support/by_name.h"

namespace exo {
namespace {

const char* kSrc = R"(
@proc
def tail_case(N: size, x: R[N] @ DRAM):
    assert N <= 16
    assert (N + 15) / 16 == 1
    for j in seq(0, 16 * ((N + 15) / 16)):
        if j < N:
            x[j] = 1.0
    for j in seq(0, 16 * ((N + 15) / 16) / 16):
        x[0] = 2.0

@proc
def div0(x: R[1000] @ DRAM):
    for i in seq(0, 4):
        for j in seq(0, 5):
            x[(i * 4 + i * 4 + 2 * j + 3) / 3] = 1.0

@proc
def div1(x: R[1000] @ DRAM):
    for i in seq(0, 4):
        for j in seq(0, 5):
            x[(i * 4 + i * 4 + 2 * j + 3) / 2] = 1.0

@proc
def div3(N: size, x: R[N] @ DRAM):
    assert N >= 1
    assert N % 4 == 0
    for io in seq(0, N / 4):
        for ii in seq(0, 4):
            x[(io * 4 + ii) / 4] = 1.0

@proc
def div4(N: size, x: R[N] @ DRAM):
    assert N >= 1
    assert N % 4 == 0
    for io in seq(0, N / 4):
        for ii in seq(0, 4):
            x[(io * 4 + ii + 8) / 4] = 1.0

@proc
def div_fail(N: size, x: R[1 + N] @ DRAM):
    assert N >= 1
    assert N % 4 == 0
    for io in seq(0, N / 4):
        for ii in seq(0, 4):
            x[(io * 4 + ii + 1) / 4] = 1.0

@proc
def div_fail2(N: size, x: R[2 * N] @ DRAM):
    assert N >= 1
    assert N % 4 == 0
    for io in seq(0, N / 4):
        for ii in seq(0, 5):
            x[(N + ii + 4 * io) / 2] = 1.0

@proc
def mod3(x: R[1000] @ DRAM):
    for i in seq(0, 4):
        for j in seq(0, 5):
            x[(i * 4 + i * 3 + 2 * j + 3) % 2] = 1.0

@proc
def mod4(x: R[1000] @ DRAM):
    for i in seq(0, 4):
        for j in seq(0, 5):
            x[((i * 6 + i * 4 + 5 * j + 9) % 5 + 2 * i + 2) / 2] = 1.0

@proc
def mod5(N: size, x: R[N] @ DRAM):
    assert N >= 1
    assert N % 4 == 0
    for io in seq(0, N / 4):
        for ii in seq(0, 4):
            x[(io * 4 + ii) % 4] = 1.0

@proc
def nested_div_mod(x: R[1000] @ DRAM):
    for i in seq(0, 4):
        for j in seq(0, 5):
            x[((((i * 4 + i * 12 + 2 * j + 2) % 2) + (20 * i + 40 * j) / 5) / 2 + (3 + 8 * j)) % 4] = 1.0

@proc
def div6(N: size):
    for i in seq(0, N):
        for j in seq(0, 4):
            if (i * 4 + j) / 16 > 0:
                pass

@proc
def logical(n: size):
    if (n > 2 and True) or (False and n == 1):
        pass
    if n > 4 or True:
        pass

@proc
def terms(n: size, x: f32[n + 0] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        x[i + 1 - 1] = y[2 * i - i] * (2.0 + 3.0)
    for i in seq(0, n - 1):
        x[i + 1] = 1.0
    for i in seq(0, n / 2):
        x[2 * i + 3 * i - 3 * i] = y[0]

@proc
def dead(n: size, m: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    assert n >= 4
    for i in seq(0, n):
        if i < n:
            x[i] = 1.0
        else:
            x[i] = 2.0
        if i >= 2:
            if i > 0:
                y[i] = x[i]
            if i < 1:
                y[i] = 3.0
    for k in seq(5, 5):
        x[0] = 7.0
    for k in seq(n, 2 * n - n):
        x[0] = 8.0
    for k in seq(0, m):
        pass
    if m > 2:
        for k in seq(0, m):
            if k < 2:
                y[k] = 5.0
    if n % 4 == 0:
        x[n % 4] = 9.0

@proc
def dead_twin(n: size, x: f32[n] @ DRAM):
    for k in seq(n, 2 * n - 1):
        x[0] = 8.0

@proc
def windows(n: size, x: f32[n, 8] @ DRAM, y: f32[8] @ DRAM):
    for i in seq(0, n):
        w = x[i + 0, 0 + 0:8 - 0]
        for j in seq(0, 8 / 2 * 2):
            w[j] = y[j + 1 - 1]
)";

const Module& mod() {
  static Module m = Module::from_string(kSrc);
  return m;
}

// The loop nest body text (the last line printed for a proc).
std::string last_line(const Proc& p) {
  std::string s = print_proc(p);
  s.pop_back();  // the final newline
  return s.substr(s.rfind('\n') + 1);
}

TEST(Simplify, ReferenceShapesOfIndexDivision) {
  EXPECT_EQ(last_line(simplify(mod().proc("div0")).proc), "            x[(3 + 2 * j + 8 * i) / 3] = 1.0");
  EXPECT_EQ(last_line(simplify(mod().proc("div1")).proc), "            x[1 + j + 4 * i] = 1.0");
  EXPECT_EQ(last_line(simplify(mod().proc("div3")).proc), "            x[io] = 1.0");
  EXPECT_EQ(last_line(simplify(mod().proc("div4")).proc), "            x[2 + io] = 1.0");
  EXPECT_EQ(last_line(simplify(mod().proc("div_fail")).proc), "            x[(1 + ii + 4 * io) / 4] = 1.0");
  EXPECT_EQ(last_line(simplify(mod().proc("div_fail2")).proc), "            x[(N + ii + 4 * io) / 2] = 1.0");
  EXPECT_EQ(last_line(simplify(mod().proc("mod3")).proc), "            x[(3 + 7 * i) % 2] = 1.0");
  EXPECT_EQ(last_line(simplify(mod().proc("mod4")).proc), "            x[3 + i] = 1.0");
  EXPECT_EQ(last_line(simplify(mod().proc("mod5")).proc), "            x[ii] = 1.0");
  EXPECT_EQ(last_line(simplify(mod().proc("nested_div_mod")).proc), "            x[(3 + 2 * i) % 4] = 1.0");
  EXPECT_EQ(print_proc(simplify(mod().proc("div6")).proc),
            "def div6(N: size):\n    for i in seq(0, N):\n        for j in seq(0, 4):\n            if i / 4 > 0:\n"
            "                pass\n");
  EXPECT_EQ(print_proc(simplify(mod().proc("logical")).proc), "def logical(n: size):\n    if n > 2:\n        pass\n    pass\n");
  // Only conditions that fold to constants are decided, as in the reference;
  // on request, also what the analysis proves (sizes are positive).
  Proc pos = Module::from_string("@proc\ndef f(n: size):\n    if n > 0:\n        pass\n").proc("f");
  EXPECT_EQ(print_proc(simplify(pos).proc), "def f(n: size):\n    if n > 0:\n        pass\n");
  EXPECT_EQ(print_proc(simplify(pos, /*remove_proved_dead_code=*/true).proc), "def f(n: size):\n    pass\n");
  for (auto name : {"div0", "div1", "mod3", "mod4", "nested_div_mod"})
    test::expect_same_results(mod().proc(name), simplify(mod().proc(name)).proc, {}, std::string("simplify_") + name);
  for (auto name : {"div3", "div4", "mod5"})
    test::expect_same_results(mod().proc(name), simplify(mod().proc(name)).proc, {{"N", 12}}, std::string("simplify_") + name);
}

TEST(Simplify, CollectsLikeTermsButNotDataArithmetic) {
  Proc p = mod().proc("terms");
  Proc q = simplify(p).proc;
  EXPECT_EQ(print_proc(q),  // argument types are the interface: left as written
            "def terms(n: size, x: f32[n + 0] @ DRAM, y: f32[n] @ DRAM):\n"
            "    for i in seq(0, n):\n"
            "        x[i] = y[i] * (2.0 + 3.0)\n"
            "    for i in seq(0, -1 + n):\n"
            "        x[1 + i] = 1.0\n"
            "    for i in seq(0, n / 2):\n"
            "        x[2 * i] = y[0]\n");
  for (long long n : {1, 5, 8}) test::expect_same_results(p, q, {{"n", n}}, "simplify_terms_" + std::to_string(n));
  // Simplifying again changes nothing and shares every statement.
  Proc r = simplify(q).proc;
  EXPECT_EQ(print_proc(r), print_proc(q));
  EXPECT_TRUE(r->body[0].same_as(q->body[0]));
}

TEST(Simplify, KeepsWhatOnlyTheAnalysisDecides) {
  // As in the reference: `i < n` inside `for i in seq(0, n)` is not folded,
  // `seq(5, 5)` goes, `seq(n, 2 * n - n)` (empty only by arithmetic) stays.
  Proc p = mod().proc("dead");
  Rewrite r = simplify(p);
  std::string s = print_proc(r.proc);
  EXPECT_NE(s.find("if i < n:"), std::string::npos) << s;
  EXPECT_NE(s.find("for k in seq(n, n):"), std::string::npos) << s;
  EXPECT_EQ(s.find("seq(5, 5)"), std::string::npos) << s;
  for (long long m : {1, 3}) test::expect_same_results(p, r.proc, {{"n", 4}, {"m", m}}, "simplify_kept_" + std::to_string(m));
}

TEST(Simplify, RemovesDeadCodeUnderTheKnownFacts) {
  Proc p = mod().proc("dead");
  Rewrite r = simplify(p, /*remove_proved_dead_code=*/true);
  EXPECT_EQ(print_proc(r.proc),
            "def dead(n: size, m: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):\n"
            "    assert n >= 4\n"
            "    for i in seq(0, n):\n"
            "        x[i] = 1.0\n"
            "        if i >= 2:\n"
            "            y[i] = x[i]\n"
            "    for k in seq(0, m):\n"  // a loop of only `pass` stays, as in exo-lang
            "        pass\n"
            "    if m > 2:\n"
            "        for k in seq(0, m):\n"
            "            if k < 2:\n"
            "                y[k] = 5.0\n"
            "    if n % 4 == 0:\n"
            "        x[0] = 9.0\n");
  for (long long m : {1, 3}) {
    test::expect_same_results(p, r.proc, {{"n", 4}, {"m", m}}, "simplify_dead_" + std::to_string(m));
    test::expect_same_results(p, r.proc, {{"n", 7}, {"m", m}}, "simplify_dead7_" + std::to_string(m));
  }
  // Cursors follow their statements into the branch that replaced the if.
  EXPECT_EQ(r.forward(find_stmt(p, "x[i] = 1.0")).str(), "body[0].body[0]");
  EXPECT_EQ(r.forward(find_stmt(p, "y[i] = x[i]")).str(), "body[0].body[1].body[0]");
  EXPECT_FALSE(r.forward(find_stmt(p, "x[i] = 2.0")).valid());
  EXPECT_FALSE(r.forward(find_loop(p, "k")).valid());
  EXPECT_EQ(r.forward(find_stmt(p, "y[k] = 5.0")), find_stmt(r.proc, "y[k] = 5.0"));
  // The near-identical loop that runs n - 1 times may run: it stays.
  Proc twin = mod().proc("dead_twin");
  EXPECT_NE(print_proc(simplify(twin, true).proc).find("for k in seq(n, -1 + 2 * n)"), std::string::npos)
      << print_proc(simplify(twin, true).proc);
}

TEST(Simplify, GuardsAfterSplitAndPreconditions) {
  const char* src = R"(
@proc
def scale(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        y[i] = x[i] * 2.0

@proc
def scale8(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    assert n % 8 == 0
    for i in seq(0, n):
        y[i] = x[i] * 2.0
)";
  Module m = Module::from_string(src);
  Proc p = m.proc("scale");
  for (const char* tail : {"guard", "cut", "cut_and_guard"}) {
    Proc s = split_loop(p, "i", 8, "io", "ii", tail).proc;
    Proc q = simplify(s).proc;
    for (long long n : {3, 8, 13, 16})
      test::expect_same_results(p, q, {{"n", n}}, std::string("simplify_split_") + tail + std::to_string(n));
  }
  // With n % 8 == 0 the guard is always true and, on request, disappears; the
  // cut tail never runs. Without the request both stay, as in the reference.
  Proc p8 = m.proc("scale8");
  Proc kept = simplify(split_loop(p8, "i", 8, "io", "ii", "guard").proc).proc;
  EXPECT_NE(print_proc(kept).find("if"), std::string::npos) << print_proc(kept);
  Proc g = simplify(split_loop(p8, "i", 8, "io", "ii", "guard").proc, true).proc;
  EXPECT_EQ(print_proc(g).find("if"), std::string::npos) << print_proc(g);
  EXPECT_NE(print_proc(g).find("for io in seq(0, (7 + n) / 8):"), std::string::npos) << print_proc(g);
  Proc c = simplify(split_loop(p8, "i", 8, "io", "ii", "cut_and_guard").proc, true).proc;
  EXPECT_EQ(print_proc(c).find("if"), std::string::npos) << print_proc(c);
  for (long long n : {8, 24}) {
    test::expect_same_results(p8, g, {{"n", n}}, "simplify_split8_guard" + std::to_string(n));
    test::expect_same_results(p8, c, {{"n", n}}, "simplify_split8_cut" + std::to_string(n));
  }
}

TEST(Simplify, Windows) {
  Proc p = mod().proc("windows");
  Proc q = simplify(p).proc;
  std::string s = print_proc(q);
  EXPECT_NE(s.find("w = x[i, 0:8]"), std::string::npos) << s;
  EXPECT_NE(s.find("for j in seq(0, 8):"), std::string::npos) << s;
  EXPECT_NE(s.find("w[j] = y[j]"), std::string::npos) << s;
  test::expect_same_results(p, q, {{"n", 3}}, "simplify_windows");
}

// `assert X == c` holds all through the body (X reads only arguments): X reads
// as c, so a tail case's loop gets constant bounds (the SGEMM app unrolls it).
TEST(Simplify, UsesEqualityPreconditions) {
  Proc p = mod().proc("tail_case");
  Proc q = simplify(p).proc;
  std::string s = print_proc(q);
  EXPECT_NE(s.find("for j in seq(0, 16):"), std::string::npos) << s;
  EXPECT_NE(s.find("for j in seq(0, 1):"), std::string::npos) << s;
  EXPECT_NE(s.find("assert (15 + N) / 16 == 1"), std::string::npos) << s;  // the fact stays stated
  for (long long n : {1, 7, 16}) test::expect_same_results(p, q, {{"N", n}}, "simplify_tail_" + std::to_string(n));
}

}  // namespace
}  // namespace exo
