// Scheduling primitives of the configs family as ProcHandle methods.
#include "bindings.h"

namespace exo::python {

void define_sched_configs(ProcClass& c) {}

}  // namespace exo::python
