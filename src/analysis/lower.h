#pragma once
// LoopIR control expressions -> formulas over integer variables.
//
// Index expressions are quasi-affine: sums, products by constants, and floor
// division / modulo by positive constants. `e / d` becomes a fresh quotient
// variable q with the defining constraint 0 <= e - d*q < d, and `e % d` becomes
// e - d*q with the same q (one q per distinct (e, d)). Products of two
// non-constant terms become a product variable p with the definition p == a*b,
// which the cheap prover treats as opaque and Z3 sees exactly. Strides and
// configuration fields become plain variables.
//
// Definitions are kept here rather than in each formula; a query asks for the
// definitions of the auxiliary variables it mentions (definitions_for). Since each
// auxiliary variable is uniquely determined by its definition, assuming the
// definition is sound in both hypothesis and goal position.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "analysis/formula.h"
#include "exo/loopir.h"

namespace exo::analysis {

class Lowering {
 public:
  Affine affine(const Expr& e);    // integer-valued control expression
  Formula formula(const Expr& e);  // boolean control expression

  // Definitions of the auxiliary variables occurring in fs, transitively.
  std::vector<Formula> definitions_for(const std::vector<Formula>& fs) const;

  // The variable standing for stride(buf, dim), after resolving window aliases.
  Sym stride_var(const Sym& buf, int dim);
  // `w = src[...]`: dimension k of w is dimension dims[k] of src.
  void alias_window(const Sym& w, const Sym& src, std::vector<int> dims);

  // A write to Cfg.field: later reads see a new, unconstrained value.
  void invalidate_config(const Config* c, const std::string& field);
  Sym config_var(const Config* c, const std::string& field);

  // Auxiliary variables are named with a leading '$' (hidden in counterexamples).
  static bool is_auxiliary(const Sym& s) { return !s.name().empty() && s.name()[0] == '$'; }

 private:
  Sym aux(const std::string& key, const std::string& name);
  Affine affine_node(const Expr& e);  // affine() without settling an overflow
  Affine floor_div(const Affine& e, long long d);

  std::map<std::string, Sym> aux_;       // canonical key -> auxiliary variable
  std::map<Sym, Formula> defs_;          // auxiliary variable -> its definition
  std::map<std::pair<uint64_t, int>, Sym> strides_;
  std::map<Sym, std::pair<Sym, std::vector<int>>> window_alias_;
  std::map<std::pair<const Config*, std::string>, Sym> config_vars_;
};

}  // namespace exo::analysis
