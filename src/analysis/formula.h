#pragma once
// A small formula language over integer (and boolean) variables, the common
// currency of every static analysis: bounds checks now, scheduling safety checks
// later. Formulas are built normalized so that structurally equal queries print
// equal, which is what the solver cache keys on.
//
//  - Affine: sum of coeff * var plus a constant, variables ordered by Sym id.
//  - Formula: true/false, `e >= 0`, `e == 0`, boolean variables, and/or, and the
//    definition `p == a * b` that keeps nonlinear products exact for Z3 while the
//    cheap prover treats p as an opaque integer. Negation is pushed to the atoms
//    when built, so only boolean variables appear under `not`.

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "exo/types.h"

namespace exo::analysis {

// Coefficients and constants are exact: every operation is checked, and one
// whose result leaves [-(2^63-1), 2^63-1] yields an `overflow`ed Affine instead of
// wrapping. An overflowed Affine has no meaning; it propagates through
// arithmetic, and an atom built from it (f_ge0 / f_eq0) is an unknown boolean,
// so no proof can rely on it and the check that asked refuses.
struct Affine {
  std::map<Sym, long long> terms;  // no zero coefficients
  long long constant = 0;
  bool overflow = false;

  Affine() = default;
  explicit Affine(long long c);
  static Affine var(const Sym& s, long long coeff = 1);
  static Affine overflowed();

  bool is_const() const { return !overflow && terms.empty(); }
  long long coeff(const Sym& s) const;
  Affine operator+(const Affine& o) const;
  Affine operator-(const Affine& o) const;
  Affine operator-() const { return scaled(-1); }
  Affine scaled(long long k) const;
  bool operator==(const Affine& o) const {
    return !overflow && !o.overflow && constant == o.constant && terms == o.terms;
  }
  // Deterministic text keyed by Sym ids: "3*v12+1*v15+-4".
  std::string key() const;
};

enum class FKind : uint8_t { True, False, Ge0, Eq0, BoolVar, NotVar, And, Or, ProdDef };

struct FormulaNode;
using Formula = std::shared_ptr<const FormulaNode>;

struct FormulaNode {
  FKind kind;
  Affine e;                    // Ge0 / Eq0; the left factor of ProdDef
  Affine e2;                   // right factor of ProdDef
  Sym var;                     // BoolVar / NotVar; the product variable of ProdDef
  std::vector<Formula> args;   // And / Or
};

Formula f_true();
Formula f_false();
Formula f_ge0(Affine e);                     // e >= 0 (tightened by the gcd); unknown if e overflowed
Formula f_eq0(Affine e);                     // e == 0; unknown if e overflowed
Formula f_unknown();                         // a fresh, unconstrained boolean
inline Formula f_ge(const Affine& a, const Affine& b) { return f_ge0(a - b); }
inline Formula f_le(const Affine& a, const Affine& b) { return f_ge0(b - a); }
inline Formula f_lt(const Affine& a, const Affine& b) { return f_ge0(b - a - Affine(1)); }
inline Formula f_gt(const Affine& a, const Affine& b) { return f_lt(b, a); }
inline Formula f_eq(const Affine& a, const Affine& b) { return f_eq0(a - b); }
Formula f_boolvar(const Sym& v);
Formula f_prod_def(const Sym& p, Affine a, Affine b);  // p == a * b
Formula f_and(std::vector<Formula> args);
Formula f_or(std::vector<Formula> args);
Formula f_not(const Formula& f);
inline Formula f_and(Formula a, Formula b) { return f_and(std::vector<Formula>{std::move(a), std::move(b)}); }
inline Formula f_or(Formula a, Formula b) { return f_or(std::vector<Formula>{std::move(a), std::move(b)}); }
inline Formula f_implies(const Formula& a, Formula b) { return f_or(f_not(a), std::move(b)); }

bool is_true(const Formula& f);
bool is_false(const Formula& f);

// Variables occurring in f (integer and boolean alike).
void collect_vars(const Formula& f, std::set<Sym>& out);
void collect_vars(const Affine& a, std::set<Sym>& out);

// Text keyed by Sym ids, for caching; `rename` maps Sym ids to short names and is
// extended in order of first appearance, making the key independent of ids.
std::string formula_key(const Formula& f, std::map<Sym, std::string>& rename);

// Readable text using Sym names ("i + 1 <= M"), for diagnostics and debugging.
std::string formula_text(const Formula& f);
std::string affine_text(const Affine& a);

}  // namespace exo::analysis
