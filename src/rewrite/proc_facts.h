#pragma once
// Facts that hold everywhere in a proc, the base of proofs about its statements.
#include <vector>

#include "analysis/lower.h"
#include "exo/loopir.h"

namespace exo::rewrite_detail {

// Every size argument of p is at least 1 and every precondition holds (lowered by L).
std::vector<analysis::Formula> proc_facts(const Proc& p, analysis::Lowering& L);

}  // namespace exo::rewrite_detail
