// prove(): slicing, the cheap prover, the answer cache, and Z3 (the only file
// that includes z3++.h).

#include "analysis/solver.h"

#include <z3++.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <unordered_map>

#include "analysis/lower.h"
#include "exo/analysis.h"

namespace exo::analysis {

namespace {

SolverStats g_stats;
unsigned g_timeout_ms = 5000;

struct CachedAnswer {
  Answer answer;
  std::vector<std::pair<std::string, long long>> model;  // canonical names
};
std::unordered_map<std::string, CachedAnswer> g_cache;

// Keep only the assumptions connected to the goal through shared variables: the
// others cannot help prove it (unless they are contradictory by themselves, in
// which case the code is unreachable and refusing it is harmless), and dropping
// them makes queries smaller and cache keys more reusable.
std::vector<Formula> slice(const std::vector<Formula>& assumptions, const Formula& goal) {
  std::set<Sym> vars;
  collect_vars(goal, vars);
  std::vector<std::set<Sym>> avars(assumptions.size());
  for (size_t i = 0; i < assumptions.size(); ++i) collect_vars(assumptions[i], avars[i]);
  if (vars.empty()) {
    // A constant goal asks whether the assumptions are contradictory. They are
    // iff one connected group of them is; a lone normalized atom (or definition)
    // always has a solution, so only groups of two or more are kept.
    std::vector<Formula> out;
    for (size_t i = 0; i < assumptions.size(); ++i) {
      bool shares = false;
      for (size_t j = 0; j < assumptions.size() && !shares; ++j) {
        if (j == i) continue;
        for (auto& v : avars[i])
          if (avars[j].count(v)) {
            shares = true;
            break;
          }
      }
      bool lone_atom = !shares && (assumptions[i]->kind == FKind::Ge0 || assumptions[i]->kind == FKind::Eq0 ||
                                   assumptions[i]->kind == FKind::BoolVar || assumptions[i]->kind == FKind::NotVar ||
                                   assumptions[i]->kind == FKind::ProdDef || is_true(assumptions[i]));
      if (!lone_atom) out.push_back(assumptions[i]);
    }
    return out;
  }
  std::vector<bool> taken(assumptions.size(), false);
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 0; i < assumptions.size(); ++i) {
      if (taken[i]) continue;
      bool touches = false;
      for (auto& v : avars[i])
        if (vars.count(v)) {
          touches = true;
          break;
        }
      if (!touches) continue;
      taken[i] = changed = true;
      vars.insert(avars[i].begin(), avars[i].end());
    }
  }
  std::vector<Formula> out;
  for (size_t i = 0; i < assumptions.size(); ++i)
    if (taken[i] && !is_true(assumptions[i])) out.push_back(assumptions[i]);
  return out;
}

class Z3Query {
 public:
  explicit Z3Query(z3::context& ctx) : ctx_(ctx) {}

  z3::expr affine(const Affine& a, const std::map<Sym, std::string>& names) {
    z3::expr sum = ctx_.int_val(static_cast<int64_t>(a.constant));
    for (auto& [s, c] : a.terms) sum = sum + ctx_.int_val(static_cast<int64_t>(c)) * int_var(names.at(s));
    return sum;
  }

  z3::expr formula(const Formula& f, const std::map<Sym, std::string>& names) {
    switch (f->kind) {
      case FKind::True: return ctx_.bool_val(true);
      case FKind::False: return ctx_.bool_val(false);
      case FKind::Ge0: return affine(f->e, names) >= 0;
      case FKind::Eq0: return affine(f->e, names) == 0;
      case FKind::BoolVar: return bool_var(names.at(f->var));
      case FKind::NotVar: return !bool_var(names.at(f->var));
      case FKind::ProdDef:
        return int_var(names.at(f->var)) == affine(f->e, names) * affine(f->e2, names);
      case FKind::And:
      case FKind::Or: {
        z3::expr_vector v(ctx_);
        for (auto& a : f->args) v.push_back(formula(a, names));
        return f->kind == FKind::And ? z3::mk_and(v) : z3::mk_or(v);
      }
    }
    return ctx_.bool_val(false);
  }

  z3::expr int_var(const std::string& n) {
    auto it = ints_.find(n);
    if (it == ints_.end()) it = ints_.emplace(n, ctx_.int_const(n.c_str())).first;
    return it->second;
  }
  z3::expr bool_var(const std::string& n) { return ctx_.bool_const(("b" + n).c_str()); }
  const std::map<std::string, z3::expr>& ints() const { return ints_; }

