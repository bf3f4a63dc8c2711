// Cursors: resolution, navigation, structural edits (sharing) and forwarding.
#include <gtest/gtest.h>

#include "exo/schedule/cursor.h"
#include "exo/exo.h"
#include "exo/schedule/match.h"
#include "exo/schedule/loops.h"

namespace exo {
namespace {

const char* kSrc = R"(
@proc
def foo(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    a: f32 @ DRAM
    a = 0.0
    for i in seq(0, n):
        if i < 3:
            x[i] = 1.0
            y[i] = a
        else:
            x[i] = 2.0
            a += x[i]
            y[i] = x[i] + a
    for j in seq(0, n):
        y[j] += 1.0
)";

Proc foo() { return Module::from_string(kSrc).proc("foo"); }

StmtPath P(std::initializer_list<std::pair<bool, int>> steps) {
  StmtPath p;
  for (auto [o, i] : steps) p.push_back(PathStep{o, i});
  return p;
}

TEST(Cursor, ResolveAndStr) {
  Proc p = foo();
  Cursor c = Cursor::stmt(P({{false, 2}, {false, 0}, {true, 1}}));
  EXPECT_EQ(c.str(), "body[2].body[0].orelse[1]");
  Stmt s = resolve_stmt(p, c);
  ASSERT_TRUE(s);
  EXPECT_EQ(print_stmt(s), "a += x[i]\n");
  EXPECT_FALSE(resolve_stmt(p, P({{false, 9}})));
  EXPECT_FALSE(resolve_stmt(p, P({{false, 0}, {false, 0}})));  // an alloc has no body
  EXPECT_FALSE(resolve_stmt(p, P({{false, 3}, {true, 0}})));   // a loop has no else
  EXPECT_TRUE(is_valid_in(p, Cursor::gap(P({{false, 4}}))));
  EXPECT_FALSE(is_valid_in(p, Cursor::gap(P({{false, 5}}))));
  EXPECT_EQ(Cursor::block(P({{false, 1}}), 2).str(), "body[1:3]");
}

TEST(Cursor, ExpressionPaths) {
  Proc p = foo();
  // y[i] = x[i] + a : exprs are [i, x[i] + a]; child 1 of the rhs is `a`.
  Cursor e = Cursor::expr(P({{false, 2}, {false, 0}, {true, 2}}), {1, 1});
  EXPECT_EQ(print_expr(resolve_expr(p, e)), "a");
  EXPECT_EQ(print_expr(resolve_expr(p, parent(e))), "x[i] + a");
  EXPECT_TRUE(parent(parent(e)).is_stmt());
  EXPECT_FALSE(resolve_expr(p, Cursor::expr(e.path, {7})));
}

TEST(Cursor, Navigation) {
  Proc p = foo();
  Cursor loop = Cursor::stmt(P({{false, 2}}));
  Cursor b = body(p, loop);
  ASSERT_TRUE(b.is_block());
  EXPECT_EQ(b.count, 1);
  Cursor iff = Cursor::stmt(b.path);
  Cursor els = orelse(p, iff);
  ASSERT_TRUE(els.valid());
  EXPECT_EQ(els.count, 3);
  EXPECT_FALSE(orelse(p, loop).valid());
  Cursor first = Cursor::stmt(els.path);
  EXPECT_EQ(print_stmt(resolve_stmt(p, next(p, first))), "a += x[i]\n");
  EXPECT_EQ(print_stmt(resolve_stmt(p, next(p, first, 2))), "y[i] = x[i] + a\n");
  EXPECT_FALSE(next(p, first, 3).valid());
  EXPECT_FALSE(prev(p, first).valid());
  EXPECT_EQ(parent(first), iff);
  EXPECT_EQ(parent(parent(first)), loop);
  EXPECT_FALSE(parent(loop).valid());
  EXPECT_EQ(after(loop), Cursor::gap(P({{false, 3}})));
  EXPECT_EQ(before(loop), Cursor::gap(P({{false, 2}})));
  EXPECT_EQ(after(Cursor::block(P({{false, 0}}), 2)), Cursor::gap(P({{false, 2}})));
  EXPECT_EQ(expand(p, Cursor::stmt(P({{false, 1}})), 1, 1), Cursor::block(P({{false, 0}}), 3));
  EXPECT_EQ(expand(p, Cursor::stmt(P({{false, 1}}))), Cursor::block(P({{false, 0}}), 4));
  EXPECT_EQ(all_stmt_paths(p).size(), 11u);
}

TEST(Cursor, SpliceSharesUntouchedNodes) {
  Proc p = foo();
  StmtPath target = P({{false, 2}, {false, 0}, {true, 1}});
  Stmt pass = make_stmt<PassNode>(SrcInfo{});
  Proc q = replace_stmt(p, target, pass);
  EXPECT_EQ(print_stmt(resolve_stmt(q, target)), "pass\n");
  // Siblings off the path are the very same nodes.
  EXPECT_TRUE(q->body[0].same_as(p->body[0]));
  EXPECT_TRUE(q->body[1].same_as(p->body[1]));
  EXPECT_TRUE(q->body[3].same_as(p->body[3]));
  EXPECT_FALSE(q->body[2].same_as(p->body[2]));
  const Stmt& old_if = p->body[2].as<ForNode>()->body[0];
  const Stmt& new_if = q->body[2].as<ForNode>()->body[0];
  EXPECT_TRUE(new_if.as<IfNode>()->cond.same_as(old_if.as<IfNode>()->cond));
  EXPECT_TRUE(new_if.as<IfNode>()->body[0].same_as(old_if.as<IfNode>()->body[0]));
  EXPECT_TRUE(new_if.as<IfNode>()->orelse[0].same_as(old_if.as<IfNode>()->orelse[0]));
  EXPECT_TRUE(new_if.as<IfNode>()->orelse[2].same_as(old_if.as<IfNode>()->orelse[2]));
  // The original is untouched.
  EXPECT_EQ(print_stmt(resolve_stmt(p, target)), "a += x[i]\n");
}

TEST(Cursor, ReplaceExpr) {
  Proc p = foo();
  Cursor e = find_cursor(p, "x[_] + a");
  Proc q = replace_expr(p, e, resolve_expr(p, Cursor::expr(e.path, {1, 1})));
  EXPECT_EQ(print_stmt(resolve_stmt(q, e.path)), "y[i] = a\n");
  EXPECT_TRUE(q->body[3].same_as(p->body[3]));
}

TEST(Cursor, ForwardSplice) {
  Proc p = foo();
  StmtPath els = P({{false, 2}, {false, 0}, {true, 0}});
  Block two = {make_stmt<PassNode>(SrcInfo{}), make_stmt<PassNode>(SrcInfo{})};
  // Replace orelse[1] (a += x[i]) by two statements.
  StmtPath at = els;
  at.back().index = 1;
  Rewrite r = splice_rewrite(p, at, 1, two);
  auto at_else = [&](int i) {
    StmtPath s = els;
    s.back().index = i;
    return s;
  };
  EXPECT_EQ(r.forward(Cursor::stmt(at_else(0))), Cursor::stmt(at_else(0)));
  EXPECT_FALSE(r.forward(Cursor::stmt(at_else(1))).valid());
  EXPECT_EQ(r.forward(Cursor::stmt(at_else(2))), Cursor::stmt(at_else(3)));
  EXPECT_EQ(r.forward(Cursor::expr(at_else(2), {1})), Cursor::expr(at_else(3), {1}));
  EXPECT_EQ(r.forward(Cursor::gap(at_else(1))), Cursor::gap(at_else(1)));
  EXPECT_EQ(r.forward(Cursor::gap(at_else(2))), Cursor::gap(at_else(3)));
  EXPECT_EQ(r.forward(Cursor::block(at_else(0), 3)), Cursor::block(at_else(0), 4));
  EXPECT_EQ(r.forward(Cursor::block(at_else(1), 2)), Cursor::block(at_else(1), 3));
  // Other blocks are untouched, including the then-branch at the same depth.
  Cursor then0 = Cursor::stmt(P({{false, 2}, {false, 0}, {false, 1}}));
  EXPECT_EQ(r.forward(then0), then0);
  EXPECT_EQ(r.forward(Cursor::stmt(P({{false, 3}}))), Cursor::stmt(P({{false, 3}})));
  // The forwarded cursor resolves to the same statement in the new proc.
  EXPECT_TRUE(resolve_stmt(r.proc, r.forward(Cursor::stmt(at_else(2)))).same_as(resolve_stmt(p, at_else(2))));
  // Insertion (count 0) and composition.
  Rewrite ins = splice_rewrite(r.proc, P({{false, 0}}), 0, {make_stmt<PassNode>(SrcInfo{})});
  Forward both = compose(r.forward, ins.forward);
  EXPECT_EQ(both(Cursor::stmt(at_else(2))), Cursor::stmt(P({{false, 3}, {false, 0}, {true, 3}})));
  EXPECT_EQ(both(Cursor::gap(P({{false, 0}}))), Cursor::gap(P({{false, 0}})));
  EXPECT_FALSE(both(Cursor::stmt(at_else(1))).valid());
}

TEST(Cursor, ForwardWrapUnwrapMove) {
  // Wrap body[1:3] into a new statement at body[1].
  Forward w = forward_wrap(P({{false, 1}}), 2);
  EXPECT_EQ(w(Cursor::stmt(P({{false, 0}}))), Cursor::stmt(P({{false, 0}})));
  EXPECT_EQ(w(Cursor::stmt(P({{false, 2}, {false, 0}}))), Cursor::stmt(P({{false, 1}, {false, 1}, {false, 0}})));
  EXPECT_EQ(w(Cursor::stmt(P({{false, 3}}))), Cursor::stmt(P({{false, 2}})));
  EXPECT_EQ(w(Cursor::block(P({{false, 1}}), 2)), Cursor::block(P({{false, 1}, {false, 0}}), 2));
  EXPECT_EQ(w(Cursor::gap(P({{false, 2}}))), Cursor::gap(P({{false, 1}, {false, 1}})));
  // Unwrap body[2] (a loop with a 1-statement body).
  Forward u = forward_unwrap(P({{false, 2}}), false, 1);
  EXPECT_EQ(u(Cursor::stmt(P({{false, 2}, {false, 0}, {true, 1}}))), Cursor::stmt(P({{false, 2}, {true, 1}})));
  EXPECT_FALSE(u(Cursor::stmt(P({{false, 2}}))).valid());
  EXPECT_EQ(u(Cursor::stmt(P({{false, 3}}))), Cursor::stmt(P({{false, 3}})));
  Forward u3 = forward_unwrap(P({{false, 0}}), true, 3);
  EXPECT_EQ(u3(Cursor::stmt(P({{false, 1}}))), Cursor::stmt(P({{false, 3}})));
  EXPECT_FALSE(u3(Cursor::stmt(P({{false, 0}, {false, 0}}))).valid());
  // Move body[0] to the gap before body[3].
  Forward m = forward_move(P({{false, 0}}), 3);
  EXPECT_EQ(m(Cursor::stmt(P({{false, 0}, {false, 1}}))), Cursor::stmt(P({{false, 2}, {false, 1}})));
  EXPECT_EQ(m(Cursor::stmt(P({{false, 1}}))), Cursor::stmt(P({{false, 0}})));
  EXPECT_EQ(m(Cursor::stmt(P({{false, 3}}))), Cursor::stmt(P({{false, 3}})));
  Forward back = forward_move(P({{false, 2}}), 0);
  EXPECT_EQ(back(Cursor::stmt(P({{false, 2}}))), Cursor::stmt(P({{false, 0}})));
  EXPECT_EQ(back(Cursor::stmt(P({{false, 0}}))), Cursor::stmt(P({{false, 1}})));
}

TEST(Cursor, MarkedPrinting) {
  Proc p = foo();
  std::string s = print_proc_marked(p, P({{false, 2}, {false, 0}, {true, 1}}), 1, "here");
  EXPECT_NE(s.find(">           a += x[i]  # <-- here\n"), std::string::npos) << s;
  // Only one line is marked and the rest is print_proc's text.
  EXPECT_EQ(std::count(s.begin(), s.end(), '>'), 1) << s;
  std::string block = print_proc_marked(p, P({{false, 0}}), 2);
  EXPECT_NE(block.find(">   a: f32 @ DRAM\n>   a = 0.0\n    for i"), std::string::npos) << block;
  std::string gap = print_proc_marked(p, P({{false, 3}}), 0);
  EXPECT_NE(gap.find("            y[i] = x[i] + a\n    # <-- here\n    for j"), std::string::npos) << gap;
  std::string end_gap = print_proc_marked(p, P({{false, 3}, {false, 1}}), 0);
  EXPECT_NE(end_gap.find("        y[j] += 1.0\n        # <-- here\n"), std::string::npos) << end_gap;
  EXPECT_EQ(print_proc_marked(p, P({{false, 7}}), 1), print_proc(p));
}

TEST(SchedulingError, MessageHasPrimitiveReasonAndMarkedProc) {
  Proc p = foo();
  Cursor c = find_stmt(p, "a += _");
  try {
    scheduling_error("reorder_stmts", p, c, "'a' is read by the next statement");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Scheduling);
    std::string m = e.message();
    EXPECT_EQ(m.rfind("reorder_stmts: 'a' is read by the next statement", 0), 0u) << m;
    EXPECT_NE(m.find("at <string>:12:"), std::string::npos) << m;
    EXPECT_NE(m.find("in proc 'foo':\ndef foo("), std::string::npos) << m;
    EXPECT_NE(m.find(">           a += x[i]  # <-- here"), std::string::npos) << m;
    EXPECT_EQ(e.where().line, 12);
  }
  // An expression cursor marks its statement and names the expression.
  Cursor e = find_cursor(p, "x[_] + _");
  std::string m = format_scheduling_error("commute_expr", p, e, "not commutative");
  EXPECT_NE(m.find(">           y[i] = x[i] + a  # <-- here: x[i] + a"), std::string::npos) << m;
  // An invalid cursor still prints the proc.
  m = format_scheduling_error("simplify", p, Cursor::invalid(), "no reason");
  EXPECT_NE(m.find("def foo("), std::string::npos);
  EXPECT_EQ(m.find('>'), std::string::npos);
}

}  // namespace
}  // namespace exo
