#include "support/known_findings.h"

#include <functional>
#include <vector>

namespace exo::test {

namespace {

struct KnownFinding {
  const char* name;
  std::function<bool(const Mismatch&)> explains;
};

bool has(const Mismatch& m, const char* text) { return m.detail.find(text) != std::string::npos; }

const std::vector<KnownFinding>& known_findings() {
  static const std::vector<KnownFinding> table = {
      // KNOWN FINDING window-type-substitution: a window statement's type keeps
      // an iterator that split_loop (or another substitution) replaced;
      // extract_subproc copies that type into the subproc's signature, and the
      // interpreter fails on it with an internal error.
      {"window-type-substitution",
       [](const Mismatch& m) {
         return m.primitive == "extract_subproc" && has(m, "unbound variable");
       }},
      // KNOWN FINDING stage-mem-par-race: stage_mem inside a par loop, with a
      // window wider than the iteration's own elements, copies the whole window
      // in and out in every iteration: the iterations now race on it (only the
      // compiled C, which runs par loops in parallel, shows it).
      {"stage-mem-par-race",
       [](const Mismatch& m) {
         return m.primitive.rfind("stage_mem", 0) == 0 && m.kind == "compiled C" &&
                has(m, " in par(");
       }},
  };
  return table;
}

}  // namespace

std::string known_finding_of(const Mismatch& m) {
  for (auto& k : known_findings())
    if (k.explains(m)) return std::string("known finding ") + k.name;
  return "";
}

}  // namespace exo::test
