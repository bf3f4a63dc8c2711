// Scheduling primitives of the loops family as ProcHandle methods.
#include "bindings.h"

namespace exo::python {

void define_sched_loops(ProcClass& c) {}

}  // namespace exo::python
