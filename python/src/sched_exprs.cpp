// Expression and statement primitives (exo/exprs.h) as ProcHandle methods.
// References are patterns or cursors; new expressions and call arguments are Exo text.
#include <pybind11/stl.h>

#include "bindings.h"
#include "exo/schedule/exprs.h"
#include "exo/schedule/loops.h"
#include "sched_util.h"

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
  def_on_cursor(c, "left_reassociate_expr", RefKind::Expr, "expr",
                [](const Proc& p, const Cursor& at) { return left_reassociate_expr(p, at); });
  c.def("rewrite_expr", [](const ProcHandle& h, py::object expr, const std::string& new_expr) {
    Cursor at = ref_to_cursor(h, expr, RefKind::Expr, "rewrite_expr", 1, "expr_cursor");
    return derive(h, rewrite_expr(h.proc, at, new_expr));
  });
  def_on_cursor(c, "merge_writes", RefKind::Block, "block_cursor",
                [](const Proc& p, const Cursor& at) { return merge_writes(p, at); });
  def_on_cursor(c, "split_write", RefKind::Stmt, "stmt",
                [](const Proc& p, const Cursor& at) { return split_write(p, at); });
  def_on_cursor(c, "fold_into_reduce", RefKind::Stmt, "assign",
                [](const Proc& p, const Cursor& at) { return fold_into_reduce(p, at); });
  def_on_cursor(c, "inline_assign", RefKind::Stmt, "alloc_cursor",
                [](const Proc& p, const Cursor& at) { return inline_assign(p, at); });
  def_on_cursor(c, "lift_reduce_constant", RefKind::Block, "block_cursor",
                [](const Proc& p, const Cursor& at) { return lift_reduce_constant(p, at); });
  c.def("insert_noop_call", [](const ProcHandle& h, py::object gap, const ProcHandle& instr,
                               const std::vector<std::string>& args) {
    Cursor at = ref_to_cursor(h, gap, RefKind::Any, "insert_noop_call", 1, "gap_cursor");
    return derive(h, insert_noop_call(h.proc, at, instr.proc, args));
  });
}

}  // namespace exo::python
