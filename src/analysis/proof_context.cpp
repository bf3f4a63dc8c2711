// Proofs at one statement (analysis/proof_context.h).
#include "analysis/proof_context.h"

#include "analysis/facts.h"
#include "analysis/lower.h"

namespace exo::analysis {

// ---------------------------------------------------------------------------
// Context
// ---------------------------------------------------------------------------

struct Context::Impl {
  Lowering L;
  std::vector<Formula> facts;

  bool prove(const Formula& goal) { return analysis::implies(facts, goal, L); }
};

Context::Context(const Proc& p, const std::vector<StmtPathStep>& path) : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.facts = analysis::facts_at(p, path, m.L);
}

Context::~Context() = default;

bool Context::prove(const Expr& goal) { return impl_->prove(impl_->L.formula(goal)); }

bool Context::equal(const Expr& a, const Expr& b) {
  if (a.same_as(b)) return true;
  if (!a || !b) return false;
  if (is_control(a) && is_control(b)) {
    bool ba = a->type.is_bool(), bb = b->type.is_bool();
    if (ba != bb) return false;
    Lowering& L = impl_->L;
    if (ba) {
      Formula x = L.formula(a), y = L.formula(b);
      return impl_->prove(f_or(f_and(x, y), f_and(f_not(x), f_not(y))));
    }
    return impl_->prove(f_eq(L.affine(a), L.affine(b)));
  }
  if (a->type.is_tensor != b->type.is_tensor || !same_expr_node(a, b)) return false;
  // Equal literals match when both are data values or both are control values.
  if (a->kind == ExprKind::Const) return is_data_kind(a->type.base) == is_data_kind(b->type.base);
  return equal(expr_children(a), expr_children(b));
}

bool Context::equal(const std::vector<Expr>& a, const std::vector<Expr>& b) {
  if (a.size() != b.size()) return false;
  for (size_t k = 0; k < a.size(); ++k)
    if (!equal(a[k], b[k])) return false;
  return true;
}

bool Context::differ(const std::vector<Expr>& a, const std::vector<Expr>& b) {
  if (a.size() != b.size() || a.empty()) return false;
  std::vector<Formula> some;
  for (size_t k = 0; k < a.size(); ++k) {
    if (!is_control(a[k]) || !is_control(b[k])) return false;
    some.push_back(f_not(f_eq(impl_->L.affine(a[k]), impl_->L.affine(b[k]))));
  }
  return impl_->prove(f_or(some));
}

bool is_control(const Expr& e) {
  if (!e || e->type.is_tensor || is_data_kind(e->type.base)) return false;
  for (auto& k : expr_children(e))
    if (!is_control(k)) return false;
  return true;
}

}  // namespace exo::analysis
