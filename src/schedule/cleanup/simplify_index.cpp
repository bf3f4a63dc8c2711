// Index-expression simplification: affine normalization, floor division and
// modulo by constants, constant folding of control arithmetic.
#include "schedule/cleanup/simplify_index.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "exo/checked_int.h"
#include "exo/schedule/cursor.h"
#include "exo/printer.h"
#include "exo/schedule/procs.h"

namespace exo::simplify_detail {
namespace {

// An affine index expression: sum of coeff * var, plus a constant.
// Exact: an operation that leaves int64 marks the form `overflow`, and such an
// expression keeps its written form (simplification is never required).
struct Lin {
  std::map<Sym, long long> terms;
  long long c = 0;
  bool overflow = false;

  void add(const Lin& o, long long k) {
    overflow = overflow || o.overflow;
    c = mul_add(c, k, o.c);
    for (auto& [v, a] : o.terms) terms[v] = mul_add(terms[v], k, a);
  }
  long long mul_add(long long x, long long k, long long v) {
    auto kv = checked_mul(k, v);
    auto r = kv ? checked_add(x, *kv) : std::nullopt;
    if (!r) overflow = true;
    return r.value_or(0);
  }
  void drop_zeros() {
    for (auto it = terms.begin(); it != terms.end();) it = it->second == 0 ? terms.erase(it) : std::next(it);
  }
};

bool is_int_const(const Expr& e, long long v) {
  auto* c = e.as<ConstNode>();
  return c && e->type.base != ScalarKind::Bool && c->is_int() && c->ival == v;
}

bool is_index_expr(const Expr& e) {
  return !e->type.is_tensor && is_index_kind(e->type.base) && e->type.base != ScalarKind::Stride;
}

// The affine form of e, or nothing when e has a division, modulo, config read,
// stride or a product of two variables (those keep their written form).
std::optional<Lin> linear(const Expr& e, std::map<Sym, Type>& types) {
  if (auto* r = e.as<ReadNode>()) {
    if (!r->idx.empty() || !is_index_expr(e)) return std::nullopt;
    types[r->name] = r->type;
    Lin l;
    l.terms[r->name] = 1;
    return l;
  }
  if (auto* c = e.as<ConstNode>()) {
    if (!is_index_expr(e)) return std::nullopt;
    Lin l;
    l.c = c->ival;
    return l;
  }
  if (auto* u = e.as<USubNode>()) {
    auto a = linear(u->arg, types);
    if (!a) return std::nullopt;
    Lin l;
    l.add(*a, -1);
    return l;
  }
  auto* b = e.as<BinOpNode>();
  if (!b || !is_index_expr(e)) return std::nullopt;
  if (b->op != BinOpKind::Add && b->op != BinOpKind::Sub && b->op != BinOpKind::Mul) return std::nullopt;
  auto l = linear(b->lhs, types), r = linear(b->rhs, types);
  if (!l || !r) return std::nullopt;
  Lin out;
  if (b->op == BinOpKind::Mul) {
    if (r->terms.empty()) {
      out.add(*l, r->c);
    } else if (l->terms.empty()) {
      out.add(*r, l->c);
    } else {
      return std::nullopt;
    }
  } else {
    out.add(*l, 1);
    out.add(*r, b->op == BinOpKind::Add ? 1 : -1);
  }
  if (out.overflow) return std::nullopt;
  out.drop_zeros();
  return out;
}

// The reference's printed shape: the constant first (omitted when 0), then the
// terms by increasing coefficient, ties by variable name, then age; `1 * v`
// prints `v`, negative coefficients subtract, and a leading negative term is a
// negation.
Expr generate(const Lin& l, const std::map<Sym, Type>& types, const SrcInfo& s) {
  std::vector<std::pair<long long, Sym>> order;
  for (auto& [v, k] : l.terms)
    if (k != 0) order.push_back({k, v});
  std::sort(order.begin(), order.end(), [](auto& a, auto& b) {
    if (a.first != b.first) return a.first < b.first;
    if (a.second.name() != b.second.name()) return a.second.name() < b.second.name();
    return a.second < b.second;
  });
  Expr acc;
  if (l.c != 0 || order.empty()) acc = int_const(l.c, s);
  for (auto& [k, v] : order) {
    auto it = types.find(v);
    Type t = it != types.end() ? it->second : Type::scalar(ScalarKind::Index);
    Expr var = make_expr<ReadNode>(v, std::vector<Expr>{}, t, s);
    long long mag = k < 0 ? -k : k;
    Expr term = mag == 1 ? var : binop(BinOpKind::Mul, int_const(mag, s), var, s);
    if (!acc) {
      acc = k > 0 ? term : make_expr<USubNode>(term, term->type, s);
      continue;
    }
    acc = binop(k > 0 ? BinOpKind::Add : BinOpKind::Sub, acc, term, s);
  }
  return acc;
}

bool same_text(const Expr& a, const Expr& b) { return a.same_as(b) || print_expr(a) == print_expr(b); }

}  // namespace

int IndexSimplifier::Facts::shape(const Expr& e) {
  auto* b = e.as<BinOpNode>();
  return static_cast<int>(e->kind) * 64 + (b ? static_cast<int>(b->op) + 1 : 0);
}

void IndexSimplifier::Facts::add(const Expr& x, const Expr& value) {
  by_text_[print_expr(x)] = value;
  shapes_.insert(shape(x));
}

Expr IndexSimplifier::Facts::find(const Expr& e) const {
  if (by_text_.empty() || !shapes_.count(shape(e))) return Expr();
  auto it = by_text_.find(print_expr(e));
  return it == by_text_.end() ? Expr() : it->second;
}

Expr IndexSimplifier::known(const Expr& e) const { return facts.find(e); }

Expr IndexSimplifier::simplify(const Expr& e) {
  Expr out = simplify_rec(e);
  return same_text(out, e) ? e : out;
}

Expr IndexSimplifier::simplify_rec(const Expr& e) {
  if (Expr k = known(e)) return k;
  Expr out;
  if (is_index_expr(e) && !e.as<ReadConfigNode>()) {
    out = normalize_index(e);
  } else {
    std::vector<Expr> kids = expr_children(e);
    bool changed = false;
    for (auto& k : kids) {
      Expr n = simplify_rec(k);
      changed |= !n.same_as(k);
      k = n;
    }
    out = changed ? with_expr_children(e, kids) : e;
    // A window's type carries its extents (hi - lo): keep them in step.
    if (auto* w = out.as<WindowExprNode>()) {
      Type t = w->type;
      bool tchanged = false;
      for (auto& d : t.shape) {
        Expr n = simplify_rec(d);
        tchanged |= !n.same_as(d);
        d = n;
      }
      if (tchanged) out = make_expr<WindowExprNode>(w->name, w->idx, t, w->srcinfo);
    }
    if (!out->type.is_numeric()) out = fold(out);
  }
  if (Expr k = known(out)) return k;
  return out;
}

Expr IndexSimplifier::normalize_index(const Expr& e) {
  if (auto* b = e.as<BinOpNode>()) {
    Expr l = simplify_rec(b->lhs), r = simplify_rec(b->rhs);
    Expr cur = l.same_as(b->lhs) && r.same_as(b->rhs) ? e : make_expr<BinOpNode>(b->op, l, r, e->type, e->srcinfo);
    long long d = 0;
    auto* rc = r.as<ConstNode>();
    if ((b->op == BinOpKind::Div || b->op == BinOpKind::Mod) && rc && rc->is_int() && rc->ival > 0) {
      d = rc->ival;
      if (b->op == BinOpKind::Div) {
        // (x / c1) / c2 == x / (c1 * c2) for positive constants.
        if (auto* inner = l.as<BinOpNode>(); inner && inner->op == BinOpKind::Div) {
          if (auto* c1 = inner->rhs.as<ConstNode>(); c1 && c1->is_int() && c1->ival > 0)
            if (auto c12 = checked_mul(c1->ival, d))  // else x / c1 / c2 keeps two divisions
              return normalize_index(make_expr<BinOpNode>(BinOpKind::Div, inner->lhs, int_const(*c12, r->srcinfo),
                                                          e->type, e->srcinfo));
        }
        return simplify_div(l, d, cur);
      }
      return simplify_mod(l, d, cur);
    }
    if (auto lin = linear(cur, var_types_)) return generate(*lin, var_types_, e->srcinfo);
    return fold(cur);
  }
  if (auto* u = e.as<USubNode>()) {
    Expr a = simplify_rec(u->arg);
    Expr cur = a.same_as(u->arg) ? e : make_expr<USubNode>(a, e->type, e->srcinfo);
    if (auto lin = linear(cur, var_types_)) return generate(*lin, var_types_, e->srcinfo);
    return fold(cur);
  }
  return e;  // variables, constants, strides: already simplest
}

Expr IndexSimplifier::simplify_div(const Expr& lhs, long long d, const Expr& orig) {
  const SrcInfo& s = orig->srcinfo;
  auto lin = linear(lhs, var_types_);
  if (!lin) return fold(orig);
  Lin divisible, rest;
  for (auto& [v, k] : lin->terms) (k % d == 0 ? divisible : rest).terms[v] = k;
  Lin quot;
  for (auto& [v, k] : divisible.terms) quot.terms[v] = k / d;
  if (rest.terms.empty()) {
    quot.c = floor_div(lin->c, d);
    return generate(quot, var_types_, s);
  }
  // (c + rest + d*q) / d: when the part that is not a multiple of d provably stays
  // within one step of d, the quotient is exact.
  if (lin->c % d == 0) {
    if (in_range_(generate(rest, var_types_, s), d)) {
      quot.c = lin->c / d;
      return generate(quot, var_types_, s);
    }
  } else {
    rest.c = lin->c;
    if (in_range_(generate(rest, var_types_, s), d)) return generate(quot, var_types_, s);
  }
  Expr norm = generate(*lin, var_types_, s);
  Expr whole = binop(BinOpKind::Div, norm, int_const(d, s), s);
  // x / (a*b) == (x / a) / b: a factor that divides exactly may leave a simpler form.
  // (Small factors only: trial division up to sqrt(d) could take 3e9 steps.)
  for (long long a = 2; a <= d / a && a <= 4096; ++a) {
    if (d % a != 0) continue;
    for (long long first : {a, d / a}) {
      Expr part = simplify_div(norm, first, binop(BinOpKind::Div, norm, int_const(first, s), s));
      auto* pb = part.as<BinOpNode>();
      if (!pb || pb->op != BinOpKind::Div) return binop(BinOpKind::Div, part, int_const(d / first, s), s);
    }
  }
  return whole;
}

Expr IndexSimplifier::simplify_mod(const Expr& lhs, long long m, const Expr& orig) {
  const SrcInfo& s = orig->srcinfo;
  if (m == 1) return int_const(0, s);
  auto lin = linear(lhs, var_types_);
  if (!lin) return fold(orig);
  Lin kept;
  for (auto& [v, k] : lin->terms)
    if (k % m != 0) kept.terms[v] = k;
  if (kept.terms.empty()) return int_const(floor_mod(lin->c, m), s);
  kept.c = lin->c % m == 0 ? 0 : lin->c;
  Expr norm = generate(kept, var_types_, s);
  if (in_range_(norm, m)) return norm;
  return binop(BinOpKind::Mod, norm, int_const(m, s), s);
}

// Constant folding and identities at one node whose children are simplified.
Expr IndexSimplifier::fold(const Expr& e) {
  Expr f = fold_constants(e);
  auto* b = f.as<BinOpNode>();
  if (!b || f->type.is_numeric()) return f;
  if (b->op == BinOpKind::Mul && (is_int_const(b->lhs, 0) || is_int_const(b->rhs, 0))) return int_const(0, f->srcinfo);
  if (b->op == BinOpKind::Mod && is_int_const(b->rhs, 1)) return int_const(0, f->srcinfo);
  if (b->op == BinOpKind::Sub && is_int_const(b->lhs, 0)) return make_expr<USubNode>(b->rhs, b->rhs->type, f->srcinfo);
  // N - K * (N / K) == N % K (floor division and modulo): used when facts such
  // as `assert N % K == 0` know its value (otherwise the written form stays,
  // as exo-lang prints it).
  if (b->op == BinOpKind::Sub)
    if (auto* q = b->rhs.as<BinOpNode>(); q && q->op == BinOpKind::Mul)
      for (auto [k, dv] : {std::pair{q->lhs, q->rhs}, std::pair{q->rhs, q->lhs}}) {
        auto* div = dv.as<BinOpNode>();
        auto* kc = k.as<ConstNode>();
        if (div && div->op == BinOpKind::Div && kc && kc->is_int() && kc->ival > 0 && same_text(k, div->rhs) &&
            same_text(div->lhs, b->lhs)) {
          Expr mod = normalize_index(binop(BinOpKind::Mod, b->lhs, k, f->srcinfo));
          if (Expr v = known(mod)) return v;
          if (mod.as<ConstNode>()) return mod;
        }
      }
  // N % K + K * (N / K) == N (either order of the sum and the product).
  if (b->op == BinOpKind::Add) {
    for (auto [rem, quot] : {std::pair{b->lhs, b->rhs}, std::pair{b->rhs, b->lhs}}) {
      auto* r = rem.as<BinOpNode>();
      auto* q = quot.as<BinOpNode>();
      if (!r || r->op != BinOpKind::Mod || !q || q->op != BinOpKind::Mul) continue;
      for (auto [k, dv] : {std::pair{q->lhs, q->rhs}, std::pair{q->rhs, q->lhs}}) {
        auto* div = dv.as<BinOpNode>();
        if (div && div->op == BinOpKind::Div && same_text(k, r->rhs) && same_text(div->rhs, r->rhs) &&
            same_text(div->lhs, r->lhs))
          return r->lhs;
      }
    }
  }
  return f;
}

}  // namespace exo::simplify_detail
