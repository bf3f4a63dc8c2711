#pragma once
// The variables the values of a buffer may depend on (see value_dependencies.cpp).
#include <set>

#include "exo/loopir.h"

namespace exo {

// Every name whose value may flow into `buf` within `body`, `buf` included.
std::set<Sym> value_dependencies(const Block& body, const Sym& buf);

}  // namespace exo
