#pragma once
// The variables the values of a buffer may depend on (see value_dependencies.cpp).
#include <optional>
#include <set>
#include <string>

#include "exo/loopir.h"

namespace exo {

// Every name whose value may flow into `buf` within `body`, `buf` included.
std::set<Sym> value_dependencies(const Block& body, const Sym& buf);

// A config write in `body` whose value may depend on a loop iterator (through
// the variables it is computed from or the conditions around it), if any.
struct ConfigLoopDependence {
  Stmt write;         // the WriteConfig statement
  std::string field;  // "Config.field"
  Sym iter;
};
std::optional<ConfigLoopDependence> config_loop_dependence(const Block& body);

}  // namespace exo
