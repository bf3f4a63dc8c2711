#pragma once
// Shared declarations of the `exo._core` extension. Each concept lives in its own
// file with a `define_x(module)` called from module.cpp. The bindings only convert
// arguments; every semantic decision is made by the C++ core.

#include <pybind11/pybind11.h>

#include "exo/exo.h"

namespace exo::python {

namespace py = pybind11;

// Python sees compiler objects through small value handles: the core's
// shared pointers are to const nodes, which pybind cannot hold directly.
struct ProcHandle {
  Proc proc;
};
struct MemoryHandle {
  MemoryPtr mem;
};
struct ConfigHandle {
  ConfigPtr config;
};
struct ExternHandle {
  ExternPtr fn;
};

void define_errors(py::module_& m);
void define_memory(py::module_& m);
void define_config_extern(py::module_& m);
void define_frontend(py::module_& m);
void define_procedure(py::module_& m);
void define_interpret(py::module_& m);
void define_ast(py::module_& m);

// The Python class of `exo.libs.memories.MemGenError` (created by define_errors).
py::handle memgen_error_type();

// Calls `fn()` (which calls into Python); a Python MemGenError becomes
// Error(MemGen) at `where` so the core reports it like its own refusals.
template <class F>
auto translate_memgen(const SrcInfo& where, F&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (py::error_already_set& e) {
    if (e.matches(memgen_error_type()))
      throw Error(ErrorKind::MemGen, where, py::str(e.value()).cast<std::string>());
    throw;
  }
}

// Keeps a Python object alive from a core object that may outlive the
// interpreter (procs cached in static storage): never decref after finalization.
class PyRef {
 public:
  explicit PyRef(py::object o) : obj_(std::move(o)) {}
  PyRef(const PyRef&) = delete;
  PyRef& operator=(const PyRef&) = delete;
  ~PyRef() {
    if (!Py_IsInitialized()) {
      obj_.release();
      return;
    }
    py::gil_scoped_acquire gil;
    obj_ = py::object();
  }
  const py::object& get() const { return obj_; }

 private:
  py::object obj_;
};

}  // namespace exo::python
