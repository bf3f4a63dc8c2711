#include "exo/scope.h"

namespace exo {

void Scope::bind_proc(Proc p) {
  std::string n = p->name;
  bind(n, std::move(p));
}
void Scope::bind_memory(MemoryPtr m) {
  std::string n = m->name();
  bind(n, std::move(m));
}
void Scope::bind_config(ConfigPtr c) {
  std::string n = c->name();
  bind(n, std::move(c));
}

std::optional<ScopeEntry> Scope::lookup(const std::string& name) const {
  if (auto it = entries_.find(name); it != entries_.end()) return it->second;
  if (resolver_) {
    if (auto r = resolver_(name)) return r;
  }
  if (parent_) return parent_->lookup(name);
  return std::nullopt;
}

Scope Scope::with_builtins() {
  Scope s;
  s.bind_memory(dram());
  s.bind_memory(dram_static());
  s.bind_memory(dram_stack());
  for (auto& [name, ext] : builtin_externs()) s.bind_extern(name, ext);
  return s;
}

}  // namespace exo
