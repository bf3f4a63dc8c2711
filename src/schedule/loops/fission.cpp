// fission_after: split the loops (and if bodies) enclosing a statement right
// after it. Step 1 locate, Step 2 check, Step 3 build, Step 4 replace + forward,
// once per lifted level.
#include <algorithm>
#include <cassert>

#include "exo/schedule/match.h"
#include "exo/printer.h"
#include "exo/schedule/loops.h"
#include "schedule/loops/dependence.h"
#include "schedule/loops/substitute.h"

namespace exo {
namespace {

bool has_prefix(const StmtPath& path, const StmtPath& prefix) {
  return path.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}

// Forwarding when the statement at `sp` is replaced by two copies, the first
// keeping its body's statements [0, g) and the second getting [g, ...).
// Cursors after a fission of the statement at `sp` at position `g` of its body
// (of its else branch when `in_else`): what precedes the split (and the split
// gap) stays in the first copy, the rest moves to the second.
Forward forward_fission(const StmtPath& sp, int g, bool in_else) {
  Forward rest = forward_splice(sp, 1, 2);
  const size_t d = sp.size() - 1;
  return [=](const Cursor& c) -> Cursor {
    if (!c.valid() || !has_prefix(c.path, sp)) return rest(c);
    if (c.path.size() == sp.size())
      return c.is_gap() ? rest(c) : c;  // the statement: its first part
    // The split point itself (a gap at g) stays at the end of the first copy,
    // as the reference forwards it.
    const bool before_split = c.path[d + 1].index < g || (c.is_gap() && c.path.size() == d + 2 && c.path[d + 1].index == g);
    if (c.path[d + 1].orelse != in_else || before_split) {
      // A block reaching across the split point would be cut in two.
      if (c.is_block() && c.path.size() == d + 2 && c.path[d + 1].orelse == in_else &&
          c.path[d + 1].index + c.count > g)
        return Cursor::invalid();
      return c;
    }
    Cursor r = c;
    r.path[d].index += 1;
    r.path[d + 1].index -= g;
    return r;
  };
}

std::string scope_name(const Stmt& s) {
  if (auto* f = s.as<ForNode>()) return "loop '" + f->iter.name() + "'";
  return "if '" + print_expr(s.as<IfNode>()->cond) + "'";
}

// Whether the part before the split point does the same thing in every iteration
// of the loop over `iter`: it does not mention `iter`, does not reduce, and reads
// nothing it writes (the rest of what it reads, the second part must not write:
// the conflict check covers that). The reference's fission accepts such a first
// part (a loop-invariant setup such as `two[ii] = 2.0`) even though a later
// iteration writes what an earlier one read.
bool first_is_invariant(const Block& before, const std::vector<Access>& first, const Sym& iter) {
  if (rewrite_detail::names_used(before).count(iter)) return false;
  for (auto& a : first) {
    if (a.kind == EffectKind::Reduce) return false;
    if (a.kind != EffectKind::Write) continue;
    for (auto& b : first)
      if (b.kind == EffectKind::Read && b.buffer == a.buffer && b.config == a.config &&
          b.field == a.field)
        return false;
  }
  return true;
}

}  // namespace

Rewrite fission_after(const Proc& p, const Cursor& stmt, int n_lifts) {
  const char* prim = "fission_after";
  assert(n_lifts > 0);  // arguments are checked by the primitive records
  if (!stmt.is_stmt()) scheduling_error(prim, p, stmt, "expected a single statement");
  Rewrite r{p, identity_forward()};
  // The split point: a gap in the body of the statement enclosing it.
  Cursor gap = after(stmt);
  for (int level = 0; level < n_lifts; ++level) {
    const Proc& q = r.proc;
    // Step 1. Locate the enclosing scope.
    Cursor scope = parent(gap);
    if (!scope.valid())
      scheduling_error(prim, q, stmt,
                       "Can only lift past a for loop or if: cannot lift the split " + std::to_string(n_lifts) + " level(s): only " +
                           std::to_string(level) + " statement(s) enclose it");
    Stmt s = resolve_stmt(q, scope);
    // In an else branch, the first copy keeps the whole then-branch and the
    // else part before the split; the second copy keeps the rest of it.
    const bool in_else = gap.path.back().orelse;
    const Block& body = s->kind == StmtKind::For ? s.as<ForNode>()->body
                        : in_else              ? s.as<IfNode>()->orelse
                                               : s.as<IfNode>()->body;
    int g = gap.index();
    Block before(body.begin(), body.begin() + g), after_part(body.begin() + g, body.end());
    // A level with nothing on one side only moves the split point out.
    if (before.empty() || after_part.empty()) {
      gap = before.empty() ? exo::before(scope) : exo::after(scope);
      continue;
    }
    // Step 2. Check: declarations stay with their uses.
    std::set<Sym> used_after = rewrite_detail::names_used(after_part);
    for (auto& name : rewrite_detail::declared_names(before))
      if (used_after.count(name))
        scheduling_error(prim, q, scope,
                         "cannot fission " + scope_name(s) + ": '" + name.name() +
                             "' is declared before the split point and used after it (lift the "
                             "allocation first). Will not fission here");
    std::vector<Expr> reread;  // expressions the second copy evaluates again
    if (auto* f = s.as<ForNode>())
      reread = {f->lo, f->hi};
    else
      reread = {s.as<IfNode>()->cond};
    Block first_copy = before;  // what runs before the condition is read again
    if (in_else) first_copy.insert(first_copy.begin(), s.as<IfNode>()->body.begin(), s.as<IfNode>()->body.end());
    std::string clash = rewrite_detail::config_clash(reread, first_copy);
    if (!clash.empty())
      scheduling_error(
          prim, q, scope,
          "cannot fission " + scope_name(s) +
              ": the part before the split point writes config field '" + clash + "', which " +
              (s->kind == StmtKind::For ? "the loop bounds read" : "the condition reads"));
    if (auto* f = s.as<ForNode>()) {
      // After the split, the second part at iteration i runs after the first part
      // at every later iteration j: those pairs must not conflict.
      size_t depth = rewrite_detail::loop_depth(q, scope.path);
      auto first = rewrite_detail::accesses_of(q, before);
      auto second = rewrite_detail::accesses_of(q, after_part);
      std::optional<rewrite_detail::Conflict> cf;
      if (first_is_invariant(before, first, f->iter)) {
        // Every iteration of the first part stores the same values in the same
        // places, so a later iteration's write only repeats what the second part
        // already read: only the second part's writes must stay clear of it.
        std::vector<Access> first_reads, first_writes, second_writes;
        for (auto& a : first)
          (a.kind == EffectKind::Write ? first_writes : first_reads).push_back(a);
        for (auto& b : second)
          if (b.kind != EffectKind::Read) second_writes.push_back(b);
        cf = rewrite_detail::later_iteration_conflict(q, first_reads, second, depth);
        if (!cf)
          cf = rewrite_detail::later_iteration_conflict(q, first_writes, second_writes, depth);
      } else {
        cf = rewrite_detail::later_iteration_conflict(q, first, second, depth);
      }
      if (cf)
        scheduling_error(prim, q, scope,
                         "Cannot fission loop '" + f->iter.name() + "': the " +
                             rewrite_detail::access_text(cf->earlier) +
                             " after the split point in one iteration and the " +
                             rewrite_detail::access_text(cf->later) +
                             " before it in a later iteration may touch the same location of '" +
                             cf->later.location_name() + "', and fission would swap them");
    }
    // Step 3. Build two copies of the scope.
    Stmt s1, s2;
    if (auto* f = s.as<ForNode>()) {
      s1 = make_stmt<ForNode>(f->iter, f->lo, f->hi, before, f->mode, f->srcinfo);
      s2 = make_stmt<ForNode>(f->iter, f->lo, f->hi, after_part, f->mode, f->srcinfo);
    } else {
      auto* i = s.as<IfNode>();
      if (in_else) {
        s1 = make_stmt<IfNode>(i->cond, i->body, before, i->srcinfo);
        s2 = make_stmt<IfNode>(i->cond, Block{make_stmt<PassNode>(i->srcinfo)}, after_part, i->srcinfo);
      } else {
        s1 = make_stmt<IfNode>(i->cond, before, Block{}, i->srcinfo);
        s2 = make_stmt<IfNode>(i->cond, after_part, i->orelse, i->srcinfo);
      }
    }
    // Step 4. Replace; the split point is now between the copies.
    Forward fwd = forward_fission(scope.path, g, in_else);
    r = Rewrite{splice_block(q, scope.path, 1, {s1, s2}), compose(r.forward, fwd)};
    gap = exo::after(scope);
  }
  return r;
}

}  // namespace exo
