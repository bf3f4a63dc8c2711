// Memories: handles to the core's Memory objects, and PythonMemory, the core
// Memory interface implemented by a Python `exo.Memory` subclass (its class
// methods generate the C).

#include <algorithm>
#include <pybind11/stl.h>

#include "bindings.h"

namespace exo::python {

namespace {

// Facts that cannot change for a Python memory class are read once by the
// Python layer (exo/memory.py) and passed in, so code generation only calls back
// into Python for the code-producing hooks.
struct PythonMemoryTraits {
  std::string name;
  bool can_read = true, can_write = true, can_reduce = true;
  bool custom_window = false;  // the class overrides Memory.window
  std::vector<std::string> kinds_of;  // the memories the class subclasses, by name
};

class PythonMemory final : public Memory {
 public:
  PythonMemory(py::object cls, PythonMemoryTraits t) : cls_(std::move(cls)), t_(std::move(t)) {}

  std::string name() const override { return t_.name; }
  bool is_a(const Memory& m) const override {
    return Memory::is_a(m) || std::find(t_.kinds_of.begin(), t_.kinds_of.end(), m.name()) != t_.kinds_of.end();
  }
  bool hands_out_chunks() const override {
    return t_.name == "StaticMemory" ||
           std::find(t_.kinds_of.begin(), t_.kinds_of.end(), "StaticMemory") != t_.kinds_of.end();
  }
  std::string global_() const override {
    py::gil_scoped_acquire gil;
    return translate_memgen(SrcInfo(), [&] {
      return py::str(cls_.get().attr("global_")()).cast<std::string>();
    });
  }
  std::string alloc(const std::string& new_name, const std::string& prim_type,
                    const std::vector<std::string>& shape, const SrcInfo& srcinfo) const override {
    return hook("alloc", new_name, prim_type, shape, srcinfo);
  }
  std::string free(const std::string& new_name, const std::string& prim_type,
                   const std::vector<std::string>& shape, const SrcInfo& srcinfo) const override {
    return hook("free", new_name, prim_type, shape, srcinfo);
  }
  std::string window(const std::string& basetyp, const std::string& baseptr,
                     const std::vector<std::string>& indices, const std::vector<std::string>& strides,
                     const SrcInfo& srcinfo) const override {
    if (!t_.custom_window) return Memory::window(basetyp, baseptr, indices, strides, srcinfo);
    py::gil_scoped_acquire gil;
    return translate_memgen(srcinfo, [&] {
      // exo.Memory._exo_window adapts the arguments to exo-lang's window signature.
      py::object r = cls_.get().attr("_exo_window")(basetyp, baseptr, py::tuple(py::cast(indices)),
                                                    py::tuple(py::cast(strides)), srcinfo);
      return py::str(r).cast<std::string>();
    });
  }
  bool can_read() const override { return t_.can_read; }
  bool can_write() const override { return t_.can_write; }
  bool can_reduce() const override { return t_.can_reduce; }

 private:
  std::string hook(const char* method, const std::string& new_name, const std::string& prim_type,
                   const std::vector<std::string>& shape, const SrcInfo& srcinfo) const {
    py::gil_scoped_acquire gil;
    return translate_memgen(srcinfo, [&] {
      py::object r = cls_.get().attr(method)(new_name, prim_type, py::tuple(py::cast(shape)), srcinfo);
      return r.is_none() ? std::string() : py::str(r).cast<std::string>();
    });
  }

  PyRef cls_;
  PythonMemoryTraits t_;
};

MemoryHandle builtin_memory(const std::string& name) {
  if (name == "DRAM") return {dram()};
  if (name == "DRAM_STATIC") return {dram_static()};
  if (name == "DRAM_STACK") return {dram_stack()};
  throw Error(ErrorKind::Api, SrcInfo(), "no builtin memory named '" + name + "'");
}

}  // namespace

void define_memory(py::module_& m) {
  py::class_<SrcInfo>(m, "SrcInfo", "A position in user source (file, line, column).")
      .def(py::init<>())
      .def_property_readonly("filename", &SrcInfo::filename)
      .def_property_readonly("lineno", [](const SrcInfo& s) { return s.line; })
      .def_property_readonly("col_offset", [](const SrcInfo& s) { return s.col; })
      .def("__str__", &SrcInfo::str)
      .def("__repr__", [](const SrcInfo& s) { return "<SrcInfo " + s.str() + ">"; });

  py::class_<MemoryHandle>(m, "MemoryHandle", "A memory known to the compiler.")
      .def("name", [](const MemoryHandle& h) { return h.mem->name(); })
      .def("global_", [](const MemoryHandle& h) { return h.mem->global_(); })
      .def("alloc",
           [](const MemoryHandle& h, const std::string& n, const std::string& t,
              const std::vector<std::string>& shape, const SrcInfo& s) {
             return h.mem->alloc(n, t, shape, s);
           },
           py::arg("new_name"), py::arg("prim_type"), py::arg("shape"), py::arg("srcinfo") = SrcInfo())
      .def("free",
           [](const MemoryHandle& h, const std::string& n, const std::string& t,
              const std::vector<std::string>& shape, const SrcInfo& s) {
             return h.mem->free(n, t, shape, s);
           },
           py::arg("new_name"), py::arg("prim_type"), py::arg("shape"), py::arg("srcinfo") = SrcInfo())
      .def("window",
           [](const MemoryHandle& h, const std::string& basetyp, const std::string& baseptr,
              const std::vector<std::string>& idx, const std::vector<std::string>& strides,
              const SrcInfo& s) { return h.mem->window(basetyp, baseptr, idx, strides, s); },
           py::arg("basetyp"), py::arg("baseptr"), py::arg("indices"), py::arg("strides"),
           py::arg("srcinfo") = SrcInfo())
      .def("can_read", [](const MemoryHandle& h) { return h.mem->can_read(); })
      .def("can_write", [](const MemoryHandle& h) { return h.mem->can_write(); })
      .def("can_reduce", [](const MemoryHandle& h) { return h.mem->can_reduce(); })
      .def("id", [](const MemoryHandle& h) { return reinterpret_cast<uintptr_t>(h.mem.get()); });

  m.def("builtin_memory", &builtin_memory, py::arg("name"),
        "The core's DRAM, DRAM_STATIC or DRAM_STACK.");
  m.def(
      "python_memory",
      [](py::object cls, std::string name, bool can_read, bool can_write, bool can_reduce,
         bool custom_window, std::vector<std::string> kinds_of) {
        PythonMemoryTraits t{std::move(name), can_read, can_write, can_reduce, custom_window, std::move(kinds_of)};
        return MemoryHandle{std::make_shared<PythonMemory>(std::move(cls), std::move(t))};
      },
      py::arg("cls"), py::arg("name"), py::arg("can_read"), py::arg("can_write"),
      py::arg("can_reduce"), py::arg("custom_window"), py::arg("kinds_of") = std::vector<std::string>{},
      "Wraps a Python exo.Memory subclass as a core memory.");
}

}  // namespace exo::python
