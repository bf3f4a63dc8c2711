// Cursor forwarding through long chains of primitives: cursors taken on the
// original proc (statements, blocks, gaps, expressions) are followed through
// every rewrite by composing the forwarding functions, and must land on the
// same code in the final proc (or become Invalid when their code was removed).
// Each chain's result is also checked to compute what the original does.
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
def chain(n: size, x: f32[n, 16] @ DRAM, y: f32[n, 16] @ DRAM, s: f32[4] @ DRAM):
    pass
    for i in seq(0, n):
        for j in seq(0, 16):
            y[i, j] = x[i, j] * 2.0
            y[i, j] += 1.0
    for k in seq(0, 4):
        s[k] = 0.0
    for r in seq(0, 3):
        s[0] = x[0, 0]
    s[1] = s[0] + 1.0
    s[2] = 3.0

@proc
def guarded(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, z: f32[2] @ DRAM):
    for i in seq(0, n):
        if i > 0:
            y[i] = x[i] + x[i - 1]
        else:
            y[i] = x[i]
    z[0] = 1.0
    z[1] = 2.0
    for t in seq(0, 2):
        pass
)";

const Module& mod() {
  static Module m = Module::from_string(kSrc);
  return m;
}

// A proc and the forwarding from the chain's first proc to it.
struct Chain {
  Proc proc;
  Forward forward = identity_forward();

  void apply(const Rewrite& r) {
    forward = compose(forward, r.forward);
    proc = r.proc;
  }
  std::string at(const Cursor& c) const {
    Cursor f = forward(c);
    if (!f.valid()) return "<invalid>";
    if (f.is_expr()) return print_expr(resolve_expr(proc, f));
    std::string out;
    for (auto& s : resolve_stmts(proc, f.is_gap() ? Cursor::stmt(f.path) : f)) out += print_stmt(s);
    return out;
  }
};

TEST(CursorForwarding, LoopChain) {
  Proc p = mod().proc("chain");
  Cursor assign = find_stmt(p, "y[_] = _");
  Cursor reduce = find_stmt(p, "y[_] += _");
  Cursor j_body = body(p, find_loop(p, "j"));
  Cursor s1 = find_stmt(p, "s[1] = _");
  Cursor s1_rhs = find_cursor(p, "s[0] + 1.0");
  Cursor s1_lhs_read = find_cursor(p, "s[0] + 1.0");
  s1_lhs_read.expr_path.push_back(0);  // the `s[0]` inside it
  Cursor gap_after_i = after(find_loop(p, "i"));
  Cursor loop_k = find_loop(p, "k");
  Cursor zero_k = find_stmt(p, "s[k] = 0.0");
  Cursor loop_r = find_loop(p, "r");
  Cursor r_body = find_stmt(p, "s[0] = x[0, 0]");
  Cursor pass0 = find_stmt(p, "pass");

  Chain c{p};
  c.apply(delete_pass(p));
  c.apply(split_loop(c.proc, "j", 4, "jo", "ji", "guard", true));
  c.apply(reorder_loops(c.proc, "i jo"));
  c.apply(unroll_loop(c.proc, "k"));
  c.apply(remove_loop(c.proc, "r"));
  c.apply(reorder_stmts(c.proc, "s[1] = s[0] + 1.0", "s[2] = 3.0"));
  c.apply(split_loop(c.proc, "i", 2, "io", "ii", "cut"));

  EXPECT_EQ(c.at(assign), "y[2 * io + ii, 4 * jo + ji] = x[2 * io + ii, 4 * jo + ji] * 2.0\n") << print_proc(c.proc);
  EXPECT_EQ(c.forward(assign), find_stmt(c.proc, "y[_] = _")) << print_proc(c.proc);
  EXPECT_EQ(c.forward(reduce), find_stmt(c.proc, "y[_] += _"));
  EXPECT_TRUE(c.forward(j_body).is_block());
  EXPECT_EQ(c.forward(j_body).count, 2);
  EXPECT_EQ(c.at(s1), "s[1] = s[0] + 1.0\n");
  EXPECT_EQ(c.at(s1_rhs), "s[0] + 1.0");
  EXPECT_EQ(c.at(s1_lhs_read), "s[0]");
  // The gap after the loop nest is now before the first statement of the unrolled k.
  EXPECT_EQ(c.at(gap_after_i), "s[0] = 0.0\n");
  // Unrolled and removed code: the loops and the unrolled body are gone; the body of
  // the removed loop survives in its place.
  EXPECT_FALSE(c.forward(loop_k).valid());
  EXPECT_FALSE(c.forward(zero_k).valid());
  EXPECT_FALSE(c.forward(loop_r).valid());
  EXPECT_FALSE(c.forward(pass0).valid());
  EXPECT_EQ(c.at(r_body), "s[0] = x[0, 0]\n");
  // The reordered statement moved after `s[2] = 3.0`.
  EXPECT_EQ(c.forward(s1), find_stmt(c.proc, "s[1] = s[0] + _"));
  EXPECT_EQ(prev(c.proc, c.forward(s1)), find_stmt(c.proc, "s[2] = 3.0"));
  for (long long n : {1, 2, 5}) test::expect_same_results(p, c.proc, {{"n", n}}, "chain_" + std::to_string(n));
}

TEST(CursorForwarding, BranchesAndGaps) {
  Proc p = mod().proc("guarded");
  Cursor then_stmt = find_stmt(p, "y[i] = x[i] + x[i - 1]");
  Cursor else_block = orelse(p, find_stmt(p, "if _: _"));
  Cursor cond = find_cursor(p, "i > 0");
  Cursor z_block = expand(p, find_stmt(p, "z[0] = _"), 0, 1);
  Cursor gap_before_z0 = before(find_stmt(p, "z[0] = _"));
  Cursor gap_at_end = after(find_loop(p, "t"));

  Chain c{p};
  c.apply(split_loop(p, "i", 3, "io", "ii", "cut_and_guard"));
  c.apply(reorder_stmts(c.proc, "z[0] = _", "z[1] = _"));
  c.apply(delete_pass(c.proc));

  EXPECT_EQ(c.at(then_stmt), "y[3 * io + ii] = x[3 * io + ii] + x[3 * io + ii - 1]\n") << print_proc(c.proc);
  EXPECT_TRUE(c.forward(else_block).is_block());
  EXPECT_EQ(c.at(else_block), "y[3 * io + ii] = x[3 * io + ii]\n");
  EXPECT_EQ(c.at(cond), "3 * io + ii > 0");
  // The two z statements swapped: the block still covers both.
  Cursor zb = c.forward(z_block);
  ASSERT_TRUE(zb.is_block());
  EXPECT_EQ(zb.count, 2);
  EXPECT_EQ(c.at(z_block), "z[1] = 2.0\nz[0] = 1.0\n");
  EXPECT_TRUE(c.forward(gap_before_z0).is_gap());
  // The loop at the end was removed with its pass; the gap after it is the end of the body.
  Cursor end = c.forward(gap_at_end);
  ASSERT_TRUE(end.is_gap());
  EXPECT_EQ(end.index(), static_cast<int>(c.proc->body.size()));
  for (long long n : {1, 3, 4, 7}) test::expect_same_results(p, c.proc, {{"n", n}}, "guarded_" + std::to_string(n));
}

}  // namespace
}  // namespace exo
