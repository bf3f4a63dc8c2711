// The `exo._core` extension module: the C++ compiler as seen from Python.
// The user-facing API (decorators, Procedure, Memory) is Python code in the
// `exo` package built on these bindings.

#include "bindings.h"

namespace exo::python {
void define_platforms(py::module_& m);  // platforms.cpp
}

PYBIND11_MODULE(_core, m) {
  m.doc() = "Exo compiler core (C++)";
  using namespace exo::python;
  define_errors(m);
  define_memory(m);
  define_config_extern(m);
  define_frontend(m);
  define_procedure(m);
  define_sched_records(m);  // after ProcHandle
  define_interpret(m);
  define_ast(m);
  define_cursors(m);
  define_platforms(m);
}
