// Uses of one allocation within its scope, re-targeting them, and the context of
// a statement (enclosing loops and branch conditions).
#include "schedule/buffers/uses.h"

#include "exo/analysis.h"
#include "exo/printer.h"
#include "exo/schedule/loops.h"
#include "schedule/buffers/accesses.h"

namespace exo::buffers_detail {

namespace {

std::vector<WAccess> points(const std::vector<Expr>& idx) {
  std::vector<WAccess> out;
  for (auto& e : idx) out.push_back(WAccess{false, e, Expr()});
  return out;
}

void scan_stmt(const Stmt& s, const StmtPath& path, const Sym& x, std::vector<BufUse>& out) {
  if (auto* a = s.as<AssignNode>(); a && a->name == x)
    out.push_back({BufUse::Write, points(a->idx), path, false, false, access_text(x, a->idx)});
  if (auto* a = s.as<ReduceNode>(); a && a->name == x)
    out.push_back({BufUse::Reduce, points(a->idx), path, false, false, access_text(x, a->idx)});
  const bool is_call = s->kind == StmtKind::Call;
  const bool is_win = s->kind == StmtKind::WindowStmt;
  std::function<void(const Expr&, bool)> scan = [&](const Expr& e, bool top) {
    if (auto* r = e.as<ReadNode>(); r && r->name == x) {
      if (r->idx.empty() && r->type.is_tensor)
        out.push_back({BufUse::WholeCall, {}, path, true, false, x.name()});
      else
        out.push_back({BufUse::Read, points(r->idx), path, false, false, access_text(x, r->idx)});
    } else if (auto* w = e.as<WindowExprNode>(); w && w->name == x) {
      out.push_back({BufUse::Window, w->idx, path, is_call && top, is_win && top, print_expr(e)});
    } else if (auto* st = e.as<StrideExprNode>(); st && st->name == x) {
      out.push_back({BufUse::Stride, {}, path, false, false, print_expr(e)});
    }
    for (auto& k : expr_children(e)) scan(k, false);
  };
  for (auto& e : stmt_exprs(s)) scan(e, true);
}

}  // namespace

std::vector<BufUse> uses_from(const Proc& p, const StmtPath& from, const Sym& x) {
  std::vector<BufUse> out;
  const Block* b = resolve_parent_block(p, from);
  if (!b) return out;
  const int first = from.back().index;
  Block rest(b->begin() + std::min<size_t>(first, b->size()), b->end());
  walk_paths(rest, from, [&](const Stmt& s, const StmtPath& rel) {
    StmtPath path = rel;
    path[from.size() - 1].index += first;
    scan_stmt(s, path, x, out);
  });
  return out;
}

std::vector<BufUse> uses_after(const Proc& p, const StmtPath& alloc, const Sym& x) {
  StmtPath next = alloc;
  next.back().index += 1;
  return uses_from(p, next, x);
}

Expr RetargetAccesses::mutate(const Expr& e) {
  Expr m = mutate_children(e);
  if (auto* r = m.as<ReadNode>(); r && r->name == x_ && !(r->idx.empty() && r->type.is_tensor)) {
    auto [buf, idx] = fn_(points(r->idx));
    std::vector<Expr> pts;
    for (auto& c : idx) pts.push_back(c.lo);
    return make_expr<ReadNode>(buf, pts, r->type, r->srcinfo);
  }
  if (auto* w = m.as<WindowExprNode>(); w && w->name == x_) {
    auto [buf, idx] = fn_(w->idx);
    return make_expr<WindowExprNode>(buf, idx, w->type, w->srcinfo);
  }
  return m;
}

Block RetargetAccesses::mutate_stmt(const Stmt& s) {
  Stmt m = mutate_children(s);
  auto pts = [](const std::vector<WAccess>& idx) {
    std::vector<Expr> out;
    for (auto& c : idx) out.push_back(c.lo);
    return out;
  };
  if (auto* a = m.as<AssignNode>(); a && a->name == x_) {
    auto [buf, idx] = fn_(points(a->idx));
    return {make_stmt<AssignNode>(buf, a->type, pts(idx), a->rhs, a->srcinfo)};
  }
  if (auto* a = m.as<ReduceNode>(); a && a->name == x_) {
    auto [buf, idx] = fn_(points(a->idx));
    return {make_stmt<ReduceNode>(buf, a->type, pts(idx), a->rhs, a->srcinfo)};
  }
  return {m};
}

PathContext path_context(const Proc& p, const StmtPath& path) {
  PathContext out;
  const Block* b = &p->body;
  for (size_t k = 0; k + 1 < path.size() && b; ++k) {
    const Stmt& s = (*b)[path[k].index];
    if (auto* f = s.as<ForNode>()) {
      out.iters.push_back(f->iter);
      out.lo.push_back(f->lo);
      out.hi.push_back(f->hi);
      out.loop_prefix.push_back(k + 1);
      b = &f->body;
    } else if (auto* c = s.as<IfNode>()) {
      bool orelse = path[k + 1].orelse;
      out.conds.push_back({c->cond, !orelse});
      b = orelse ? &c->orelse : &c->body;
    } else {
      b = nullptr;
    }
  }
  return out;
}

void recheck(const char* prim, const Proc& before, const Cursor& where, const Proc& after,
             const std::set<Sym>* touched) {
  try {
    if (touched)
      check_proc_touching(after, *touched);
    else
      check_proc(after);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::Bounds && e.kind() != ErrorKind::Precondition) throw;
    scheduling_error(prim, before, where, "the rewritten proc fails its checks: " + e.message());
  }
}

}  // namespace exo::buffers_detail
