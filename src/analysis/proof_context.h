#pragma once
// Proofs about expressions where one statement runs: equal values, a goal that
// holds, accesses that never touch the same element. The expression and
// statement primitives ask these questions of one Context per statement, so the
// facts are lowered once for all of them.
#include <memory>
#include <vector>

#include "exo/loopir.h"
#include "exo/printer.h"  // StmtPathStep

namespace exo::analysis {

// What is known where the statement at `path` runs: preconditions, positive
// sizes, the enclosing loop ranges and branch conditions. A config field written
// between a fact and the statement (by an earlier statement of an enclosing
// block, or anywhere in an enclosing loop's body, which later iterations see) is
// a new unknown in the statement's expressions, so stale facts do not apply.
class Context {
 public:
  Context(const Proc& p, const std::vector<StmtPathStep>& path);
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  // A boolean control expression holds.
  bool prove(const Expr& goal);
  // The two expressions have the same value. Control expressions (index, size,
  // stride, bool without data inside) are compared by the solver; others must
  // have the same structure with equal leaves and proven-equal sub-expressions.
  bool equal(const Expr& a, const Expr& b);
  bool equal(const std::vector<Expr>& a, const std::vector<Expr>& b);
  // Some coordinate provably differs (the two accesses never touch one element).
  bool differ(const std::vector<Expr>& a, const std::vector<Expr>& b);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// An index, size, stride or boolean expression with no data value inside.
bool is_control(const Expr& e);

}  // namespace exo::analysis
