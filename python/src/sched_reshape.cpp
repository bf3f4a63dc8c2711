// divide_dim and mult_dim as ProcHandle methods.
#include "bindings.h"
#include "exo/schedule/reshape.h"

namespace exo::python {

void define_sched_reshape(ProcClass& c) {
  c.def("divide_dim", [](const ProcHandle& h, py::object alloc, py::object dim, py::object quotient) {
    int d = static_cast<int>(int_arg(dim, "divide_dim", 2, "dim", 0, INT_MAX));
    long long q = int_arg(quotient, "divide_dim", 3, "quotient", 1);
    return derive(h, divide_dim(h.proc, ref_to_cursor(h, alloc, RefKind::Alloc, "divide_dim", 1, "alloc"), d, q));
  });
  c.def("mult_dim", [](const ProcHandle& h, py::object alloc, py::object dim) {
    int d = static_cast<int>(int_arg(dim, "mult_dim", 2, "dim", 0, INT_MAX));
    return derive(h, mult_dim(h.proc, ref_to_cursor(h, alloc, RefKind::Alloc, "mult_dim", 1, "alloc"), d));
  });
}

}  // namespace exo::python
