// data_reuse, inline_window, bind_expr: primitives that rename storage, remove
// window aliases, or name a value in a new scalar buffer.
#include <algorithm>
#include <cassert>
#include <map>
#include <set>

#include "schedule/exprs/narrow_ints.h"
#include "exo/schedule/buffers.h"
#include "exo/hardware.h"
#include "exo/ir_mutator.h"
#include "exo/schedule/match.h"
#include "exo/names.h"
#include "exo/printer.h"
#include "exo/schedule/loops.h"
#include "schedule/buffers/accesses.h"
#include "schedule/loops/substitute.h"

namespace exo {
namespace {

using namespace buffers_detail;

bool same_prefix(const StmtPath& a, const StmtPath& b, size_t n) {
  if (a.size() < n || b.size() < n) return false;
  for (size_t k = 0; k < n; ++k)
    if (!(a[k] == b[k])) return false;
  return true;
}

// Statements of p (paths) that mention buffer x in any way.
std::vector<StmtPath> accesses_of(const Proc& p, const Sym& x) {
  std::vector<StmtPath> out;
  walk_paths(p->body, StmtPath{PathStep{false, 0}}, [&](const Stmt& s, const StmtPath& path) {
    // Only this statement's own expressions: nested statements are visited on their own.
    bool uses = false;
    for (auto& e : stmt_exprs(s)) uses = uses || mentions(e, x);
    if (auto* a = s.as<AssignNode>()) uses = uses || a->name == x;
    if (auto* a = s.as<ReduceNode>()) uses = uses || a->name == x;
    if (uses) out.push_back(path);
  });
  return out;
}

// Whether a statement at `u` may run after the allocation at `alloc2` has been
// reached, inside the scope of a buffer allocated at depth `d` (alloc2[d] is in
// that buffer's block): it follows it in program order, or both sit in a loop
// below that block, whose next iteration runs u again.
bool may_run_after(const Proc& p, const StmtPath& u, const StmtPath& alloc2, size_t d) {
  size_t L = d;
  while (L < u.size() && L < alloc2.size() && u[L] == alloc2[L]) ++L;
  if (L >= u.size() || L >= alloc2.size()) return true;  // same statement or nested: after
  if (u[L].orelse == alloc2[L].orelse && u[L].index > alloc2[L].index) return true;
  // u comes first (or in the other branch); enclosing loops below d repeat it.
  for (size_t k = d; k < L; ++k) {
    StmtPath anc(alloc2.begin(), alloc2.begin() + k + 1);
    if (resolve_stmt(p, anc).as<ForNode>()) return true;
  }
  return false;
}

// Removes the statement at `path` (a lone statement becomes `pass`).
Rewrite remove_stmt(const Proc& p, const StmtPath& path) {
  const Block* b = resolve_parent_block(p, path);
  if (b->size() == 1) return splice_rewrite(p, path, 1, {make_stmt<PassNode>((*b)[0]->srcinfo)});
  return splice_rewrite(p, path, 1, {});
}

}  // namespace

Rewrite data_reuse(const Proc& p, const Cursor& c1, const Cursor& c2) {
  const char* prim = "data_reuse";
  // Step 1. Locate both allocations.
  const AllocNode* a1 = locate_alloc(prim, p, c1);
  const AllocNode* a2 = locate_alloc(prim, p, c2);
  // Step 2. Check: same type and memory; buf2 within buf1's scope, after it; buf1
  // dead once buf2 is first used.
  bool same = a1->type.base == a2->type.base && a1->type.shape.size() == a2->type.shape.size() &&
              a1->mem == a2->mem;
  for (size_t k = 0; same && k < a1->type.shape.size(); ++k)
    same = same_expr(simplify_index(a1->type.shape[k]), simplify_index(a2->type.shape[k]));
  if (!same)
    scheduling_error(prim, p, c2,
                     "'" + a1->name.name() + "' (" + print_type(a1->type) + ") and '" + a2->name.name() + "' (" +
                         print_type(a2->type) + ") differ in type, shape or memory");
  const StmtPath &p1 = c1.path, &p2 = c2.path;
  size_t d = p1.size() - 1;
  bool in_scope = p2.size() > d && same_prefix(p1, p2, d) && p2[d].orelse == p1[d].orelse && p2[d].index > p1[d].index;
  if (!in_scope)
    scheduling_error(prim, p, c2,
                     "'" + a2->name.name() + "' must be allocated after '" + a1->name.name() + "', within its scope");
  // buf2's storage holds buf1's data until the first statement after buf2's
  // allocation (in its block) that mentions buf2: uses of buf1 before it run
  // before the storage changes hands, unless a loop between the two
  // allocations repeats them. That statement itself may still read buf1 when it
  // is an assignment of a scalar buf2 (`b = a + 1.0`: the value is read before
  // the store); any other (a call passing both) would alias them.
  std::vector<StmtPath> uses2 = accesses_of(p, a2->name);
  const Block* blk2 = resolve_parent_block(p, p2);
  int first_use = static_cast<int>(blk2->size());
  for (int k = p2.back().index + 1; k < static_cast<int>(blk2->size()); ++k) {
    StmtPath at(p2.begin(), p2.end() - 1);
    at.push_back(PathStep{p2.back().orelse, k});
    bool mentions2 = std::any_of(uses2.begin(), uses2.end(), [&](const StmtPath& u) {
      return u.size() >= at.size() && std::equal(at.begin(), at.end(), u.begin());
    });
    if (mentions2) {
      first_use = k;
      break;
    }
  }
  bool first_is_scalar_assign = false;
  if (first_use < static_cast<int>(blk2->size())) {
    auto* w = (*blk2)[first_use].as<AssignNode>();
    first_is_scalar_assign = w && w->name == a2->name && a2->type.shape.empty();
  }
  bool repeated = false;
  for (size_t k = d; k + 1 < p2.size(); ++k)
    if (resolve_stmt(p, StmtPath(p2.begin(), p2.begin() + k + 1)).as<ForNode>()) repeated = true;
  auto before_reuse = [&](const StmtPath& u) {
    if (repeated) return false;
    if (u.size() < p2.size() || !std::equal(p2.begin(), p2.end() - 1, u.begin())) return false;
    const PathStep& at = u[p2.size() - 1];
    if (at.orelse != p2.back().orelse || at.index <= p2.back().index) return false;
    return at.index < first_use || (at.index == first_use && first_is_scalar_assign);
  };
  for (auto& u : accesses_of(p, a1->name))
    if (same_prefix(u, p1, d) && may_run_after(p, u, p2, d) && !before_reuse(u))
      scheduling_error(prim, p, Cursor::stmt(u),
                       "The variable " + a1->name.name() + " can potentially be used after " + a2->name.name() + " is allocated: '" + a1->name.name() + "' is used here after '" + a2->name.name() +
                           "' is allocated, so '" + a2->name.name() + "' cannot take its storage");
  // Step 3. Build: rename buf2 to buf1, then drop buf2's allocation.
  rewrite_detail::Subst s;
  s.renames[a2->name] = a1->name;
  Proc renamed = with_body(p, s.mutate_block(p->body));
  return remove_stmt(renamed, p2);
}

namespace {

// Rewrites uses of window `y = x[coords]` as accesses of x.
class InlineWindow : public IRMutator {
 public:
  InlineWindow(Sym y, const WindowExprNode& w, Expr whole) : y_(y), x_(w.name), coords_(w.idx), whole_(whole) {
    for (size_t k = 0; k < coords_.size(); ++k)
      if (coords_[k].is_interval) dims_.push_back(static_cast<int>(k));
  }

