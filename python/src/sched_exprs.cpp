// Expression and statement primitives (exo/exprs.h) as ProcHandle methods.
// References are patterns or cursors; new expressions and call arguments are Exo text.
#include <pybind11/stl.h>

#include "bindings.h"
#include "exo/exprs.h"
#include "exo/scheduling.h"

namespace exo::python {

namespace {

// One cursor, a list or tuple of them, or a pattern standing for every match.
std::vector<Cursor> expr_list(const ProcHandle& h, const py::object& refs, const char* prim,
                              const char* argname) {
  std::vector<Cursor> out;
  if (py::isinstance<py::list>(refs) || py::isinstance<py::tuple>(refs)) {
    for (auto item : refs) out.push_back(ref_to_cursor(h, item, RefKind::Expr, prim, 1, argname));
    if (out.empty()) argument_error(prim, 1, argname, "expected at least one expression");
    return out;
  }
  out.push_back(ref_to_cursor(h, refs, RefKind::Expr, prim, 1, argname));
  return out;
}

}  // namespace

void define_sched_exprs(ProcClass& c) {
  c.def("commute_expr", [](const ProcHandle& h, py::object exprs) {
    if (py::isinstance<py::str>(exprs))
      return derive(h, commute_expr(h.proc, exprs.cast<std::string>()));
    return derive(h, commute_expr(h.proc, expr_list(h, exprs, "commute_expr", "expr_cursors")));
  });
  c.def("left_reassociate_expr", [](const ProcHandle& h, py::object expr) {
    Cursor at = ref_to_cursor(h, expr, RefKind::Expr, "left_reassociate_expr", 1, "expr");
    return derive(h, left_reassociate_expr(h.proc, at));
  });
  c.def("rewrite_expr", [](const ProcHandle& h, py::object expr, const std::string& new_expr) {
    Cursor at = ref_to_cursor(h, expr, RefKind::Expr, "rewrite_expr", 1, "expr_cursor");
    return derive(h, rewrite_expr(h.proc, at, new_expr));
  });
  c.def("merge_writes", [](const ProcHandle& h, py::object block) {
    Cursor at = ref_to_cursor(h, block, RefKind::Block, "merge_writes", 1, "block_cursor");
    return derive(h, merge_writes(h.proc, at));
  });
  c.def("split_write", [](const ProcHandle& h, py::object stmt) {
    Cursor at = ref_to_cursor(h, stmt, RefKind::Stmt, "split_write", 1, "stmt");
    return derive(h, split_write(h.proc, at));
  });
  c.def("fold_into_reduce", [](const ProcHandle& h, py::object assign) {
    Cursor at = ref_to_cursor(h, assign, RefKind::Stmt, "fold_into_reduce", 1, "assign");
    return derive(h, fold_into_reduce(h.proc, at));
  });
  c.def("inline_assign", [](const ProcHandle& h, py::object assign) {
    Cursor at = ref_to_cursor(h, assign, RefKind::Stmt, "inline_assign", 1, "alloc_cursor");
    return derive(h, inline_assign(h.proc, at));
  });
  c.def("lift_reduce_constant", [](const ProcHandle& h, py::object block) {
    Cursor at = ref_to_cursor(h, block, RefKind::Block, "lift_reduce_constant", 1, "block_cursor");
    return derive(h, lift_reduce_constant(h.proc, at));
  });
  c.def("insert_noop_call", [](const ProcHandle& h, py::object gap, const ProcHandle& instr,
                               const std::vector<std::string>& args) {
    Cursor at = ref_to_cursor(h, gap, RefKind::Any, "insert_noop_call", 1, "gap_cursor");
    return derive(h, insert_noop_call(h.proc, at, instr.proc, args));
  });
}

}  // namespace exo::python
