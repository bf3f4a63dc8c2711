#pragma once
// lift_scope: a loop or if statement moves out of the loop or if around it.
//
// lift_loop_from_if is its loop-out-of-an-if case:
//     if c:                      for i in seq(lo, hi):
//         for i in seq(lo, hi):      if c:
//             A                          A
// (lift_scope's other cases are lift_if, for an if, and reorder, for a loop in
// a loop.)
#include <string>

#include "exo/schedule/cursor.h"
#include "exo/loopir.h"

namespace exo {

// Accepted when the loop is the only statement of the if's body, the if has no
// else branch, and the loop writes no config field the condition reads (the
// condition is now evaluated in every iteration). Loop bounds have no effects,
// so evaluating them when c is false changes nothing. Forwarding: the loop's
// cursors point at the new outer loop, the if's at the if inside it; statements
// of A keep their paths.
Rewrite lift_loop_from_if(const Proc& p, const Cursor& loop);

// Chooses the case from what `scope` (a loop or an if) and its parent are:
//   an if in a loop or an if      -> lift_if(p, scope, 1)
//   a loop in a loop              -> reorder_loops(p, parent) (the loops are interchanged)
//   a loop in an if               -> lift_loop_from_if(p, scope)
// Refused (Error(Scheduling), "lift_scope: ...") for a top-level statement.
// `scope` must be a loop or an if (the argument layer checks that).
Rewrite lift_scope(const Proc& p, const Cursor& scope);

}  // namespace exo