  std::vector<Expr> element(const std::vector<Expr>& idx) const {
    std::vector<Expr> out;
    size_t j = 0;
    for (auto& c : coords_) out.push_back(c.is_interval && j < idx.size() ? add_index(c.lo, idx[j++]) : c.lo);
    return out;
  }

  Expr mutate(const Expr& e) override {
    Expr m = mutate_children(e);
    if (auto* r = m.as<ReadNode>(); r && r->name == y_) {
      if (r->type.is_tensor) return whole_;
      return make_expr<ReadNode>(x_, element(r->idx), r->type, r->srcinfo);
    }
    if (auto* w = m.as<WindowExprNode>(); w && w->name == y_) {
      std::vector<WAccess> idx;
      size_t j = 0;
      for (auto& c : coords_) {
        if (!c.is_interval || j >= w->idx.size()) {
          idx.push_back(c);
          continue;
        }
        const WAccess& a = w->idx[j++];
        idx.push_back(WAccess{a.is_interval, add_index(c.lo, a.lo), a.is_interval ? add_index(c.lo, a.hi) : Expr()});
      }
      return make_expr<WindowExprNode>(x_, idx, w->type, w->srcinfo);
    }
    if (auto* s = m.as<StrideExprNode>(); s && s->name == y_ && s->dim < static_cast<int>(dims_.size()))
      return make_expr<StrideExprNode>(x_, dims_[s->dim], s->type, s->srcinfo);
    return m;
  }

  Block mutate_stmt(const Stmt& s) override {
    Stmt m = mutate_children(s);
    if (auto* a = m.as<AssignNode>(); a && a->name == y_)
      return {make_stmt<AssignNode>(x_, a->type, element(a->idx), a->rhs, a->srcinfo)};
    if (auto* a = m.as<ReduceNode>(); a && a->name == y_)
      return {make_stmt<ReduceNode>(x_, a->type, element(a->idx), a->rhs, a->srcinfo)};
    return {m};
  }

