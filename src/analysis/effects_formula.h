#pragma once
// Effects as formulas of the analysis layer: the building blocks of scheduling
// safety conditions ("these two accesses never touch the same location", "this
// write happens on every iteration"), decided with analysis::prove.
//
// Loop variables are used as they are: to compare two iterations of one loop,
// rename one access's loop variables apart first (a fresh Sym per iterator).

#include <vector>

#include "analysis/formula.h"
#include "analysis/lower.h"
#include "exo/effects.h"

namespace exo::analysis {

// The condition under which `a` happens: its loops' ranges and path conditions.
Formula access_domain(const Access& a, Lowering& low);

// The location `a` touches, one affine form per dimension (empty for scalars and
// config fields).
std::vector<Affine> access_location(const Access& a, Lowering& low);

// `a` and `b` touch the same location: the same buffer (or config field) and equal
// indices. False outright for different buffers.
Formula same_location(const Access& a, const Access& b, Lowering& low);

}  // namespace exo::analysis
