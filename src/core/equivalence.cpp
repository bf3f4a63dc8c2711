// Equivalence classes of procedures: a process-wide union-find over class ids.
#include "exo/equivalence.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <unordered_map>

namespace exo {
namespace {

std::atomic<uint64_t> next_class{1};
std::mutex uf_mutex;
std::unordered_map<uint64_t, uint64_t> uf_parent;  // only joined classes appear

uint64_t find_root(uint64_t c) {
  for (auto it = uf_parent.find(c); it != uf_parent.end() && it->second != c; it = uf_parent.find(c)) {
    auto up = uf_parent.find(it->second);
    if (up != uf_parent.end()) it->second = up->second;  // path halving
    c = it->second;
  }
  return c;
}

}  // namespace

uint64_t new_eqv_class() { return next_class.fetch_add(1); }

Proc with_new_eqv_class(const Proc& p) {
  auto n = std::make_shared<ProcNode>(*p);
  n->eqv_class = new_eqv_class();
  n->eqv_config_changes.clear();  // a class of its own: nothing to differ from
  return n;
}

Proc with_config_change(const Proc& p, const ConfigPtr& config, const std::string& field) {
  auto n = std::make_shared<ProcNode>(*p);
  for (auto& [c, f] : n->eqv_config_changes)
    if (c == config && f == field) return n;
  n->eqv_config_changes.emplace_back(config, field);
  return n;
}

std::vector<std::pair<ConfigPtr, std::string>> config_changes_between(const Proc& a, const Proc& b) {
  std::vector<std::pair<ConfigPtr, std::string>> out = a->eqv_config_changes;
  for (auto& cf : b->eqv_config_changes)
    if (std::find(out.begin(), out.end(), cf) == out.end()) out.push_back(cf);
  return out;
}

bool equivalent(const Proc& a, const Proc& b) {
  if (a == b) return true;
  if (!a || !b || a->eqv_class == 0 || b->eqv_class == 0) return false;
  if (a->eqv_class == b->eqv_class) return true;
  std::lock_guard<std::mutex> lock(uf_mutex);
  return find_root(a->eqv_class) == find_root(b->eqv_class);
}

void assert_equivalent(const Proc& a, const Proc& b) {
  if (!a || !b) throw Error(ErrorKind::Api, SrcInfo{}, "assert_equivalent: expected two procedures");
  if (a->eqv_class == 0 || b->eqv_class == 0)
    throw Error(ErrorKind::Api, SrcInfo{},
                "assert_equivalent: '" + (a->eqv_class == 0 ? a->name : b->name) + "' has no equivalence class");
  std::lock_guard<std::mutex> lock(uf_mutex);
  uint64_t ra = find_root(a->eqv_class), rb = find_root(b->eqv_class);
  if (ra != rb) uf_parent[ra] = rb;
}

}  // namespace exo
