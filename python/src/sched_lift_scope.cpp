// lift_loop_from_if as a ProcHandle method (lift_scope's loop-out-of-an-if case).
#include "bindings.h"
#include "exo/schedule/lift_scope.h"

namespace exo::python {

void define_sched_lift_scope(ProcClass& c) {
  c.def("lift_loop_from_if", [](const ProcHandle& h, py::object loop) {
    return derive(h, lift_loop_from_if(h.proc, ref_to_cursor(h, loop, RefKind::Loop, "lift_scope",
                                                             1, "scope_cursor")));
  });
}

}  // namespace exo::python
