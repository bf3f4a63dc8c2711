// Scheduling primitives of the cleanup family as ProcHandle methods:
// simplify, set_precision, set_window, set_memory.
#include "bindings.h"
#include "exo/schedule/procs.h"
#include "exo/schedule/loops.h"

namespace exo::python {

namespace {

// A buffer named by a string (an argument name first, else an allocation
// reference such as "x #1") or by a cursor to its allocation.
BufferRef buffer_ref(const ProcHandle& h, py::handle ref, const std::string& prim, const std::string& argname) {
  if (py::isinstance<py::str>(ref)) {
    std::string name = ref.cast<std::string>();
    for (size_t k = 0; k < h.proc->args.size(); ++k)
      if (h.proc->args[k].name.name() == name) return BufferRef{static_cast<int>(k), Cursor::invalid()};
  }
  return BufferRef{-1, ref_to_cursor(h, ref, RefKind::Alloc, prim, 1, argname)};
}

ScalarKind data_type(const std::string& prim, py::handle typ) {
  std::string name = py::isinstance<py::str>(typ) ? typ.cast<std::string>() : py::str(typ).cast<std::string>();
  auto k = scalar_kind_from_name(name);
  if (!k || !is_data_kind(*k))
    argument_error(prim, 2, "typ", "expected a data type (f16, f32, f64, i8, ui8, ui16, i32 or R), got '" + name + "'");
  return *k;
}

}  // namespace

void define_sched_cleanup(ProcClass& c) {
  c.def("simplify", [](const ProcHandle& h) { return derive(h, simplify(h.proc)); });
  c.def("set_precision", [](const ProcHandle& h, py::object name, py::object typ) {
    return derive(h, set_precision(h.proc, buffer_ref(h, name, "set_precision", "name"), data_type("set_precision", typ)));
  });
  c.def("set_window", [](const ProcHandle& h, py::object name, bool is_window) {
    return derive(h, set_window(h.proc, buffer_ref(h, name, "set_window", "name"), is_window));
  });
  c.def("set_memory", [](const ProcHandle& h, py::object name, const MemoryHandle& mem) {
    return derive(h, set_memory(h.proc, buffer_ref(h, name, "set_memory", "name"), mem.mem));
  });
}

}  // namespace exo::python
