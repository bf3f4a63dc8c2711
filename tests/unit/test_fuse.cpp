// fuse_loop and partition_loop: results compared with the original on random
// inputs (interpreter and compiled C); each refusal paired with a legal twin.
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
def two(n: size, x: f32[n + 1] @ DRAM, y: f32[n] @ DRAM, z: f32[n] @ DRAM):
    for i in seq(0, n):
        x[i] = y[i] * 2.0
    for j in seq(0, n):
        z[j] = x[j] + 1.0
    for i in seq(0, n):
        x[i] = y[i] * 3.0
    for j in seq(0, n):
        z[j] = x[j + 1]

@proc
def reds(n: size, m: size, s: f32[n] @ DRAM, y: f32[n, m] @ DRAM):
    assert m == n
    for i in seq(0, n):
        for k in seq(0, m):
            s[k] += y[i, k]
    for j in seq(0, m):
        for k in seq(0, n):
            s[k] += y[j, k] * 2.0
    for j in seq(0, n):
        for k in seq(0, m):
            y[j, k] = s[k]

@proc
def win(n: size, x: f32[n + 2] @ DRAM, z: f32[n] @ DRAM):
    w = x[1:n + 1]
    for i in seq(0, n):
        w[i] = 1.0 * z[i]
    for j in seq(0, n):
        z[j] = x[j + 1] + 2.0
    for i in seq(0, n):
        w[i] = 3.0
    for j in seq(0, n):
        z[j] = x[j + 2]

@proc
def scale4(a: [f32][4] @ DRAM):
    for k in seq(0, 4):
        a[k] = a[k] * 2.0

@proc
def calls(n: size, x: f32[n, 4] @ DRAM, y: f32[n, 4] @ DRAM):
    for i in seq(0, n):
        scale4(x[i, 0:4])
    for j in seq(0, n):
        y[j, 0] = x[j, 3]
    for i in seq(0, n):
        scale4(x[i, 0:4])
    for j in seq(0, n):
        if j + 1 < n:
            y[j, 1] = x[j + 1, 0]

@proc
def ifs(n: size, flag: bool, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        if flag:
            x[i] = 1.0
        else:
            x[i] = 2.0
        if flag:
            y[i] = x[i]
        else:
            y[i] = 0.0
        if n > 2:
            y[i] += 1.0
        if n - 2 > 0:
            y[i] += 2.0
        else:
            y[i] = 3.0
        if 3 < n:
            y[i] += 4.0

@proc
def recompute(n: size, inp: f32[4 * n + 3] @ DRAM, out: f32[4 * n] @ DRAM, acc: f32[4 * n + 3] @ DRAM):
    tmp: f32[4 * n + 3] @ DRAM
    for io in seq(0, n):
        for ii in seq(0, 6):
            tmp[4 * io + ii] = inp[4 * io + ii] * 2.0
    for jo in seq(0, n):
        for ji in seq(0, 4):
            out[4 * jo + ji] = tmp[4 * jo + ji] + tmp[4 * jo + ji + 2]
    for io in seq(0, n):
        for ii in seq(0, 6):
            tmp[4 * io + ii] = inp[4 * io + ii] * 2.0
    for jo in seq(0, n):
        for ji in seq(0, 4):
            out[4 * jo + ji] = tmp[4 * jo + ji + 3]
    for io in seq(0, n):
        for ii in seq(0, 6):
            tmp[4 * io + ii] = inp[ii] * 2.0
    for jo in seq(0, n):
        for ji in seq(0, 4):
            out[4 * jo + ji] = tmp[4 * jo + ji + 1]
    for io in seq(0, n):
        for ii in seq(0, 6):
            tmp[4 * io + ii] = inp[4 * io + ii] * 2.0
    for jo in seq(0, n):
        for ji in seq(0, 4):
            out[4 * jo + ji] = tmp[4 * jo + ji + 1]
            inp[4 * jo + ji + 3] = 1.0
    for io in seq(0, n):
        for ii in seq(0, 6):
            acc[4 * io + ii] += inp[4 * io + ii]
    for jo in seq(0, n):
        for ji in seq(0, 4):
            out[4 * jo + ji] = acc[4 * jo + ji + 1]
    for io in seq(0, n):
        for ii in seq(0, 6):
            if ii < 5:
                tmp[4 * io + ii] = inp[4 * io + ii] * 2.0
    for jo in seq(0, n):
        for ji in seq(0, 4):
            out[4 * jo + ji] = tmp[4 * jo + ji + 1]

@proc
def recompute_reread(n: size, inp: f32[4 * n + 3] @ DRAM, out: f32[4 * n] @ DRAM, mid: f32[4 * n] @ DRAM):
    tmp: f32[4 * n + 3] @ DRAM
    for io in seq(0, n):
        for ii in seq(0, 6):
            tmp[4 * io + ii] = inp[4 * io + ii] * 2.0
        for ii in seq(0, 4):
            mid[4 * io + ii] = tmp[4 * io + ii + 2] - tmp[4 * io + ii]
    for jo in seq(0, n):
        for ji in seq(0, 4):
            out[4 * jo + ji] = tmp[4 * jo + ji + 1] * mid[4 * jo + ji]

@proc
def recompute_window(n: size, inp: f32[4 * n + 6] @ DRAM, out: f32[4 * n] @ DRAM):
    tmp: f32[6] @ DRAM
    for io in seq(0, n):
        w = inp[4 * io:4 * io + 6]
        for ii in seq(0, 6):
            tmp[ii] = w[ii]
    for jo in seq(0, n):
        for ji in seq(0, 4):
            out[4 * jo + ji] = tmp[ji + 1]
    for io in seq(0, n):
        for ii in seq(0, 6):
            tmp[ii] = inp[ii]
    for jo in seq(0, n):
        for ji in seq(0, 4):
            out[4 * jo + ji] = tmp[ji + 1]

@proc
def part(n: size, x: f32[n + 2] @ DRAM, y: f32[8] @ DRAM):
    assert n >= 4
    for i in seq(0, n):
        x[i] = 2.0 * x[i + 1]
    for j in seq(2, n + 2):
        x[j] += 1.0
    for k in seq(0, 8):
        y[k] = y[k] * 2.0
)";

