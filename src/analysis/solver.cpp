// prove(): slicing, the cheap prover, the answer cache, and Z3 (the only file
// that includes z3++.h).

#include "analysis/solver.h"

#include <z3++.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <limits>
#include <optional>
#include <unordered_map>

#include "analysis/lower.h"
#include "exo/analysis.h"
#include "exo/checked_int.h"

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

// Answers without Z3 for conjunctions of linear atoms (most of the queries the
// schedules send: "does this code run?", "can these two iterations meet?").
// Each variable's interval is narrowed from the atoms (sound bound propagation):
// an empty interval proves the query. Otherwise a few candidate points of the
// intervals are tried, and one that satisfies every atom is a counterexample:
// checked by evaluation, so exact. Anything else (disjunctions, products, no
// candidate fits) is left to Z3.
std::optional<ProofResult> decide_cheaply(const std::vector<Formula>& assumptions,
                                          const Formula& goal) {
  using i128 = __int128;
  constexpr long long kInf = std::numeric_limits<long long>::max();
  std::vector<const Affine*> atoms;  // each means `e >= 0`
  std::vector<Affine> negated;       // -e of each `e == 0` (pointed to once complete)
  std::map<Sym, bool> bools;
  bool contradiction = false;
  std::function<bool(const Formula&)> add = [&](const Formula& f) -> bool {
    switch (f->kind) {
      case FKind::True:
        return true;
      case FKind::False:
        contradiction = true;
        return true;
      case FKind::And:
        for (auto& a : f->args)
          if (!add(a)) return false;
        return true;
      case FKind::BoolVar:
      case FKind::NotVar: {
        auto [it, fresh] = bools.emplace(f->var, f->kind == FKind::BoolVar);
        if (!fresh && it->second != (f->kind == FKind::BoolVar)) contradiction = true;
        return true;
      }
      case FKind::Ge0:
      case FKind::Eq0:
        // Index arithmetic has small coefficients; stay far from overflow.
        if (std::llabs(f->e.constant) > (1LL << 40)) return false;
        for (auto& [x, c] : f->e.terms)
          if (std::llabs(c) > (1LL << 20)) return false;
        atoms.push_back(&f->e);
        if (f->kind == FKind::Eq0) negated.push_back(-f->e);
        return true;
      default:
        return false;
    }
  };
  for (auto& a : assumptions)
    if (!add(a)) return std::nullopt;
  Formula neg = f_not(goal);
  if (!add(neg)) return std::nullopt;
  for (auto& e : negated) atoms.push_back(&e);
  ProofResult r;
  if (contradiction) {
    r.answer = Answer::Yes;
    return r;
  }
  std::map<Sym, std::pair<long long, long long>> box;  // [lo, hi], kInf = unbounded
  for (auto* e : atoms)
    for (auto& [x, c] : e->terms) box.try_emplace(x, -kInf, kInf);
  // Propagate: for c*x + rest >= 0, c > 0 gives x >= ceil(-max(rest) / c) and
  // c < 0 gives x <= floor(max(rest) / -c), when max(rest) is finite.
  for (int round = 0; round < 4; ++round) {
    bool changed = false;
    for (auto* e : atoms) {
      for (auto& [x, c] : e->terms) {
        i128 rest = e->constant;
        bool finite = true;
        for (auto& [y, k] : e->terms) {
          if (y == x) continue;
          auto [lo, hi] = box[y];
          long long m = k > 0 ? hi : lo;
          if (m == kInf || m == -kInf) {
            finite = false;
            break;
          }
          rest += static_cast<i128>(k) * m;
        }
        if (!finite) continue;
        auto& [lo, hi] = box[x];
        // Bounds beyond the long long range are kept only where that weakens them.
        if (c > 0) {
          i128 bound = std::min<i128>(-floor_div<i128>(rest, c), kInf - 1);  // ceil(-rest / c)
          if (bound > -kInf && bound > lo) lo = static_cast<long long>(bound), changed = true;
        } else {
          i128 bound = std::max<i128>(floor_div(rest, -static_cast<i128>(c)), -kInf + 1);
          if (bound < kInf && bound < hi) hi = static_cast<long long>(bound), changed = true;
        }
        if (lo > hi) {
          r.answer = Answer::Yes;
          return r;
        }
      }
    }
    if (!changed) break;
  }
  // Candidates: every variable nearest zero, at its lower bound, at its upper bound.
  for (int pick = 0; pick < 3; ++pick) {
    std::map<Sym, long long> at;
    for (auto& [x, b] : box) {
      auto [lo, hi] = b;
      long long zero = lo > 0 ? lo : hi < 0 ? hi : 0;
      at[x] = pick == 0 ? zero : pick == 1 ? (lo != -kInf ? lo : zero) : (hi != kInf ? hi : zero);
    }
    bool fits = true;
    for (auto* e : atoms) {
      i128 v = e->constant;
      for (auto& [x, c] : e->terms) v += static_cast<i128>(c) * at[x];
      if (v < 0) {
        fits = false;
        break;
      }
    }
    if (!fits) continue;
    r.answer = Answer::No;
    for (auto& [x, v] : at)
      if (!Lowering::is_auxiliary(x)) r.counterexample.emplace_back(x, v);
    return r;
  }
  return std::nullopt;
}

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
  // A false assumption proves anything; it mentions no variable, so the slice
  // below (assumptions connected to the goal's variables) would drop it.
  for (auto& a : assumptions) {
    if (is_false(a)) {
      result.answer = Answer::Yes;
      return result;
    }
  }
  std::vector<Formula> used = slice(assumptions, goal);
  if (used.empty() && is_false(goal)) {
    result.answer = Answer::No;  // nothing left that could be contradictory
    return result;
  }
  if (prove_by_elimination(used, goal)) {
    result.answer = Answer::Yes;
    return result;
  }
  if (auto box = decide_cheaply(used, goal)) {
    std::sort(box->counterexample.begin(), box->counterexample.end(),
              [](auto& x, auto& y) { return x.first < y.first; });
    return *box;
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
