#pragma once
// Typing user text at a statement: the names in scope there.
#include <string>
#include <vector>

#include "exo/frontend.h"
#include "exo/loopir.h"
#include "exo/schedule/cursor.h"

namespace exo::rewrite_detail {

// Every variable visible at `path`, in binding order: the arguments, the
// enclosing loop iterators, and the allocations and window statements declared
// before it in each enclosing block (the statement itself declares nothing yet).
std::vector<VisibleVar> visible_vars(const Proc& p, const StmtPath& path);

// The variable `name` stands for among `vars` (the last one bound), or null.
const VisibleVar* find_visible(const std::vector<VisibleVar>& vars, const std::string& name);

}  // namespace exo::rewrite_detail
