// Typechecking of fragments of user text: against a procedure's arguments
// (add_assertion), or against the variables visible at a position (the
// scheduling primitives that take expressions, windows or calls as text).

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

namespace {

void bind_all(tc::Checker& checker, const std::vector<VisibleVar>& vars) {
  for (auto& v : vars) checker.bind(v.sym.name(), tc::VarInfo{v.sym, v.type, v.mem, v.kind});
}

}  // namespace

Expr typecheck_expr_at(const uast::UExpr& e, FragmentType want, const std::vector<VisibleVar>& vars,
                       const Scope& scope, const char* what) {
  tc::Checker checker(scope);
  checker.typing_fragment();
  bind_all(checker, vars);
  switch (want) {
    case FragmentType::Index: return checker.check_index(e, what);
    case FragmentType::Bool: return checker.check_bool(e, what);
    case FragmentType::Data: return checker.check_data(e, what);
    case FragmentType::Control: break;
  }
  return checker.check_expr(e, tc::Ctx::Index);
}

Stmt typecheck_call_at(const uast::UStmt& s, const std::vector<VisibleVar>& vars, const Scope& scope) {
  tc::Checker checker(scope);
  bind_all(checker, vars);
  return checker.check_call_stmt(s);
}

}  // namespace exo
