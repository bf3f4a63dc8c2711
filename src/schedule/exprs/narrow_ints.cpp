// Interval bounds of narrow-integer data expressions, as C evaluates them.
#include "schedule/exprs/narrow_ints.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "exo/printer.h"
#include "schedule/exprs/context.h"

namespace exo::rewrite_detail {
namespace {

struct Range {
  long long lo, hi;
};

std::optional<Range> range_of_kind(ScalarKind k) {
  switch (k) {
    case ScalarKind::I8: return Range{-128, 127};
    case ScalarKind::UI8: return Range{0, 255};
    case ScalarKind::UI16: return Range{0, 65535};
    default: return std::nullopt;
  }
}

constexpr long long kLimit = 1LL << 40;  // far beyond any narrow value; keeps products exact

std::optional<Range> checked(long long lo, long long hi) {
  if (lo < -kLimit || hi > kLimit) return std::nullopt;
  return Range{lo, hi};
}

// The values `e` may take; nullopt when unknown (a call, a float, an index
// used as data, a division by a range holding 0).
std::optional<Range> value_range(const Expr& e) {
  if (auto* c = e.as<ConstNode>()) {
    double v = is_data_kind(e->type.base) ? c->fval : static_cast<double>(c->ival);
    if (v != std::floor(v) || std::fabs(v) > kLimit) return std::nullopt;
    return Range{static_cast<long long>(v), static_cast<long long>(v)};
  }
  if (e.as<ReadNode>()) return range_of_kind(e->type.base);
  if (auto* u = e.as<USubNode>()) {
    auto a = value_range(u->arg);
    if (!a) return std::nullopt;
    return checked(-a->hi, -a->lo);
  }
  auto* b = e.as<BinOpNode>();
  if (!b) return std::nullopt;
  auto x = value_range(b->lhs), y = value_range(b->rhs);
  if (!x || !y) return std::nullopt;
  switch (b->op) {
    case BinOpKind::Add: return checked(x->lo + y->lo, x->hi + y->hi);
    case BinOpKind::Sub: return checked(x->lo - y->hi, x->hi - y->lo);
    case BinOpKind::Mul: {
      long long c[] = {x->lo * y->lo, x->lo * y->hi, x->hi * y->lo, x->hi * y->hi};
      return checked(*std::min_element(c, c + 4), *std::max_element(c, c + 4));
    }
    case BinOpKind::Div: {
      if (y->lo <= 0 && y->hi >= 0) return std::nullopt;
      // C's truncating division is monotone in each argument on a
      // sign-constant divisor: the extremes are at the corners.
      long long c[] = {x->lo / y->lo, x->lo / y->hi, x->hi / y->lo, x->hi / y->hi};
      return checked(*std::min_element(c, c + 4), *std::max_element(c, c + 4));
    }
    case BinOpKind::Mod: {
      if (y->lo <= 0) return std::nullopt;
      if (x->lo >= 0) return Range{0, std::min(x->hi, y->hi - 1)};
      return Range{-(y->hi - 1), y->hi - 1};
    }
    default: return std::nullopt;
  }
}

}  // namespace

std::string narrow_int_overflow(const Expr& e, ScalarKind kind) {
  auto holds = range_of_kind(kind);
  if (!holds) return "";
  std::string name(scalar_kind_name(kind));
  std::string range = name + " holds " + std::to_string(holds->lo) + ".." + std::to_string(holds->hi);
  auto v = value_range(e);
  if (!v) return "its value is not known to fit (" + range + ")";
  if (v->lo >= holds->lo && v->hi <= holds->hi) return "";
  return "its value ranges over " + std::to_string(v->lo) + ".." + std::to_string(v->hi) +
         " (C computes it in int) and " + range;
}

namespace {

int narrow_bits(ScalarKind k) {
  switch (k) {
    case ScalarKind::I8: case ScalarKind::UI8: return 8;
    case ScalarKind::UI16: return 16;
    default: return 0;
  }
}

// The occurrence at `c` reaches its statement's stored value through ring
// operations only, and that location is at most `bits` wide.
bool wraps_harmlessly(const Proc& p, const Cursor& c, int bits) {
  Stmt s = resolve_stmt(p, c.path);
  Expr rhs;
  ScalarKind into = ScalarKind::R;
  if (auto* a = s.as<AssignNode>()) rhs = a->rhs, into = a->type.base;
  if (auto* r = s.as<ReduceNode>()) rhs = r->rhs, into = r->type.base;
  int into_bits = narrow_bits(into);
  if (!rhs || into_bits == 0 || into_bits > bits || c.expr_path.empty()) return false;
  std::vector<Expr> kids = stmt_exprs(s);
  int first = c.expr_path[0];
  if (first < 0 || first >= static_cast<int>(kids.size()) || kids[first].get() != rhs.get()) return false;
  Expr e = rhs;
  for (size_t k = 1; k < c.expr_path.size(); ++k) {
    bool ring = e.as<USubNode>() != nullptr;
    if (auto* b = e.as<BinOpNode>())
      ring = b->op == BinOpKind::Add || b->op == BinOpKind::Sub || b->op == BinOpKind::Mul;
    if (!ring) return false;
    std::vector<Expr> sub = expr_children(e);
    int i = c.expr_path[k];
    if (i < 0 || i >= static_cast<int>(sub.size())) return false;
    e = sub[i];
  }
  return true;
}

}  // namespace

std::string narrow_int_bind_failure(const Proc& p, const std::vector<Cursor>& occ, const Expr& e) {
  std::string wrap = narrow_int_overflow(e, e->type.base);
  if (wrap.empty()) return "";
  int bits = narrow_bits(e->type.base);
  for (auto& c : occ)
    if (!wraps_harmlessly(p, c, bits))
      return wrap + ", so storing it could wrap a value that '" + exprs_detail::stmt_text(resolve_stmt(p, c.path)) +
             "' uses unwrapped";
  return "";
}

}  // namespace exo::rewrite_detail
