// The cheap prover: Fourier-Motzkin style bound elimination on a single goal.
//
// To show g >= 0, pick a variable v of g with coefficient c and an assumption atom
// a >= 0 whose coefficient of v has the same sign; then |a_v|*g - |c|*a has no v,
// and proving it >= 0 proves g >= 0 (because a >= 0). Repeating until g is a
// constant proves the goal when the constant is non-negative. Loop ranges give
// exactly such atoms (i - lo >= 0, hi - 1 - i >= 0), as do guards, quotient
// definitions and size positivity, so most bounds checks end here without Z3.
// The search backtracks over choices under a small budget and never claims a
// proof it did not find; failures fall through to the solver.

#include <cstdint>
#include <cstdlib>
#include <map>
#include <set>
#include <numeric>

#include "analysis/solver.h"
#include "exo/checked_int.h"

namespace exo::analysis {

namespace {

constexpr int kMaxAtoms = 64;
constexpr int kBudget = 256;
constexpr long long kCoeffLimit = 1LL << 40;  // beyond this, give up rather than overflow

class Eliminator {
 public:
  explicit Eliminator(const std::vector<Formula>& assumptions) {
    for (auto& a : assumptions) add(a);
    propagate_bounds();
  }

  bool prove(const Formula& goal) {
    if (infeasible_) return true;  // the assumptions contradict each other
    switch (goal->kind) {
      case FKind::True: return true;
      case FKind::Ge0: return search(goal->e);
      case FKind::Eq0: return search(goal->e) && search(-goal->e);
      case FKind::And:
        for (auto& g : goal->args)
          if (!prove(g)) return false;
        return true;
      case FKind::Or:
        for (auto& g : goal->args)
          if (prove(g)) return true;
        return false;
      default: return false;
    }
  }

 private:
  void add(const Formula& f) {
    if (atoms_.size() >= kMaxAtoms) return;
    switch (f->kind) {
      case FKind::Ge0: atoms_.push_back(f->e); break;
      case FKind::Eq0:
        atoms_.push_back(f->e);
        atoms_.push_back(-f->e);
        break;
      case FKind::And:
        for (auto& a : f->args) add(a);
        break;
      default: break;  // disjunctions and booleans do not help here
    }
  }

  // Constant bounds of each variable by interval propagation over the atoms, with
  // integer rounding (4*q >= N and N >= 1 give q >= 1, which elimination over
  // the rationals would miss). The bounds join the atoms; an empty interval
  // means the assumptions are contradictory.
  void propagate_bounds() {
    struct Range {
      bool has_lo = false, has_hi = false;
      long long lo = 0, hi = 0;
    };
    std::map<Sym, Range> r;
    for (int round = 0; round < 4; ++round) {
      bool changed = false;
      for (auto& a : atoms_) {
        for (auto& [v, c] : a.terms) {
          // c*v >= -(rest); bound the rest from above using the other ranges.
          // Exact in 128 bits: |d| < 2^63 and |bound| <= 2^40 * 2^63 stay far below 2^127.
          __int128 rest_max = a.constant;
          bool bounded = true;
          for (auto& [w, d] : a.terms) {
            if (w == v) continue;
            const Range& rw = r[w];
            if (d > 0 && rw.has_hi) rest_max += __int128(d) * rw.hi;
            else if (d < 0 && rw.has_lo) rest_max += __int128(d) * rw.lo;
            else bounded = false;
            if (rest_max > kCoeffLimit || rest_max < -kCoeffLimit) bounded = false;
            if (!bounded) break;
          }
          if (!bounded) continue;
          Range& rv = r[v];
          if (c > 0) {  // v >= ceil(-rest_max / c)
            long long lo = -floor_div(static_cast<long long>(rest_max), c);
            if (!rv.has_lo || lo > rv.lo) rv.has_lo = true, rv.lo = lo, changed = true;
          } else {  // v <= floor(rest_max / -c)
            long long hi = floor_div(static_cast<long long>(rest_max), -c);
            if (!rv.has_hi || hi < rv.hi) rv.has_hi = true, rv.hi = hi, changed = true;
          }
          if (rv.has_lo && rv.has_hi && rv.lo > rv.hi) {
            infeasible_ = true;
            return;
          }
        }
      }
      if (!changed) break;
    }
    std::set<std::string> known;
    for (auto& a : atoms_) known.insert(a.key());
    auto push = [&](Affine a) {
      if (a.overflow) return;
      if (atoms_.size() < kMaxAtoms && known.insert(a.key()).second) atoms_.push_back(std::move(a));
    };
    for (auto& [v, rv] : r) {
      if (rv.has_lo) push(Affine::var(v) - Affine(rv.lo));
      if (rv.has_hi) push(Affine(rv.hi) - Affine::var(v));
    }
  }

  bool search(const Affine& goal) {
    budget_ = kBudget;
    return search(goal, 0);
  }

  bool search(const Affine& g, uint64_t used) {
    if (g.is_const()) return g.constant >= 0;
    if (--budget_ < 0) return false;
    // Shortcut: g is a positive multiple of an atom plus a non-negative constant.
    for (auto& a : atoms_) {
      if (a.terms.size() != g.terms.size()) continue;
      const auto& [v0, c0] = *g.terms.begin();
      long long a0 = a.coeff(v0);
      if (a0 == 0 || (a0 > 0) != (c0 > 0)) continue;
      Affine diff = g.scaled(std::llabs(a0)) - a.scaled(std::llabs(c0));
      if (diff.is_const() && diff.constant >= 0) return true;
    }
    // Innermost (most recently created) variables first: their bounds mention
    // only outer variables, so eliminating them first tends to terminate quickly.
    for (auto it = g.terms.rbegin(); it != g.terms.rend(); ++it) {
      const Sym& v = it->first;
      long long c = it->second;
      for (size_t k = 0; k < atoms_.size(); ++k) {
        if (used & (uint64_t(1) << k)) continue;
        long long av = atoms_[k].coeff(v);
        if (av == 0 || (av > 0) != (c > 0)) continue;
        long long ma = std::llabs(av), mc = std::llabs(c);
        long long g0 = std::gcd(ma, mc);
        ma /= g0;
        mc /= g0;
        Affine next = g.scaled(ma) - atoms_[k].scaled(mc);
        if (too_big(next)) continue;
        if (search(tighten(next), used | (uint64_t(1) << k))) return true;
        if (budget_ < 0) return false;
      }
    }
    return false;
  }

  // Divide by the gcd of the coefficients, rounding the constant down: proving the
  // tightened form >= 0 implies the original is >= 0 over the integers.
  static Affine tighten(Affine e) {
    long long g = 0;
    for (auto& [s, c] : e.terms) g = std::gcd(g, std::llabs(c));
    if (g <= 1) return e;
    for (auto& [s, c] : e.terms) c /= g;
    e.constant = floor_div(e.constant, g);
    return e;
  }

  static bool too_big(const Affine& e) {
    if (e.overflow) return true;
    if (std::llabs(e.constant) > kCoeffLimit) return true;
    for (auto& [s, c] : e.terms)
      if (std::llabs(c) > kCoeffLimit) return true;
    return false;
  }

  std::vector<Affine> atoms_;
  int budget_ = 0;
  bool infeasible_ = false;
};

}  // namespace

bool prove_by_elimination(const std::vector<Formula>& assumptions, const Formula& goal) {
  Eliminator e(assumptions);
  return e.prove(goal);
}

}  // namespace exo::analysis
