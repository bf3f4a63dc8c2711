// Scheduling primitives of the subprocs family as ProcHandle methods
// (exo/subprocs.h), and procedure equivalence (exo/equivalence.h).
#include "bindings.h"
#include "exo/equivalence.h"
#include "exo/schedule/subprocs.h"

namespace exo::python {

void define_sched_subprocs(ProcClass& c) {
  c.def("replace", [](const ProcHandle& h, const ProcHandle& subproc, py::object block) {
    Cursor at = ref_to_cursor(h, block, RefKind::Block, "replace", 2, "block_cursor");
    return derive(h, replace(h.proc, at, subproc.proc));
  });
  c.def("replace_all", [](const ProcHandle& h, const ProcHandle& subproc) {
    return derive(h, replace_all(h.proc, subproc.proc));
  });
  c.def("inline", [](const ProcHandle& h, py::object call) {
    Cursor at = ref_to_cursor(h, call, RefKind::Stmt, "inline", 1, "call_cursor");
    return derive(h, inline_call(h.proc, at));
  });
  c.def("call_eqv", [](const ProcHandle& h, const ProcHandle& eqv, py::object call) {
    Cursor at = ref_to_cursor(h, call, RefKind::Stmt, "call_eqv", 2, "call_cursor");
    return derive(h, call_eqv(h.proc, at, eqv.proc));
  });
  c.def("make_instr", [](const ProcHandle& h, const std::string& c_instr, const std::string& c_global) {
    return derive(h, make_instr(h.proc, c_instr, c_global));
  });
  c.def("is_eq", [](const ProcHandle& h, const ProcHandle& other) { return equivalent(h.proc, other.proc); });
  c.def("unsafe_assert_eq", [](const ProcHandle& h, const ProcHandle& other) { assert_equivalent(h.proc, other.proc); });
}

}  // namespace exo::python
