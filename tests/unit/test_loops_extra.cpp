// parallelize_loop, shift_loop, join_loops, mult_loops, insert_pass,
// eliminate_dead_code, specialize, add_unsafe_guard, add_loop, autofission,
// divide_with_recompute: results compared with the original on random inputs
// (interpreter and compiled C); each refusal paired with a near-identical legal twin.
#include <gtest/gtest.h>

#include "exo/exo.h"
#include "exo/schedule/loop_ranges.h"
#include "exo/schedule/match.h"
#include "exo/printer.h"
#include "exo/schedule/procs.h"
#include "exo/schedule/loops.h"
#include "support/schedule_check.h"

namespace exo {
namespace {

const char* kSrc = R"(
@config
class Cfg:
    k: index
    f: f32

@proc
def axpy(n: size, a: f32, x: [f32][n] @ DRAM, y: [f32][n] @ DRAM):
    for i in seq(0, n):
        y[i] += a * x[i]

@proc
def rows(n: size, m: size, a: f32, A: f32[n, m] @ DRAM, B: f32[n, m] @ DRAM):
    for i in seq(0, n):
        t: f32[m] @ DRAM
        for j in seq(0, m):
            t[j] = A[i, j] * 2.0
        axpy(m, a, t[0:m], B[i, 0:m])

@proc
def shared_row(n: size, m: size, a: f32, A: f32[n, m] @ DRAM, B: f32[n, m] @ DRAM):
    for i in seq(0, n):
        axpy(m, a, A[i, 0:m], B[0, 0:m])

@proc
def sum_rows(n: size, m: size, A: f32[n, m] @ DRAM, s: f32[n] @ DRAM, t: f32[1] @ DRAM):
    for i in seq(0, n):
        for j in seq(0, m):
            s[i] += A[i, j]
    for i in seq(0, n):
        t[0] += s[i]

@proc
def cfg_loop(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        Cfg.f = 2.0
        y[i] = Cfg.f * 2.0
    for i in seq(0, n):
        y[i] = x[i] * 2.0

@proc
def pieces(n: size, x: f32[n + 8] @ DRAM, y: f32[n + 8] @ DRAM):
    assert n <= 8
    for i in seq(0, 4):
        y[i] = x[i] + x[i + 1]
    for i in seq(4, n + 8):
        y[i] = x[i] + x[i + 1 - 1]
    for i in seq(0, n):
        y[i] = x[i] * 3.0
    for i in seq(n, 8):
        y[i] = x[i] * 3.0

@proc
def tiles(n: size, x: f32[n, 16] @ DRAM, y: f32[n * 16] @ DRAM):
    for io in seq(0, n):
        for ii in seq(0, 16):
            y[16 * io + ii] = x[io, ii]
    for io in seq(0, n):
        for ii in seq(0, n):
            y[ii] = x[io, 0]

@proc
def branches(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    assert n >= 4
    for i in seq(0, n):
        if i >= 0:
            y[i] = x[i]
        if i + n < 3:
            y[i] = 0.0
        else:
            y[i] += 1.0
        if i < 2:
            y[i] += 2.0
    for j in seq(4, n):
        y[j] = 5.0
    for j in seq(n, n):
        y[0] = 5.0

@proc
def blocks(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, c: f32[2] @ DRAM):
    assert n >= 2
    t: f32[n] @ DRAM
    for i in seq(0, n):
        t[i] = x[i] * 2.0
    for i in seq(0, n):
        y[i] = t[i]
    c[0] = x[0]
    c[1] += x[1]
    for i in seq(0, n):
        c[0] = x[1]
        c[1] += y[i]

@proc
def window3(n: size, x: f32[n + 2] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        y[i] = x[i] + x[i + 1] + x[i + 2]

@proc
def nest2(n: size, m: size, A: f32[n, m] @ DRAM, c: f32[1] @ DRAM):
    assert m >= 1
    for i in seq(0, n):
        for j in seq(0, m):
            c[0] = 1.0
            A[i, j] = A[i, j] * 2.0

@proc
def nest3(n: size, m: index, A: f32[n, 4] @ DRAM, c: f32[1] @ DRAM):
    assert m <= 4
    assert m >= 0
    for i in seq(0, n):
        for j in seq(0, m):
            c[0] = 1.0
            A[i, j] = A[i, j] * 2.0

@proc
def running2(n: size, x: f32[n + 1] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        x[i] = y[i] * 2.0
        y[i] = x[i + 1]

@proc
def par_pairs(x: f32[2] @ DRAM, y: f32[4] @ DRAM, z: f32[4] @ DRAM):
    for i in par(0, 1):
        x[0] = y[i]
    for i in par(1, 2):
        x[0] = y[i]
    for i in par(0, 2):
        z[i] = y[i]
    for i in par(2, 4):
        z[i] = y[i]

@proc
def running(n: size, x: f32[n + 1] @ DRAM):
    for i in seq(0, n):
        x[i + 1] = x[i] * 0.5
)";

const Module& mod() {
  static Module m = Module::from_string(kSrc, "loops_extra.py");
  return m;
}

bool has(const Proc& p, const std::string& text) {
  return print_proc(p).find(text) != std::string::npos;
}

// ---------------------------------------------------------------------------

TEST(ParallelizeLoop, IndependentRowsThroughCallsAndWindows) {
  Proc p = mod().proc("rows");
  Rewrite r = parallelize_loop(p, find_loop(p, "i"));
  EXPECT_TRUE(has(r.proc, "for i in par(0, n):")) << print_proc(r.proc);
  test::expect_same_results(p, r.proc, {{"n", 5}, {"m", 3}}, "par_rows");
  // The inner loop writes the private t only; it is parallel too.
  Rewrite r2 = parallelize_loop(r.proc, find_loop(r.proc, "j"));
  test::expect_same_results(p, r2.proc, {{"n", 4}, {"m", 6}}, "par_rows_inner");
}

TEST(ParallelizeLoop, RefusesSharedOutputAndReductions) {
  Proc p = mod().proc("shared_row");
  std::string m = test::scheduling_error_message([&] { parallelize_loop(p, find_loop(p, "i")); });
  EXPECT_NE(m.find("parallelize_loop: cannot parallelize loop 'i'"), std::string::npos) << m;
  EXPECT_NE(m.find("same location of 'B'"), std::string::npos) << m;
  // Per-row reductions are independent; a reduction into one location races.
  Proc s = mod().proc("sum_rows");
  Rewrite ok = parallelize_loop(s, find_loop(s, "i"));
  test::expect_same_results(s, ok.proc, {{"n", 4}, {"m", 5}}, "par_sum_rows");
  m = test::scheduling_error_message([&] { parallelize_loop(s, find_loop(s, "i #1")); });
  EXPECT_NE(m.find("reduce t[0]"), std::string::npos) << m;
  // Config writes in every iteration conflict; the twin without them is accepted.
  Proc c = mod().proc("cfg_loop");
  m = test::scheduling_error_message([&] { parallelize_loop(c, find_loop(c, "i")); });
  EXPECT_NE(m.find("Cfg.f"), std::string::npos) << m;
  Rewrite ok2 = parallelize_loop(c, find_loop(c, "i #1"));
  test::expect_same_results(c, ok2.proc, {{"n", 4}}, "par_cfg_twin", mod().configs());
}

TEST(ShiftLoop, OffsetsTheIterator) {
  Proc p = mod().proc("window3");
  Rewrite r = shift_loop(p, find_loop(p, "i"), "2");
  EXPECT_TRUE(has(r.proc, "for i in seq(2, n + 2):")) << print_proc(r.proc);
  EXPECT_TRUE(has(r.proc, "y[i - 2] = x[i - 2]")) << print_proc(r.proc);
  test::expect_same_results(p, r.proc, {{"n", 6}}, "shift_window3");
  // Back to 0 from a symbolic start.
  Proc q = mod().proc("pieces");
  Rewrite back = shift_loop(q, find_loop(q, "i #1"), "0");
  EXPECT_TRUE(has(back.proc, "for i in seq(0, n + 4):")) << print_proc(back.proc);
  test::expect_same_results(q, back.proc, {{"n", 3}}, "shift_pieces");
  std::string m =
      test::scheduling_error_message([&] { shift_loop(p, find_loop(p, "i"), "n - 3"); });
  EXPECT_NE(m.find("Expected 0 <= `new_lo`: 'n - 3' >= 0 is not provable"), std::string::npos) << m;
  EXPECT_THROW(shift_loop(p, find_loop(p, "i"), "q + 1"), Error);
}

TEST(JoinLoops, ConsecutiveRangesWithEqualBodies) {
  Proc p = mod().proc("pieces");
  // Bodies equal up to `x[i + 1 - 1]` vs `x[i + 1]`? No: they differ textually.
  std::string m = test::scheduling_error_message(
      [&] { join_loops(p, find_loop(p, "i"), find_loop(p, "i #1")); });
  EXPECT_NE(m.find("expected the two loops to have identical bodies"), std::string::npos) << m;
  // `seq(0, n)` then `seq(n, 8)`: the second loop needs n <= 8 at definition
  // (loop extents are non-negative), so the joined loop runs the same iterations.
  Proc q = p;
  Rewrite r = join_loops(q, find_loop(q, "i #2"), find_loop(q, "i #3"));
  EXPECT_TRUE(has(r.proc, "for i in seq(0, 8):")) << print_proc(r.proc);
  test::expect_same_results(q, r.proc, {{"n", 5}}, "join_pieces");
  m = test::scheduling_error_message(
      [&] { join_loops(q, find_loop(q, "i #1"), find_loop(q, "i #3")); });
  EXPECT_NE(m.find("directly after the first"), std::string::npos) << m;
}

TEST(JoinLoops, ParLoopsStayRaceFree) {
  Proc p = mod().proc("par_pairs");
  std::string m = test::scheduling_error_message(
      [&] { join_loops(p, find_loop(p, "i"), find_loop(p, "i #1")); });
  EXPECT_NE(m.find("the joined par loop would race"), std::string::npos) << m;
  Rewrite r = join_loops(p, find_loop(p, "i #2"), find_loop(p, "i #3"));
  EXPECT_TRUE(has(r.proc, "for i in par(0, 4):")) << print_proc(r.proc);
  test::expect_same_results(p, r.proc, {}, "join_par");
}

TEST(MultLoops, FlattensANestWithAConstantInnerBound) {
  Proc p = mod().proc("tiles");
  Rewrite r = mult_loops(p, find_loop(p, "io"), "k");
  EXPECT_TRUE(has(r.proc, "for k in seq(0, n * 16):")) << print_proc(r.proc);
  EXPECT_TRUE(has(r.proc, "x[k / 16, k % 16]")) << print_proc(r.proc);
  test::expect_same_results(p, r.proc, {{"n", 3}}, "mult_tiles");
  // The inner loop's body moves up one level; the inner loop itself is gone.
  Cursor store = find_stmt(p, "y[_] = x[io, ii]");
  EXPECT_EQ(r.forward(store).str(), "body[0].body[0]");
  EXPECT_FALSE(r.forward(find_loop(p, "ii")).valid());
  std::string m =
      test::scheduling_error_message([&] { mult_loops(p, find_loop(p, "io #1"), "k"); });
  EXPECT_NE(m.find("expected the inner loop to have a constant bound (a positive one), got 'n'"),
            std::string::npos)
      << m;
}

TEST(InsertPass, AtAnyGap) {
  Proc p = mod().proc("window3");
  Cursor loop = find_loop(p, "i");
  Rewrite r = insert_pass(p, after(loop));
  EXPECT_TRUE(has(r.proc, "    pass\n")) << print_proc(r.proc);
  test::expect_same_results(p, r.proc, {{"n", 3}}, "insert_pass");
  // The loop's cursor follows it; delete_pass undoes the insertion.
  EXPECT_TRUE(r.forward(loop) == loop);
  EXPECT_EQ(print_proc(delete_pass(r.proc).proc), print_proc(p));
  std::string m = test::scheduling_error_message([&] { insert_pass(p, loop); });
  EXPECT_NE(m.find("expected a gap cursor"), std::string::npos) << m;
}

TEST(EliminateDeadCode, DecidedBranchesAndEmptyLoops) {
  Proc p = mod().proc("branches");
  Rewrite t = eliminate_dead_code(p, find_stmt(p, "if i >= 0: _"));
  EXPECT_FALSE(has(t.proc, "if i >= 0")) << print_proc(t.proc);
  test::expect_same_results(p, t.proc, {{"n", 6}}, "dce_true");
  Rewrite f = eliminate_dead_code(p, find_stmt(p, "if i + n < 3: _"));
  EXPECT_FALSE(has(f.proc, "y[i] = 0.0")) << print_proc(f.proc);
  EXPECT_TRUE(has(f.proc, "y[i] += 1.0")) << print_proc(f.proc);
  test::expect_same_results(p, f.proc, {{"n", 5}}, "dce_false");
  Rewrite l = eliminate_dead_code(p, find_loop(p, "j #1"));
  EXPECT_FALSE(has(l.proc, "seq(n, n)")) << print_proc(l.proc);
  test::expect_same_results(p, l.proc, {{"n", 4}}, "dce_loop");
  // The twins that may run are refused.
  std::string m =
      test::scheduling_error_message([&] { eliminate_dead_code(p, find_stmt(p, "if i < 2: _")); });
  EXPECT_NE(m.find("If condition isn't always True or always False: 'i < 2'"), std::string::npos)
      << m;
  m = test::scheduling_error_message([&] { eliminate_dead_code(p, find_loop(p, "j")); });
  EXPECT_NE(m.find("Loop condition isn't always False: loop 'j' may run"), std::string::npos) << m;
  m = test::scheduling_error_message([&] { eliminate_dead_code(p, find_stmt(p, "y[_] = 5.0")); });
  EXPECT_NE(m.find("expected an if or a for statement"), std::string::npos) << m;
}

TEST(Specialize, CopiesUnderConditions) {
  Proc p = mod().proc("window3");
  Cursor loop = find_loop(p, "i");
  Rewrite r = specialize(p, loop, std::vector<std::string>{"n < 4", "n % 8 == 0"});
  std::string s = print_proc(r.proc);
  EXPECT_NE(s.find("if n < 4:"), std::string::npos) << s;
  EXPECT_NE(s.find("if n % 8 == 0:"), std::string::npos) << s;
  for (int n : {2, 8, 9})
    test::expect_same_results(p, r.proc, {{"n", n}}, "specialize_" + std::to_string(n));
  // Copies get their own loop variables (so they schedule independently).
  EXPECT_EQ(match_pattern(r.proc, "for i in _: _").size(), 3u);
  // A block whose allocation is used after it is refused; the whole span is fine.
  Proc b = mod().proc("blocks");
  Cursor alloc_and_fill = Cursor::block(find_stmt(b, "t : _").path, 2);
  std::string m = test::scheduling_error_message(
      [&] { specialize(b, alloc_and_fill, std::vector<std::string>{"n > 4"}); });
  EXPECT_NE(m.find("Block contains allocations 't' which are used outside the block"),
            std::string::npos)
      << m;
  Rewrite ok = specialize(b, Cursor::block(find_stmt(b, "t : _").path, 3),
                          std::vector<std::string>{"n > 4"});
  test::expect_same_results(b, ok.proc, {{"n", 6}}, "specialize_blocks");
  EXPECT_THROW(specialize(p, loop, std::vector<std::string>{"n + 1"}), Error);
}

TEST(AddUnsafeGuard, GuardsWithoutChecking) {
  Proc p = mod().proc("window3");
  Rewrite r = add_unsafe_guard(p, find_loop(p, "i"), "n > 0");
  EXPECT_TRUE(has(r.proc, "if n > 0:\n        for i in seq(0, n):")) << print_proc(r.proc);
  test::expect_same_results(p, r.proc, {{"n", 4}}, "unsafe_guard_true");
  // Unchecked by design: a guard that fails is accepted (and changes results).
  Rewrite u = add_unsafe_guard(p, find_loop(p, "i"), "n > 100");
  EXPECT_TRUE(has(u.proc, "if n > 100:")) << print_proc(u.proc);
}

TEST(AddLoop, IdempotentBlocksOrGuarded) {
  Proc p = mod().proc("blocks");
  Cursor assign = find_stmt(p, "c[_] = x[0]");
  Rewrite r = add_loop(p, assign, "r", "n", false);
  EXPECT_TRUE(has(r.proc, "for r in seq(0, n):\n        c[0] = x[0]")) << print_proc(r.proc);
  test::expect_same_results(p, r.proc, {{"n", 3}}, "add_loop_assign");
  EXPECT_EQ(r.forward(assign).str(), "body[3].body[0]");
  // The reduction next to it is not idempotent, unless only iteration 0 runs it.
  Cursor red = find_stmt(p, "c[_] += x[1]");
  std::string m = test::scheduling_error_message([&] { add_loop(p, red, "r", "n", false); });
  EXPECT_NE(m.find("is not idempotent: it reduces into 'c'"), std::string::npos) << m;
  Rewrite g = add_loop(p, red, "r", "n", true);
  EXPECT_TRUE(has(g.proc, "if r == 0:")) << print_proc(g.proc);
  EXPECT_EQ(g.forward(red).str(), "body[4].body[0].body[0]");
  test::expect_same_results(p, g.proc, {{"n", 3}}, "add_loop_guard");
  // The loop must run: `n - 2` may be 0.
  m = test::scheduling_error_message([&] { add_loop(p, assign, "r", "n - 2", true); });
  EXPECT_NE(m.find("The expression n - 2 is not guaranteed to be greater than 0"), std::string::npos) << m;
  Rewrite r1 = add_loop(p, assign, "r", "n - 1", true);
  test::expect_same_results(p, r1.proc, {{"n", 2}}, "add_loop_n_minus_1");
  // A loop around a read-and-written buffer is refused; a fresh-buffer twin is not.
  m = test::scheduling_error_message([&] { add_loop(p, find_loop(p, "i #2"), "r", "2", false); });
  EXPECT_NE(m.find("is not idempotent"), std::string::npos) << m;
  Rewrite loop2 = add_loop(p, find_loop(p, "i"), "r", "2", false);
  test::expect_same_results(p, loop2.proc, {{"n", 4}}, "add_loop_loop");
  // A block whose allocation is used after it would hide it; the whole span is fine.
  Cursor alloc_and_fill = Cursor::block(find_stmt(p, "t : _").path, 2);
  m = test::scheduling_error_message([&] { add_loop(p, alloc_and_fill, "r", "n", true); });
  EXPECT_NE(m.find("the block declares 't', which is used after it"), std::string::npos) << m;
  Rewrite span = add_loop(p, Cursor::block(find_stmt(p, "t : _").path, 3), "r", "n", true);
  test::expect_same_results(p, span.proc, {{"n", 3}}, "add_loop_span");
}

TEST(Autofission, DropsLoopsThePartsDoNotNeed) {
  Proc p = mod().proc("blocks");
  Rewrite r = autofission(p, after(find_stmt(p, "c[_] = x[1]")), 1);
  // `c[0] = x[1]` ignores i and is idempotent: it runs once; the reduction keeps its loop.
  std::string s = print_proc(r.proc);
  EXPECT_NE(s.find("    c[0] = x[1]\n    for i in seq(0, n):\n        c[1] += y[i]"),
            std::string::npos)
      << s;
  test::expect_same_results(p, r.proc, {{"n", 3}}, "autofission_blocks");
  // Two levels: the invariant store leaves both loops.
  Proc n2 = mod().proc("nest2");
  Rewrite r2 = autofission(n2, after(find_stmt(n2, "c[_] = _")), 2);
  s = print_proc(r2.proc);
  EXPECT_NE(s.find("    c[0] = 1.0\n    for i in seq(0, n):\n        for j in seq(0, m):"),
            std::string::npos)
      << s;
  test::expect_same_results(n2, r2.proc, {{"n", 3}, {"m", 2}}, "autofission_nest2");
  // Where the inner loop may not run, its copy stays (the store runs only if m > 0).
  Proc n3 = mod().proc("nest3");
  Rewrite r3 = autofission(n3, after(find_stmt(n3, "c[_] = _")), 1);
  EXPECT_EQ(match_pattern(r3.proc, "for j in _: _").size(), 2u) << print_proc(r3.proc);
  test::expect_same_results(n3, r3.proc, {{"n", 3}, {"m", 2}}, "autofission_nest3");
  // The fission safety check still applies.
  Proc d = mod().proc("running2");
  std::string m =
      test::scheduling_error_message([&] { autofission(d, after(find_stmt(d, "x[_] = _")), 1); });
  EXPECT_NE(m.find("autofission: Cannot fission loop 'i'"), std::string::npos) << m;
  // At a block's edge there is nothing to split.
  EXPECT_THROW(autofission(p, before(find_stmt(p, "t : _")), 1), Error);
}

TEST(DivideWithRecompute, OverlappingTiles) {
  Proc p = add_assertion(mod().proc("window3"), "n >= 4");
  Rewrite r = divide_with_recompute(p, find_loop(p, "i"), "n / 4", 4, "io", "ii");
  std::string s = print_proc(r.proc);
  EXPECT_NE(s.find("for io in seq(0, n / 4):"), std::string::npos) << s;
  for (int n : {4, 7, 13})
    test::expect_same_results(p, r.proc, {{"n", n}}, "recompute_" + std::to_string(n));
  // The loop's cursor follows the outer loop, its body the inner one.
  Cursor loop = find_loop(p, "i");
  EXPECT_TRUE(r.forward(loop) == loop);
  EXPECT_EQ(r.forward(find_stmt(p, "y[_] = _")).str(), "body[0].body[0].body[0]");
  // A running dependence is not idempotent.
  Proc q = add_assertion(mod().proc("running"), "n >= 4");
  std::string m = test::scheduling_error_message(
      [&] { divide_with_recompute(q, find_loop(q, "i"), "n / 4", 4, "io", "ii"); });
  EXPECT_NE(m.find("is not idempotent: it reads and writes 'x'"), std::string::npos) << m;
  // outer_hi * stride beyond hi, and an outer loop that may not run, are refused.
  m = test::scheduling_error_message(
      [&] { divide_with_recompute(p, find_loop(p, "i"), "n / 2", 4, "io", "ii"); });
  EXPECT_NE(m.find("exceeds loop's hi n: 'n - 4 * (n / 2)' >= 0 is not provable"),
            std::string::npos)
      << m;
  Proc p0 = mod().proc("window3");
  m = test::scheduling_error_message(
      [&] { divide_with_recompute(p0, find_loop(p0, "i"), "n / 4", 4, "io", "ii"); });
  EXPECT_NE(m.find("'n / 4' >= 1 is not provable"), std::string::npos) << m;
}

}  // namespace
}  // namespace exo
