// divide_dim and mult_dim as ProcHandle methods.
#include "bindings.h"
#include "exo/reshape.h"

namespace exo::python {

void define_sched_reshape(ProcClass& c) {
  c.def("divide_dim", [](const ProcHandle& h, py::object alloc, int dim, long long quotient) {
    return derive(h, divide_dim(h.proc, ref_to_cursor(h, alloc, RefKind::Alloc, "divide_dim", 1, "alloc"), dim, quotient));
  });
  c.def("mult_dim", [](const ProcHandle& h, py::object alloc, int dim) {
    return derive(h, mult_dim(h.proc, ref_to_cursor(h, alloc, RefKind::Alloc, "mult_dim", 1, "alloc"), dim));
  });
}

}  // namespace exo::python
