// Parsing the hardware libraries (exo/platforms/library.h): each embedded
// lib/platforms/<name>.exo is parsed once, in a scope holding its memories.

#include <map>
#include <mutex>

#include "exo/platforms/library.h"

namespace exo::platforms {

const Module& load_library(const std::string& name) {
  static std::mutex mu;
  static std::map<std::string, Module> loaded;
  std::lock_guard<std::mutex> lock(mu);
  auto it = loaded.find(name);
  if (it != loaded.end()) return it->second;
  const Scope& scope = library_memory_scope(name);
  Module m = Module::from_string(library_source(name), name + ".exo", &scope);
  return loaded.emplace(name, std::move(m)).first->second;
}

Module load_library_file(const std::string& name, const std::string& path) {
  return Module::from_file(path, &library_memory_scope(name));
}

Module load_sve_vls_library(int vector_bits, const std::string& path) {
  // The source names its memory SVE_VLS and its lane counts F32_LANES and
  // F64_LANES; bind them for this length.
  static const Scope builtins = Scope::with_builtins();
  Scope scope(&builtins);
  scope.bind_memory(sve_vls(vector_bits));
  scope.bind_const("F32_LANES", ConstValue::integer(vector_bits / 32));
  scope.bind_const("F64_LANES", ConstValue::integer(vector_bits / 64));
  if (!path.empty()) return Module::from_file(path, &scope);
  return Module::from_string(library_source("sve_vls"), "sve_vls.exo", &scope);
}

Scope library_scope(const std::string& name) {
  Scope s(&library_memory_scope(name));
  for (const Proc& p : load_library(name).procs()) s.bind_proc(p);
  for (const ConfigPtr& c : load_library(name).configs()) s.bind_config(c);
  return s;
}

}  // namespace exo::platforms
