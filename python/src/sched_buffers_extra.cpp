// resize_dim, unroll_buffer, sink_alloc, delete_buffer, extract_subproc as
// ProcHandle methods.
#include "bindings.h"
#include "exo/schedule/allocations.h"
#include "exo/schedule/subprocs.h"
#include "exo/schedule/loops.h"

namespace exo::python {

namespace {

// `size` / `offset`: an int or Exo expression text.
std::string expr_text(py::handle v, const char* prim, int argno, const char* name) {
  if (py::isinstance<py::str>(v)) return v.cast<std::string>();
  if (py::isinstance<py::bool_>(v) || !py::isinstance<py::int_>(v))
    argument_error(prim, argno, name, "expected an int or an expression string");
  return std::to_string(int_arg(v, prim, argno, name));
}

int dim_arg(py::handle v, const char* prim, int argno, const char* name) {
  return static_cast<int>(int_arg(v, prim, argno, name, 0, INT_MAX));
}

}  // namespace

void define_sched_buffers_extra(ProcClass& c) {
  c.def("resize_dim", [](const ProcHandle& h, py::object buf, py::object dim, py::object size,
                         py::object offset, bool fold) {
    Cursor a = ref_to_cursor(h, buf, RefKind::Alloc, "resize_dim", 1, "buf_cursor");
    return derive(h, resize_dim(h.proc, a, dim_arg(dim, "resize_dim", 2, "dim_idx"),
                                expr_text(size, "resize_dim", 3, "size"),
                                expr_text(offset, "resize_dim", 4, "offset"), fold));
  });
  c.def("unroll_buffer", [](const ProcHandle& h, py::object alloc, py::object dim) {
    Cursor a = ref_to_cursor(h, alloc, RefKind::Alloc, "unroll_buffer", 1, "alloc_cursor");
    return derive(h, unroll_buffer(h.proc, a, dim_arg(dim, "unroll_buffer", 2, "dimension")));
  });
  c.def("sink_alloc", [](const ProcHandle& h, py::object alloc) {
    return derive(h, sink_alloc(h.proc, ref_to_cursor(h, alloc, RefKind::Alloc, "sink_alloc", 1,
                                                      "alloc_cursor")));
  });
  c.def("delete_buffer", [](const ProcHandle& h, py::object buf) {
    return derive(h, delete_buffer(h.proc, ref_to_cursor(h, buf, RefKind::Alloc, "delete_buffer", 1,
                                                         "buf_cursor")));
  });
  // Returns (proc with the call, the new subproc).
  c.def("extract_subproc",
        [](const ProcHandle& h, py::object block, const std::string& name, bool include_asserts) {
          Cursor b = ref_to_cursor(h, block, RefKind::Any, "extract_subproc", 1, "block");
          ExtractedSubproc r = extract_subproc(h.proc, b, name, include_asserts);
          return std::make_pair(derive(h, r.rewrite), ProcHandle{r.subproc, nullptr, {}});
        });
}

}  // namespace exo::python
