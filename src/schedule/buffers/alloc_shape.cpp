// expand_dim, rearrange_dim, lift_alloc: change an allocation's shape or place,
// re-indexing every access so each element keeps its meaning.
#include <algorithm>
#include <cassert>
#include <functional>
#include <set>

#include "analysis/facts.h"
#include "exo/value_dependencies.h"
#include "exo/schedule/buffers.h"
#include "exo/ir_mutator.h"
#include "exo/schedule/match.h"
#include "exo/printer.h"
#include "exo/schedule/loops.h"
#include "schedule/buffers/accesses.h"
#include "schedule/buffers/uses.h"
#include "schedule/loops/substitute.h"

namespace exo {
namespace {

using namespace buffers_detail;
using rewrite_detail::const_value;
using analysis::provable_at;

// Re-indexes every access of one buffer. `points` maps an element index list;
// windows get the same map on their coordinates (which must keep their kind, as
// `windows` decides). The first access that cannot be re-indexed is recorded.
class Reindex : public IRMutator {
 public:
  using IdxFn = std::function<std::vector<WAccess>(const std::vector<WAccess>&)>;
  Reindex(Sym buf, IdxFn fn, std::function<int(int)> stride_dim, bool windows_ok, const char* why_windows)
      : buf_(buf), fn_(std::move(fn)), stride_(std::move(stride_dim)), windows_ok_(windows_ok), why_(why_windows) {}

  std::string refusal;

  Expr mutate(const Expr& e) override {
    Expr m = mutate_children(e);
    if (auto* r = m.as<ReadNode>(); r && r->name == buf_) {
      if (r->type.is_tensor) {
        refuse("'" + buf_.name() + "' is passed whole to a call, whose argument has the old shape (no support for passing windows to scalar arguments or to arguments of another shape)");
        return m;
      }
      return make_expr<ReadNode>(r->name, pts(fn_(wa(r->idx))), r->type, r->srcinfo);
    }
    if (auto* w = m.as<WindowExprNode>(); w && w->name == buf_) {
      if (!windows_ok_) {
        refuse(std::string("the window ") + print_expr(m) + why_);
        return m;
      }
      return make_expr<WindowExprNode>(w->name, fn_(w->idx), w->type, w->srcinfo);
    }
    if (auto* s = m.as<StrideExprNode>(); s && s->name == buf_)
      return make_expr<StrideExprNode>(s->name, stride_(s->dim), s->type, s->srcinfo);
    return m;
  }

  Block mutate_stmt(const Stmt& s) override {
    Stmt m = mutate_children(s);
    if (auto* a = m.as<AssignNode>(); a && a->name == buf_)
      return {make_stmt<AssignNode>(a->name, a->type, pts(fn_(wa(a->idx))), a->rhs, a->srcinfo)};
    if (auto* a = m.as<ReduceNode>(); a && a->name == buf_)
      return {make_stmt<ReduceNode>(a->name, a->type, pts(fn_(wa(a->idx))), a->rhs, a->srcinfo)};
    return {m};
  }

