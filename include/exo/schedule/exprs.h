#pragma once
// Expression and statement primitives: local algebraic edits of one expression
// or of a few adjacent writes (src/schedule/exprs/: exprs.cpp, writes.cpp,
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

#include "exo/schedule/cursor.h"
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

// Replaces the expression at `expr` by `new_expr` (Exo text typed with the names
// visible at its statement and the configs and externs the proc uses; other
// names resolve through `scope`, builtins when null). Refused unless the two
// are proven equal wherever the statement runs (preconditions, positive sizes,
// enclosing loop ranges and branch conditions):
// index, size and boolean expressions are compared by the solver; data
// expressions must have the same operations on the same buffers and constants,
// with their index sub-expressions proven equal.
Rewrite rewrite_expr(const Proc& p, const Cursor& expr, const std::string& new_expr,
                     const Scope* scope = nullptr);

// Two adjacent writes of one location (a block of two Assign/Reduce statements
// to the same buffer, indices proven equal) become one:
//   a = b; a = c -> a = c      a += b; a = c -> a = c
//   a = b; a += c -> a = b + c  a += b; a += c -> a += b + c
// Refused when the second right-hand side reads the buffer (directly or through
// a window), whose value the merge changes.
Rewrite merge_writes(const Proc& p, const Cursor& block);

// `a = b + c` -> `a = b; a += c` and `a += b + c` -> `a += b; a += c`. Refused
// unless the right-hand side is an addition, and when `c` may read the element
// written (it would see the first write).
Rewrite split_write(const Proc& p, const Cursor& stmt);

// `a = a + e` -> `a += e`, when the left operand of the addition reads the
// element assigned (same buffer, indices proven equal). Exact.
Rewrite fold_into_reduce(const Proc& p, const Cursor& assign);

// `x[i] = e; s` -> `s[x[i] -> e]`: the assignment is deleted and the reads of
// the element in the rest of its block become `e`. Safe when nothing can observe
// the deleted write or the change of evaluation time of `e`:
//  - x is an allocation, never windowed nor passed to a call (by reference);
//  - the rest of the block does not write x, and each read of x there is proven
//    to be of the assigned element (replaced) or of another one (kept);
//  - x is allocated in the same block; or else x is read nowhere else in the
//    proc and no read is kept (an earlier iteration's write could be seen);
//  - no buffer or config field `e` reads is written before a statement reading
//    x (a single assignment or reduction may write it after reading x).
Rewrite inline_assign(const Proc& p, const Cursor& assign);

// A block `x = 0.0; for i in _: ... x += c * e ...` becomes
// `x = 0.0; for i in _: ... x += e ...; x = c * x`. Every write of x in the loop
// must be such a reduction of the assigned element with the same factor `c` (a
// constant, or a data read not depending on the loop and not written in it); x
// may not be read in the loop. The initial value must be the literal 0 (the
// reference does not check this; any other value would be scaled too). If the
// loop does not run, x becomes c * 0 (a NaN when c is infinite or NaN).
Rewrite lift_reduce_constant(const Proc& p, const Cursor& block);

// Inserts `instr(args...)` at the gap `gap`. `instr` must have no effect: its
// body is a single `pass`. Each argument is Exo text typed at the gap (an index
// or data expression, a buffer, or a window `x[i, 0:8]`); argument types must
// match the parameters, the call's preconditions and bounds must hold there.
Rewrite insert_noop_call(const Proc& p, const Cursor& gap, const Proc& instr,
                         const std::vector<std::string>& args, const Scope* scope = nullptr);

}  // namespace exo