 private:
  z3::context& ctx_;
  std::map<std::string, z3::expr> ints_;
};

// Is (assumptions and not goal) unsatisfiable? Names are the canonical ones.
CachedAnswer run_z3(const std::vector<Formula>& assumptions, const Formula& goal,
                    const std::map<Sym, std::string>& names) {
  static z3::context ctx;
  ++g_stats.solver_calls;
  CachedAnswer out{Answer::Unknown, {}};
  try {
    // The plain SMT core: for these small linear queries, Z3's default solver
    // spends about 5 ms per query choosing and setting up its tactics; this one
    // answers in a fraction of a millisecond.
    z3::solver s(ctx, z3::solver::simple());
    z3::params p(ctx);
    p.set("timeout", g_timeout_ms);
    s.set(p);
    Z3Query q(ctx);
    for (auto& a : assumptions) s.add(q.formula(a, names));
    s.add(!q.formula(goal, names));
    switch (s.check()) {
      case z3::unsat: out.answer = Answer::Yes; break;
      case z3::sat: {
        out.answer = Answer::No;
        z3::model m = s.get_model();
        for (auto& [n, v] : q.ints()) {
          z3::expr val = m.eval(v, true);
          int64_t x = 0;
          if (val.is_numeral_i64(x)) out.model.emplace_back(n, x);
        }
        break;
      }
      case z3::unknown: out.answer = Answer::Unknown; break;
    }
  } catch (const z3::exception&) {
    out.answer = Answer::Unknown;
  }
  return out;
}

}  // namespace

void set_solver_timeout_ms(unsigned ms) { g_timeout_ms = ms; }

ProofResult prove(const std::vector<Formula>& assumptions, const Formula& goal) {
  ++g_stats.queries;
  ProofResult result;
  if (is_true(goal)) {
    result.answer = Answer::Yes;
    return result;
  }
  std::vector<Formula> used = slice(assumptions, goal);
  for (auto& a : used) {
    if (is_false(a)) {
      result.answer = Answer::Yes;
      return result;
    }
  }
  if (used.empty() && is_false(goal)) {
    result.answer = Answer::No;  // nothing left that could be contradictory
    return result;
  }
  if (prove_by_elimination(used, goal)) {
    result.answer = Answer::Yes;
    return result;
  }

  std::map<Sym, std::string> names;
  std::string key;
  for (auto& a : used) key += formula_key(a, names) + ";";
  key += "|-" + formula_key(goal, names);

  const CachedAnswer* answer = nullptr;
  auto it = g_cache.find(key);
  if (it != g_cache.end()) {
    ++g_stats.cache_hits;
    answer = &it->second;
  } else {
    auto t0 = std::chrono::steady_clock::now();
    answer = &g_cache.emplace(key, run_z3(used, goal, names)).first->second;
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    // EXO_SOLVER_TRACE=1 lists the queries that reach Z3, to find cheap-path gaps.
    static const bool trace = std::getenv("EXO_SOLVER_TRACE") != nullptr;
    if (trace) {
      std::string text;
      for (auto& a : used) text += formula_text(a) + "; ";
      std::fprintf(stderr, "[z3 %.2f ms] %s|- %s => %s\n", ms, text.c_str(),
                   formula_text(goal).c_str(),
                   answer->answer == Answer::Yes ? "yes" : answer->answer == Answer::No ? "no" : "unknown");
    }
  }

  result.answer = answer->answer;
  if (answer->answer == Answer::No) {
    std::map<std::string, Sym> back;
    for (auto& [s, n] : names) back.emplace(n, s);
    for (auto& [n, v] : answer->model) {
      auto b = back.find(n);
      if (b != back.end() && !Lowering::is_auxiliary(b->second)) result.counterexample.emplace_back(b->second, v);
    }
    std::sort(result.counterexample.begin(), result.counterexample.end(),
              [](auto& x, auto& y) { return x.first < y.first; });
  }
  return result;
}

Answer satisfiable(const std::vector<Formula>& assumptions) {
  ProofResult r = prove(assumptions, f_false());
  if (r.answer == Answer::Yes) return Answer::No;  // they imply False
  if (r.answer == Answer::No) return Answer::Yes;
  return Answer::Unknown;
}

}  // namespace exo::analysis

namespace exo {

SolverStats solver_stats() { return analysis::g_stats; }

}  // namespace exo
