// divide_dim and mult_dim: re-shape an allocation, re-indexing every access.
#include "exo/schedule/reshape.h"

#include <algorithm>
#include <cassert>
#include <cstdlib>

#include "analysis/facts.h"
#include "exo/ir_mutator.h"
#include "exo/schedule/match.h"
#include "exo/schedule/procs.h"
#include "exo/printer.h"
#include "exo/schedule/loops.h"
#include "schedule/loops/substitute.h"

namespace exo {
namespace {

// Re-indexes every access of one buffer; the first access it cannot re-index
// (an interval over a changed dimension, a whole-buffer call argument) is
// reported through `refusal`.
class Reindex : public IRMutator {
 public:
  using Fn = std::function<std::vector<Expr>(const std::vector<Expr>&)>;
  Reindex(Sym buf, int dim, int ndims_changed, Fn fn) : buf_(buf), dim_(dim), n_(ndims_changed), fn_(std::move(fn)) {}

  std::string refusal;

  Expr mutate(const Expr& e) override {
    Expr m = mutate_children(e);
    if (auto* r = m.as<ReadNode>(); r && r->name == buf_) {
      if (r->idx.empty()) {
        if (refusal.empty()) refusal = "'" + buf_.name() + "' is passed whole to a call, whose argument has the old shape";
        return m;
      }
      return make_expr<ReadNode>(r->name, fn_(r->idx), r->type, r->srcinfo);
    }
    if (auto* w = m.as<WindowExprNode>(); w && w->name == buf_) {
      for (int k = dim_; k < dim_ + n_ && k < static_cast<int>(w->idx.size()); ++k)
        if (w->idx[k].is_interval) {
          if (refusal.empty())
            refusal = "the window " + print_expr(m) + " takes an interval of dimension " + std::to_string(k);
          return m;
        }
      std::vector<Expr> pts;
      for (auto& a : w->idx) pts.push_back(a.lo);
      std::vector<Expr> np = fn_(pts);
      // Coordinates before and after the changed ones keep their form.
      int n_out = n_ + static_cast<int>(np.size()) - static_cast<int>(pts.size());
      std::vector<WAccess> idx(w->idx.begin(), w->idx.begin() + dim_);
      for (int k = dim_; k < dim_ + n_out; ++k) idx.push_back(WAccess{false, np[k], Expr()});
      idx.insert(idx.end(), w->idx.begin() + dim_ + n_, w->idx.end());
      return make_expr<WindowExprNode>(w->name, idx, w->type, w->srcinfo);
    }
    return m;
  }

  Block mutate_stmt(const Stmt& s) override {
    Stmt m = mutate_children(s);
    if (auto* a = m.as<AssignNode>(); a && a->name == buf_)
      return {make_stmt<AssignNode>(a->name, a->type, fn_(a->idx), a->rhs, a->srcinfo)};
    if (auto* a = m.as<ReduceNode>(); a && a->name == buf_)
      return {make_stmt<ReduceNode>(a->name, a->type, fn_(a->idx), a->rhs, a->srcinfo)};
    return {m};
  }

