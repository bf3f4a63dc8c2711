#pragma once
// lift_scope's last case: a loop moves out of the if around it.
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
Rewrite lift_loop_from_if(const Proc& p, const std::string& loop);

}  // namespace exo