 private:
  Sym y_, x_;
  std::vector<WAccess> coords_;
  std::vector<int> dims_;  // dimension of x for each interval coordinate
  Expr whole_;
};

}  // namespace

Rewrite inline_window(const Proc& p, const Cursor& c) {
  const char* prim = "inline_window";
  // Step 1. Locate the window statement. No check is needed: y only aliases x,
  // and the coordinates are control values that cannot change while y is live.
  Stmt s = c.is_stmt() ? resolve_stmt(p, c) : Stmt();
  auto* ws = s ? s.as<WindowStmtNode>() : nullptr;
  auto* w = ws ? ws->rhs.as<WindowExprNode>() : nullptr;
  if (!w) scheduling_error(prim, p, c, "expected a window statement such as 'y = x[i, 0:8]'");
  // Step 3. Rewrite the uses (they follow the statement), then remove it.
  InlineWindow iw(ws->name, *w, ws->rhs);
  Proc q = with_body(p, iw.mutate_block(p->body));
  return remove_stmt(q, c.path);
}

namespace {

// What an expression reads (buffers by storage, scalars, config fields).
struct ReadSet {
  std::set<Sym> bufs;
  std::set<std::pair<const Config*, std::string>> cfgs;
};

// Whether statement s may write something in r.
std::string clobbers(const Stmt& s, const ReadSet& r, const WindowAliases& windows) {
  EffectSummary e = effects_of(s, windows);
  for (auto* m : {&e.writes, &e.reduces})
    for (auto& [buf, as] : *m)
      if (r.bufs.count(buf)) return "'" + buf.name() + "'";
  for (auto& f : e.cfg_writes)
    if (r.cfgs.count(f)) return "config field '" + f.second + "'";
  return "";
}

// Expression paths (within statement s, its own expressions only) of occurrences of e.
void occurrences(const Expr& root, std::vector<int> at, const Expr& e, std::vector<std::vector<int>>& out) {
  if (same_expr(root, e)) {
    out.push_back(at);
    return;
  }
  std::vector<Expr> kids = expr_children(root);
  for (size_t k = 0; k < kids.size(); ++k) {
    at.push_back(static_cast<int>(k));
    occurrences(kids[k], at, e, out);
    at.pop_back();
  }
}

// All occurrences of e in s and the statements nested in it, as Expr cursors.
void occurrences_in(const Stmt& s, const StmtPath& path, const Expr& e, std::vector<Cursor>& out) {
  auto one = [&](const Stmt& t, const StmtPath& tp) {
    std::vector<Expr> es = stmt_exprs(t);
    for (size_t k = 0; k < es.size(); ++k) {
      std::vector<std::vector<int>> found;
      occurrences(es[k], {static_cast<int>(k)}, e, found);
      for (auto& f : found) out.push_back(Cursor::expr(tp, f));
    }
  };
  one(s, path);
  StmtPath inner = path;
  inner.push_back(PathStep{false, 0});
  if (auto* f = s.as<ForNode>()) walk_paths(f->body, inner, one);
  if (auto* i = s.as<IfNode>()) {
    walk_paths(i->body, inner, one);
    inner.back().orelse = true;
    walk_paths(i->orelse, inner, one);
  }
}

}  // namespace

Rewrite bind_expr(const Proc& p, const std::vector<Cursor>& exprs, const std::string& new_name, bool cse) {
  const char* prim = "bind_expr";
  assert(is_valid_new_name(new_name));  // arguments are checked by the primitive records
  // Step 1. Locate the occurrences, in program order; the first decides where.
  assert(!exprs.empty());
  std::vector<StmtPath> order = all_stmt_paths(p);
  auto pos = [&](const Cursor& c) {
    for (size_t k = 0; k < order.size(); ++k)
      if (order[k] == c.path) return k;
    return order.size();
  };
  std::vector<Cursor> occ = exprs;
  std::stable_sort(occ.begin(), occ.end(), [&](const Cursor& a, const Cursor& b) {
    size_t x = pos(a), y = pos(b);
    return x != y ? x < y : a.expr_path < b.expr_path;
  });
  for (auto& c : occ)
    if (!c.is_expr() || !resolve_expr(p, c)) scheduling_error(prim, p, c, "expected an expression");
  Expr e = resolve_expr(p, occ[0]);
  if (e->type.is_tensor || !is_data_kind(e->type.base))
    scheduling_error(prim, p, occ[0], "expected a data expression, got '" + print_expr(e) + "'");
  // Only the occurrences of the first expression are bound (as in exo-lang,
  // whose users pass every match of a pattern like "y[_]" and bind the first
  // expression's copies).
  occ.erase(std::remove_if(occ.begin(), occ.end(), [&](const Cursor& c) { return !same_expr(resolve_expr(p, c), e); }),
            occ.end());
  // The binding goes into the deepest block holding every occurrence, before
  // the first of its statements that holds one.
  StmtPath sp = occ[0].path;
  size_t d = sp.size() - 1;
  for (auto& c : occ) {
    size_t m = 0;
    while (m < d && m + 1 < c.path.size() && c.path[m] == sp[m] && c.path[m + 1].orelse == sp[m + 1].orelse) ++m;
    d = std::min(d, m);
  }
  sp.resize(d + 1);
  for (auto& c : occ) sp[d].index = std::min(sp[d].index, c.path[d].index);
  const Block* blk = resolve_parent_block(p, sp);
  // The value must mean the same at the binding: no name it reads may be bound
  // (a loop variable, an allocation, a window) from there on.
  for (int k = sp[d].index; k < static_cast<int>(blk->size()); ++k)
    for_each_stmt({(*blk)[k]}, [&](const Stmt& t) {
      Sym bound;
      if (auto* f = t.as<ForNode>()) bound = f->iter;
      if (auto* a = t.as<AllocNode>()) bound = a->name;
      if (auto* w = t.as<WindowStmtNode>()) bound = w->name;
      if (bound.valid() && mentions(e, bound))
        scheduling_error(prim, p, occ[0],
                         "cannot bind '" + print_expr(e) + "' where every occurrence can see it: it uses '" +
                             bound.name() + "', bound after that point");
    });
  // Step 2. Check: nothing e reads is written between the binding and an occurrence.
  WindowAliases windows(p->body);
  ReadSet reads;
  {
    EffectSummary ef = effects_of(e, windows);
    for (auto& [b, as] : ef.reads) reads.bufs.insert(b);
    reads.cfgs = ef.cfg_reads;
  }
  for (auto& c : occ) {
    bool in_block = c.path.size() > d && same_prefix(c.path, sp, d) && c.path[d].orelse == sp[d].orelse &&
                    c.path[d].index >= sp[d].index;
    if (!in_block)
      scheduling_error(prim, p, c, "every occurrence must follow the first one in its block");
    int j = c.path[d].index;
    for (int k = sp[d].index; k <= j; ++k) {
      // The occurrence's own simple statement evaluates it before writing.
      if (k == j && c.path.size() == d + 1) break;
      std::string w = clobbers((*blk)[k], reads, windows);
      if (!w.empty())
        scheduling_error(prim, p, c,
                         "Unsafe to bind all: cannot bind '" + print_expr(e) + "' for this occurrence: " + w +
                             ", which it reads, is written in between");
    }
  }
  if (cse) {
    for (int k = sp[d].index; k < static_cast<int>(blk->size()); ++k) {
      StmtPath at = sp;
      at[d].index = k;
      const Stmt& s = (*blk)[k];
      bool simple = !s.as<ForNode>() && !s.as<IfNode>();
      bool writes = !clobbers(s, reads, windows).empty();
      if (writes && !simple) break;
      occurrences_in(s, at, e, occ);
      if (writes) break;
    }
  }
  // A narrow integer value computed in int must fit the new variable, or be
  // wrapped where its statement would wrap it anyway.
  if (std::string wrap = rewrite_detail::narrow_int_bind_failure(p, occ, e); !wrap.empty())
    scheduling_error(prim, p, occ[0],
                     "cannot bind '" + print_expr(e) + "' to a new " + std::string(scalar_kind_name(e->type.base)) +
                         " variable: " + wrap);
  // Step 3. Build: each occurrence reads the new scalar; bind it before the first.
  Sym x(new_name);
  SrcInfo si = resolve_stmt(p, occ[0])->srcinfo;
  Expr rd = make_expr<ReadNode>(x, std::vector<Expr>{}, Type::scalar(e->type.base), e->srcinfo);
  Proc q = p;
  std::set<std::pair<std::string, std::vector<int>>> done;
  for (auto& c : occ) {
    if (!done.insert({c.str(), c.expr_path}).second) continue;
    q = replace_expr(q, c, rd);
  }
  Block bind{make_stmt<AllocNode>(x, Type::scalar(e->type.base), dram(), si),
             make_stmt<AssignNode>(x, Type::scalar(e->type.base), std::vector<Expr>{}, e, si)};
  // Step 4. Insert before the first occurrence's statement.
  return splice_rewrite(q, sp, 0, bind);
}

Rewrite bind_expr(const Proc& p, const std::string& pattern, const std::string& new_name, bool cse) {
  std::vector<Cursor> found = match_pattern(p, pattern);
  if (found.empty()) scheduling_error("bind_expr", p, Cursor::invalid(), "find: failed to find matches: no expression matches '" + pattern + "'");
  return bind_expr(p, found, new_name, cse);
}

}  // namespace exo
