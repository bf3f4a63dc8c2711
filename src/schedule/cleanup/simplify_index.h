#pragma once
// Index-expression simplification shared by the simplify primitive: affine
// normalization (like terms collected, printed as the reference does: the
// constant first, then `coeff * var` terms by increasing coefficient), floor
// division and modulo by constants where the ranges allow, and the constant
// folding of control arithmetic. Data (floating point) arithmetic is never
// touched: only index, size and boolean expressions change.
#include <functional>
#include <map>
#include <set>
#include <string>

#include "exo/loopir.h"

namespace exo::simplify_detail {

// Answers "does 0 <= e < bound hold here?" for the division and modulo rules,
// under the caller's context (preconditions, loop ranges, branch conditions).
using RangeOracle = std::function<bool(const Expr& e, long long bound)>;

class IndexSimplifier {
 public:
  explicit IndexSimplifier(RangeOracle in_range) : in_range_(std::move(in_range)) {}

  // Any control or data expression: index subexpressions are normalized, boolean
  // and index constants folded; data arithmetic keeps its written form. Returns
  // `e` itself when the result prints the same.
  Expr simplify(const Expr& e);

  // Known values (`assert X == c`, or `if n % 4 == 0:` inside its branch makes
  // `n % 4` read as 0), keyed by printed expression, as the reference's facts.
  // Only nodes of a kind (and operator) some fact has are printed and looked up:
  // printing every node of every simplified expression would cost more than
  // the rest of simplify.
  class Facts {
   public:
    void add(const Expr& x, const Expr& value);
    Expr find(const Expr& e) const;
    bool empty() const { return by_text_.empty(); }

   private:
    static int shape(const Expr& e);
    std::map<std::string, Expr> by_text_;
    std::set<int> shapes_;
  };
  Facts facts;

 private:
  Expr simplify_rec(const Expr& e);
  Expr normalize_index(const Expr& e);
  Expr simplify_div(const Expr& lhs, long long d, const Expr& orig);
  Expr simplify_mod(const Expr& lhs, long long m, const Expr& orig);
  Expr fold(const Expr& e);
  Expr known(const Expr& e) const;

  RangeOracle in_range_;
  std::map<Sym, Type> var_types_;  // types of the variables seen, to rebuild reads
};

}  // namespace exo::simplify_detail
