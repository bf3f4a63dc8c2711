// Scheduling primitives of the subprocs family as ProcHandle methods.
#include "bindings.h"

namespace exo::python {

void define_sched_subprocs(ProcClass& c) {}

}  // namespace exo::python
