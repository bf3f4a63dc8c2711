#pragma once
// Helpers shared by the expression and statement primitives (exo/schedule/exprs.h):
// buffer aliasing, user text typed at a position, and cursor forwarding for
// edits inside one statement. Proofs at a statement are analysis::Context
// (analysis/proof_context.h).
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "exo/schedule/cursor.h"
#include "analysis/facts.h"
#include "analysis/proof_context.h"
#include "exo/loopir.h"
#include "exo/scope.h"
#include "schedule/buffers/accesses.h"

namespace exo::exprs_detail {

// Whether e reads a config field anywhere.
using analysis::reads_config;

// Every Read of a data value or buffer and every WindowExpr in e (StrideExpr and
// control reads do not count).
void collect_buffer_uses(const Expr& e, std::vector<Expr>& out);

// Diagnostics: "A[i, k + 1]" (shared with the buffer primitives), and a
// statement on one line.
using buffers_detail::access_text;
std::string stmt_text(const Stmt& s);

// The assignment under `c` (a statement of p); anything else is an argument
// error of `prim` quoting what was found.
const AssignNode* assignment_at(const char* prim, int argno, const char* argname, const Proc& p,
                                const Cursor& c);

// Exo text typed with the names visible at the statement `path` (arguments,
// enclosing iterators, allocations and windows declared before it); other names
// resolve through `scope` (builtins when null). `like` gives the kind wanted:
// data, bool, or index/stride. Parse and type errors become argument errors.
Expr parse_like_at(const char* prim, int argno, const char* argname, const Proc& p,
                   const StmtPath& path, const std::string& text, const Expr& like,
                   const Scope* scope);

// The call `instr(args...)` typed at the gap `path` (see insert_noop_call).
// Parse errors are argument errors; type errors come back as Error(Type).
Stmt parse_call_at(const char* prim, const Proc& p, const StmtPath& path, const Proc& instr,
                   const std::vector<std::string>& args, const Scope* scope);

// Forwarding for an edit inside the statement at `stmt` that keeps statements in
// place: expression cursors of that statement go through `map` (which edits the
// child-index path, returning false when the position is gone); all others pass.
using ExprPathMap = std::function<bool(std::vector<int>&)>;
Forward forward_exprs(const StmtPath& stmt, ExprPathMap map);
// An ExprPathMap for `old subtree at prefix` -> `new subtree at prefix` where
// the old child at `from` (relative to prefix) now sits at `to`; positions under
// `prefix` not under one of the listed `from` paths are dropped (except prefix
// itself, which stays).
ExprPathMap move_subtrees(std::vector<int> prefix,
                          std::vector<std::pair<std::vector<int>, std::vector<int>>> moves);
// For a write whose rhs (expression child `rhs_index`) `l op r` is replaced by
// one operand (`operand` 0 or 1): cursors in that operand move up, cursors to
// the operator or the other operand are gone.
ExprPathMap rhs_becomes_operand(int rhs_index, int operand);

}  // namespace exo::exprs_detail
