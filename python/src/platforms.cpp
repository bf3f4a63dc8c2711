// Hardware libraries implemented in the core: the x86 vector memories and the
// instruction library of lib/platforms/x86.exo, for `exo.platforms.x86`.

#include <optional>

#include <pybind11/stl.h>

#include "bindings.h"
#include "exo/platforms/x86.h"

namespace exo::python {

void define_platforms(py::module_& m) {
  m.def(
      "x86_memory",
      [](const std::string& name) {
        if (name == "AVX2") return MemoryHandle{platforms::avx2()};
        if (name == "AVX512") return MemoryHandle{platforms::avx512()};
        throw Error(ErrorKind::Api, SrcInfo(), "no x86 memory named '" + name + "'");
      },
      py::arg("name"), "The core's AVX2 or AVX512 memory.");
  m.def(
      "load_x86_library",
      [](std::optional<std::string> path) {
        // A path loads an installed copy of x86.exo; without one the copy built
        // into the core is used (the same file).
        const Module& lib = path ? platforms::load_x86_library(*path) : platforms::load_x86_library();
        std::vector<ProcHandle> out;
        for (const Proc& p : lib.procs()) out.push_back({p});
        return out;
      },
      py::arg("path") = py::none(), "The procs of the x86 instruction library, in source order.");
}

}  // namespace exo::python
