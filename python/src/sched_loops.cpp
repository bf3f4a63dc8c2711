// Scheduling primitives of the loops family as ProcHandle methods. Reference
// arguments are pattern strings or cursors (converted by ref_to_cursor).
#include <pybind11/stl.h>

#include "bindings.h"
#include "exo/schedule/match.h"
#include "exo/schedule/loops.h"
#include "sched_util.h"

namespace exo::python {
void define_sched_loops(ProcClass& c) {
  c.def("rename", [](const ProcHandle& h, const std::string& name) {
    return derive(h, rename_proc(h.proc, name));
  });
  c.def("delete_pass", [](const ProcHandle& h) { return derive(h, delete_pass(h.proc)); });
  c.def("reorder_stmts", [](const ProcHandle& h, py::object s1, py::object s2) {
    return derive(
        h, reorder_stmts(h.proc, ref_to_cursor(h, s1, RefKind::Stmt, "reorder_stmts", 1, "stmt1"),
                         ref_to_cursor(h, s2, RefKind::Stmt, "reorder_stmts", 2, "stmt2")));
  });
  c.def("reorder_before", [](const ProcHandle& h, py::object s) {
    return derive(
        h, reorder_before(h.proc, ref_to_cursor(h, s, RefKind::Stmt, "reorder_before", 1, "stmt")));
  });
  c.def("unroll", [](const ProcHandle& h, py::object loop) {
    return derive(h,
                  unroll_loop(h.proc, ref_to_cursor(h, loop, RefKind::Loop, "unroll", 1, "loop")));
  });
  c.def("split", [](const ProcHandle& h, py::object loop, py::object c, const std::string& outer,
                    const std::string& inner, const std::string& tail, bool perfect) {
    long long factor = int_arg(c, "split", 2, "split_const", 1);
    return derive(h, split_loop(h.proc, ref_to_cursor(h, loop, RefKind::Loop, "split", 1, "loop"),
                                factor, outer, inner, tail, perfect));
  });
  c.def("fuse_loop", [](const ProcHandle& h, py::object l1, py::object l2) {
    return derive(h, fuse_loop(h.proc, loop_or_stmt(h, l1, "fuse_loop", 1, "loop1"),
                               loop_or_stmt(h, l2, "fuse_loop", 2, "loop2")));
  });
  c.def("partition_loop", [](const ProcHandle& h, py::object loop, py::object num) {
    long long n = int_arg(num, "partition_loop", 2, "num", 0);
    return derive(
        h, partition_loop(h.proc,
                          ref_to_cursor(h, loop, RefKind::Loop, "partition_loop", 1, "loop"), n));
  });
  // cut_loop(loop, cut_point): cut_point (text or int) is where the second loop starts.
  c.def("cut_loop", [](const ProcHandle& h, py::object loop, py::object cut) {
    Cursor l = ref_to_cursor(h, loop, RefKind::Loop, "cut_loop", 1, "loop_cursor");
    std::string text;
    if (py::isinstance<py::str>(cut))
      text = cut.cast<std::string>();
    else if (py::isinstance<py::int_>(cut) && !py::isinstance<py::bool_>(cut))
      text = std::to_string(cut.cast<long long>());
    else
      argument_error("cut_loop", 2, "cut_point", "expected an index expression (a string or an int)");
    return derive(h, cut_loop(h.proc, l, text));
  });
  // reorder("i j"), reorder("i") / reorder(cursor), or reorder(outer, inner).
  c.def("reorder", [](const ProcHandle& h, py::object l1, py::object l2) {
    if (l2.is_none()) {
      if (py::isinstance<py::str>(l1))
        return derive(h, reorder_loops(h.proc, l1.cast<std::string>()));
      return derive(
          h, reorder_loops(h.proc, ref_to_cursor(h, l1, RefKind::Loop, "reorder", 1, "loop1")));
    }
    Cursor outer = ref_to_cursor(h, l1, RefKind::Loop, "reorder", 1, "loop1");
    if (py::isinstance<py::str>(l2) && is_plain_name(l2.cast<std::string>()))
      return derive(h, reorder_loops(h.proc, outer, l2.cast<std::string>()));
    return derive(h, reorder_loops(h.proc, outer,
                                   ref_to_cursor(h, l2, RefKind::Loop, "reorder", 2, "loop2")));
  });
  c.def("fission_after", [](const ProcHandle& h, py::object s, py::object n_lifts) {
    int n = static_cast<int>(int_arg(n_lifts, "fission_after", 2, "n_lifts", 1, INT_MAX));
    return derive(
        h, fission_after(h.proc, ref_to_cursor(h, s, RefKind::Stmt, "fission_after", 1, "stmt"), n));
  });
  c.def("remove_loop", [](const ProcHandle& h, py::object loop) {
    return derive(
        h, remove_loop(h.proc, ref_to_cursor(h, loop, RefKind::Loop, "remove_loop", 1, "loop")));
  });
  c.def("lift_if", [](const ProcHandle& h, py::object s, py::object n_lifts) {
    int n = static_cast<int>(int_arg(n_lifts, "lift_if", 2, "n_lifts", 1, INT_MAX));
    return derive(h, lift_if(h.proc, ref_to_cursor(h, s, RefKind::Stmt, "lift_if", 1, "if_"), n));
  });
  c.def("assert_if", [](const ProcHandle& h, py::object s, bool cond) {
    return derive(
        h, assert_if(h.proc, ref_to_cursor(h, s, RefKind::Stmt, "assert_if", 1, "if_"), cond));
  });
}

}  // namespace exo::python
