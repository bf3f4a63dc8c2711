#pragma once
// Private interface of the typechecker: the environment and the checker class
// shared by typecheck_expr.cpp, typecheck_stmt.cpp and typecheck_call.cpp.

#include <map>
#include <string>
#include <vector>

#include "exo/error.h"
#include "exo/frontend.h"  // VarKind
#include "exo/hardware.h"
#include "exo/loopir.h"
#include "exo/scope.h"
#include "exo/uast.h"

namespace exo::tc {

// What a local name stands for; the role drives the "cannot assign to ..."
// diagnostics and which positions a name may appear in.
using VarRole = VarKind;  // published in exo/frontend.h

struct VarInfo {
  Sym sym;
  Type type;
  MemoryPtr mem;
  VarRole role;
};

// Integer literals take their type from the position they appear in, as in the
// reference: an index position makes `2` an `int`, a data position makes it `R`.
enum class Ctx { Index, Data };

// Type predicates with the reference's meaning (Type::is_indexable also admits
// stride, which the typing rules must keep apart).
inline bool is_indexable(const Type& t) {
  return !t.is_tensor &&
         (t.base == ScalarKind::Int || t.base == ScalarKind::Index || t.base == ScalarKind::Size);
}
inline bool is_stridable(const Type& t) {
  return !t.is_tensor && (t.base == ScalarKind::Int || t.base == ScalarKind::Stride);
}
inline bool is_bool(const Type& t) { return !t.is_tensor && t.base == ScalarKind::Bool; }
inline bool is_data_scalar(const Type& t) { return !t.is_tensor && is_data_kind(t.base); }

// Rendering used in diagnostics: "f32[M, N]", "[f32][8]", "index".
std::string expr_str(const Expr& e);
std::string type_str(const Type& t);

class Checker {
 public:
  explicit Checker(const Scope& scope) : scope_(scope) { scopes_.emplace_back(); }
  // Typing a fragment of user text at a position of a proc (a scheduling
  // argument): a name that is nowhere is then a fragment error, as in exo-lang.
  void typing_fragment() { fragment_ = true; }

  Proc check_proc(const uast::UProc& p);

  // ---- environment ----
  void push_scope() { scopes_.emplace_back(); }
  void pop_scope() { scopes_.pop_back(); }
  const VarInfo* find(const std::string& name) const;
  const VarInfo& bind(const std::string& name, VarInfo v);

  // ---- expressions (typecheck_expr.cpp) ----
  Expr check_expr(const uast::UExpr& e, Ctx ctx);
  // An index-valued expression (loop bounds, indices, shapes, control args).
  Expr check_index(const uast::UExpr& e, const char* what);
  Expr check_bool(const uast::UExpr& e, const char* what);
  // A scalar data value (rhs of assignments).
  Expr check_data(const uast::UExpr& e, const char* what);
  // `x[i, 0:8]`, or partial indexing `x[i]` of a rank-2 buffer: a WindowExpr.
  // Returns a null Expr when `e` is not a windowing expression.
  Expr try_window(const uast::UExpr& e);
  // A call argument for a tensor parameter: a whole buffer `A` or a window.
  Expr check_buffer_arg(const uast::UExpr& e);

  // ---- types (typecheck_stmt.cpp) ----
  Type check_type(const uast::UType& t, bool is_arg);
  MemoryPtr check_mem(const uast::UType& t, const Type& ty);

  // ---- statements (typecheck_stmt.cpp, typecheck_call.cpp) ----
  Block check_block(const uast::UBlock& b);
  void check_stmt(const uast::UStmt& s, Block& out);
  Stmt check_call_stmt(const uast::UStmt& s);

  const Scope& scope() const { return scope_; }

 private:
  bool fragment_ = false;
  // The local buffer a Name/Index expression refers to (for diagnostics).
  const VarInfo* src_of(const uast::UExpr& e) const;
  Expr check_name(const uast::UExpr& e, Ctx ctx);
  Expr check_access(const uast::UExpr& e, Ctx ctx);
  Expr check_binop(const uast::UExpr& e, Ctx ctx);
  Expr check_call_expr(const uast::UExpr& e, Ctx ctx);
  Expr check_stride(const uast::UExpr& e);
  Expr check_config_read(const uast::UExpr& e);
  const VarInfo& lookup_buffer(const std::string& name, const SrcInfo& where);
  ConfigPtr lookup_config(const std::string& name, const SrcInfo& where);
  [[noreturn]] void fail_unbound(const std::string& name, const SrcInfo& where) const;

  void check_assign(const uast::UStmt& s, Block& out);
  void check_write_config(const uast::UStmt& s, Block& out);
  void check_for(const uast::UStmt& s, Block& out);
  void check_alloc(const uast::UStmt& s, Block& out);

  const Scope& scope_;
  std::vector<std::map<std::string, VarInfo>> scopes_;
  std::vector<Sym> loop_iters_;  // enclosing loop iterators, innermost last
};

}  // namespace exo::tc