const Module& mod() {
  static Module m = Module::from_string(kSrc);
  return m;
}

std::string sched_error(const std::function<void()>& f) {
  return test::scheduling_error_message(f);
}

TEST(Fuse, LegalAndConflicting) {
  Proc p = mod().proc("two");
  Cursor red = find_stmt(p, "z[_] = x[j] + 1.0");
  Rewrite r = fuse_loop(p, "i", "j");
  EXPECT_NE(print_proc(r.proc).find("        x[i] = y[i] * 2.0\n        z[i] = x[i] + 1.0"),
            std::string::npos)
      << print_proc(r.proc);
  EXPECT_EQ(r.forward(red).str(), "body[0].body[1]");
  EXPECT_EQ(r.forward(find_loop(p, "i #1")).str(), "body[1]");
  for (long long n : {1, 5, 8})
    test::expect_same_results(p, r.proc, {{"n", n}}, "fuse_two_" + std::to_string(n));
  // body2 reads x[j + 1], which body1 writes one iteration later: refused.
  std::string m = sched_error([&] { fuse_loop(p, "i #1", "j #1"); });
  EXPECT_NE(m.find("cannot fuse loops 'i' and 'j': the read x[j + 1] of the second loop "
                   "in one iteration "
                   "and the write x[i] of the first loop in a later iteration may touch the same "
                   "location of 'x'"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find(">   for i in seq(0, n):  # <-- here"), std::string::npos) << m;
  m = sched_error([&] { fuse_loop(p, "i", "i #1"); });
  EXPECT_NE(m.find("right after"), std::string::npos) << m;
}

TEST(Fuse, ReductionsCommuteAndBoundsByPrecondition) {
  Proc p = mod().proc("reds");
  // Bounds n and m are equal only through the precondition; both loops reduce into s.
  Rewrite r = fuse_loop(p, "i", "j");
  test::expect_same_results(p, r.proc, {{"n", 3}, {"m", 3}}, "fuse_reds");
  // The next loop reads s, which the fused loop reduces later: refused.
  std::string m = sched_error([&] { fuse_loop(r.proc, "i", "j"); });
  EXPECT_NE(m.find("may touch the same location of 's'"), std::string::npos) << m;
}

// A producer recomputed in overlapping iterations (divide_with_recompute's
// output) fuses into its consumer when every write of an element stores the
// same value and each consumer iteration reads only what the same producer
// iteration wrote; each condition broken alone is refused.
TEST(Fuse, RecomputedProducer) {
  Proc p = mod().proc("recompute");
  Rewrite r = fuse_loop(p, "io", "jo");
  for (long long n : {1, 2, 5})
    test::expect_same_results(p, r.proc, {{"n", n}}, "fuse_recompute_" + std::to_string(n));
  auto refused = [&](const char* a, const char* b, const std::string& why) {
    std::string m = sched_error([&] { fuse_loop(p, a, b); });
    EXPECT_NE(m.find(why), std::string::npos) << a << ": " << m;
  };
  // Iteration jo reads tmp[4 * jo + 6], which only iteration jo + 1 writes.
  refused("io #1", "jo #1", "the read tmp[4 * jo + ji + 3] of the second loop");
  // Iterations write different values into one element (inp[ii], not inp[4 * io + ii]).
  refused("io #2", "jo #2", "the read tmp[4 * jo + ji + 1] of the second loop");
  // The consumer writes what the producer reads: a later recomputation differs.
  refused("io #3", "jo #3", "location of 'inp'");
  // A reduction is not a recomputation.
  refused("io #4", "jo #4", "the read acc[4 * jo + ji + 1] of the second loop");
  // A guarded write may leave the element unwritten in that iteration.
  refused("io #5", "jo #5", "the read tmp[4 * jo + ji + 1] of the second loop");
  // The first loop may read what it recomputes.
  Proc rr = mod().proc("recompute_reread");
  Rewrite fused = fuse_loop(rr, "io", "jo");
  for (long long n : {1, 4})
    test::expect_same_results(rr, fused.proc, {{"n", n}}, "fuse_recompute_reread_" + std::to_string(n));
  // A window made in the loop names different storage in each iteration.
  Proc w = mod().proc("recompute_window");
  std::string m = sched_error([&] { fuse_loop(w, "io", "jo"); });
  EXPECT_NE(m.find("the read tmp[ji + 1] of the second loop"), std::string::npos) << m;
  Rewrite same = fuse_loop(w, "io #1", "jo #1");  // the same six elements every time
  for (long long n : {1, 3})
    test::expect_same_results(w, same.proc, {{"n", n}}, "fuse_recompute_same_" + std::to_string(n));
}

TEST(Fuse, UnequalBoundsRefused) {
  Proc p = mod().proc("part");
  std::string m = sched_error([&] { fuse_loop(p, "i", "j"); });
  EXPECT_NE(m.find("the lower bounds 0 and 2 are not provably equal"), std::string::npos) << m;
}

TEST(Fuse, ThroughWindows) {
  Proc p = mod().proc("win");
  Rewrite r = fuse_loop(p, "i", "j");
  for (long long n : {1, 6})
    test::expect_same_results(p, r.proc, {{"n", n}}, "fuse_win_" + std::to_string(n));
  // x[j + 2] is w[j + 1], written by the next iteration of the first loop.
  std::string m = sched_error([&] { fuse_loop(p, "i #1", "j #1"); });
  EXPECT_NE(m.find("the read x[j + 2] of the second loop in one iteration and the write x[1 + i]"),
            std::string::npos)
      << m;
}

TEST(Fuse, ThroughCallsAndGuards) {
  Proc p = mod().proc("calls");
  Rewrite r = fuse_loop(p, "i", "j");
  for (long long n : {1, 4})
    test::expect_same_results(p, r.proc, {{"n", n}}, "fuse_calls_" + std::to_string(n));
  std::string m = sched_error([&] { fuse_loop(p, "i #1", "j #1"); });
  EXPECT_NE(m.find("the read x[j + 1, 0] of the second loop"), std::string::npos) << m;
  // Loops split with guards: the outer loops have equal bounds (n + 3) / 4.
  Proc two = mod().proc("two");
  Proc s = split_loop(split_loop(two, "i", 4, "io", "ii").proc, "j", 4, "jo", "ji").proc;
  Rewrite f = fuse_loop(s, "io", "jo");
  Rewrite f2 = fuse_loop(f.proc, "ii", "ji");
  EXPECT_EQ(match_pattern(f2.proc, "for ii in _: _").size(), 1u) << print_proc(f2.proc);
  for (long long n : {3, 9})
    test::expect_same_results(two, f2.proc, {{"n", n}}, "fuse_split_" + std::to_string(n));
}

TEST(Fuse, Ifs) {
  Proc p = mod().proc("ifs");
  Cursor a = find_stmt(p, "if flag: _");
  Cursor b = next(p, a);
  Cursor y = find_stmt(p, "y[i] = x[i]");
  Rewrite r = fuse_loop(p, a, b);
  EXPECT_EQ(r.forward(y).str(), "body[0].body[0].body[1]");
  EXPECT_EQ(r.forward(find_stmt(p, "y[i] = 0.0")).str(), "body[0].body[0].orelse[1]");
  for (long long flag : {0, 1})
    test::expect_same_results(p, r.proc, {{"n", 5}, {"flag", flag}},
                              "fuse_ifs_" + std::to_string(flag));
  std::string m = sched_error([&] { fuse_loop(r.proc, "if flag: _", "if n > 2: _"); });
  EXPECT_NE(m.find("expected the two ifs to have the same condition, got 'flag' and 'n > 2'"),
            std::string::npos)
      << m;
  // Conditions written differently but provably equal fuse; merely similar ones do not.
  Rewrite eq = fuse_loop(r.proc, "if n > 2: _", "if n - 2 > 0: _");
  for (long long n : {2, 3, 5})
    test::expect_same_results(p, eq.proc, {{"n", n}, {"flag", 1}}, "fuse_ifs_eqv_" + std::to_string(n));
  m = sched_error([&] { fuse_loop(eq.proc, "if n > 2: _", "if 3 < n: _"); });
  EXPECT_NE(m.find("got 'n > 2' and '3 < n'"), std::string::npos) << m;
}

TEST(Partition, SymbolicAndConstant) {
  Proc p = mod().proc("part");
  Cursor body = find_stmt(p, "x[i] = _");
  Rewrite r = partition_loop(p, "i", 4);  // n >= 4 by the precondition
  EXPECT_NE(print_proc(r.proc).find("for i in seq(0, 4):"), std::string::npos)
      << print_proc(r.proc);
  EXPECT_NE(print_proc(r.proc).find("for i in seq(4, n):"), std::string::npos)
      << print_proc(r.proc);
  EXPECT_EQ(r.forward(body).str(), "body[0].body[0]");
  EXPECT_EQ(r.forward(find_loop(p, "j")).str(), "body[2]");
  for (long long n : {4, 7})
    test::expect_same_results(p, r.proc, {{"n", n}}, "partition_i_" + std::to_string(n));
  std::string m = sched_error([&] { partition_loop(p, "i", 5); });
  EXPECT_NE(m.find("partition_loop: cannot partition loop 'i' at 5: 'n - 0 >= 5' is not provable"),
            std::string::npos)
      << m;
  Rewrite rj = partition_loop(p, "j", 3);  // a loop not starting at 0
  EXPECT_NE(print_proc(rj.proc).find("for j in seq(5, n + 2):"), std::string::npos)
      << print_proc(rj.proc);
  test::expect_same_results(p, rj.proc, {{"n", 5}}, "partition_j");
  Rewrite rk = partition_loop(p, "k", 8);  // the second part is empty
  test::expect_same_results(p, rk.proc, {{"n", 4}}, "partition_k");
  m = sched_error([&] { partition_loop(p, "k", 9); });
  EXPECT_NE(m.find("'8 - 0 >= 9' is not provable"), std::string::npos) << m;
}

// In code that never runs (under a false guard) the context proves anything; a
// constant trip count is still checked, so the result stays well-formed.
TEST(Partition, ConstantTripCountInDeadCode) {
  Proc p = Module::from_string(R"(
@proc
def dead(x: f32[8] @ DRAM):
    if 8 % 2 > 0:
        for j in seq(0, 8 % 2):
            x[j] = 1.0
    for k in seq(0, 5):
        x[k] = 2.0
)")
               .proc("dead");
  std::string m = sched_error([&] { partition_loop(p, "j", 3); });
  EXPECT_NE(m.find("cannot partition loop 'j' at 3"), std::string::npos) << m;
  Rewrite r = partition_loop(p, "k", 3);
  test::expect_same_results(p, r.proc, {}, "partition_dead_twin");
}

}  // namespace
}  // namespace exo
