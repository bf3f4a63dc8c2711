#pragma once
// The definition-time rules a rewrite must keep (see check_proc_changes in
// exo/analysis.h): loops run a non-negative number of times, calls pass no
// aliased storage to arguments the callee writes, par loops do not race.
#include "exo/schedule/cursor.h"
#include "exo/loopir.h"

namespace exo::rewrite_detail {

// `r`, after checking what it made against those rules; a failure is a
// scheduling error of `prim` at `where` in `before`.
Rewrite keeping_definition_rules(const char* prim, const Proc& before, const Cursor& where, Rewrite r);

// Whether `after` keeps those rules (for primitives that skip sites breaking them).
bool keeps_definition_rules(const Proc& after, const Proc& before);

}  // namespace exo::rewrite_detail
