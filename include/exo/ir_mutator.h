#pragma once
// Visitor and mutator over LoopIR with default recursion: a pass overrides only
// the node kinds it cares about. The mutator rebuilds a node only when a child
// changed, so unchanged subtrees stay shared.

#include <functional>

#include "exo/loopir.h"

namespace exo {

class IRVisitor {
 public:
  virtual ~IRVisitor() = default;
  // Entry points: dispatch on the node's kind to the per-node hook below. A
  // pass that needs the handle (to keep or compare it) may override these.
  virtual void visit(const Expr& e);
  virtual void visit(const Stmt& s);
  void visit_block(const Block& b) {
    for (auto& s : b) visit(s);
  }
  void visit_type(const Type& t) {
    for (auto& e : t.shape) visit(e);
  }

 protected:
  // One hook per node kind; each default visits the node's children (a loop's
  // bounds then body, an allocation's shape, a window's bounds ...). A pass
  // overriding some of them writes `using IRVisitor::visit;` to keep the rest.
#define EXO_X(n) virtual void visit(const n##Node& node);
  EXO_EXPR_KINDS(EXO_X)
  EXO_STMT_KINDS(EXO_X)
#undef EXO_X
};

class IRMutator {
 public:
  virtual ~IRMutator() = default;
  virtual Expr mutate(const Expr& e);
  // A statement may become several (or none): the mutator works on blocks.
  virtual Block mutate_stmt(const Stmt& s);
  Block mutate_block(const Block& b);
  Type mutate_type(const Type& t);

 protected:
  // Rebuild helpers with default recursion (call from overrides to recurse).
  Expr mutate_children(const Expr& e);
  Stmt mutate_children(const Stmt& s);
};

// Calls f on every expression / statement, pre-order.
void for_each_expr(const Block& b, const std::function<void(const Expr&)>& f);
void for_each_stmt(const Block& b, const std::function<void(const Stmt&)>& f);

// The first (pre-order) expression of b, loop bounds and allocation shapes
// included, that is an integer overflow of constants (int_overflow_at), or a
// null Expr. Rewrites refuse code with one rather than emit a wrapping value.
Expr find_int_overflow(const Block& b);
Expr find_int_overflow(const Expr& e);

}  // namespace exo
