// Hardware libraries implemented in the core (exo/platforms/library.h): their
// memories and the instruction libraries of lib/platforms/*.exo, for the
// `exo.platforms.*` modules.

#include <optional>

#include <pybind11/stl.h>

#include "bindings.h"
#include "exo/platforms/library.h"

namespace exo::python {

namespace {

// (procs in source order, configs in source order)
std::pair<std::vector<ProcHandle>, std::vector<ConfigHandle>> contents(const Module& lib) {
  std::pair<std::vector<ProcHandle>, std::vector<ConfigHandle>> out;
  for (const Proc& p : lib.procs()) out.first.push_back({p});
  for (const ConfigPtr& c : lib.configs()) out.second.push_back({c});
  return out;
}

}  // namespace

void define_platforms(py::module_& m) {
  m.def(
      "platform_memory", [](const std::string& name) { return MemoryHandle{platforms::platform_memory(name)}; },
      py::arg("name"), "The core's memory of that name: AVX2, AVX512, Neon, RVV, GEMM_SCRATCH, GEMM_ACCUM.");
  m.def(
      "sve_vls_memory", [](int bits) { return MemoryHandle{platforms::sve_vls(bits)}; }, py::arg("vector_bits"),
      "The fixed-length SVE registers of that many bits.");
  m.def(
      "load_platform_library",
      [](const std::string& name, std::optional<std::string> path) {
        // A path loads an installed copy of the .exo file; without one the copy
        // built into the core is used (the same file).
        return path ? contents(platforms::load_library_file(name, *path)) : contents(platforms::load_library(name));
      },
      py::arg("name"), py::arg("path") = py::none(),
      "(procs, configs) of the hardware library lib/platforms/<name>.exo, in source order.");
  m.def(
      "load_sve_vls_library",
      [](int bits, std::optional<std::string> path) {
        return contents(platforms::load_sve_vls_library(bits, path.value_or("")));
      },
      py::arg("vector_bits"), py::arg("path") = py::none(),
      "(procs, configs) of the fixed-length SVE library for one vector length.");
}

}  // namespace exo::python
