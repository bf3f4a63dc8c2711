#pragma once
// Typing user text at a statement: the names in scope there.
#include "exo/schedule/cursor.h"
#include "exo/loopir.h"

namespace exo::tc {
class Checker;
}

namespace exo::rewrite_detail {

// Binds in `c` every name visible at `path`: the arguments, the enclosing loop
// iterators, and the allocations and window statements declared before it in
// each enclosing block (the statement itself declares nothing yet).
void bind_visible(tc::Checker& c, const Proc& p, const StmtPath& path);

}  // namespace exo::rewrite_detail
