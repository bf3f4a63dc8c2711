// The memories of the Arm and RISC-V libraries, the registry of every platform
// memory by name, and the scopes the embedded library sources are parsed in.

#include <map>
#include <mutex>

#include "exo/platforms/library.h"
#include "exo/platforms/vector_registers.h"
#include "exo/platforms/x86.h"

namespace exo::platforms {

const std::map<std::string, std::string>& embedded_library_sources();  // generated

MemoryPtr neon() {
  static const MemoryPtr m = vector_registers({"Neon",
                                               "#include <arm_neon.h>",
                                               {{"float", {4, "float32x4_t"}},
                                                {"double", {2, "float64x2_t"}},
                                                {"_Float16", {8, "float16x8_t"}}},
                                               false,
                                               true});
  return m;
}

// One m1 register group at VLEN = 128: four floats. Instructions take the
// vector length as an argument, so a buffer may use fewer lanes.
MemoryPtr rvv() {
  static const MemoryPtr m =
      vector_registers({"RVV", "#include <riscv_vector.h>", {{"float", {4, "vfloat32m1_t"}}}, true, true});
  return m;
}

MemoryPtr sve_vls(int bits) {
  if (bits < 128 || bits > 2048 || bits % 128 != 0)
    EXO_FAIL(ErrorKind::Api, SrcInfo(),
             "SVE vector length must be a multiple of 128 bits from 128 to 2048, got " << bits);
  // One memory per length, so procs built for the same length agree.
  static std::mutex mu;
  static std::map<int, MemoryPtr> by_length;
  std::lock_guard<std::mutex> lock(mu);
  auto it = by_length.find(bits);
  if (it != by_length.end()) return it->second;
  std::string b = std::to_string(bits);
  std::string global = "#include <arm_sve.h>\n"
                       "typedef svfloat32_t svfloat32_vls_t __attribute__((arm_sve_vector_bits(" + b + ")));\n"
                       "typedef svfloat64_t svfloat64_vls_t __attribute__((arm_sve_vector_bits(" + b + ")));";
  MemoryPtr m = vector_registers(
      {"SVE_VLS", global, {{"float", {bits / 32, "svfloat32_vls_t"}}, {"double", {bits / 64, "svfloat64_vls_t"}}}});
  by_length.emplace(bits, m);
  return m;
}

MemoryPtr platform_memory(const std::string& name) {
  static const std::map<std::string, MemoryPtr (*)()> memories = {
      {"AVX2", avx2}, {"AVX512", avx512},         {"Neon", neon},
      {"RVV", rvv},   {"GEMM_SCRATCH", gemm_scratch}, {"GEMM_ACCUM", gemm_accum}};
  auto it = memories.find(name);
  if (it == memories.end()) {
    std::string known;
    for (auto& [n, _] : memories) known += (known.empty() ? "" : ", ") + n;
    EXO_FAIL(ErrorKind::Api, SrcInfo(), "no platform memory named '" << name << "' (known: " << known << ")");
  }
  return it->second();
}

std::vector<std::string> library_names() {
  std::vector<std::string> out;
  for (auto& [name, _] : embedded_library_sources()) out.push_back(name);
  return out;
}

const std::string& library_source(const std::string& name) {
  auto& sources = embedded_library_sources();
  auto it = sources.find(name);
  if (it == sources.end()) {
    std::string known;
    for (auto& [n, _] : sources) known += (known.empty() ? "" : ", ") + n;
    EXO_FAIL(ErrorKind::Api, SrcInfo(), "no platform library named '" << name << "' (known: " << known << ")");
  }
  return it->second;
}

const Scope& library_memory_scope(const std::string& name) {
  static const Scope builtins = Scope::with_builtins();
  static std::mutex mu;
  static std::map<std::string, Scope> scopes;
  std::lock_guard<std::mutex> lock(mu);
  auto it = scopes.find(name);
  if (it != scopes.end()) return it->second;
  static const std::map<std::string, std::vector<MemoryPtr (*)()>> memories = {
      {"x86", {avx2, avx512}}, {"neon", {neon}},          {"sve_vla", {}},
      {"rvv", {rvv}},          {"gemmini", {gemm_scratch, gemm_accum}}};
  auto m = memories.find(name);
  if (m == memories.end()) {
    if (name == "sve_vls")
      EXO_FAIL(ErrorKind::Api, SrcInfo(), "the sve_vls library needs a vector length: use load_sve_vls_library");
    library_source(name);  // names the known libraries
    EXO_FAIL(ErrorKind::Api, SrcInfo(), "no memories are known for platform library '" << name << "'");
  }
  Scope s(&builtins);
  for (auto make : m->second) s.bind_memory(make());
  return scopes.emplace(name, std::move(s)).first->second;
}

}  // namespace exo::platforms
