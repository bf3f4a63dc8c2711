// Positive sizes and preconditions as solver facts.
#include "rewrite/proc_facts.h"

namespace exo::rewrite_detail {

std::vector<analysis::Formula> proc_facts(const Proc& p, analysis::Lowering& L) {
  using namespace analysis;
  std::vector<Formula> out;
  for (auto& a : p->args)
    if (!a.type.is_tensor && a.type.base == ScalarKind::Size)
      out.push_back(f_ge(Affine::var(a.name), Affine(1)));
  for (auto& pr : p->preds) out.push_back(L.formula(pr));
  return out;
}

}  // namespace exo::rewrite_detail
