// Cross-iteration dependence checks shared by fission and fusion.
#include "rewrite/dependence.h"

#include <map>

#include "analysis/effects_formula.h"
#include "analysis/lower.h"
#include "analysis/solver.h"
#include "exo/cursor.h"
#include "exo/ir_mutator.h"
#include "exo/printer.h"
#include "rewrite/loops_util.h"
#include "rewrite/proc_facts.h"

namespace exo::rewrite_detail {
namespace {

using analysis::Formula;

// A copy of `a` whose loops at depth >= `depth` get fresh iterators (tagged for
// readable solver queries), so two accesses range over independent iterations.
exo::Access separate_iterations(const exo::Access& a, size_t depth, const std::string& tag) {
  Subst s;
  exo::Access out = a;
  for (size_t k = depth; k < a.loops.size(); ++k) {
    Sym fresh(a.loops[k].iter.name() + tag);
    s.exprs[a.loops[k].iter] = read_var(fresh, ScalarKind::Index);
    out.loops[k].iter = fresh;
  }
  for (auto& l : out.loops) {
    l.lo = s.mutate(l.lo);
    l.hi = s.mutate(l.hi);
  }
  for (auto& c : out.conds) c.cond = s.mutate(c.cond);
  for (auto& i : out.idx) i = s.mutate(i);
  return out;
}

bool same_storage(const exo::Access& a, const exo::Access& b) {
  if (a.is_config() != b.is_config()) return false;
  if (a.is_config()) return a.config == b.config && a.field == b.field;
  return a.buffer == b.buffer;
}

}  // namespace

std::vector<exo::Access> accesses_of(const Proc& p, const Block& stmts) {
  std::vector<exo::Access> out;
  for (auto& s : stmts) {
    std::vector<exo::Access> a = stmt_effects(p, s);
    out.insert(out.end(), a.begin(), a.end());
  }
  return out;
}

std::optional<Conflict> later_iteration_conflict(const Proc& p,
                                                 const std::vector<exo::Access>& first,
                                                 const std::vector<exo::Access>& second,
                                                 size_t depth, bool reductions_commute) {
  using namespace analysis;
  for (auto& a : first)
    for (auto& b : second) {
      if (a.kind == EffectKind::Read && b.kind == EffectKind::Read) continue;
      if (reductions_commute && a.kind == EffectKind::Reduce && b.kind == EffectKind::Reduce)
        continue;
      if (!same_storage(a, b)) continue;
      Lowering L;
      exo::Access la = separate_iterations(a, depth, "_later"),
                  eb = separate_iterations(b, depth, "_earlier");
      std::vector<Formula> assume = proc_facts(p, L);
      assume.push_back(access_domain(la, L));
      assume.push_back(access_domain(eb, L));
      if (la.loops.size() > depth && eb.loops.size() > depth)
        assume.push_back(
            f_lt(Affine::var(eb.loops[depth].iter), Affine::var(la.loops[depth].iter)));
      Formula goal = f_not(same_location(la, eb, L));
      if (!implies(assume, goal, L)) return Conflict{b, a};
    }
  return std::nullopt;
}

std::string access_text(const exo::Access& a) {
  std::string s = std::string(effect_kind_name(a.kind)) + " " + a.location_name();
  if (!a.idx.empty()) {
    s += "[";
    for (size_t k = 0; k < a.idx.size(); ++k) s += (k ? ", " : "") + print_expr(a.idx[k]);
    s += "]";
  }
  return s;
}

size_t loop_depth(const Proc& p, const StmtPath& path) {
  size_t n = 0;
  for (size_t k = 1; k < path.size(); ++k)
    if (resolve_stmt(p, StmtPath(path.begin(), path.begin() + k))->kind == StmtKind::For) ++n;
  return n;
}

std::set<Sym> names_used(const Block& b) {
  std::set<Sym> out;
  for_each_expr(b, [&](const Expr& e) {
    if (auto* r = e.as<ReadNode>()) out.insert(r->name);
    if (auto* w = e.as<WindowExprNode>()) out.insert(w->name);
    if (auto* s = e.as<StrideExprNode>()) out.insert(s->name);
  });
  for_each_stmt(b, [&](const Stmt& s) {
    if (auto* a = s.as<AssignNode>()) out.insert(a->name);
    if (auto* r = s.as<ReduceNode>()) out.insert(r->name);
  });
  return out;
}

std::vector<Sym> declared_names(const Block& b) {
  std::vector<Sym> out;
  for (auto& s : b) {
    if (auto* a = s.as<AllocNode>()) out.push_back(a->name);
    if (auto* w = s.as<WindowStmtNode>()) out.push_back(w->name);
  }
  return out;
}

std::set<Sym> allocations_in(const Block& b) {
  std::set<Sym> out;
  for_each_stmt(b, [&](const Stmt& s) {
    if (auto* a = s.as<AllocNode>()) out.insert(a->name);
  });
  return out;
}

std::string declared_and_used_after(const Proc& p, const StmtPath& first, int count) {
  const Block* parent = resolve_parent_block(p, first);
  int i = first.back().index;
  Block inside(parent->begin() + i, parent->begin() + i + count);
  Block rest(parent->begin() + i + count, parent->end());
  std::set<Sym> used = names_used(rest);
  for (auto& d : declared_names(inside))
    if (used.count(d)) return d.name();
  return "";
}

std::set<std::pair<const Config*, std::string>> config_reads(const Expr& e) {
  std::set<std::pair<const Config*, std::string>> out;
  std::function<void(const Expr&)> scan = [&](const Expr& x) {
    if (auto* r = x.as<ReadConfigNode>()) out.insert({r->config.get(), r->field});
    for (auto& k : expr_children(x)) scan(k);
  };
  scan(e);
  return out;
}

std::set<std::pair<const Config*, std::string>> config_writes(const Block& b) {
  std::set<std::pair<const Config*, std::string>> out;
  for (auto& a : block_effects(b))
    if (a.is_config() && a.kind == EffectKind::Write) out.insert({a.config.get(), a.field});
  return out;
}

std::string config_clash(const std::vector<Expr>& es, const Block& body) {
  auto writes = config_writes(body);
  for (auto& e : es)
    for (auto& c : config_reads(e))
      if (writes.count(c)) return c.second;
  return "";
}

}  // namespace exo::rewrite_detail
