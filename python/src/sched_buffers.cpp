// Scheduling primitives of the buffers family as ProcHandle methods.
#include <pybind11/stl.h>

#include "bindings.h"
#include "exo/schedule/buffers.h"
#include "exo/schedule/loops.h"

namespace exo::python {

namespace {

// `alloc_dim` / `indexing`: an int or Exo expression text.
std::string expr_text(py::handle v, const char* prim, int argno, const char* name) {
  if (py::isinstance<py::str>(v)) return v.cast<std::string>();
  if (py::isinstance<py::bool_>(v) || !py::isinstance<py::int_>(v))
    argument_error(prim, argno, name, "expected an int or an expression string");
  return std::to_string(int_arg(v, prim, argno, name));
}

}  // namespace

void define_sched_buffers(ProcClass& c) {
  c.def("stage_mem", [](const ProcHandle& h, py::object start, py::object end, const std::string& win_expr,
                        const std::string& new_name, bool accum) {
    Cursor block = ref_to_cursor(h, start, RefKind::Any, "stage_mem", 3, "stmt_start");
    if (!end.is_none()) block = stmt_range(h.proc, block, ref_to_cursor(h, end, RefKind::Stmt, "stage_mem", 4, "stmt_end"));
    return derive(h, stage_mem(h.proc, block, win_expr, new_name, accum));
  });
  c.def("bind_expr", [](const ProcHandle& h, py::object expr, const std::string& new_name, bool cse) {
    if (py::isinstance<py::str>(expr)) return derive(h, bind_expr(h.proc, expr.cast<std::string>(), new_name, cse));
    std::vector<Cursor> cs;
    if (py::isinstance<py::list>(expr) || py::isinstance<py::tuple>(expr)) {
      for (auto e : expr) cs.push_back(ref_to_cursor(h, e, RefKind::Expr, "bind_expr", 2, "expr"));
    } else {
      cs.push_back(ref_to_cursor(h, expr, RefKind::Expr, "bind_expr", 2, "expr"));
    }
    return derive(h, bind_expr(h.proc, cs, new_name, cse));
  });
  c.def("expand_dim", [](const ProcHandle& h, py::object alloc, py::object alloc_dim, py::object indexing) {
    Cursor a = ref_to_cursor(h, alloc, RefKind::Alloc, "expand_dim", 1, "stmt");
    return derive(h, expand_dim(h.proc, a, expr_text(alloc_dim, "expand_dim", 2, "alloc_dim"),
                                expr_text(indexing, "expand_dim", 3, "indexing")));
  });
  c.def("rearrange_dim", [](const ProcHandle& h, py::object alloc, py::object dimensions) {
    if (!py::isinstance<py::list>(dimensions) && !py::isinstance<py::tuple>(dimensions))
      argument_error("rearrange_dim", 2, "dimensions", "expected a list of dimensions");
    std::vector<int> dims;
    for (auto d : dimensions)
      dims.push_back(static_cast<int>(int_arg(d, "rearrange_dim", 2, "dimensions", 0, INT_MAX)));
    return derive(h, rearrange_dim(h.proc, ref_to_cursor(h, alloc, RefKind::Alloc, "rearrange_dim", 1, "alloc"), dims));
  });
  c.def("lift_alloc", [](const ProcHandle& h, py::object alloc, py::object n_lifts, bool keep_dims) {
    int n = static_cast<int>(int_arg(n_lifts, "lift_alloc", 2, "n_lifts", 1, INT_MAX));
    Cursor a = ref_to_cursor(h, alloc, RefKind::Alloc, "lift_alloc", 1, "alloc");
    return derive(h, lift_alloc(h.proc, a, n, keep_dims));
  });
  c.def("data_reuse", [](const ProcHandle& h, py::object buf1, py::object buf2) {
    return derive(h, data_reuse(h.proc, ref_to_cursor(h, buf1, RefKind::Alloc, "data_reuse", 1, "buf1"),
                                ref_to_cursor(h, buf2, RefKind::Alloc, "data_reuse", 2, "buf2")));
  });
  c.def("inline_window", [](const ProcHandle& h, py::object win_stmt) {
    return derive(h, inline_window(h.proc, ref_to_cursor(h, win_stmt, RefKind::Stmt, "inline_window", 1, "win_stmt")));
  });
}

}  // namespace exo::python
