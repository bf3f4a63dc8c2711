// Windows resolved to the buffer that owns their storage.
#include "analysis/views.h"

#include "exo/ir_mutator.h"

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

namespace exo {

using analysis::compose;

WindowAliases::WindowAliases(const Block& b) {
  for_each_stmt(b, [&](const Stmt& s) {
    if (auto* w = s.as<WindowStmtNode>())
      if (auto* e = w->rhs.as<WindowExprNode>()) declare(w->name, *e);
  });
}

void WindowAliases::declare(const Sym& window, const WindowExprNode& rhs) {
  views_[window] = compose(of(rhs.name), rhs.idx);
}

BufferView WindowAliases::of(const Sym& name) const {
  auto it = views_.find(name);
  return it != views_.end() ? it->second : BufferView{name, {}};
}

bool WindowAliases::of_arg(const Expr& arg, BufferView& out) const {
  if (auto* w = arg.as<WindowExprNode>()) {
    out = compose(of(w->name), w->idx);
    return true;
  }
  if (auto* r = arg.as<ReadNode>()) {
    if (!r->type.is_tensor && !is_data_kind(r->type.base)) return false;  // a control value
    std::vector<WAccess> pts;
    for (auto& i : r->idx) pts.push_back(WAccess{false, i, Expr()});
    out = compose(of(r->name), pts);
    return true;
  }
  return false;
}

}  // namespace exo
