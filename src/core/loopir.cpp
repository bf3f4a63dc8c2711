#include "exo/loopir.h"

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

Expr int_const(long long v, SrcInfo s) {
  return make_expr<ConstNode>(static_cast<double>(v), Type::scalar(ScalarKind::Int), std::move(s));
}

Expr bool_const(bool v, SrcInfo s) {
  return make_expr<ConstNode>(v ? 1.0 : 0.0, Type::scalar(ScalarKind::Bool), std::move(s));
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
