#pragma once
// Proof queries about the statements of a proc: what is known where a
// statement runs, and whether that implies a goal. The scheduling primitives
// ask them; they live here so the analysis never calls into scheduling code.
#include <vector>

#include "analysis/formula.h"
#include "analysis/iteration_conflicts.h"  // proc_facts, implies
#include "analysis/lower.h"
#include "exo/loopir.h"
#include "exo/printer.h"  // StmtPathStep

namespace exo::analysis {

// What is known where the statement at `path` runs: proc_facts, the enclosing
// loop ranges and branch conditions. A config field written between a fact and
// the statement (by an earlier statement of an enclosing block, or in an
// enclosing loop's body, which later iterations see) is invalidated in L, so it
// is a new unknown at the statement and stale facts about it do not apply.
std::vector<Formula> facts_at(const Proc& p, const std::vector<StmtPathStep>& path, Lowering& L);

// Whether the facts at `path` imply `goal` (with `negate`, its negation) for
// the solver.
bool implied_at(const Proc& p, const std::vector<StmtPathStep>& path, const Expr& goal, bool negate);

// Whether `goal` (a boolean control expression) holds wherever the statement at
// `path` runs: under the proc's preconditions, positive sizes, the enclosing loop
// ranges and branch conditions. A goal without variables is decided by
// arithmetic alone, never by the facts (which unreachable code makes vacuous).
bool provable_at(const Proc& p, const std::vector<StmtPathStep>& path, const Expr& goal);
// Whether `goal` is false wherever the statement at `path` runs (same context).
bool refutable_at(const Proc& p, const std::vector<StmtPathStep>& path, const Expr& goal);

// Whether e reads a config field anywhere.
bool reads_config(const Expr& e);

}  // namespace exo::analysis
