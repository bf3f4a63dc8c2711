#pragma once
// Whether accesses in different iterations of a loop may touch one location with
// one of them writing. One check serves parallel loops (parallelize_loop, `par`
// loops written in the source or made by rewrites, and the C backend's last
// check before emitting OpenMP) and the dependence checks of fission and fusion.
#include <optional>
#include <string>
#include <vector>

#include "analysis/formula.h"
#include "analysis/lower.h"
#include "exo/effects.h"
#include "exo/loopir.h"

namespace exo::analysis {

// Every size argument of p is at least 1 and every precondition holds (lowered by L).
std::vector<Formula> proc_facts(const Proc& p, Lowering& L);

// Whether `facts` imply `goal` for the solver, given L's definitions of the
// atoms (divisions, config reads, ...) that facts and goal mention.
bool implies(std::vector<Formula> facts, const Formula& goal, Lowering& L);

struct Conflict {
  exo::Access earlier;  // in some iteration
  exo::Access later;    // in a later iteration
};

// The accesses of statements of p (by identity), each with all of p's loops and
// branch conditions enclosing it.
std::vector<exo::Access> accesses_of(const Proc& p, const Block& stmts);

// The first pair (a of `first`, b of `second`) that may conflict when a runs in
// a later iteration of the loop at nesting depth `depth` than b: at least one
// writes (reductions commute with reductions) and, under the preconditions and
// both accesses' loop ranges and branch conditions, they may touch one location.
// Loops at depth >= `depth` are separate for the two accesses; outer loops are
// shared. An access outside that loop (a bound evaluation) is compared with every
// iteration. Undecided pairs count as conflicts. With `reductions_commute` false,
// two reductions of one location conflict too (concurrent iterations would race).
std::optional<Conflict> later_iteration_conflict(const Proc& p, const std::vector<exo::Access>& first,
                                                 const std::vector<exo::Access>& second, size_t depth,
                                                 bool reductions_commute = true);

// Whether two iterations of `loop` (a loop of p, enclosed by `depth` loops) may
// race if run concurrently: a pair of its body's accesses, in different
// iterations, that may touch one location with one of them writing or both
// reducing. Buffers allocated in the body are private to an iteration; a call
// touches the whole storage it is passed (stmt_footprint).
std::optional<Conflict> parallel_iteration_conflict(const Proc& p, const ForNode& loop, size_t depth);

// Throws Error(Type) at `where` when parallel_iteration_conflict finds a race:
// iterations of a par loop run concurrently (OpenMP).
void require_race_free(const Proc& p, const ForNode& loop, size_t depth, const SrcInfo& where);

// "write x[i + 1]", "read Cfg.field".
std::string access_text(const exo::Access& a);

// "the write x[i] in one iteration and the read x[i + 1] in another may touch
// the same location of 'x'": a conflict found by parallel_iteration_conflict.
std::string race_text(const Conflict& c);

}  // namespace exo::analysis
