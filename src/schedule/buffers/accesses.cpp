// Helpers of the buffer primitives: names in scope at a statement, user text
// typed there, affine simplification of index expressions, and forwarding.
#include "schedule/buffers/accesses.h"

#include <map>

#include "exo/checked_int.h"
#include "exo/frontend.h"
#include "exo/schedule/match.h"
#include "exo/printer.h"
#include "exo/schedule/procs.h"
#include "exo/schedule/loops.h"
#include "schedule/loops/substitute.h"
#include "schedule/cursors/visible_names.h"

namespace exo::buffers_detail {
using rewrite_detail::find_visible;
using rewrite_detail::visible_vars;

namespace {

template <class F>
auto as_argument(const char* prim, int argno, const char* argname, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::Scheduling || e.kind() == ErrorKind::Api || e.kind() == ErrorKind::ParseFragment) throw;
    argument_error(prim, argno, argname, e.message());
  }
}

// Types `e` as `want` with `vars` visible (builtins for other names); type
// errors become argument errors of `prim`.
Expr typed_at(const char* prim, int argno, const char* argname, const std::vector<VisibleVar>& vars,
              const uast::UExpr& e, FragmentType want) {
  return as_argument(prim, argno, argname,
                     [&] { return typecheck_expr_at(e, want, vars, Scope::with_builtins(), argname); });
}

// An affine form over atoms (index variables or opaque sub-expressions), kept in
// order of first appearance so the rebuilt expression reads like the input.
// Coefficients are exact: when one would leave Exo's integer range, `overflow`
// is set and the caller keeps the expression as it was.
struct Linear {
  std::vector<std::pair<Expr, long long>> atoms;
  long long constant = 0;
  bool overflow = false;

  long long exact(std::optional<int64_t> v) {
    if (!v) overflow = true;
    return v.value_or(0);
  }
  void add_atom(const Expr& a, long long k) {
    for (auto& [e, c] : atoms)
      if (same_expr(e, a)) {
        c = exact(checked_add(c, k));
        return;
      }
    atoms.push_back({a, k});
  }
  void collect(const Expr& e, long long scale) {
    if (overflow) return;
    long long v;
    if (rewrite_detail::const_value(e, v)) {
      constant = exact(checked_add(constant, exact(checked_mul(scale, v))));
      return;
    }
    if (auto* b = e.as<BinOpNode>()) {
      if (b->op == BinOpKind::Add || b->op == BinOpKind::Sub) {
        collect(b->lhs, scale);
        collect(b->rhs, b->op == BinOpKind::Add ? scale : exact(checked_neg(scale)));
        return;
      }
      if (b->op == BinOpKind::Mul) {
        if (rewrite_detail::const_value(b->lhs, v)) return collect(b->rhs, exact(checked_mul(scale, v)));
        if (rewrite_detail::const_value(b->rhs, v)) return collect(b->lhs, exact(checked_mul(scale, v)));
      }
    }
    if (auto* u = e.as<USubNode>()) return collect(u->arg, exact(checked_neg(scale)));
    std::vector<Expr> kids = expr_children(e);
    for (auto& k : kids) k = simplify_index(k);
    add_atom(with_expr_children(e, kids), scale);
  }
  Expr build(const SrcInfo& si) const {
    Expr out;
    for (auto& [a, k] : atoms) {
      if (k == 0) continue;
      long long m = k < 0 ? -k : k;
      Expr term = m == 1 ? a : binop(BinOpKind::Mul, int_const(m, si), a, si);
      if (!out) out = k < 0 ? binop(BinOpKind::Mul, int_const(k, si), a, si) : term;
      else out = binop(k < 0 ? BinOpKind::Sub : BinOpKind::Add, out, term, si);
    }
    if (!out) return int_const(constant, si);
    if (constant > 0) out = binop(BinOpKind::Add, out, int_const(constant, si), si);
    if (constant < 0) out = binop(BinOpKind::Sub, out, int_const(-constant, si), si);
    return out;
  }
};

}  // namespace

void walk_paths(const Block& b, const StmtPath& prefix, const std::function<void(const Stmt&, const StmtPath&)>& f) {
  StmtPath path = prefix;
  for (size_t i = 0; i < b.size(); ++i) {
    path.back().index = static_cast<int>(i);
    f(b[i], path);
    StmtPath inner = path;
    inner.push_back(PathStep{false, 0});
    if (auto* l = b[i].as<ForNode>()) walk_paths(l->body, inner, f);
    if (auto* c = b[i].as<IfNode>()) {
      walk_paths(c->body, inner, f);
      inner.back().orelse = true;
      walk_paths(c->orelse, inner, f);
    }
  }
}

Expr parse_index_at(const char* prim, int argno, const char* argname, const Proc& p, const StmtPath& path,
                    const std::string& text) {
  return as_argument(prim, argno, argname, [&] {
    return typed_at(prim, argno, argname, visible_vars(p, path), *parse_expr_fragment(text), FragmentType::Index);
  });
}

