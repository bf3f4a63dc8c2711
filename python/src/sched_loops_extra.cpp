// More loop and guard primitives (exo/loops_extra.h) as ProcHandle methods.
// References are pattern strings or cursors (ref_to_cursor); new expressions
// arrive as Exo text (the Python side turns integers into text).
#include <pybind11/stl.h>

#include "bindings.h"
#include "exo/schedule/loop_ranges.h"
#include "exo/schedule/match.h"
#include "exo/schedule/loops.h"
#include "sched_util.h"

namespace exo::python {
namespace {

Cursor gap_arg(const ProcHandle& h, py::handle ref, const char* prim) {
  if (py::isinstance<py::str>(ref)) argument_error(prim, 1, "gap_cursor", "expected a GapCursor");
  Cursor c = ref_to_cursor(h, ref, RefKind::Any, prim, 1, "gap_cursor");
  if (!c.is_gap()) argument_error(prim, 1, "gap_cursor", "expected a GapCursor, got " + c.str());
  return c;
}

}  // namespace

void define_sched_loops_extra(ProcClass& c) {
  def_on_cursor(c, "parallelize_loop", RefKind::Loop, "loop_cursor",
                [](const Proc& p, const Cursor& at) { return parallelize_loop(p, at); });
  c.def("shift_loop", [](const ProcHandle& h, py::object loop, const std::string& new_lo) {
    Cursor l = ref_to_cursor(h, loop, RefKind::Loop, "shift_loop", 1, "loop_cursor");
    return derive(h, shift_loop(h.proc, l, new_lo));
  });
  c.def("join_loops", [](const ProcHandle& h, py::object l1, py::object l2) {
    Cursor a = ref_to_cursor(h, l1, RefKind::Loop, "join_loops", 1, "loop1_cursor");
    Cursor b = ref_to_cursor(h, l2, RefKind::Loop, "join_loops", 2, "loop2_cursor");
    return derive(h, join_loops(h.proc, a, b));
  });
  c.def("mult_loops", [](const ProcHandle& h, py::object loops, const std::string& name) {
    Cursor l = ref_to_cursor(h, loops, RefKind::Loop, "mult_loops", 1, "nested_loops");
    return derive(h, mult_loops(h.proc, l, name));
  });
  c.def("insert_pass", [](const ProcHandle& h, py::object gap) {
    return derive(h, insert_pass(h.proc, gap_arg(h, gap, "insert_pass")));
  });
  c.def("eliminate_dead_code", [](const ProcHandle& h, py::object stmt) {
    Cursor s = loop_or_stmt(h, stmt, "eliminate_dead_code", 1, "stmt_cursor");
    return derive(h, eliminate_dead_code(h.proc, s));
  });
  c.def("specialize",
        [](const ProcHandle& h, py::object block, const std::vector<std::string>& conds) {
          Cursor b = ref_to_cursor(h, block, RefKind::Block, "specialize", 1, "block");
          return derive(h, specialize(h.proc, b, conds));
        });
  c.def("add_unsafe_guard", [](const ProcHandle& h, py::object block, const std::string& cond) {
    Cursor b = ref_to_cursor(h, block, RefKind::Block, "add_unsafe_guard", 1, "block_cursor");
    return derive(h, add_unsafe_guard(h.proc, b, cond));
  });
  c.def("add_loop", [](const ProcHandle& h, py::object block, const std::string& iter,
                       const std::string& hi, bool guard) {
    Cursor b = ref_to_cursor(h, block, RefKind::Block, "add_loop", 1, "block_cursor");
    return derive(h, add_loop(h.proc, b, iter, hi, guard));
  });
  c.def("autofission", [](const ProcHandle& h, py::object gap, py::object n_lifts) {
    int n = static_cast<int>(int_arg(n_lifts, "autofission", 2, "n_lifts", 1, INT_MAX));
    return derive(h, autofission(h.proc, gap_arg(h, gap, "autofission"), n));
  });
  c.def("divide_with_recompute", [](const ProcHandle& h, py::object loop,
                                    const std::string& outer_hi, py::object stride,
                                    const std::string& outer, const std::string& inner) {
    long long s = int_arg(stride, "divide_with_recompute", 3, "outer_stride", 1);
    Cursor l = ref_to_cursor(h, loop, RefKind::Loop, "divide_with_recompute", 1, "loop_cursor");
    return derive(h, divide_with_recompute(h.proc, l, outer_hi, s, outer, inner));
  });
}

}  // namespace exo::python
