#include "exo/loopir.h"

#include <cmath>

#include "exo/checked_int.h"

namespace exo {

const char* expr_kind_name(ExprKind k) {
  switch (k) {
#define EXO_X(n) \
  case ExprKind::n: return #n;
    EXO_EXPR_KINDS(EXO_X)
#undef EXO_X
  }
  return "?";
}

const char* stmt_kind_name(StmtKind k) {
  switch (k) {
#define EXO_X(n) \
  case StmtKind::n: return #n;
    EXO_STMT_KINDS(EXO_X)
#undef EXO_X
  }
  return "?";
}

const char* binop_symbol(BinOpKind op) {
  switch (op) {
    case BinOpKind::Add: return "+";
    case BinOpKind::Sub: return "-";
    case BinOpKind::Mul: return "*";
    case BinOpKind::Div: return "/";
    case BinOpKind::Mod: return "%";
    case BinOpKind::Lt: return "<";
    case BinOpKind::Gt: return ">";
    case BinOpKind::Le: return "<=";
    case BinOpKind::Ge: return ">=";
    case BinOpKind::Eq: return "==";
    case BinOpKind::And: return "and";
    case BinOpKind::Or: return "or";
  }
  return "?";
}

bool binop_is_comparison(BinOpKind op) {
  return op == BinOpKind::Lt || op == BinOpKind::Gt || op == BinOpKind::Le ||
         op == BinOpKind::Ge || op == BinOpKind::Eq;
}

bool binop_is_logical(BinOpKind op) { return op == BinOpKind::And || op == BinOpKind::Or; }

int binop_precedence(BinOpKind op) {
  switch (op) {
    case BinOpKind::Or: return 10;
    case BinOpKind::And: return 20;
    case BinOpKind::Lt: case BinOpKind::Gt: case BinOpKind::Le: case BinOpKind::Ge:
    case BinOpKind::Eq: return 40;
    case BinOpKind::Add: case BinOpKind::Sub: return 60;
    case BinOpKind::Mul: case BinOpKind::Div: case BinOpKind::Mod: return 70;
  }
  return 0;
}

ConstNode::ConstNode(int64_t v, Type t, SrcInfo s) : ExprNode(kKind, std::move(t), std::move(s)) {
  EXO_ASSERT(int_in_range(v), "integer constant " << v << " out of range");
  if (is_int()) {
    ival = v;
  } else {
    fval = static_cast<double>(v);
    from_int = true;
  }
}

ConstNode::ConstNode(double v, Type t, SrcInfo s) : ExprNode(kKind, std::move(t), std::move(s)) {
  if (!is_int()) {
    EXO_ASSERT(std::isfinite(v), "non-finite data constant");
    fval = v;
    return;
  }
  auto i = exact_int_of_double(v);
  EXO_ASSERT(i.has_value(), "control constant " << v << " is not an exact integer in range");
  ival = *i;
}

bool same_const_value(const ConstNode& a, const ConstNode& b) {
  if (a.is_int() && b.is_int()) return a.ival == b.ival;
  if (!a.is_int() && !b.is_int()) return a.fval == b.fval;
  return a.as_double() == b.as_double() && exact_int_of_double(a.as_double()).has_value();
}

Expr int_const(int64_t v, SrcInfo s) {
  return make_expr<ConstNode>(v, Type::scalar(ScalarKind::Int), std::move(s));
}

Expr bool_const(bool v, SrcInfo s) {
  return make_expr<ConstNode>(int64_t{v ? 1 : 0}, Type::scalar(ScalarKind::Bool), std::move(s));
}

namespace {

bool is_int_typed(const Expr& e) { return !e->type.is_tensor && is_index_kind(e->type.base); }

// The exact value of e's operation on exact operand values (nullopt: overflow or
// not foldable).
std::optional<int64_t> combine(BinOpKind op, int64_t x, int64_t y) {
  switch (op) {
    case BinOpKind::Add: return checked_add(x, y);
    case BinOpKind::Sub: return checked_sub(x, y);
    case BinOpKind::Mul: return checked_mul(x, y);
    case BinOpKind::Div: return y > 0 ? std::optional<int64_t>(floor_div(x, y)) : std::nullopt;
    case BinOpKind::Mod: return y > 0 ? std::optional<int64_t>(floor_mod(x, y)) : std::nullopt;
    default: return std::nullopt;
  }
}

}  // namespace

std::optional<int64_t> exact_const_value(const Expr& e) {
  if (!e || !is_int_typed(e)) return std::nullopt;
  if (auto* c = e.as<ConstNode>()) return c->ival;
  if (auto* u = e.as<USubNode>()) {
    auto v = exact_const_value(u->arg);
    return v ? checked_neg(*v) : std::nullopt;
  }
  if (auto* b = e.as<BinOpNode>()) {
    auto x = exact_const_value(b->lhs);
    if (!x) return std::nullopt;
    auto y = exact_const_value(b->rhs);
    if (!y) return std::nullopt;
    return combine(b->op, *x, *y);
  }
  return std::nullopt;
}

namespace {

// Whether the terms of `e`, scaled by `scale`, keep their coefficients in
// Exo's integer range, adding its constant part to `constant` (which must stay
// in range too): `n * 4821474833647 * 121474836470` has the coefficient
// 5.9e23 for n, which no int64 holds, though no constant operation overflows.
bool scaled_terms_fit(const Expr& e, __int128 scale, __int128& constant) {
  if (!int_in_range(scale)) return false;
  if (auto v = exact_const_value(e)) {
    constant += scale * *v;
    return int_in_range(constant);
  }
  if (auto* b = e.as<BinOpNode>(); b && is_int_typed(e)) {
    if (b->op == BinOpKind::Add || b->op == BinOpKind::Sub)
      return scaled_terms_fit(b->lhs, scale, constant) &&
             scaled_terms_fit(b->rhs, b->op == BinOpKind::Add ? scale : -scale, constant);
    if (b->op == BinOpKind::Mul) {
      if (auto k = exact_const_value(b->lhs)) return scaled_terms_fit(b->rhs, scale * *k, constant);
      if (auto k = exact_const_value(b->rhs)) return scaled_terms_fit(b->lhs, scale * *k, constant);
    }
  }
  if (auto* u = e.as<USubNode>(); u && is_int_typed(e)) return scaled_terms_fit(u->arg, -scale, constant);
  return true;  // an atom (a variable, a division, a modulo, ...)
}

}  // namespace

bool int_overflow_at(const Expr& e) {
  auto* b = e ? e.as<BinOpNode>() : nullptr;
  if (!b || !is_int_typed(e)) return false;
  if (b->op != BinOpKind::Add && b->op != BinOpKind::Sub && b->op != BinOpKind::Mul) return false;
  auto x = exact_const_value(b->lhs);
  auto y = exact_const_value(b->rhs);
  if (x && y) return !combine(b->op, *x, *y);
  // A constant operand scales or shifts the other side's terms: checked only
  // then.
  if (!x && !y) return false;
  __int128 constant = 0;
  return !scaled_terms_fit(e, 1, constant);
}

Expr read_var(const Sym& x, ScalarKind k, SrcInfo s) {
  return make_expr<ReadNode>(x, std::vector<Expr>{}, Type::scalar(k), std::move(s));
}

Expr binop(BinOpKind op, Expr lhs, Expr rhs, SrcInfo s) {
  Type t;
  if (binop_is_comparison(op) || binop_is_logical(op)) {
    t = Type::scalar(ScalarKind::Bool);
  } else if (lhs->type.is_numeric()) {
    t = Type::scalar(lhs->type.base);
  } else if (rhs->type.is_numeric()) {
    t = Type::scalar(rhs->type.base);
  } else {
    // index arithmetic: size/index/stride/int all combine to index, unless both int
    bool both_int = lhs->type.base == ScalarKind::Int && rhs->type.base == ScalarKind::Int;
    t = Type::scalar(both_int ? ScalarKind::Int : ScalarKind::Index);
  }
  if (!s.known()) s = lhs->srcinfo;
  return make_expr<BinOpNode>(op, std::move(lhs), std::move(rhs), std::move(t), std::move(s));
}

}  // namespace exo
