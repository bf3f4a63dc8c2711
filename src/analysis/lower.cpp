#include "analysis/lower.h"

#include "exo/checked_int.h"
#include "exo/hardware.h"

namespace exo::analysis {

Sym Lowering::aux(const std::string& key, const std::string& name) {
  auto it = aux_.find(key);
  if (it != aux_.end()) return it->second;
  Sym s("$" + name + std::to_string(aux_.size()));
  aux_.emplace(key, s);
  return s;
}

Affine Lowering::floor_div(const Affine& e, long long d) {
  if (d == 1 || e.overflow) return e;
  if (e.is_const()) return Affine(exo::floor_div(e.constant, d));
  bool exact = e.constant % d == 0;
  for (auto& [s, c] : e.terms) exact = exact && c % d == 0;
  if (exact) {
    Affine r(e.constant / d);
    for (auto& [s, c] : e.terms) r.terms[s] = c / d;
    return r;
  }
  Sym q = aux("div:" + e.key() + "/" + std::to_string(d), "q");
  if (!defs_.count(q)) {
    // 0 <= e - d*q <= d - 1
    Affine rem = e - Affine::var(q, d);
    defs_[q] = f_and(f_ge0(rem), f_ge0(Affine(d - 1) - rem));
  }
  return Affine::var(q);
}

Affine Lowering::affine(const Expr& e) {
  // A subexpression whose exact value leaves int64 (the product of two large
  // constants, say) becomes an unconstrained value: proofs cannot use it, and
  // callers never see an overflowed Affine.
  Affine a = affine_node(e);
  if (a.overflow) return Affine::var(Sym("$overflow"));
  return a;
}

Affine Lowering::affine_node(const Expr& e) {
  switch (e->kind) {
    case ExprKind::Const: return Affine(e.as<ConstNode>()->ival);
    case ExprKind::Read: {
      auto* r = e.as<ReadNode>();
      if (r->idx.empty() && !r->type.is_numeric()) return Affine::var(r->name);
      break;
    }
    case ExprKind::USub: return -affine(e.as<USubNode>()->arg);
    case ExprKind::StrideExpr: {
      auto* s = e.as<StrideExprNode>();
      return Affine::var(stride_var(s->name, s->dim));
    }
    case ExprKind::ReadConfig: {
      auto* c = e.as<ReadConfigNode>();
      return Affine::var(config_var(c->config.get(), c->field));
    }
    case ExprKind::BinOp: {
      auto* b = e.as<BinOpNode>();
      if (binop_is_comparison(b->op) || binop_is_logical(b->op)) break;
      Affine l = affine(b->lhs), r = affine(b->rhs);
      switch (b->op) {
        case BinOpKind::Add: return l + r;
        case BinOpKind::Sub: return l - r;
        case BinOpKind::Mul: {
          if (l.is_const()) return r.scaled(l.constant);
          if (r.is_const()) return l.scaled(r.constant);
          std::string kl = l.key(), kr = r.key();
          if (kr < kl) {
            std::swap(kl, kr);
            std::swap(l, r);
          }
          Sym p = aux("mul:" + kl + "*" + kr, "p");
          if (!defs_.count(p)) defs_[p] = f_prod_def(p, l, r);
          return Affine::var(p);
        }
        case BinOpKind::Div:
        case BinOpKind::Mod: {
          // The typechecker only admits positive constant divisors; anything else
          // becomes an opaque value (a sound over-approximation).
          if (!r.is_const() || r.constant <= 0) break;
          Affine q = floor_div(l, r.constant);
          if (b->op == BinOpKind::Div) return q;
          return l - q.scaled(r.constant);
        }
        default: break;
      }
      break;
    }
    default: break;
  }
  // Not a control integer we understand: an unconstrained value.
  return Affine::var(Sym("$opaque"));
}

Formula Lowering::formula(const Expr& e) {
  switch (e->kind) {
    case ExprKind::Const: return e.as<ConstNode>()->ival != 0 ? f_true() : f_false();
    case ExprKind::Read: {
      auto* r = e.as<ReadNode>();
      if (r->idx.empty() && r->type.is_bool()) return f_boolvar(r->name);
      break;
    }
    case ExprKind::ReadConfig: {
      auto* c = e.as<ReadConfigNode>();
      return f_boolvar(config_var(c->config.get(), c->field));
    }
    case ExprKind::BinOp: {
      auto* b = e.as<BinOpNode>();
      switch (b->op) {
        case BinOpKind::And: return f_and(formula(b->lhs), formula(b->rhs));
        case BinOpKind::Or: return f_or(formula(b->lhs), formula(b->rhs));
        case BinOpKind::Lt: return f_lt(affine(b->lhs), affine(b->rhs));
        case BinOpKind::Le: return f_le(affine(b->lhs), affine(b->rhs));
        case BinOpKind::Gt: return f_gt(affine(b->lhs), affine(b->rhs));
        case BinOpKind::Ge: return f_ge(affine(b->lhs), affine(b->rhs));
        case BinOpKind::Eq: {
          if (b->lhs->type.is_bool()) {
            Formula l = formula(b->lhs), r = formula(b->rhs);
            return f_or(f_and(l, r), f_and(f_not(l), f_not(r)));
          }
          return f_eq(affine(b->lhs), affine(b->rhs));
        }
        default: break;
      }
      break;
    }
    default: break;
  }
  return f_boolvar(Sym("$opaque"));
}

std::vector<Formula> Lowering::definitions_for(const std::vector<Formula>& fs) const {
  std::set<Sym> seen;
  for (auto& f : fs) collect_vars(f, seen);
  std::vector<Sym> work(seen.begin(), seen.end());
  std::set<Sym> defined;
  while (!work.empty()) {
    Sym s = work.back();
    work.pop_back();
    auto it = defs_.find(s);
    if (it == defs_.end() || !defined.insert(s).second) continue;
    std::set<Sym> more;
    collect_vars(it->second, more);
    for (auto& m : more)
      if (seen.insert(m).second) work.push_back(m);
  }
  std::vector<Formula> out;
  for (auto& s : defined) out.push_back(defs_.at(s));  // ordered by Sym id
  return out;
}

Sym Lowering::stride_var(const Sym& buf, int dim) {
  Sym b = buf;
  // Resolve window aliases down to the underlying buffer.
  for (auto it = window_alias_.find(b); it != window_alias_.end(); it = window_alias_.find(b)) {
    if (dim < 0 || dim >= static_cast<int>(it->second.second.size())) break;
    dim = it->second.second[dim];
    b = it->second.first;
  }
  auto key = std::make_pair(b.id(), dim);
  auto it = strides_.find(key);
  if (it != strides_.end()) return it->second;
  Sym s("stride(" + b.name() + ", " + std::to_string(dim) + ")");
  strides_.emplace(key, s);
  return s;
}

void Lowering::alias_window(const Sym& w, const Sym& src, std::vector<int> dims) {
  window_alias_[w] = {src, std::move(dims)};
}

Sym Lowering::config_var(const Config* c, const std::string& field) {
  auto key = std::make_pair(c, field);
  auto it = config_vars_.find(key);
  if (it != config_vars_.end()) return it->second;
  Sym s((c ? c->name() : std::string("?")) + "." + field);
  config_vars_.emplace(key, s);
  return s;
}

void Lowering::invalidate_config(const Config* c, const std::string& field) {
  config_vars_.erase(std::make_pair(c, field));
}

}  // namespace exo::analysis
