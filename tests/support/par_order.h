#pragma once
// A deterministic check of par loops: the iterations of `for i in par(lo, hi)`
// must not depend on each other, so running them backwards computes the same.
// Compiled C runs them in parallel, where a dependence is a race that shows
// only sometimes; the interpreter on the reversed proc shows it every time.
#include "exo/loopir.h"

namespace exo::test {

// The proc with every par loop run backwards as a seq loop:
// `for i in par(lo, hi): s` -> `for i in seq(lo, hi): s[i -> lo + hi - 1 - i]`.
// Null when the proc has no par loop.
Proc with_par_loops_reversed(const Proc& p);

}  // namespace exo::test
