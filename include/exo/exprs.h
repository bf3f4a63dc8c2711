#pragma once
// Expression and statement primitives: local algebraic edits of one expression
// or of a few adjacent writes (src/rewrite/exprs.cpp, writes.cpp,
// inline_assign.cpp, noop_call.cpp).
//
// Data arithmetic: Exo's data values are reals in the language's semantics, and
// the reference accepts rewrites that are exact over the reals. Commuting `+`
// and `*` is also exact in IEEE arithmetic; re-associating (left_reassociate_expr,
// merge_writes of two reductions, split_write, lift_reduce_constant) and dropping
// the rounding of an intermediate store (inline_assign) may change the last bits
// of floating-point results, as in the reference. Index, size and boolean
// expressions are exact integers, and those rewrites are proven with the
// analysis (refused when it cannot prove them).

#include <string>
#include <vector>

#include "exo/cursor.h"
#include "exo/loopir.h"
#include "exo/scope.h"

namespace exo {

// `a + b` -> `b + a` and `a * b` -> `b * a` for each data (not index) expression
// given, in order. A pattern commutes every match. Other operators or index
// expressions are Error(Type), as the reference's TypeError.
Rewrite commute_expr(const Proc& p, const std::vector<Cursor>& exprs);
Rewrite commute_expr(const Proc& p, const std::string& pattern);

// `a + (b + c)` -> `(a + b) + c` (and the same for `*`). The expression must be
// `+` or `*` with a right operand of the same operator (else Error(Type)).
Rewrite left_reassociate_expr(const Proc& p, const Cursor& expr);
Rewrite left_reassociate_expr(const Proc& p, const std::string& expr);

// Replaces the expression at `expr` by `new_expr` (Exo text typed with the names
// visible at its statement; other names resolve through `scope`, builtins when
// null). Refused unless the two are proven equal wherever the statement runs
// (preconditions, positive sizes, enclosing loop ranges and branch conditions):
// index, size and boolean expressions are compared by the solver; data
// expressions must have the same operations on the same buffers and constants,
// with their index sub-expressions proven equal.
Rewrite rewrite_expr(const Proc& p, const Cursor& expr, const std::string& new_expr,
                     const Scope* scope = nullptr);
Rewrite rewrite_expr(const Proc& p, const std::string& expr, const std::string& new_expr,
                     const Scope* scope = nullptr);

}  // namespace exo