 private:
  void refuse(const std::string& why) {
    if (refusal.empty()) refusal = why;
  }
  static std::vector<WAccess> wa(const std::vector<Expr>& idx) {
    std::vector<WAccess> out;
    for (auto& e : idx) out.push_back(WAccess{false, e, Expr()});
    return out;
  }
  static std::vector<Expr> pts(const std::vector<WAccess>& idx) {
    std::vector<Expr> out;
    for (auto& c : idx) out.push_back(c.lo);
    return out;
  }
  Sym buf_;
  IdxFn fn_;
  std::function<int(int)> stride_;
  bool windows_ok_;
  const char* why_;
};

// Every access of `buf` in `b` gets the points `idx` as new leading dimensions
// (`at_end`: trailing ones); refused where an access cannot take them.
Block add_dims(const char* prim, const Proc& p, const Cursor& where, const Sym& buf, const std::vector<Expr>& idx,
               bool at_end, const Block& b) {
  int k = static_cast<int>(idx.size());
  Reindex rx(
      buf,
      [&](const std::vector<WAccess>& old) {
        std::vector<WAccess> added;
        for (auto& e : idx) added.push_back(WAccess{false, e, Expr()});
        std::vector<WAccess> out = at_end ? old : added;
        const std::vector<WAccess>& rest = at_end ? added : old;
        out.insert(out.end(), rest.begin(), rest.end());
        return out;
      },
      [&](int d) { return at_end ? d : d + k; }, true, "");
  Block out = rx.mutate_block(b);
  if (!rx.refusal.empty()) scheduling_error(prim, p, where, "cannot add a dimension to '" + buf.name() + "': " + rx.refusal);
  return out;
}

// Adds a leading coordinate `lead` to every access of `buf` in `b`.
Block prepend_index(const char* prim, const Proc& p, const Cursor& where, const Sym& buf, const Expr& lead,
                    const Block& b) {
  return add_dims(prim, p, where, buf, {lead}, false, b);
}

// Paths of the statements after `alloc` (in its block, nested too) that mention x.
std::vector<StmtPath> use_paths(const Proc& p, const StmtPath& alloc, const Sym& x) {
  std::vector<StmtPath> out;
  const Block* b = resolve_parent_block(p, alloc);
  walk_paths(*b, alloc, [&](const Stmt& s, const StmtPath& path) {
    if (path.size() == alloc.size() && path.back().index <= alloc.back().index) return;
    if (path.size() > alloc.size() && path[alloc.size() - 1].index <= alloc.back().index) return;
    bool uses = false;
    if (auto* a = s.as<AssignNode>()) uses = a->name == x;
    if (auto* a = s.as<ReduceNode>()) uses = uses || a->name == x;
    for (auto& e : stmt_exprs(s)) uses = uses || mentions(e, x);
    if (uses) out.push_back(path);
  });
  return out;
}

}  // namespace

Rewrite expand_dim(const Proc& p, const Cursor& c, const std::string& alloc_dim, const std::string& indexing) {
  const char* prim = "expand_dim";
  // Step 1. Locate the allocation; type the new extent and index where it sits.
  const AllocNode* a = locate_alloc(prim, p, c);
  Expr dim_written = parse_index_at(prim, 2, "alloc_dim", p, c.path, alloc_dim);
  Expr dim = simplify_index(dim_written);
  Expr ix_written = parse_index_at(prim, 3, "indexing", p, c.path, indexing);
  Expr ix = simplify_index(ix_written);
  // Step 2. Check: a positive extent, and the index inside it wherever x is used.
  Expr positive = binop(BinOpKind::Gt, dim, int_const(0));
  if (!provable_at(p, c.path, positive))
    scheduling_error(prim, p, c, "the new extent must be positive: The expression " + print_expr(dim_written) + " is not guaranteed to be greater than 0");
  Expr in_range = binop(BinOpKind::And, binop(BinOpKind::Le, int_const(0), ix), binop(BinOpKind::Lt, ix, dim));
  if (!provable_at(p, c.path, in_range))
    for (auto& u : use_paths(p, c.path, a->name))
      if (!provable_at(p, u, in_range))
        scheduling_error(prim, p, Cursor::stmt(u),
                         "The buffer " + a->name.name() + " is accessed out-of-bounds: the index '" + print_expr(ix) +
                             "' of the new dimension may be out of range at this use: '" + print_expr(in_range) +
                             "' is not provable");
  // Step 3. Build the new type and re-index every access, with the extent and
  // index as the user wrote them (exo-lang's text: `a: i8[40 + 1]`).
  Type t = a->type;
  t.is_tensor = true;
  t.shape.insert(t.shape.begin(), dim_written);
  Block body = prepend_index(prim, p, c, a->name, ix_written, p->body);
  Proc q = replace_stmt(with_body(p, body), c.path, make_stmt<AllocNode>(a->name, t, a->mem, a->srcinfo));
  // The new shape must still be checkable (its element count an Exo integer).
  std::set<Sym> touched{a->name};
  buffers_detail::recheck(prim, p, c, q, &touched);
  return Rewrite{q, identity_forward()};
}

Rewrite rearrange_dim(const Proc& p, const Cursor& c, const std::vector<int>& perm) {
  const char* prim = "rearrange_dim";
  // Step 1. Locate; the permutation must name every dimension once.
  const AllocNode* a = locate_alloc(prim, p, c);
  int rank = static_cast<int>(a->type.shape.size());
  std::vector<int> sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  bool is_perm = static_cast<int>(perm.size()) == rank;
  for (int k = 0; is_perm && k < rank; ++k) is_perm = sorted[k] == k;
  if (!is_perm)
    argument_error(prim, 2, "dimensions",
                   "the order given was not a permutation of the " + std::to_string(rank) + " dimensions of '" + a->name.name() + "'");
  std::vector<int> inverse(rank);
  for (int k = 0; k < rank; ++k) inverse[perm[k]] = k;
  // Step 2/3. Re-index; windows (passed to calls or named) would change their
  // dimension order, so they are refused as in the reference.
  Reindex rx(
      a->name,
      [&](const std::vector<WAccess>& idx) {
        std::vector<WAccess> out;
        for (int k = 0; k < rank; ++k) out.push_back(idx[perm[k]]);
        return out;
      },
      [&](int d) { return inverse[d]; }, false, " would change its dimension order (rearranging the dimensions of buffers with windows is not currently supported)");
  Block body = rx.mutate_block(p->body);
  if (!rx.refusal.empty()) scheduling_error(prim, p, c, "Cannot permute buffer '" + a->name.name() + "': " + rx.refusal);
  Type t = a->type;
  for (int k = 0; k < rank; ++k) t.shape[k] = a->type.shape[perm[k]];
  Proc q = replace_stmt(with_body(p, body), c.path, make_stmt<AllocNode>(a->name, t, a->mem, a->srcinfo));
  return Rewrite{q, identity_forward()};
}

namespace {

// One lift: the allocation at `c` moves just before its enclosing statement.
// `n_lifts`: how many levels the whole call lifts (for the message). `separated`:
// loops whose iterations already use their own slices of the buffer.
Rewrite lift_once(const Proc& p, const Cursor& c, bool keep_dims, int n_lifts, const std::set<Sym>& separated = {}) {
  const char* prim = "lift_alloc";
  const AllocNode* a = locate_alloc(prim, p, c);
  if (c.path.size() < 2)
    scheduling_error(prim, p, c, "specified lift level " + std::to_string(n_lifts) + " is more than the depth: cannot lift '" + a->name.name() + "': it is not inside a loop or if");
  const StmtPath ap = c.path;
  const StmtPath pp(ap.begin(), ap.end() - 1);
  Stmt parent = resolve_stmt(p, pp);
  bool orelse = ap.back().orelse;
  Type t = a->type;
  Block inner = orelse ? parent.as<IfNode>()->orelse : (parent.as<ForNode>() ? parent.as<ForNode>()->body : parent.as<IfNode>()->body);
  inner.erase(inner.begin() + ap.back().index);
  if (inner.empty()) inner.push_back(make_stmt<PassNode>(a->srcinfo));
  if (auto* f = parent.as<ForNode>()) {
    // Step 2. The sizes must not depend on the iterator; a par loop's iterations
    // must keep private copies.
    for (auto& e : a->type.shape)
      if (mentions(e, f->iter))
        scheduling_error(prim, p, c,
                         "Cannot lift allocation statement: cannot lift '" + a->name.name() + "' out of loop '" + f->iter.name() +
                             "': its size " + print_expr(e) + " depends on '" + f->iter.name() + "'");
    if (f->mode == LoopMode::Par && !keep_dims && !separated.count(f->iter))
      scheduling_error(prim, p, c,
                       "cannot lift '" + a->name.name() + "' out of par loop '" + f->iter.name() +
                           "' without keep_dims: its iterations would share one buffer");
    if (keep_dims) {
      // One slot per iteration: the trip count, which must be a positive
      // extent (a constant, or a symbolic count the loop provably has).
      Expr trip = simplify_index(binop(BinOpKind::Sub, f->hi, f->lo));
      long long n;
      Expr extent;
      if (const_value(trip, n)) {
        extent = int_const(std::max(n, 1LL));
      } else if (provable_at(p, pp, binop(BinOpKind::Gt, trip, int_const(0)))) {
        extent = trip;
      } else {
        scheduling_error(prim, p, c,
                         "keep_dims needs a trip count that is provably positive, but loop '" + f->iter.name() +
                             "' runs seq(" + print_expr(f->lo) + ", " + print_expr(f->hi) + ")");
      }
      t.is_tensor = true;
      t.shape.insert(t.shape.begin(), extent);
      Expr lead = sub_index(read_var(f->iter, ScalarKind::Index), f->lo);
      inner = prepend_index(prim, p, c, a->name, lead, inner);
    }
  }
  // Step 3. Build: the allocation, then the enclosing statement without it.
  Stmt new_parent = with_block(parent, orelse, inner);
  Stmt alloc = make_stmt<AllocNode>(a->name, t, a->mem, a->srcinfo);
  Proc q = splice_block(p, pp, 1, {alloc, new_parent});
  // Step 4. The allocation's cursor follows it; the rest shift around it.
  Forward removal = forward_splice(ap, 1, inner.size() == 1 && inner[0]->kind == StmtKind::Pass ? 1 : 0);
  Forward insertion = forward_splice(pp, 0, 1);
  Forward rest = compose(removal, insertion);
  Forward fwd = [=](const Cursor& k) -> Cursor {
    if (k.is_stmt() && k.path == ap) return Cursor::stmt(pp);
    return rest(k);
  };
  return Rewrite{q, fwd};
}

}  // namespace

Rewrite lift_alloc(const Proc& p, const Cursor& c, int n_lifts, bool keep_dims) {
  assert(n_lifts > 0);  // arguments are checked by the primitive records
  Rewrite r{p, identity_forward()};
  Cursor cur = c;
  for (int k = 0; k < n_lifts; ++k) {
    Rewrite step = lift_once(r.proc, cur, keep_dims, n_lifts);
    cur = step.forward(cur);
    r = Rewrite{step.proc, compose(r.forward, step.forward)};
  }
  return r;
}

Rewrite autolift_alloc(const Proc& p, const Cursor& c, int n_lifts, bool col, std::optional<long long> size,
                       bool keep_dims) {
  const char* prim = "autolift_alloc";
  assert(n_lifts > 0);
  // Step 1. Locate; one dimension per lifted loop whose iterator the buffer's
  // values depend on (with keep_dims), extent its upper bound (+1 when symbolic)
  // or `size`, indexed by the iterator itself.
  const AllocNode* a = locate_alloc(prim, p, c);
  size_t depth = c.path.size() - 1;
  if (static_cast<size_t>(n_lifts) > depth)
    scheduling_error(prim, p, c,
                     "specified lift level " + std::to_string(n_lifts) + " is higher than the number of loop " +
                         std::to_string(depth));
  std::set<Sym> deps;
  if (keep_dims) deps = value_dependencies(p->body, a->name);
  const StmtPath site(c.path.begin(), c.path.end() - n_lifts);
  std::vector<Expr> idx, extents;
  std::set<Sym> separated;
  for (size_t len = site.size(); len < c.path.size(); ++len) {
    auto* f = resolve_stmt(p, StmtPath(c.path.begin(), c.path.begin() + static_cast<long>(len))).as<ForNode>();
    if (!f || !deps.count(f->iter)) continue;
    Expr iter = read_var(f->iter, ScalarKind::Index);
    Expr extent;
    long long n = 0;
    if (size) {
      if (!provable_at(p, c.path, binop(BinOpKind::Le, f->hi, int_const(*size))))
        scheduling_error(prim, p, c, "Lift size cannot be less than for-loop bound " + print_expr(f->hi));
      extent = int_const(*size);
    } else if (const_value(f->hi, n)) {
      extent = f->hi;
    } else {
      extent = binop(BinOpKind::Add, f->hi, int_const(1));
    }
    // Step 2. Check: the new extent is positive where the buffer will be made,
    // and the iterator stays inside it.
    if (!provable_at(p, site, binop(BinOpKind::Gt, extent, int_const(0))))
      scheduling_error(prim, p, c,
                       "cannot give '" + a->name.name() + "' a dimension for loop '" + f->iter.name() + "': its extent " +
                           print_expr(extent) + " is not provably positive");
    if (!provable_at(p, c.path, binop(BinOpKind::Le, int_const(0), iter)))
      scheduling_error(prim, p, c,
                       "cannot give '" + a->name.name() + "' a dimension for loop '" + f->iter.name() +
                           "': its iterator may be negative");
    idx.push_back(iter);
    extents.push_back(extent);
    separated.insert(f->iter);
  }
  // Step 3. The new shape in place, then the lifts.
  Proc q = p;
  if (!idx.empty()) {
    Type t = a->type;
    t.is_tensor = true;
    t.shape.insert(col ? t.shape.end() : t.shape.begin(), extents.begin(), extents.end());
    Block body = add_dims(prim, p, c, a->name, idx, col, p->body);
    q = replace_stmt(with_body(p, body), c.path, make_stmt<AllocNode>(a->name, t, a->mem, a->srcinfo));
  }
  Rewrite r{q, identity_forward()};
  Cursor cur = c;
  for (int k = 0; k < n_lifts; ++k) {
    Rewrite step = lift_once(r.proc, cur, false, n_lifts, separated);
    cur = step.forward(cur);
    r = Rewrite{step.proc, compose(r.forward, step.forward)};
  }
  return r;
}

}  // namespace exo
