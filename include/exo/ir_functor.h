#pragma once
// Per-node dispatch for passes that compute a value from a node: one
// overridable method per node kind instead of a chain of
// `if (auto* x = e.as<XNode>())`. A pass that only walks the tree uses
// IRVisitor (exo/ir_mutator.h), whose hooks recurse by default.
//
//   struct Depth : ExprFunctor<int()> {
//     int visit(const BinOpNode& n, const Expr&) override {
//       return 1 + std::max(dispatch(n.lhs), dispatch(n.rhs));
//     }
//     int visit_default(const Expr&) override { return 0; }
//   };
//
// Each hook receives the node and its handle (for passes that keep or rebuild
// it) plus the pass's extra arguments. Kinds a pass does not override go to
// visit_default, which by default is an internal error: a functor that should
// handle every kind says so by overriding all of them.

#include <utility>

#include "exo/error.h"
#include "exo/loopir.h"

namespace exo {

template <class Signature>
class ExprFunctor;

template <class R, class... Args>
class ExprFunctor<R(Args...)> {
 public:
  virtual ~ExprFunctor() = default;

  R dispatch(const Expr& e, Args... args) {
    switch (e->kind) {
#define EXO_X(n) \
  case ExprKind::n: return visit(*static_cast<const n##Node*>(e.get()), e, std::forward<Args>(args)...);
      EXO_EXPR_KINDS(EXO_X)
#undef EXO_X
    }
    return visit_default(e, std::forward<Args>(args)...);
  }

 protected:
#define EXO_X(n) \
  virtual R visit(const n##Node&, const Expr& e, Args... args) { return visit_default(e, std::forward<Args>(args)...); }
  EXO_EXPR_KINDS(EXO_X)
#undef EXO_X

  virtual R visit_default(const Expr& e, Args...) {
    EXO_FAIL(ErrorKind::Internal, e->srcinfo, "no case for expression kind " << expr_kind_name(e->kind));
  }
};

template <class Signature>
class StmtFunctor;

template <class R, class... Args>
class StmtFunctor<R(Args...)> {
 public:
  virtual ~StmtFunctor() = default;

  R dispatch(const Stmt& s, Args... args) {
    switch (s->kind) {
#define EXO_X(n) \
  case StmtKind::n: return visit(*static_cast<const n##Node*>(s.get()), s, std::forward<Args>(args)...);
      EXO_STMT_KINDS(EXO_X)
#undef EXO_X
    }
    return visit_default(s, std::forward<Args>(args)...);
  }

 protected:
#define EXO_X(n) \
  virtual R visit(const n##Node&, const Stmt& s, Args... args) { return visit_default(s, std::forward<Args>(args)...); }
  EXO_STMT_KINDS(EXO_X)
#undef EXO_X

  virtual R visit_default(const Stmt& s, Args...) {
    EXO_FAIL(ErrorKind::Internal, s->srcinfo, "no case for statement kind " << stmt_kind_name(s->kind));
  }
};

}  // namespace exo
