#pragma once
// Data precisions must agree where C would otherwise convert silently:
// arithmetic operands, call arguments and their parameters, an extern call's
// arguments. Checked when C is generated (as exo-lang does), not when a proc
// is defined, so such a proc can still be interpreted and scheduled.
#include <string>
#include <vector>

#include "exo/loopir.h"

namespace exo {

// One line per mismatch ("file:line:col: ..."), in program order.
std::vector<std::string> precision_errors(const Proc& p);

// Throws Error(Type) "Errors occurred during precision checking ..." listing
// them, if there are any.
void check_precisions(const Proc& p);

}  // namespace exo
