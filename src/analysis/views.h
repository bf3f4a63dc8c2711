#pragma once
// Where a name's storage lives: windows resolved to the buffer that owns it.
// Shared by the effect collector (accesses through windows and calls) and the
// checker (aliasing of call arguments).
#include <vector>

#include "exo/effects.h"
#include "exo/loopir.h"

namespace exo::analysis {

using View = BufferView;

// `a + b`, skipping a literal zero so resolved window indices stay readable.
Expr add_skipping_zero(const Expr& a, const Expr& b);

// Index of the window's element `idx` in the base buffer.
std::vector<Expr> apply_view(const View& v, const std::vector<Expr>& idx);

// A view of a view: `w` are coordinates within `v`.
View compose(const View& v, const std::vector<WAccess>& w);

}  // namespace exo::analysis