Expr parse_bool_at(const char* prim, int argno, const char* argname, const Proc& p, const StmtPath& path,
                   const std::string& text) {
  return as_argument(prim, argno, argname, [&] {
    return typed_at(prim, argno, argname, visible_vars(p, path), *parse_expr_fragment(text), FragmentType::Bool);
  });
}

ParsedWindow parse_window_at(const char* prim, int argno, const char* argname, const Proc& p, const StmtPath& path,
                             const std::string& text) {
  return as_argument(prim, argno, argname, [&] {
    std::vector<VisibleVar> vars = visible_vars(p, path);
    auto index = [&](const uast::UExpr& e) { return typed_at(prim, argno, argname, vars, e, FragmentType::Index); };
    uast::UExprPtr ue = parse_expr_fragment(text);
    if (ue->kind != uast::UExprKind::Name && ue->kind != uast::UExprKind::Index)
      argument_error(prim, argno, argname, "expected a buffer or window such as 'A[i, 0:8]', got '" + text + "'");
    const VisibleVar* v = find_visible(vars, ue->name);
    if (!v) argument_error(prim, argno, argname, "'" + ue->name + "' is not a buffer visible at the block");
    if (!is_data_kind(v->type.base))
      argument_error(prim, argno, argname, "'" + ue->name + "' is not a buffer (staging needs data: a tensor or a scalar)");
    if (!v->type.is_tensor && ue->kind != uast::UExprKind::Name)
      argument_error(prim, argno, argname, "'" + ue->name + "' is a scalar: name it without indices");
    ParsedWindow out{v->sym, v->type, {}};
    size_t rank = v->type.shape.size();
    if (ue->kind == uast::UExprKind::Index && ue->idx.size() != rank)
      argument_error(prim, argno, argname,
                     "expected " + std::to_string(rank) + " coordinates for '" + ue->name + "', got " +
                         std::to_string(ue->idx.size()));
    for (size_t k = 0; k < rank; ++k) {
      if (ue->kind == uast::UExprKind::Name) {
        out.coords.push_back(WAccess{true, int_const(0), v->type.shape[k]});
        continue;
      }
      const uast::UIndex& ix = ue->idx[k];
      if (!ix.is_slice) {
        out.coords.push_back(WAccess{false, index(*ix.pt), Expr()});
        continue;
      }
      Expr lo = ix.lo ? index(*ix.lo) : int_const(0);
      Expr hi = ix.hi ? index(*ix.hi) : v->type.shape[k];
      out.coords.push_back(WAccess{true, lo, hi});
    }
    return out;
  });
}

Expr simplify_index(const Expr& e) {
  if (!e || !(e->type.is_indexable() || e->type.base == ScalarKind::Int)) return e;
  Linear l;
  l.collect(e, 1);
  return l.overflow ? e : l.build(e->srcinfo);
}

Expr add_index(const Expr& a, const Expr& b) { return simplify_index(binop(BinOpKind::Add, a, b, a->srcinfo)); }
Expr sub_index(const Expr& a, const Expr& b) { return simplify_index(binop(BinOpKind::Sub, a, b, a->srcinfo)); }

Expr all_of(const std::vector<Expr>& es) {
  Expr out;
  for (auto& e : es) out = out ? binop(BinOpKind::And, out, e) : e;
  return out ? out : bool_const(true);
}

std::string access_text(const Sym& buf, const std::vector<Expr>& idx) {
  std::string s = buf.name();
  if (idx.empty()) return s;
  s += "[";
  for (size_t k = 0; k < idx.size(); ++k) s += (k ? ", " : "") + print_expr(idx[k]);
  return s + "]";
}

const AllocNode* locate_alloc(const char* prim, const Proc& p, const Cursor& c) {
  Stmt s = c.is_stmt() ? resolve_stmt(p, c) : Stmt();
  auto* a = s ? s.as<AllocNode>() : nullptr;
  if (!a) scheduling_error(prim, p, c, "expected an allocation");
  return a;
}

Forward forward_wrap_around(const StmtPath& first, int count, int before, int after) {
  Forward rest = forward_splice(first, count, count + before + after);
  const size_t d = first.size() - 1;
  const int i0 = first.back().index;
  return [=](const Cursor& c) -> Cursor {
    bool same_block = c.valid() && c.path.size() > d && c.path[d].orelse == first[d].orelse &&
                      std::equal(first.begin(), first.begin() + d, c.path.begin());
    if (!same_block) return rest(c);
    int i = c.path[d].index;
    bool inside = c.is_gap() && c.path.size() == d + 1 ? (i > i0 && i < i0 + count) : (i >= i0 && i < i0 + count);
    if (!inside) return rest(c);
    Cursor r = c;
    r.path[d].index += before;
    return r;
  };
}

}  // namespace exo::buffers_detail
