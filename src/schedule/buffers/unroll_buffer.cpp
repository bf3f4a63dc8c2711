// unroll_buffer and delete_buffer: replace an allocation by one buffer per index
// of a constant dimension, or remove an unused one.
#include <map>

#include "exo/schedule/allocations.h"
#include "exo/schedule/match.h"
#include "exo/printer.h"
#include "exo/schedule/loops.h"
#include "schedule/buffers/uses.h"
#include "schedule/buffers/accesses.h"
#include "schedule/loops/substitute.h"

namespace exo {

using namespace buffers_detail;
using rewrite_detail::const_value;

Rewrite unroll_buffer(const Proc& p, const Cursor& c, int dim) {
  const char* prim = "unroll_buffer";
  // Step 1. Locate the allocation; the dimension must have a constant extent.
  const AllocNode* a = locate_alloc(prim, p, c);
  const int rank = static_cast<int>(a->type.shape.size());
  if (rank == 0)
    scheduling_error(prim, p, c, "Cannot unroll a scalar buffer: '" + a->name.name() + "'");
  if (dim < 0 || dim >= rank)
    argument_error(prim, 2, "dimension",
                   "expected a dimension of '" + a->name.name() + "' (0 to " +
                       std::to_string(rank - 1) + "), got " + std::to_string(dim));
  long long extent = 0;
  if (!const_value(simplify_index(a->type.shape[dim]), extent))
    scheduling_error(prim, p, c,
                     "Expected a constant buffer dimension: expected a constant extent in dimension " + std::to_string(dim) + " of '" +
                         a->name.name() + "', got " + print_expr(a->type.shape[dim]));

  // Step 2. Check: every use names one constant index of that dimension.
  std::map<long long, Sym> bufs;
  for (auto& u : uses_after(p, c.path, a->name)) {
    Cursor at = Cursor::stmt(u.path);
    if (u.kind == BufUse::WholeCall)
      scheduling_error(
          prim, p, at,
          "'" + a->name.name() + "' is passed whole to a call; unroll needs each index");
    if (u.kind == BufUse::Stride)
      scheduling_error(prim, p, at, "'" + u.text + "' would change with the new buffers");
    const WAccess& w = u.coords[dim];
    if (w.is_interval)
      scheduling_error(prim, p, at,
                       "the window " + u.text + " takes an interval of dimension " +
                           std::to_string(dim) + ", which unrolling splits into separate buffers (Cannot unroll a buffer at a dimension used as a window)");
    long long k = 0;
    if (!const_value(simplify_index(w.lo), k))
      scheduling_error(prim, p, at,
                       "Expected a constant buffer access: expected a constant index in dimension " + std::to_string(dim) + " of " +
                           u.text + ", got " + print_expr(w.lo) + " (unroll the loop first)");
    if (k < 0 || k >= extent)
      scheduling_error(prim, p, at,
                       "the index " + std::to_string(k) + " of " + u.text + " is outside [0, " +
                           std::to_string(extent) + ")");
    if (!bufs.count(k)) bufs.emplace(k, Sym(a->name.name() + "_" + std::to_string(k)));
  }

  // Step 3. Build: one allocation per index used, accesses re-targeted.
  RetargetAccesses rt(a->name, [&](const std::vector<WAccess>& idx) {
    long long k = 0;
    const_value(simplify_index(idx[dim].lo), k);
    std::vector<WAccess> rest = idx;
    rest.erase(rest.begin() + dim);
    return std::make_pair(bufs.at(k), rest);
  });
  Type t = a->type;
  t.shape.erase(t.shape.begin() + dim);
  if (t.shape.empty()) t = Type::scalar(a->type.base);
  Block allocs;
  for (auto& [k, sym] : bufs) allocs.push_back(make_stmt<AllocNode>(sym, t, a->mem, a->srcinfo));
  const Block* parent = resolve_parent_block(p, c.path);
  if (allocs.empty() && parent->size() == 1) allocs.push_back(make_stmt<PassNode>(a->srcinfo));
  Proc q = with_body(p, rt.mutate_block(p->body));
  Rewrite r = splice_rewrite(q, c.path, 1, allocs);
  // Step 4. Windows of the new buffers may have other strides: re-check callees.
  recheck(prim, p, c, r.proc);
  // Expression cursors lose the removed coordinate: those past it shift down.
  const Sym x = a->name;
  Forward coords = [p, x, dim](const Cursor& k) -> Cursor {
    if (!k.is_expr()) return k;
    Stmt s = resolve_stmt(p, k.path);
    if (!s) return k;
    Cursor out = k;
    auto drop = [&](int& child, int at) {
      if (child == at) return false;
      if (child > at) --child;
      return true;
    };
    auto* as = s.as<AssignNode>();
    auto* rd = s.as<ReduceNode>();
    if (((as && as->name == x) || (rd && rd->name == x)) && !drop(out.expr_path[0], dim))
      return Cursor::invalid();
    std::vector<Expr> top = stmt_exprs(s);
    Expr e = k.expr_path[0] < static_cast<int>(top.size()) ? top[k.expr_path[0]] : Expr();
    for (size_t d = 1; d < k.expr_path.size() && e; ++d) {
      const int child = k.expr_path[d];
      int at = -1;  // the child index of the removed coordinate
      if (auto* r2 = e.as<ReadNode>(); r2 && r2->name == x) at = dim;
      if (auto* w = e.as<WindowExprNode>(); w && w->name == x) {
        at = 0;
        for (int j = 0; j < dim; ++j) at += w->idx[j].is_interval ? 2 : 1;
      }
      if (at >= 0 && !drop(out.expr_path[d], at)) return Cursor::invalid();
      std::vector<Expr> kids = expr_children(e);
      e = child < static_cast<int>(kids.size()) ? kids[child] : Expr();
    }
    return out;
  };
  return Rewrite{r.proc, compose(coords, r.forward)};
}

Rewrite delete_buffer(const Proc& p, const Cursor& c) {
  const char* prim = "delete_buffer";
  const AllocNode* a = locate_alloc(prim, p, c);
  std::vector<BufUse> uses = uses_after(p, c.path, a->name);
  if (!uses.empty())
    scheduling_error(prim, p, Cursor::stmt(uses.front().path),
                     "cannot delete '" + a->name.name() + "': The variable " + a->name.name() +
                         " can potentially be used after the statement (it is used here: " +
                         uses.front().text + ")");
  const Block* parent = resolve_parent_block(p, c.path);
  Block repl;
  if (parent->size() == 1) repl.push_back(make_stmt<PassNode>(a->srcinfo));
  return splice_rewrite(p, c.path, 1, repl);
}

}  // namespace exo
