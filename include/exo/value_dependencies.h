#pragma once
// The variables the values of a buffer may depend on (see value_dependencies.cpp).
#include <optional>
#include <set>
#include <string>

#include "exo/loopir.h"

namespace exo {

// Every name whose value may flow into `buf` within `body`, `buf` included.
std::set<Sym> value_dependencies(const Block& body, const Sym& buf);

// A config write in `body` (directly, or by a callee) inside a loop whose value
// may depend on that loop's iterator through the variables, buffers and config
// fields it is computed from (not through conditions around it), if any.
struct ConfigLoopDependence {
  Stmt write;         // the WriteConfig statement
  std::string field;  // "Config.field"
  Sym iter;
};
std::optional<ConfigLoopDependence> config_loop_dependence(const Block& body);

}  // namespace exo
