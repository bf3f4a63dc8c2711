// Typechecking of expression fragments against a procedure's arguments, used by
// edits that take user text (add_assertion, and later scheduling primitives).

#include "exo/frontend.h"
#include "frontend/typecheck_internal.h"

namespace exo {

Expr typecheck_expr_fragment(const uast::UExpr& e, const Proc& p, const Scope& scope, bool as_bool) {
  tc::Checker checker(scope);
  // Bind the proc's own Syms so the result refers to the very same arguments.
  for (auto& a : p->args) {
    tc::VarRole role = is_data_kind(a.type.base) ? tc::VarRole::DataArg : tc::VarRole::ControlArg;
    checker.bind(a.name.name(), tc::VarInfo{a.name, a.type, a.mem, role});
  }
  if (as_bool) return checker.check_bool(e, "an assertion");
  return checker.check_index(e, "an index expression");
}

}  // namespace exo
