// fission_after: split the loops (and if bodies) enclosing a statement right
// after it. Step 1 locate, Step 2 check, Step 3 build, Step 4 replace + forward,
// once per lifted level.
#include <algorithm>
#include <set>
#include <tuple>

#include "exo/ir_mutator.h"
#include "exo/match.h"
#include "exo/printer.h"
#include "exo/scheduling.h"
#include "rewrite/dependence.h"
#include "rewrite/loops_util.h"

namespace exo {
namespace {

bool has_prefix(const StmtPath& path, const StmtPath& prefix) {
  return path.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}

// Forwarding when the statement at `sp` is replaced by two copies, the first
// keeping its body's statements [0, g) and the second getting [g, ...).
Forward forward_fission(const StmtPath& sp, int g) {
  Forward rest = forward_splice(sp, 1, 2);
  const size_t d = sp.size() - 1;
  return [=](const Cursor& c) -> Cursor {
    if (!c.valid() || !has_prefix(c.path, sp)) return rest(c);
    if (c.path.size() == sp.size())
      return c.is_gap() ? rest(c) : c;  // the statement: its first part
    if (c.path[d + 1].orelse || c.path[d + 1].index < g) {
      // A block reaching across the split point would be cut in two.
      if (c.is_block() && c.path.size() == d + 2 && !c.path[d + 1].orelse &&
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

// When the part before the split point ignores the loop iterator and is
// idempotent (it reads nothing it writes and reduces into nothing declared
// outside it), every copy of it computes the same values: running it n times
// up front equals interleaving it with the part after, provided the part after
// writes nothing the part before reads or writes. This is how a broadcast
// shared by the iterations of a loop is hoisted out of it.
bool invariant_idempotent_prefix(const ForNode& f, const Block& before,
                                 const std::vector<Access>& first,
                                 const std::vector<Access>& second) {
  bool uses_iter = false;
  for_each_expr(before, [&](const Expr& e) {
    if (auto* r = e.as<ReadNode>(); r && r->name == f.iter) uses_iter = true;
  });
  if (uses_iter) return false;
  std::set<Sym> private_bufs;
  for_each_stmt(before, [&](const Stmt& s) {
    if (auto* a = s.as<AllocNode>()) private_bufs.insert(a->name);
  });
  // Locations by storage: a buffer, or a config field.
  using Key = std::tuple<const Config*, std::string, Sym>;
  auto key = [](const Access& a) {
    return a.is_config() ? Key{a.config.get(), a.field, Sym()} : Key{nullptr, "", a.buffer};
  };
  std::set<Key> read, written;
  for (auto& a : first) {
    if (!a.is_config() && private_bufs.count(a.buffer)) continue;
    if (a.kind == EffectKind::Reduce) return false;
    (a.kind == EffectKind::Read ? read : written).insert(key(a));
  }
  for (auto& k : read)
    if (written.count(k)) return false;
  for (auto& a : second)
    if (a.kind != EffectKind::Read && (read.count(key(a)) || written.count(key(a)))) return false;
  return true;
}

std::string scope_name(const Stmt& s) {
  if (auto* f = s.as<ForNode>()) return "loop '" + f->iter.name() + "'";
  return "if '" + print_expr(s.as<IfNode>()->cond) + "'";
}

}  // namespace

Rewrite fission_after(const Proc& p, const Cursor& stmt, int n_lifts) {
  const char* prim = "fission_after";
  check_positive_int(prim, 2, "n_lifts", n_lifts);
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
                       "cannot lift the split " + std::to_string(n_lifts) + " level(s): only " +
                           std::to_string(level) + " statement(s) enclose it");
    Stmt s = resolve_stmt(q, scope);
    if (gap.path.back().orelse)
      scheduling_error(prim, q, scope,
                       "the split point is in the else branch of " + scope_name(s) +
                           "; only loop and if bodies can be split");
    const Block& body = s->kind == StmtKind::For ? s.as<ForNode>()->body : s.as<IfNode>()->body;
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
                             "allocation first)");
    auto writes = rewrite_detail::config_writes(before);
    std::vector<Expr> reread;  // expressions the second copy evaluates again
    if (auto* f = s.as<ForNode>())
      reread = {f->lo, f->hi};
    else
      reread = {s.as<IfNode>()->cond};
    for (auto& e : reread)
      for (auto& c : rewrite_detail::config_reads(e))
        if (writes.count(c))
          scheduling_error(
              prim, q, scope,
              "cannot fission " + scope_name(s) +
                  ": the part before the split point writes config field '" + c.second +
                  "', which " +
                  (s->kind == StmtKind::For ? "the loop bounds read" : "the condition reads"));
    if (auto* f = s.as<ForNode>()) {
      // After the split, the second part at iteration i runs after the first part
      // at every later iteration j: those pairs must not conflict.
      size_t depth = rewrite_detail::loop_depth(q, scope.path);
      auto first = rewrite_detail::accesses_of(q, before);
      auto second = rewrite_detail::accesses_of(q, after_part);
      auto cf = rewrite_detail::later_iteration_conflict(q, first, second, depth);
      if (cf && !invariant_idempotent_prefix(*f, before, first, second))
        scheduling_error(prim, q, scope,
                         "cannot fission loop '" + f->iter.name() + "': the " +
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
      s1 = make_stmt<IfNode>(i->cond, before, Block{}, i->srcinfo);
      s2 = make_stmt<IfNode>(i->cond, after_part, i->orelse, i->srcinfo);
    }
    // Step 4. Replace; the split point is now between the copies.
    Forward fwd = forward_fission(scope.path, g);
    r = Rewrite{splice_block(q, scope.path, 1, {s1, s2}), compose(r.forward, fwd)};
    gap = exo::after(scope);
  }
  return r;
}

Rewrite fission_after(const Proc& p, const std::string& stmt, int n_lifts) {
  return fission_after(p, find_stmt(p, stmt), n_lifts);
}

}  // namespace exo
