// Expression primitives: commute_expr, left_reassociate_expr, rewrite_expr, and
// insert_noop_call (statement primitives are in test_writes.cpp).
// Results are compared with the original on random inputs; each refusal has an
// accepted twin that differs only in what the check looks at.
#include <gtest/gtest.h>

#include "exo/exo.h"
#include "exo/schedule/exprs.h"
#include "exo/schedule/match.h"
#include "exo/printer.h"
#include "exo/schedule/procs.h"
#include "exo/schedule/loops.h"
#include "support/schedule_check.h"
#include "support/by_name.h"

namespace exo {
namespace {

const char* kSrc = R"(
@config
class C:
    k: index

@proc
def axpy(n: size, a: f32, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        y[i] = a * x[i] + y[i]

@proc
def diff(n: size, a: f32, x: f32[n + 1] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        y[i] = x[i + 1] - a

@proc
def sum3(n: size, a: f32, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        y[i] = x[i] + (a + y[i])
        y[i] = x[i] * (a * y[i])
        y[i] = x[i] + a * y[i]

@proc
def shifted(n: size, x: f32[n + 2] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        y[i] = x[i + (1 + 1)] * 2.0

@proc
def guarded(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        if i < 4:
            y[i] = x[i % 4]

@proc
def guarded5(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    for i in seq(0, n):
        if i < 5:
            y[i] = x[i % 4]

@proc
def blocked(n: size, x: f32[n] @ DRAM):
    assert n % 4 == 0
    for i in seq(0, n / 4 * 4):
        x[i] = 2.0 * x[i]

@proc
def blocked_any(n: size, x: f32[n] @ DRAM):
    for i in seq(0, n / 4 * 4):
        x[i] = 2.0 * x[i]

@proc
def stale(x: f32[8] @ DRAM):
    if C.k == 2:
        C.k = 3
        x[C.k] = 1.0

@proc
def stale_if(x: f32[8] @ DRAM):
    if C.k == 2:
        C.k = 3
        if C.k == 2:
            x[0] = 1.0

@proc
def fresh_if(x: f32[8] @ DRAM):
    if C.k == 2:
        x[1] = 3.0
        if C.k == 2:
            x[0] = 1.0

@proc
def fresh(x: f32[8] @ DRAM):
    if C.k == 2:
        x[C.k] = 1.0
)";

const Module& mod() {
  static Module m = Module::from_string(kSrc);
  return m;
}

std::vector<ConfigPtr> cfgs() { return mod().configs(); }

bool has(const Proc& p, const std::string& text) {
  return print_proc(p).find(text) != std::string::npos;
}

// Runs f, which must throw Error(kind); returns its message.
std::string error_message(ErrorKind kind, const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return "<no error>";
}

// ---------------------------------------------------------------------------
// commute_expr
// ---------------------------------------------------------------------------

TEST(CommuteExpr, SwapsOperands) {
  Proc p = mod().proc("axpy");
  Rewrite r = commute_expr(p, "a * x[i]");
  EXPECT_TRUE(has(r.proc, "y[i] = x[i] * a + y[i]")) << print_proc(r.proc);
  test::expect_same_results(p, r.proc, {{"n", 9}}, "commute_mul");
  // The outer `+` and the inner `*` at once: the inner cursor follows the swap.
  Cursor outer = find_cursor(p, "_ + _");
  Cursor inner = find_cursor(p, "a * _");
  Rewrite both = commute_expr(p, std::vector<Cursor>{outer, inner});
  EXPECT_TRUE(has(both.proc, "y[i] = y[i] + x[i] * a")) << print_proc(both.proc);
  test::expect_same_results(p, both.proc, {{"n", 9}}, "commute_both");
  // Forwarding: the operand `x[i]` is now the left child of the product, the
  // product the right child of the sum.
  std::vector<int> xi_path = inner.expr_path;
  xi_path.push_back(1);
  Cursor xi = Cursor::expr(inner.path, xi_path);
  EXPECT_EQ(print_expr(resolve_expr(p, xi)), "x[i]");
  Cursor moved = both.forward(xi);
  ASSERT_TRUE(moved.valid());
  EXPECT_EQ(print_expr(resolve_expr(both.proc, moved)), "x[i]");
}

TEST(CommuteExpr, OnlyDataPlusAndTimes) {
  Proc p = mod().proc("diff");
  std::string m = error_message(ErrorKind::Type, [&] { commute_expr(p, "x[_] - a"); });
  EXPECT_NE(m.find("only '+' or '*' can commute, got -"), std::string::npos) << m;
  m = error_message(ErrorKind::Type, [&] { commute_expr(p, "i + 1"); });
  EXPECT_NE(m.find("only numeric (not index or size) expressions can commute"), std::string::npos)
      << m;
  // Twin: the same proc with `+` commutes.
  Proc q = mod().proc("axpy");
  Rewrite r = commute_expr(q, "_ + y[i]");
  EXPECT_TRUE(has(r.proc, "y[i] = y[i] + a * x[i]")) << print_proc(r.proc);
  test::expect_same_results(q, r.proc, {{"n", 4}}, "commute_add");
}

// ---------------------------------------------------------------------------
// left_reassociate_expr
// ---------------------------------------------------------------------------

TEST(LeftReassociateExpr, RegroupsSumsAndProducts) {
  Proc p = mod().proc("sum3");
  Rewrite r = left_reassociate_expr(p, "x[i] + (a + y[i])");
  EXPECT_TRUE(has(r.proc, "y[i] = x[i] + a + y[i]\n")) << print_proc(r.proc);
  Rewrite r2 = left_reassociate_expr(r.proc, "x[i] * (a * y[i])");
  EXPECT_TRUE(has(r2.proc, "y[i] = x[i] * a * y[i]\n")) << print_proc(r2.proc);
  test::expect_same_results(p, r2.proc, {{"n", 6}}, "reassoc");
  // Index arithmetic regroups too (exactly).
  Proc s = mod().proc("shifted");
  Rewrite ri = left_reassociate_expr(s, "i + (1 + 1)");
  EXPECT_TRUE(has(ri.proc, "x[i + 1 + 1]")) << print_proc(ri.proc);
  test::expect_same_results(s, ri.proc, {{"n", 5}}, "reassoc_index");
}

TEST(LeftReassociateExpr, NeedsTheSameOperatorOnTheRight) {
  Proc p = mod().proc("sum3");
  std::string m =
      error_message(ErrorKind::Type, [&] { left_reassociate_expr(p, "x[i] + a * y[i]"); });
  EXPECT_NE(m.find("must be the same binary operation as the expression (+)"), std::string::npos)
      << m;
  Proc d = mod().proc("diff");
  m = error_message(ErrorKind::Type, [&] { left_reassociate_expr(d, "x[_] - a"); });
  EXPECT_NE(m.find("only '+' or '*' can be reassociated"), std::string::npos) << m;
  // Twin: `+` over a `+` is accepted (previous test).
}

// ---------------------------------------------------------------------------
// rewrite_expr
// ---------------------------------------------------------------------------

TEST(RewriteExpr, ProvesIndexExpressionsEqual) {
  Proc p = mod().proc("shifted");
  Rewrite r = rewrite_expr(p, "i + (1 + 1)", "2 + i");
  EXPECT_TRUE(has(r.proc, "y[i] = x[2 + i] * 2.0")) << print_proc(r.proc);
  test::expect_same_results(p, r.proc, {{"n", 5}}, "rewrite_index");
  // A data expression whose index parts are proven equal.
  Rewrite rd = rewrite_expr(p, "x[_] * 2.0", "x[i + 2] * 2.0");
  EXPECT_TRUE(has(rd.proc, "y[i] = x[i + 2] * 2.0")) << print_proc(rd.proc);
  test::expect_same_results(p, rd.proc, {{"n", 5}}, "rewrite_data");
  // Refused: a different index, a different constant, reordered data operands.
  std::string m = test::scheduling_error_message([&] { rewrite_expr(p, "i + (1 + 1)", "i + 1"); });
  EXPECT_NE(m.find("cannot prove 'i + (1 + 1)' and 'i + 1' equal here"), std::string::npos) << m;
  m = test::scheduling_error_message([&] { rewrite_expr(p, "x[_] * 2.0", "x[i + 2] * 3.0"); });
  EXPECT_NE(m.find("cannot prove"), std::string::npos) << m;
  m = test::scheduling_error_message([&] { rewrite_expr(p, "x[_] * 2.0", "2.0 * x[i + 2]"); });
  EXPECT_NE(m.find("cannot prove"), std::string::npos) << m;
}

TEST(RewriteExpr, UsesBranchConditions) {
  Proc p = mod().proc("guarded");
  Rewrite r = rewrite_expr(p, "i % 4", "i");
  EXPECT_TRUE(has(r.proc, "y[i] = x[i]")) << print_proc(r.proc);
  test::expect_same_results(p, r.proc, {{"n", 7}}, "rewrite_guarded");
  // Twin: with `i < 5`, i == 4 gives i % 4 == 0.
  Proc q = mod().proc("guarded5");
  std::string m = test::scheduling_error_message([&] { rewrite_expr(q, "i % 4", "i"); });
  EXPECT_NE(m.find("cannot prove 'i % 4' and 'i' equal here"), std::string::npos) << m;
  EXPECT_NE(m.find("rewrite_expr: "), std::string::npos) << m;
  // A condition rewritten to a constant.
  Rewrite rc = rewrite_expr(p, "i < 4", "i + 1 <= 4");
  test::expect_same_results(p, rc.proc, {{"n", 7}}, "rewrite_cond");
  m = test::scheduling_error_message([&] { rewrite_expr(p, "i < 4", "i < 3"); });
  EXPECT_NE(m.find("cannot prove"), std::string::npos) << m;
}

TEST(RewriteExpr, UsesPreconditions) {
  Proc p = mod().proc("blocked");
  Rewrite r = rewrite_expr(p, "n / 4 * 4", "n");
  EXPECT_TRUE(has(r.proc, "for i in seq(0, n):")) << print_proc(r.proc);
  test::expect_same_results(p, r.proc, {{"n", 12}}, "rewrite_pred");
  Proc q = mod().proc("blocked_any");
  std::string m = test::scheduling_error_message([&] { rewrite_expr(q, "n / 4 * 4", "n"); });
  EXPECT_NE(m.find("cannot prove 'n / 4 * 4' and 'n' equal here"), std::string::npos) << m;
}

TEST(RewriteExpr, ConfigWrittenAfterTheConditionIsUnknown) {
  // `C.k == 2` was tested before `C.k = 3`: the index is not 2.
  Proc p = mod().proc("stale");
  Cursor w = find_stmt(p, "x[_] = _");
  Cursor idx = Cursor::expr(w.path, {0});
  std::string m = test::scheduling_error_message([&] { rewrite_expr(p, idx, "2"); });
  EXPECT_NE(m.find("cannot prove 'C.k' and '2' equal here"), std::string::npos) << m;
  // Twin without the write.
  Proc q = mod().proc("fresh");
  Cursor wq = find_stmt(q, "x[_] = _");
  Rewrite r = rewrite_expr(q, Cursor::expr(wq.path, {0}), "2");
  EXPECT_TRUE(has(r.proc, "x[2] = 1.0")) << print_proc(r.proc);
  test::expect_same_results(q, r.proc, {}, "rewrite_config", cfgs());
  // And back: the new text may name the configs the proc uses.
  Rewrite back = rewrite_expr(r.proc, Cursor::expr(wq.path, {0}), "C.k");
  EXPECT_TRUE(has(back.proc, "x[C.k] = 1.0")) << print_proc(back.proc);
}

TEST(RewriteExpr, SharedContextForgetsOverwrittenConfigs) {
  // The loop primitives' proofs use the same rule: assert_if may not use a
  // condition on a config field written since.
  Proc p = mod().proc("stale_if");
  Cursor inner = match_pattern(p, "if _: _")[1];
  std::string m = test::scheduling_error_message([&] { assert_if(p, inner, true); });
  EXPECT_NE(m.find("assert_if"), std::string::npos) << m;
  Proc q = mod().proc("fresh_if");
  Rewrite r = assert_if(q, match_pattern(q, "if _: _")[1], true);
  EXPECT_TRUE(has(r.proc, "x[1] = 3.0\n        x[0] = 1.0")) << print_proc(r.proc);
  test::expect_same_results(q, r.proc, {}, "assert_if_config", cfgs());
}

TEST(RewriteExpr, ArgumentErrors) {
  Proc p = mod().proc("shifted");
  try {
    rewrite_expr(p, "i + (1 + 1)", "i +");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Api);
    EXPECT_NE(std::string(e.what()).find("argument 2, 'new_expr' to rewrite_expr"),
              std::string::npos)
        << e.what();
  }
  // A data expression where an index is expected is a type error of the argument.
  try {
    rewrite_expr(p, "i + (1 + 1)", "x[0]");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Api) << e.what();
  }
}

// ---------------------------------------------------------------------------
// insert_noop_call
// ---------------------------------------------------------------------------

const char* kNoop = R"(
@instr("/* hint {n} */")
def hint(n: size, x: [f32][n] @ DRAM):
    assert n >= 4
    pass

@instr("/* touch */")
def touch(x: [f32][4] @ DRAM):
    x[0] = 0.0

@proc
def body(n: size, x: f32[n] @ DRAM):
    for i in seq(0, n):
        x[i] = x[i] * 2.0
)";

const Module& nmod() {
  static Module m = Module::from_string(kNoop);
  return m;
}

TEST(InsertNoopCall, InsertsACallWithoutEffect) {
  Proc p = nmod().proc("body");
  Proc big = add_assertion(p, "n >= 8");
  Cursor gap = before(find_loop(big, "i"));
  Rewrite r = insert_noop_call(big, gap, nmod().proc("hint"), {"n", "x[0:n]"});
  EXPECT_TRUE(has(r.proc, "    hint(n, x[0:n])\n    for i in seq(0, n):")) << print_proc(r.proc);
  test::expect_same_results(big, r.proc, {{"n", 9}}, "noop_call");
  // Inside the loop, a window at the iterator.
  Cursor in = before(find_stmt(big, "x[_] = _"));
  Rewrite r2 = insert_noop_call(big, in, nmod().proc("hint"), {"4", "x[0:4]"});
  test::expect_same_results(big, r2.proc, {{"n", 9}}, "noop_call_in_loop");
}

TEST(InsertNoopCall, Refusals) {
  Proc p = nmod().proc("body");
  Cursor gap = before(find_loop(p, "i"));
  // The callee's precondition n >= 4 is unknown here (twin: with n >= 8 above).
  std::string m = test::scheduling_error_message([&] {
    insert_noop_call(p, gap, nmod().proc("hint"), {"n", "x[0:n]"});
  });
  EXPECT_NE(m.find("insert_noop_call: the call is not valid here"), std::string::npos) << m;
  Proc big = add_assertion(p, "n >= 8");
  Cursor bgap = before(find_loop(big, "i"));
  // A body that is not `pass`.
  m = test::scheduling_error_message(
      [&] { insert_noop_call(big, bgap, nmod().proc("touch"), {"x[0:4]"}); });
  EXPECT_NE(m.find("cannot insert a call to 'touch': its body is not pass"), std::string::npos)
      << m;
  // Argument types.
  m = test::scheduling_error_message([&] {
    insert_noop_call(big, bgap, nmod().proc("hint"), {"n", "2.0"});
  });
  EXPECT_NE(m.find("Function argument type mismatch"), std::string::npos) << m;
  // Out of bounds window.
  m = test::scheduling_error_message([&] {
    insert_noop_call(big, bgap, nmod().proc("hint"), {"n", "x[1:n + 1]"});
  });
  EXPECT_NE(m.find("the call is not valid here"), std::string::npos) << m;
  try {
    insert_noop_call(big, bgap, nmod().proc("hint"), {"n"});
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Type);
    EXPECT_NE(std::string(e.what()).find("Function argument count mismatch"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace exo
