// Structure of expressions shared by every layer: their children, structural
// comparison, and folding of constant control arithmetic.
#include "exo/checked_int.h"
#include "exo/ir_mutator.h"
#include "exo/loopir.h"

namespace exo {

std::vector<Expr> expr_children(const Expr& e) {
  switch (e->kind) {
    case ExprKind::Read: return e.as<ReadNode>()->idx;
    case ExprKind::USub: return {e.as<USubNode>()->arg};
    case ExprKind::BinOp: return {e.as<BinOpNode>()->lhs, e.as<BinOpNode>()->rhs};
    case ExprKind::ExternCall: return e.as<ExternCallNode>()->args;
    case ExprKind::WindowExpr: {
      std::vector<Expr> out;
      for (auto& w : e.as<WindowExprNode>()->idx) {
        out.push_back(w.lo);
        if (w.is_interval) out.push_back(w.hi);
      }
      return out;
    }
    case ExprKind::Const:
    case ExprKind::StrideExpr:
    case ExprKind::ReadConfig: return {};
  }
  return {};
}

bool mentions(const Expr& e, const Sym& x) {
  if (auto* r = e.as<ReadNode>(); r && r->name == x) return true;
  if (auto* w = e.as<WindowExprNode>(); w && w->name == x) return true;
  if (auto* s = e.as<StrideExprNode>(); s && s->name == x) return true;
  for (auto& k : expr_children(e))
    if (mentions(k, x)) return true;
  return false;
}

// ---------------------------------------------------------------------------
// Structural comparison
// ---------------------------------------------------------------------------

bool same_expr_node(const Expr& a, const Expr& b, const SameName& same_name) {
  if (a->kind != b->kind) return false;
  switch (a->kind) {
    case ExprKind::Read:
      return same_name(a.as<ReadNode>()->name, b.as<ReadNode>()->name);
    case ExprKind::Const:
      return same_const_value(*a.as<ConstNode>(), *b.as<ConstNode>());
    case ExprKind::BinOp:
      return a.as<BinOpNode>()->op == b.as<BinOpNode>()->op;
    case ExprKind::ExternCall:
      return a.as<ExternCallNode>()->fn == b.as<ExternCallNode>()->fn;
    case ExprKind::WindowExpr: {
      auto *x = a.as<WindowExprNode>(), *y = b.as<WindowExprNode>();
      if (!same_name(x->name, y->name) || x->idx.size() != y->idx.size()) return false;
      for (size_t k = 0; k < x->idx.size(); ++k)
        if (x->idx[k].is_interval != y->idx[k].is_interval) return false;
      return true;
    }
    case ExprKind::StrideExpr: {
      auto *x = a.as<StrideExprNode>(), *y = b.as<StrideExprNode>();
      return same_name(x->name, y->name) && x->dim == y->dim;
    }
    case ExprKind::ReadConfig: {
      auto *x = a.as<ReadConfigNode>(), *y = b.as<ReadConfigNode>();
      return x->config == y->config && x->field == y->field;
    }
    case ExprKind::USub:
      return true;
  }
  return true;
}

bool same_expr_node(const Expr& a, const Expr& b) {
  return same_expr_node(a, b, [](const Sym& x, const Sym& y) { return x == y; });
}

bool same_expr(const Expr& a, const Expr& b) {
  if (a.same_as(b)) return true;
  if (!a || !b || !same_expr_node(a, b)) return false;
  if (a->kind == ExprKind::Const && a->type.base != b->type.base) return false;
  std::vector<Expr> ka = expr_children(a), kb = expr_children(b);
  if (ka.size() != kb.size()) return false;
  for (size_t k = 0; k < ka.size(); ++k)
    if (!same_expr(ka[k], kb[k])) return false;
  return true;
}

// ---------------------------------------------------------------------------
// Constant folding of control arithmetic
// ---------------------------------------------------------------------------

namespace {

bool is_control_typed(const Expr& e) { return !e->type.is_tensor && !is_data_kind(e->type.base); }

std::optional<long long> int_value(const Expr& e) {
  auto* c = e.as<ConstNode>();
  if (!c || !is_control_typed(e) || e->type.base == ScalarKind::Bool) return std::nullopt;
  return c->ival;
}

std::optional<bool> bool_value(const Expr& e) {
  auto* c = e.as<ConstNode>();
  if (!c || e->type.base != ScalarKind::Bool) return std::nullopt;
  return c->ival != 0;
}

// A folded constant, or the node unchanged when the exact value leaves Exo's
// integer range: folding never wraps (the checks that follow refuse the value).
Expr folded(const Expr& e, std::optional<int64_t> v) { return v ? int_const(*v, e->srcinfo) : e; }

class Folder : public IRMutator {
 public:
  Expr mutate(const Expr& e) override { return fold_constant_node(mutate_children(e)); }
};

}  // namespace

Expr fold_constant_node(const Expr& e) {
  if (auto* u = e.as<USubNode>()) {
    if (auto v = int_value(u->arg)) return folded(e, checked_neg(*v));
    return e;
  }
  auto* b = e.as<BinOpNode>();
  if (!b || !is_control_typed(b->lhs) || !is_control_typed(b->rhs)) return e;
  auto li = int_value(b->lhs), ri = int_value(b->rhs);
  auto lb = bool_value(b->lhs), rb = bool_value(b->rhs);
  const SrcInfo& s = e->srcinfo;
  if (li && ri) {
    long long x = *li, y = *ri;
    switch (b->op) {
      case BinOpKind::Add: return folded(e, checked_add(x, y));
      case BinOpKind::Sub: return folded(e, checked_sub(x, y));
      case BinOpKind::Mul: return folded(e, checked_mul(x, y));
      case BinOpKind::Div:
        if (y > 0) return int_const(floor_div(x, y), s);
        return e;
      case BinOpKind::Mod:
        if (y > 0) return int_const(floor_mod(x, y), s);
        return e;
      case BinOpKind::Lt: return bool_const(x < y, s);
      case BinOpKind::Gt: return bool_const(x > y, s);
      case BinOpKind::Le: return bool_const(x <= y, s);
      case BinOpKind::Ge: return bool_const(x >= y, s);
      case BinOpKind::Eq: return bool_const(x == y, s);
      default: return e;
    }
  }
  if (lb && rb) {
    switch (b->op) {
      case BinOpKind::And: return bool_const(*lb && *rb, s);
      case BinOpKind::Or: return bool_const(*lb || *rb, s);
      case BinOpKind::Eq: return bool_const(*lb == *rb, s);
      default: return e;
    }
  }
  // Identities that keep substituted code readable (`0 + i`, `1 * n`, `True and c`).
  switch (b->op) {
    case BinOpKind::Add:
      if (li == 0LL) return b->rhs;
      if (ri == 0LL) return b->lhs;
      break;
    case BinOpKind::Sub:
      if (ri == 0LL) return b->lhs;
      break;
    case BinOpKind::Mul:
      if (li == 1LL) return b->rhs;
      if (ri == 1LL) return b->lhs;
      break;
    case BinOpKind::Div:
      if (ri == 1LL) return b->lhs;
      break;
    case BinOpKind::And:
      if (lb == true) return b->rhs;
      if (rb == true) return b->lhs;
      if (lb == false || rb == false) return bool_const(false, s);
      break;
    case BinOpKind::Or:
      if (lb == false) return b->rhs;
      if (rb == false) return b->lhs;
      if (lb == true || rb == true) return bool_const(true, s);
      break;
    default: break;
  }
  return e;
}

Expr fold_constants(const Expr& e) {
  Folder f;
  return f.mutate(e);
}

}  // namespace exo
