// Aliased call arguments: callee effects on parameters, argument views, and the
// disjointness condition of two views.
#include "analysis/call_aliasing.h"

#include <memory>
#include <mutex>

#include "exo/effects.h"
#include "exo/ir_mutator.h"
#include "exo/printer.h"

namespace exo::analysis {

CalleeEffects body_effects(const Proc& p) {
  std::set<Sym> params;
  for (auto& a : p->args)
    if (a.type.is_numeric()) params.insert(a.name);
  CalleeEffects out;
  for (const Access& a : block_storage_accesses(p->body)) {
    if (a.is_config()) {
      (a.kind == EffectKind::Read ? out.fields_read : out.fields_written).insert({a.config.get(), a.field});
      out.configs[a.config.get()] = a.config;
    } else if (params.count(a.buffer)) {
      std::set<Sym>& kind = a.kind == EffectKind::Read    ? out.read_params
                            : a.kind == EffectKind::Write ? out.assigned_params
                                                          : out.reduced_params;
      kind.insert(a.buffer);
    }
  }
  return out;
}

const CalleeEffects& callee_effects(const Proc& callee) {
  // Procs are immutable: one walk per proc, kept (with the proc, so its address
  // is not reused) for every later call site, check and rewrite.
  static std::mutex mu;
  static std::map<const ProcNode*, std::pair<Proc, std::shared_ptr<CalleeEffects>>> memo;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = memo.find(callee.get());
    if (it != memo.end()) return *it->second.second;
  }
  auto eff = std::make_shared<CalleeEffects>(body_effects(callee));
  std::lock_guard<std::mutex> lock(mu);
  return *memo.emplace(callee.get(), std::make_pair(callee, eff)).first->second.second;
}

Formula views_disjoint(const View& a, const View& b, Lowering& low) {
  if (a.coords.empty() || b.coords.empty() || a.coords.size() != b.coords.size()) return f_false();
  auto range = [&](const WAccess& c) {
    Affine lo = low.affine(c.lo);
    return std::make_pair(lo, c.is_interval ? low.affine(c.hi) : lo + Affine(1));
  };
  std::vector<Formula> apart;
  for (size_t d = 0; d < a.coords.size(); ++d) {
    auto [alo, ahi] = range(a.coords[d]);
    auto [blo, bhi] = range(b.coords[d]);
    apart.push_back(f_or(f_le(ahi, blo), f_le(bhi, alo)));
  }
  return f_or(std::move(apart));
}

std::string view_text(const View& v) {
  if (v.coords.empty()) return v.base.name();
  std::string s = v.base.name() + "[";
  for (size_t k = 0; k < v.coords.size(); ++k) {
    const WAccess& c = v.coords[k];
    s += (k ? ", " : "") + print_expr(c.lo) + (c.is_interval ? ":" + print_expr(c.hi) : "");
  }
  return s + "]";
}

}  // namespace exo::analysis
