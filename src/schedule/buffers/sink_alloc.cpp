// sink_alloc: move an allocation into the loop or if statement that follows it.
#include "exo/schedule/allocations.h"
#include "analysis/facts.h"
#include "exo/schedule/match.h"
#include "exo/printer.h"
#include "exo/schedule/loops.h"
#include "schedule/buffers/uses.h"
#include "schedule/buffers/accesses.h"
#include "schedule/loops/substitute.h"

namespace exo {
namespace {

using namespace buffers_detail;
using analysis::provable_at;

const char* kPrim = "sink_alloc";

// Whether statement `s` (run unconditionally before the read, in the same
// iteration of the loops enclosing both) overwrites the element `idx` of x that
// the statement at `read` accesses: an assignment x[e] = .. with e == idx, or a
// loop nest whose body assigns x over a box containing idx (each nest iterator
// j appears in one coordinate, as j + c).
bool overwrites(const Proc& p, const Stmt& s, const Sym& x, const std::vector<Expr>& idx,
                const StmtPath& read) {
  struct Loop {
    Sym iter;
    Expr lo, hi;
  };
  std::function<bool(const Stmt&, std::vector<Loop>&)> try_stmt = [&](const Stmt& t,
                                                                      std::vector<Loop>& nest) {
    if (auto* a = t.as<AssignNode>(); a && a->name == x && a->idx.size() == idx.size()) {
      std::vector<Expr> goals;
      std::vector<bool> used(nest.size(), false);
      for (size_t d = 0; d < idx.size(); ++d) {
        const Expr& e = a->idx[d];
        int which = -1;
        for (size_t k = 0; k < nest.size(); ++k)
          if (mentions(e, nest[k].iter)) {
            if (which >= 0 || used[k]) return false;
            which = static_cast<int>(k);
          }
        if (which < 0) {
          goals.push_back(binop(BinOpKind::Eq, idx[d], e));
          continue;
        }
        used[which] = true;
        const Loop& l = nest[which];
        Expr off = sub_index(e, read_var(l.iter, ScalarKind::Index));
        if (mentions(off, l.iter)) return false;
        goals.push_back(binop(BinOpKind::Le, add_index(l.lo, off), idx[d]));
        goals.push_back(binop(BinOpKind::Lt, idx[d], add_index(l.hi, off)));
      }
      return provable_at(p, read, all_of(goals));
    }
    auto* f = t.as<ForNode>();
    if (!f) return false;
    for (auto& l : nest)
      if (mentions(f->lo, l.iter) || mentions(f->hi, l.iter))
        return false;
    nest.push_back({f->iter, f->lo, f->hi});
    for (auto& b : f->body)
      if (try_stmt(b, nest)) return true;
    nest.pop_back();
    return false;
  };
  std::vector<Loop> nest;
  return try_stmt(s, nest);
}

// Refuses unless every read of x inside the loop at `loop` is preceded, in the
// same iteration, by a statement that overwrites the element read.
void check_not_live_across_iterations(const Proc& p, const StmtPath& loop, const Sym& x) {
  StmtPath first = loop;
  first.push_back(PathStep{false, 0});
  const size_t body_depth = first.size();
  for (auto& u : uses_from(p, first, x)) {
    if (u.path.size() < body_depth) break;  // past the loop
    Cursor at = Cursor::stmt(u.path);
    if (u.kind == BufUse::Window || u.kind == BufUse::WholeCall || u.kind == BufUse::Stride)
      scheduling_error(
          kPrim, p, at,
          "Cannot sink allocation '" + x.name() + "' into the loop: " + u.text +
              " may carry values between iterations (windows and calls are not analysed)");
    if (u.kind == BufUse::Write) continue;
    std::vector<Expr> idx;
    for (auto& w : u.coords) idx.push_back(w.lo);
    bool covered = false;
    // Earlier statements of every block from the loop body down to the read.
    for (size_t d = body_depth; d <= u.path.size() && !covered; ++d) {
      StmtPath anc(u.path.begin(), u.path.begin() + d);
      const Block* b = resolve_parent_block(p, anc);
      for (int k = 0; k < anc.back().index && !covered; ++k)
        covered = overwrites(p, (*b)[k], x, idx, u.path);
    }
    if (!covered)
      scheduling_error(
          kPrim, p, at,
          "Cannot sink allocation '" + x.name() + "' into the loop: " + u.text +
              " may read a value written in an earlier iteration (no earlier statement of this "
              "iteration provably overwrites it)");
  }
}

}  // namespace

Rewrite sink_alloc(const Proc& p, const Cursor& c) {
  // Step 1. Locate the allocation and the loop or if right after it.
  const AllocNode* a = locate_alloc(kPrim, p, c);
  const StmtPath ap = c.path;
  const Block* parent = resolve_parent_block(p, ap);
  const int i = ap.back().index;
  StmtPath sp = ap;
  sp.back().index = i + 1;
  Stmt scope = i + 1 < static_cast<int>(parent->size()) ? (*parent)[i + 1] : Stmt();
  if (!scope || (!scope.as<ForNode>() && !scope.as<IfNode>()))
    argument_error(kPrim, 1, "alloc_cursor",
                   "Cannot sink allocation '" + a->name.name() +
                       "': the statement after it is not a loop or an if statement");
  // Step 2. Check: x is not used after that statement, and no iteration of a
  // loop reads what an earlier one wrote.
  StmtPath after = sp;
  after.back().index = i + 2;
  std::vector<BufUse> later = uses_from(p, after, a->name);
  for (auto& u : later)
    if (u.path.size() >= after.size())
      scheduling_error(kPrim, p, Cursor::stmt(u.path),
                       "Cannot sink allocation '" + a->name.name() + "': it is used after the " +
                           (scope.as<ForNode>() ? "loop" : "if statement") + " (" + u.text + ")");
  if (scope.as<ForNode>()) check_not_live_across_iterations(p, sp, a->name);

  // Step 3. Build: the allocation opens the body (and, renamed, the else branch).
  Stmt alloc = (*parent)[i];
  Stmt moved;
  bool into_else = false;
  if (auto* f = scope.as<ForNode>()) {
    Block b = f->body;
    b.insert(b.begin(), alloc);
    moved = with_block(scope, false, b);
  } else {
    auto* s = scope.as<IfNode>();
    Block b = s->body;
    b.insert(b.begin(), alloc);
    moved = with_block(scope, false, b);
    if (!s->orelse.empty()) {
      into_else = true;
      Sym copy = a->name.copy();
      rewrite_detail::Subst rn;
      rn.renames[a->name] = copy;
      Block e = rn.mutate_block(s->orelse);
      e.insert(e.begin(), make_stmt<AllocNode>(copy, a->type, a->mem, a->srcinfo));
      moved = with_block(moved, true, e);
    }
  }
  Proc q = splice_block(p, ap, 2, {moved});

  // Step 4. Forwarding: the allocation moves into the body; the statement and
  // everything after it shift up by one; its blocks gain a leading statement.
  const size_t n = ap.size();
  Forward fwd = [=](const Cursor& k) -> Cursor {
    if (!k.valid() || k.path.size() < n) return k;
    for (size_t d = 0; d + 1 < n; ++d)
      if (!(k.path[d] == ap[d])) return k;
    if (k.path[n - 1].orelse != ap[n - 1].orelse) return k;
    Cursor r = k;
    int idx = k.path[n - 1].index;
    if (idx == i) {
      if (k.is_stmt() && k.path.size() == n) {
        StmtPath np = ap;
        np.push_back(PathStep{false, 0});
        return Cursor::stmt(np);
      }
      if (!(k.is_block() && k.path.size() == n)) return Cursor::invalid();
      r.count = std::max(0, r.count - 1);  // a block starting at the allocation
      return r.count > 0 ? r : Cursor::invalid();
    }
    if (idx < i) {
      if (k.is_block() && k.path.size() == n && idx + k.count > i) r.count -= 1;
      return r;
    }
    r.path[n - 1].index = idx - 1;
    if (idx == i + 1 && k.path.size() > n && (!k.path[n].orelse || into_else)) r.path[n].index += 1;
    return r;
  };
  return Rewrite{q, fwd};
}

}  // namespace exo
