// Windows resolved to the buffer that owns their storage.
#include "analysis/views.h"

namespace exo::analysis {

// `a + b`, skipping a literal zero so resolved window indices stay readable.
Expr add_skipping_zero(const Expr& a, const Expr& b) {
  if (auto* c = a.as<ConstNode>(); c && c->is_int() && c->ival == 0) return b;
  if (auto* c = b.as<ConstNode>(); c && c->is_int() && c->ival == 0) return a;
  return binop(BinOpKind::Add, a, b, a->srcinfo);
}

// Index of the window's element `idx` in the base buffer.
std::vector<Expr> apply_view(const View& v, const std::vector<Expr>& idx) {
  if (v.coords.empty()) return idx;
  std::vector<Expr> out;
  size_t k = 0;
  for (auto& c : v.coords) {
    if (!c.is_interval) {
      out.push_back(c.lo);
    } else if (k < idx.size()) {
      out.push_back(add_skipping_zero(c.lo, idx[k++]));
    } else {
      // A whole-dimension access (never produced for element accesses).
      out.push_back(c.lo);
    }
  }
  return out;
}

// A view of a view: `w` are coordinates within `v`.
View compose(const View& v, const std::vector<WAccess>& w) {
  if (v.coords.empty()) return View{v.base, w};
  View out{v.base, {}};
  size_t k = 0;
  for (auto& c : v.coords) {
    if (!c.is_interval || k >= w.size()) {
      out.coords.push_back(c);
      continue;
    }
    const WAccess& x = w[k++];
    WAccess r;
    r.is_interval = x.is_interval;
    r.lo = add_skipping_zero(c.lo, x.lo);
    if (x.is_interval) r.hi = add_skipping_zero(c.lo, x.hi);
    out.coords.push_back(r);
  }
  return out;
}


}  // namespace exo::analysis
