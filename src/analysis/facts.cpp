// Facts at a statement and proofs from them (analysis/facts.h).
#include "analysis/facts.h"

#include <map>
#include <optional>

#include "exo/effects.h"
#include "exo/ir_mutator.h"

namespace exo::analysis {

bool reads_config(const Expr& e) {
  struct Finder : IRVisitor {
    using IRVisitor::visit;
    bool found = false;
    void visit(const ReadConfigNode&) override { found = true; }
  } finder;
  finder.visit(e);
  return finder.found;
}

std::vector<Formula> facts_at(const Proc& p, const std::vector<StmtPathStep>& path, Lowering& L) {
  std::vector<Formula> facts = proc_facts(p, L);
  // A config field written between a fact and the statement (by an earlier
  // statement of an enclosing block, or in an enclosing loop's body) is a new
  // unknown at the statement. That only matters once some fact reads a config
  // field (before, the old and the new unknown are equally unconstrained), and
  // collecting the effects of every earlier statement for every query is
  // costly: it is skipped until then.
  bool facts_read_config = false;
  auto note_fact = [&](const Expr& e) {
    if (!facts_read_config) facts_read_config = reads_config(e);
  };
  for (auto& pr : p->preds) note_fact(pr);
  auto forget_config_writes = [&](const Stmt& s) {
    if (!facts_read_config) return;
    for (auto& [cfg, field] : effects_of(s, WindowAliases()).cfg_writes) L.invalidate_config(cfg, field);
  };
  const Block* b = &p->body;
  for (size_t k = 0; k < path.size() && b; ++k) {
    int i = path[k].index;
    for (int j = 0; j < i && j < static_cast<int>(b->size()); ++j) forget_config_writes((*b)[j]);
    if (k + 1 == path.size() || i >= static_cast<int>(b->size())) break;
    const Stmt& s = (*b)[i];
    if (auto* f = s.as<ForNode>()) {
      Affine it = Affine::var(f->iter);
      facts.push_back(f_ge(it, L.affine(f->lo)));
      facts.push_back(f_lt(it, L.affine(f->hi)));
      note_fact(f->lo);
      note_fact(f->hi);
      forget_config_writes(s);  // earlier iterations ran the whole body
      b = &f->body;
    } else if (auto* c = s.as<IfNode>()) {
      bool orelse = path[k + 1].orelse;
      Formula cond = L.formula(c->cond);
      facts.push_back(orelse ? f_not(cond) : cond);
      note_fact(c->cond);
      b = orelse ? &c->orelse : &c->body;
    } else {
      b = nullptr;  // a path does not go through other statements
    }
  }
  return facts;
}

bool implied_at(const Proc& p, const std::vector<StmtPathStep>& path, const Expr& goal, bool negate) {
  Lowering L;
  std::vector<Formula> assume = facts_at(p, path, L);
  Formula g = L.formula(goal);
  if (negate) g = f_not(g);
  return implies(assume, g, L);
}

namespace {

// A goal without variables is decided by arithmetic: in code that never runs (a
// loop of no iterations, a false guard) the facts imply anything, and a rewrite
// accepted there on that ground can produce a proc that no longer checks.
std::optional<bool> constant_goal(const Expr& goal) {
  Expr g = fold_constants(goal);
  if (auto* c = g.as<ConstNode>()) return !c->is_zero();
  return std::nullopt;
}

}  // namespace

bool provable_at(const Proc& p, const std::vector<StmtPathStep>& path, const Expr& goal) {
  if (auto v = constant_goal(goal)) return *v;
  return implied_at(p, path, goal, false);
}

bool refutable_at(const Proc& p, const std::vector<StmtPathStep>& path, const Expr& goal) {
  if (auto v = constant_goal(goal)) return !*v;
  return implied_at(p, path, goal, true);
}

}  // namespace exo::analysis
