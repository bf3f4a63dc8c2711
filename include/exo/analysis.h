#pragma once
// Static checks of a typechecked procedure.

#include <set>

#include "exo/loopir.h"

namespace exo {

// Proves, with range reasoning and Z3, that every read, write, window and call
// argument is in bounds under the loop ranges, branch conditions and the proc's
// preconditions; that every loop runs a non-negative number of times (hi - lo >=
// 0 before the loop); that each call site satisfies its callee's preconditions and
// passes no overlapping storage to two parameters one of which the callee writes;
// that the preconditions are not contradictory; and that no two iterations of a
// par loop may touch one location with one of them writing (or both reducing).
// Throws Error(Bounds / Precondition; Type for a racy par loop, as the
// reference's backend) pointing at the offending code.
void check_proc(const Proc& p);
// check_proc for a procedure as written: its par loops are checked when it is
// compiled to C (check_par_loops), as exo-lang checks them.
void check_proc_definition(const Proc& p);

// check_proc limited to what a rewrite of the buffers `touched` can break: their
// allocations, the accesses and windows of them (and of windows named from them),
// and the calls taking them. Everything else is assumed already checked.
void check_proc_touching(const Proc& p, const std::set<Sym>& touched);

// The checks of check_proc that a rewrite can break without changing any access,
// run on what the rewrite made: every loop of `after` whose bounds are not those
// of a loop of `before` runs a non-negative number of times, every call statement
// not in `before` passes no overlapping storage to two parameters one of which
// the callee writes, and every par loop not in `before` is race-free. Unchanged
// nodes are shared between a proc and its rewrite, so this costs little.
void check_proc_changes(const Proc& after, const Proc& before);

// No two iterations of a par loop of p may touch one location with one of them
// writing (or both reducing): the check of parallelize_loop, applied to every par
// loop. Throws Error(Type) at the first loop that may race. The C backend runs it
// before emitting OpenMP.
void check_par_loops(const Proc& p);

// Counters for benchmarks: how many queries were sent to Z3, and cache hits.
struct SolverStats {
  long queries = 0;
  long solver_calls = 0;
  long cache_hits = 0;
};
SolverStats solver_stats();

}  // namespace exo
