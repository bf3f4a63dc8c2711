#pragma once
// Facts that hold everywhere in a proc, the base of proofs about its statements.
#include <vector>

#include "analysis/lower.h"
#include "exo/schedule/cursor.h"
#include "exo/loopir.h"

namespace exo::rewrite_detail {

// Every size argument of p is at least 1 and every precondition holds (lowered by L).
std::vector<analysis::Formula> proc_facts(const Proc& p, analysis::Lowering& L);

// What is known where the statement at `path` runs: proc_facts, the enclosing
// loop ranges and branch conditions. A config field written between a fact and
// the statement (by an earlier statement of an enclosing block, or in an
// enclosing loop's body, which later iterations see) is invalidated in L, so it
// is a new unknown at the statement and stale facts about it do not apply.
std::vector<analysis::Formula> facts_at(const Proc& p, const StmtPath& path, analysis::Lowering& L);

// Whether `facts` imply `goal` for the solver, given L's definitions of the
// atoms (divisions, config reads, ...) that facts and goal mention.
bool implies(std::vector<analysis::Formula> facts, const analysis::Formula& goal,
             analysis::Lowering& L);

}  // namespace exo::rewrite_detail
