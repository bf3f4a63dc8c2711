// commute_expr, left_reassociate_expr, rewrite_expr: edits of one expression.
#include "exo/schedule/exprs.h"

#include <cassert>

#include "exo/schedule/match.h"
#include "exo/printer.h"
#include "exo/schedule/loops.h"
#include "schedule/exprs/context.h"
#include "schedule/checks/rewrite_checks.h"

namespace exo {
namespace {

using analysis::Context;
using exprs_detail::forward_exprs;
using exprs_detail::move_subtrees;

// The reference raises TypeError for operators it cannot act on.
[[noreturn]] void kind_error(const char* prim, const char* argname, const std::string& msg) {
  throw Error(ErrorKind::Type, SrcInfo{},
              std::string("argument 1, '") + argname + "' to " + prim + ": " + msg);
}

const BinOpNode* expect_binop(const char* prim, const char* argname, const Proc& p,
                              const Cursor& c) {
  if (!c.is_expr() || !resolve_expr(p, c))
    argument_error(prim, 1, argname, "expected an expression cursor, got " + c.str());
  Expr e = resolve_expr(p, c);
  auto* b = e.as<BinOpNode>();
  if (!b || (b->op != BinOpKind::Add && b->op != BinOpKind::Mul))
    kind_error(prim, argname,
               std::string("only '+' or '*' can ") +
                   (std::string(prim) == "commute_expr" ? "commute" : "be reassociated") +
                   ", got " + (b ? std::string(binop_symbol(b->op)) : "'" + print_expr(e) + "'"));
  return b;
}

}  // namespace

Rewrite commute_expr(const Proc& p, const std::vector<Cursor>& exprs) {
  const char* prim = "commute_expr";
  // Step 1: every cursor is a data `+` or `*` (checked before any edit).
  assert(!exprs.empty());  // arguments are checked by the primitive records
  for (auto& c : exprs) {
    const BinOpNode* b = expect_binop(prim, "expr_cursors", p, c);
    if (!b->type.is_real_scalar())
      kind_error(
          prim, "expr_cursors",
          "only numeric (not index or size) expressions can commute by commute_expr(), got '" +
              print_expr(resolve_expr(p, c)) + "'");
  }
  // Step 2: swap the operands of each, following the later cursors through the
  // earlier swaps (one may lie inside another).
  Rewrite r{p, identity_forward()};
  for (auto& c0 : exprs) {
    Cursor c = r.forward(c0);
    if (!c.valid())
      scheduling_error(prim, r.proc, Cursor::invalid(), "the cursor " + c0.str() + " was lost");
    auto* b = resolve_expr(r.proc, c).as<BinOpNode>();
    Expr swapped = make_expr<BinOpNode>(b->op, b->rhs, b->lhs, b->type, b->srcinfo);
    std::vector<int> at = c.expr_path;
    Forward f = forward_exprs(c.path, move_subtrees(at, {{{0}, {1}}, {{1}, {0}}}));
    r = Rewrite{replace_expr(r.proc, c, swapped), compose(r.forward, f)};
  }
  return r;
}

Rewrite commute_expr(const Proc& p, const std::string& pattern) {
  std::vector<Cursor> all = match_pattern(p, pattern);
  if (all.empty())
    return commute_expr(p, std::vector<Cursor>{find_cursor(p, pattern)});  // reports the miss
  return commute_expr(p, all);
}

Rewrite left_reassociate_expr(const Proc& p, const Cursor& c) {
  const char* prim = "left_reassociate_expr";
  const BinOpNode* b = expect_binop(prim, "expr", p, c);
  auto* rb = b->rhs.as<BinOpNode>();
  if (!rb || rb->op != b->op)
    kind_error(
        prim, "expr",
        std::string(
            "the rhs of the expression must be the same binary operation as the expression (") +
            binop_symbol(b->op) + "), got '" + print_expr(b->rhs) + "'");
  // a op (b op c) -> (a op b) op c; the new inner node takes the outer's type
  // (a data type, or the index type both operands share).
  Expr inner = make_expr<BinOpNode>(b->op, b->lhs, rb->lhs, b->type, b->lhs->srcinfo);
  Expr outer = make_expr<BinOpNode>(b->op, inner, rb->rhs, b->type, b->srcinfo);
  Forward f = forward_exprs(
      c.path, move_subtrees(c.expr_path, {{{0}, {0, 0}}, {{1, 0}, {0, 1}}, {{1, 1}, {1}}}));
  return Rewrite{replace_expr(p, c, outer), f};
}

Rewrite rewrite_expr(const Proc& p, const Cursor& c, const std::string& new_expr,
                     const Scope* scope) {
  const char* prim = "rewrite_expr";
  // Step 1: the expression, and the new one typed where it stands.
  if (!c.is_expr() || !resolve_expr(p, c))
    argument_error(prim, 1, "expr_cursor", "expected an expression cursor, got " + c.str());
  Expr old = resolve_expr(p, c);
  if (old->type.is_tensor)
    scheduling_error(
        prim, p, c,
        "cannot rewrite '" + print_expr(old) + "': it is a buffer or window, not a value");
  Expr repl = exprs_detail::parse_like_at(prim, 2, "new_expr", p, c.path, new_expr, old, scope);
  // Step 2: prove them equal wherever the statement runs.
  Context ctx(p, c.path);
  if (!ctx.equal(old, repl))
    scheduling_error(
        prim, p, c,
        "Expressions are not equivalent: cannot prove '" + print_expr(old) + "' and '" + print_expr(repl) +
            "' equal here (index parts are compared under the preconditions, loop ranges and "
            "branch conditions; data parts must be the same operations on the same values)");
  // Step 3: replace; cursors inside the old expression are gone.
  std::vector<int> at = c.expr_path;
  Forward f = forward_exprs(c.path, move_subtrees(at, {}));
  return rewrite_detail::keeping_definition_rules(prim, p, c, Rewrite{replace_expr(p, c, repl), f});
}

}  // namespace exo
