// ScheduledProc (exo/schedule/procedure.h): a schedule driven through the core
// object, with cursors taken on the first proc forwarded across several
// rewrites; refusals of forwarding (an unrelated proc, a removed position) next
// to accepted twins; and resolve() of patterns, `#N`, names and cursors.
#include <gtest/gtest.h>

#include "exo/exo.h"
#include "exo/schedule/match.h"
#include "exo/schedule/procedure.h"
#include "exo/schedule/loops.h"
#include "support/caught_error.h"

namespace exo {
namespace {

using test::caught;

const char* kSrc = R"(
@proc
def scale(n: size, x: f32[n, 8] @ DRAM, y: f32[n, 8] @ DRAM):
    assert n % 4 == 0
    pass
    for i in seq(0, n):
        for j in seq(0, 8):
            y[i, j] = x[i, j] * 2.0
            y[i, j] += 1.0
    for i in seq(0, n):
        y[i, 0] = 0.0

@proc
def other(n: size, y: f32[n] @ DRAM):
    for i in seq(0, n):
        y[i] = 0.0
)";

const Module& mod() {
  static Module m = Module::from_string(kSrc);
  return m;
}

std::string text_at(const ScheduledProc& p, const Cursor& c) {
  if (c.is_expr()) return print_expr(resolve_expr(p.proc(), c));
  return print_stmt(resolve_stmt(p.proc(), c));
}

// split, reorder, fission: the first proc's statements found again in the last.
struct Chain {
  ScheduledProc p0{mod().proc("scale")};
  Cursor reduce = p0.resolve("y[_] += _", RefKind::Stmt);
  Cursor rhs = p0.resolve("x[_] * 2.0", RefKind::Expr);
  Cursor loop_i = p0.resolve("i", RefKind::Loop);
  ScheduledProc p1 = p0.derive(split_loop(p0.proc(), loop_i, 4, "io", "ii", "guard", true));
  ScheduledProc p2 = p1.derive(reorder_loops(p1.proc(), p1.resolve("ii", RefKind::Loop)));
  ScheduledProc p3 = p2.derive(fission_after(p2.proc(), p2.resolve("y[_] = _", RefKind::Stmt), 1));
};

TEST(ScheduledProc, ForwardsACursorAcrossThreeRewrites) {
  Chain c;
  EXPECT_TRUE(c.p3.derived_from(c.p0));
  EXPECT_FALSE(c.p0.derived_from(c.p3));
  ASSERT_TRUE(c.p3.parent().has_value());
  EXPECT_EQ(c.p3.parent()->proc().get(), c.p2.proc().get());
  EXPECT_FALSE(c.p0.parent().has_value());

  // for io: for j: (for ii: y = ...) (for ii: y += ...), after `pass`.
  Cursor r3 = c.p3.forward(c.reduce, c.p0);
  EXPECT_EQ(r3.str(), "body[1].body[0].body[1].body[0]");
  EXPECT_EQ(text_at(c.p3, r3), "y[4 * io + ii, j] += 1.0\n");
  // The same statement reached one step at a time.
  Cursor step = c.p1.forward(c.reduce, c.p0);
  step = c.p2.forward(step, c.p1);
  step = c.p3.forward(step, c.p2);
  EXPECT_EQ(step, r3);
  // An expression and a loop follow too.
  Cursor e3 = c.p3.forward(c.rhs, c.p0);
  EXPECT_EQ(text_at(c.p3, e3), "x[4 * io + ii, j] * 2.0");
  EXPECT_EQ(c.p3.forward(c.loop_i, c.p0).str(), "body[1]");
  EXPECT_EQ(print_stmt(resolve_stmt(c.p3.proc(), Cursor::stmt({PathStep{false, 1}}))).substr(0, 25),
            "for io in seq(0, n / 4):\n");
  // A cursor of the proc itself forwards to itself.
  EXPECT_EQ(c.p3.forward(r3, c.p3), r3);
}

TEST(ScheduledProc, RefusesACursorOfAnUnrelatedProc) {
  Chain c;
  ScheduledProc o(mod().proc("other"));
  Cursor oi = o.resolve("i", RefKind::Loop);
  auto e = caught([&] { c.p3.forward(oi, o); });
  EXPECT_EQ(e.kind, ErrorKind::Api);
  EXPECT_EQ(e.message,
            "cannot forward a cursor of procedure 'other' to procedure 'scale': it was not scheduled from that "
            "procedure");
  // Nor backwards, from a derived proc to its ancestor.
  auto back = caught([&] { c.p0.forward(c.p3.resolve("io", RefKind::Loop), c.p3); });
  EXPECT_EQ(back.kind, ErrorKind::Api);
  // The twin: the same loop of a proc it was derived from is accepted.
  EXPECT_EQ(c.p3.forward(c.loop_i, c.p0).str(), "body[1]");
}

TEST(ScheduledProc, RefusesACursorWhoseCodeWasRemoved) {
  ScheduledProc p0(mod().proc("scale"));
  Cursor pass_stmt = p0.resolve("pass", RefKind::Stmt);
  Cursor second_loop = p0.resolve("i #1", RefKind::Loop);
  ScheduledProc p1 = p0.derive(delete_pass(p0.proc()));
  auto e = caught([&] { p1.forward(pass_stmt, p0); });
  EXPECT_EQ(e.kind, ErrorKind::InvalidCursor);
  EXPECT_EQ(e.message, "the cursor body[0] of procedure 'scale' no longer points at anything in 'scale': a "
                       "rewrite removed it");
  EXPECT_FALSE(p1.forward_or_invalid(pass_stmt, p0).valid());
  // The twin: its next sibling survived, one place earlier.
  EXPECT_EQ(p1.forward(second_loop, p0).str(), "body[1]");
  // Through resolve, the same refusal.
  auto r = caught([&] { p1.resolve(OwnedCursor{p0, pass_stmt}, RefKind::Stmt); });
  EXPECT_EQ(r.kind, ErrorKind::InvalidCursor);
  EXPECT_EQ(r.message, e.message);
}

TEST(ScheduledProc, ResolvesPatternsOccurrencesNamesAndCursors) {
  Chain c;
  // A pattern with #N: the second `y[_] = _` (the second loop's), in any proc.
  Cursor second = c.p0.resolve("y[_] = _ #1", RefKind::Stmt);
  EXPECT_EQ(second.str(), "body[2].body[0]");
  EXPECT_EQ(text_at(c.p3, c.p3.resolve("y[_] = _ #1", RefKind::Stmt)), "y[i, 0] = 0.0\n");
  // A plain loop name, with and without #N.
  EXPECT_EQ(c.p3.resolve("j", RefKind::Loop).str(), "body[1].body[0]");
  EXPECT_EQ(c.p3.resolve("i", RefKind::Loop).str(), "body[2]");
  EXPECT_EQ(c.p3.resolve("ii #1", RefKind::Loop).str(), "body[1].body[0].body[1]");
  // A cursor of an ancestor: forwarded.
  Cursor r = c.p3.resolve(OwnedCursor{c.p0, c.reduce}, RefKind::Stmt);
  EXPECT_EQ(r.str(), "body[1].body[0].body[1].body[0]");
  EXPECT_EQ(c.p3.resolve(OwnedCursor{c.p0, c.reduce}, RefKind::Block), r);
  // A reference of the wrong kind names the argument; its twin is accepted.
  auto wrong = caught([&] { c.p3.resolve(OwnedCursor{c.p0, c.reduce}, RefKind::Loop, {"unroll", 1, "loop"}); });
  EXPECT_EQ(wrong.kind, ErrorKind::Api);
  EXPECT_EQ(wrong.message, "argument 1, 'loop' to unroll: expected a loop, got body[1].body[0].body[1].body[0]");
  EXPECT_EQ(c.p3.resolve(OwnedCursor{c.p0, c.loop_i}, RefKind::Loop, {"unroll", 1, "loop"}).str(), "body[1]");
  // An occurrence with no match is the matcher's refusal.
  auto none = caught([&] { c.p3.resolve("i #1", RefKind::Loop); });
  EXPECT_EQ(none.kind, ErrorKind::Scheduling);
  // find_all: every match, or the #N-th, under a scope.
  EXPECT_EQ(c.p3.find_all("y[_] = _").size(), 2u);
  Cursor io = c.p3.resolve("io", RefKind::Loop);
  auto under = c.p3.find_all("for ii in _: _ #1", io);
  ASSERT_EQ(under.size(), 1u);
  EXPECT_EQ(under[0].str(), "body[1].body[0].body[1]");
  auto few = caught([&] { c.p3.find_all("for ii in _: _ #2", io); });
  EXPECT_EQ(few.message, "pattern 'for ii in _: _ #2' has 2 matches in proc 'scale' (#N counts from 0)");
}

// Forwarding costs one step per rewrite in between, and a schedule a million
// steps long is released without a recursion as deep as the chain.
TEST(ScheduledProc, LongChain) {
  ScheduledProc root(mod().proc("scale"));
  Cursor red = root.resolve("y[_] += _", RefKind::Stmt);
  Proc a = rename_proc(root.proc(), "scale_a").proc, b = rename_proc(root.proc(), "scale_b").proc;
  ScheduledProc p = root;
  for (int k = 0; k < 1000000; ++k) p = p.derive(k % 2 ? a : b);
  EXPECT_EQ(p.forward(red, root), red);
  EXPECT_TRUE(p.derived_from(root));
}

}  // namespace
}  // namespace exo
