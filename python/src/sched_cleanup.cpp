// Scheduling primitives of the cleanup family as ProcHandle methods.
#include "bindings.h"

namespace exo::python {

void define_sched_cleanup(ProcClass& c) {}

}  // namespace exo::python
