// Cross-iteration conflicts of accesses: parallel loops, fission and fusion.
#include "analysis/iteration_conflicts.h"

#include <functional>
#include <map>
#include <set>

#include "analysis/effects_formula.h"
#include "analysis/solver.h"
#include "exo/analysis.h"
#include "exo/error.h"
#include "exo/ir_mutator.h"
#include "exo/printer.h"

namespace exo::analysis {
namespace {

// Replaces the variables of `env` (reads without indices) by expressions.
class ReplaceVars : public IRMutator {
 public:
  std::map<Sym, Expr> env;
  Expr mutate(const Expr& e) override {
    if (auto* r = e.as<ReadNode>(); r && r->idx.empty()) {
      auto it = env.find(r->name);
      if (it != env.end()) return it->second;
    }
    return mutate_children(e);
  }
};

// A copy of `a` whose loops at depth >= `depth` get fresh iterators (tagged for
// readable solver queries), so two accesses range over independent iterations.
exo::Access separate_iterations(const exo::Access& a, size_t depth, const std::string& tag) {
  ReplaceVars s;
  exo::Access out = a;
  for (size_t k = depth; k < a.loops.size(); ++k) {
    Sym fresh(a.loops[k].iter.name() + tag);
    s.env[a.loops[k].iter] = read_var(fresh, ScalarKind::Index);
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

std::vector<Formula> proc_facts(const Proc& p, Lowering& L) {
  std::vector<Formula> out;
  for (auto& a : p->args)
    if (!a.type.is_tensor && a.type.base == ScalarKind::Size) out.push_back(f_ge(Affine::var(a.name), Affine(1)));
  for (auto& pr : p->preds) out.push_back(L.formula(pr));
  return out;
}

bool implies(std::vector<Formula> facts, const Formula& goal, Lowering& L) {
  std::vector<Formula> all = facts;
  all.push_back(goal);
  for (auto& d : L.definitions_for(all)) facts.push_back(d);
  return prove(facts, goal).answer == Answer::Yes;
}

std::vector<exo::Access> accesses_of(const Proc& p, const Block& stmts) {
  std::vector<exo::Access> out;
  for (auto& s : stmts) {
    std::vector<exo::Access> a = stmt_effects(p, s);
    out.insert(out.end(), a.begin(), a.end());
  }
  return out;
}

std::optional<Conflict> later_iteration_conflict(const Proc& p, const std::vector<exo::Access>& first,
                                                 const std::vector<exo::Access>& second, size_t depth,
                                                 bool reductions_commute) {
  for (auto& a : first)
    for (auto& b : second) {
      if (a.kind == EffectKind::Read && b.kind == EffectKind::Read) continue;
      if (reductions_commute && a.kind == EffectKind::Reduce && b.kind == EffectKind::Reduce) continue;
      if (!same_storage(a, b)) continue;
      Lowering L;
      exo::Access la = separate_iterations(a, depth, "_later"), eb = separate_iterations(b, depth, "_earlier");
      std::vector<Formula> assume = proc_facts(p, L);
      assume.push_back(access_domain(la, L));
      assume.push_back(access_domain(eb, L));
      if (la.loops.size() > depth && eb.loops.size() > depth)
        assume.push_back(f_lt(Affine::var(eb.loops[depth].iter), Affine::var(la.loops[depth].iter)));
      Formula goal = f_not(same_location(la, eb, L));
      if (!implies(assume, goal, L)) return Conflict{b, a};
    }
  return std::nullopt;
}

std::optional<Conflict> parallel_iteration_conflict(const Proc& p, const ForNode& loop, size_t depth) {
  std::set<Sym> priv;
  for_each_stmt(loop.body, [&](const Stmt& s) {
    if (auto* a = s.as<AllocNode>()) priv.insert(a->name);
  });
  // Calls count by the storage they are passed, not by their callee's every
  // access: as precise for callees that work on their own windows, and a few
  // accesses per call for the large scheduled kernels par loops call.
  std::vector<exo::Access> acc;
  for (auto& s : loop.body)
    for (auto& a : stmt_footprint(p, s))
      if (a.is_config() || !priv.count(a.buffer)) acc.push_back(a);
  return later_iteration_conflict(p, acc, acc, depth, false);
}

void require_race_free(const Proc& p, const ForNode& loop, size_t depth, const SrcInfo& where) {
  auto cf = parallel_iteration_conflict(p, loop, depth);
  if (!cf) return;
  EXO_FAIL(ErrorKind::Type, where,
           "parallel loop's body is not parallelizable because of potential data races: par loop '"
               << loop.iter.name() << "' over par(" << print_expr(loop.lo) << ", " << print_expr(loop.hi)
                        << ") may race: " << race_text(*cf)
                        << " (iterations of a par loop run concurrently; make it a seq loop)");
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

std::string race_text(const Conflict& c) {
  return "the " + access_text(c.earlier) + " in one iteration and the " + access_text(c.later) +
         " in another may touch the same location of '" + c.later.location_name() + "'";
}

}  // namespace exo::analysis

namespace exo {

void check_par_loops(const Proc& p) {
  if (!p) return;
  std::function<void(const Block&, size_t)> walk = [&](const Block& b, size_t depth) {
    for (auto& s : b) {
      if (auto* f = s.as<ForNode>()) {
        if (f->mode == LoopMode::Par) analysis::require_race_free(p, *f, depth, s->srcinfo);
        walk(f->body, depth + 1);
      } else if (auto* c = s.as<IfNode>()) {
        walk(c->body, depth);
        walk(c->orelse, depth);
      }
    }
  };
  walk(p->body, 0);
}

}  // namespace exo
