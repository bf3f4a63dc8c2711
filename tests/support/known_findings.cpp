#include "support/known_findings.h"

#include <functional>
#include <vector>

namespace exo::test {

namespace {

struct KnownFinding {
  const char* name;
  std::function<bool(const Mismatch&)> explains;
};

// For the entries' predicates (none open now).
[[maybe_unused]] bool has(const Mismatch& m, const char* text) { return m.detail.find(text) != std::string::npos; }

const std::vector<KnownFinding>& known_findings() {
  static const std::vector<KnownFinding> table = {
      // None open. An entry: {"name", [](const Mismatch& m) { return ...; }},
      // with a comment "KNOWN FINDING name: what" and a row in docs/reliability.md.
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
