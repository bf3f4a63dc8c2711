#pragma once
// Buffers a loop fusion may leave out of its dependence check because the
// first loop only recomputes them (see fuse_recomputed.cpp for the rule).
#include <set>
#include <vector>

#include "exo/effects.h"
#include "exo/loopir.h"

namespace exo::rewrite_detail {

// The buffers that `first_loop` (at nesting depth `depth`) writes, by one
// assignment whose value is a function of the element written and of storage
// neither loop writes, and the next loop only reads, each read in an iteration
// the first loop's same iteration wrote. `first` and `second` are the two
// loops' accesses (analysis::accesses_of).
std::set<Sym> recomputed_buffers(const Proc& p, const ForNode& first_loop, const std::vector<Access>& first,
                                 const std::vector<Access>& second, size_t depth);

}  // namespace exo::rewrite_detail
