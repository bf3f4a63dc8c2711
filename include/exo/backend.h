#pragma once
// LoopIR -> C.

#include <string>
#include <vector>

#include "exo/loopir.h"

namespace exo {

struct CCode {
  std::string c;  // the .c file (includes "<stem>.h")
  std::string h;  // the .h file
  std::string decls;  // what the .h file declares, without its include guard and extern "C"
};

// Compile `procs` (and, once each, every proc they call) into one translation unit.
// Procs in the list are exported; callees not in the list are `static`.
// Throws Error(MemGen / Type) with the offending code's position; Error(Type)
// also for a par loop whose iterations may race (check_par_loops).
CCode compile_to_c(const std::vector<Proc>& procs, const std::string& stem);

}  // namespace exo