 private:
  Sym buf_;
  int dim_, n_;
  Fn fn_;
};

const AllocNode* locate_alloc(const char* prim, const Proc& p, const Cursor& c) {
  Stmt s = resolve_stmt(p, c);
  auto* a = s ? s.as<AllocNode>() : nullptr;
  if (!a) scheduling_error(prim, p, c, "expected an allocation");
  return a;
}

// The proc with the allocation's type replaced and every access re-indexed.
Rewrite reshape(const char* prim, const Proc& p, const Cursor& c, const AllocNode& a, Type new_type, int dim,
                int n_changed, Reindex::Fn fn) {
  Reindex rx(a.name, dim, n_changed, std::move(fn));
  Block body = rx.mutate_block(p->body);
  if (!rx.refusal.empty()) scheduling_error(prim, p, c, "cannot re-shape '" + a.name.name() + "': " + rx.refusal);
  Proc q = with_body(p, body);
  Stmt alloc = make_stmt<AllocNode>(a.name, std::move(new_type), a.mem, a.srcinfo);
  return Rewrite{replace_stmt(q, c.path, alloc), identity_forward()};
}

}  // namespace

Rewrite divide_dim(const Proc& p, const Cursor& c, int dim, long long quotient) {
  const char* prim = "divide_dim";
  const AllocNode* a = locate_alloc(prim, p, c);
  int rank = static_cast<int>(a->type.shape.size());
  if (dim < 0 || dim >= rank)
    argument_error(prim, 2, "dim", "Cannot divide out-of-bounds dimension index " + std::to_string(dim) + ": expected a dimension of '" + a->name.name() + "' (0 to " + std::to_string(rank - 1) + ")");
  assert(quotient > 0);  // arguments are checked by the primitive records
  Expr n = a->type.shape[dim];
  Expr q = int_const(quotient);
  Expr divisible = binop(BinOpKind::Eq, binop(BinOpKind::Mod, n, q), int_const(0));
  if (!analysis::provable_at(p, c.path, divisible))
    scheduling_error(prim, p, c,
                     "cannot perfectly divide dimension " + std::to_string(dim) + " of '" + a->name.name() + "' (extent " +
                         print_expr(n) + ") by " + std::to_string(quotient) + ": '" + print_expr(divisible) +
                         "' is not provable");
  Type t = a->type;
  t.shape[dim] = fold_constants(binop(BinOpKind::Div, n, q));
  t.shape.insert(t.shape.begin() + dim + 1, q);
  return reshape(prim, p, c, *a, t, dim, 1, [dim, q](const std::vector<Expr>& idx) {
    std::vector<Expr> out = idx;
    Expr e = idx[dim];
    out[dim] = fold_constants(binop(BinOpKind::Div, e, q));
    out.insert(out.begin() + dim + 1, fold_constants(binop(BinOpKind::Mod, e, q)));
    return out;
  });
}

Rewrite mult_dim(const Proc& p, const Cursor& c, int hi, int lo) {
  const char* prim = "mult_dim";
  const AllocNode* a = locate_alloc(prim, p, c);
  int rank = static_cast<int>(a->type.shape.size());
  if (hi < 0 || hi >= rank || lo < 0 || lo >= rank)
    argument_error(prim, 2, "dim", "Cannot multiply out-of-bounds dimension index: '" + a->name.name() + "' has " +
                                       std::to_string(rank) + " dimensions");
  if (hi == lo) argument_error(prim, 3, "lo_dim", "Cannot multiply dimension " + std::to_string(hi) + " by itself");
  long long inner;
  if (!rewrite_detail::const_value(a->type.shape[lo], inner))
    scheduling_error(prim, p, c,
                     "Cannot multiply with non-literal second dimension: dimension " + std::to_string(lo) + " of '" +
                         a->name.name() + "' must have a constant extent");
  Expr c_inner = int_const(inner);
  Type t = a->type;
  t.shape[hi] = fold_constants(binop(BinOpKind::Mul, c_inner, a->type.shape[hi]));
  t.shape.erase(t.shape.begin() + lo);
  // A window may not take an interval of any dimension from hi to lo.
  int first = std::min(hi, lo);
  return reshape(prim, p, c, *a, t, first, std::abs(hi - lo) + 1, [hi, lo, c_inner](const std::vector<Expr>& idx) {
    std::vector<Expr> out = idx;
    out[hi] = fold_constants(binop(BinOpKind::Add, binop(BinOpKind::Mul, c_inner, idx[hi]), idx[lo]));
    out.erase(out.begin() + lo);
    return out;
  });
}

Rewrite mult_dim(const Proc& p, const Cursor& c, int dim) { return mult_dim(p, c, dim, dim + 1); }

}  // namespace exo
