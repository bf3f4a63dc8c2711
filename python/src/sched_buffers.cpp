// Scheduling primitives of the buffers family as ProcHandle methods.
#include "bindings.h"

namespace exo::python {

void define_sched_buffers(ProcClass& c) {}

}  // namespace exo::python
