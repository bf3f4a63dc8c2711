#pragma once
// Static checks of a typechecked procedure.

#include <set>

#include "exo/loopir.h"

namespace exo {

// Proves, with range reasoning and Z3, that every read, write, window and call
// argument is in bounds under the loop ranges, branch conditions and the proc's
// preconditions; that each call site satisfies its callee's preconditions; and that
// the preconditions are not contradictory. Throws Error(Bounds / Precondition)
// pointing at the offending code.
void check_proc(const Proc& p);

// check_proc limited to what a rewrite of the buffers `touched` can break: their
// allocations, the accesses and windows of them (and of windows named from them),
// and the calls taking them. Everything else is assumed already checked.
void check_proc_touching(const Proc& p, const std::set<Sym>& touched);

// Counters for benchmarks: how many queries were sent to Z3, and cache hits.
struct SolverStats {
  long queries = 0;
  long solver_calls = 0;
  long cache_hits = 0;
};
SolverStats solver_stats();

}  // namespace exo
