#pragma once
// A buffer a loop fusion may leave out of its dependence check because the
// first loop only recomputes it (see fuse_recomputed.cpp for the rule).
#include <set>
#include <vector>

#include "exo/effects.h"
#include "exo/loopir.h"

namespace exo::rewrite_detail {

// Whether `first_loop` (at nesting depth `depth`) writes `buf` by one
// assignment whose value is a function of the element written and of storage
// neither loop writes, and the next loop only reads `buf`, each read in an
// iteration the first loop's same iteration wrote. `first` and `second` are
// the two loops' accesses (analysis::accesses_of).
bool is_recomputed_buffer(const Proc& p, const ForNode& first_loop, const Sym& buf,
                          const std::vector<Access>& first, const std::vector<Access>& second, size_t depth);

}  // namespace exo::rewrite_detail
