// Rewrites re-checked against the definition-time rules they could break.
#include "schedule/checks/rewrite_checks.h"

#include <optional>

#include "exo/analysis.h"
#include "exo/schedule/loops.h"

namespace exo::rewrite_detail {
namespace {

// The rule `after` breaks, if any (the kinds of error the definition rules raise).
std::optional<Error> broken_rule(const Proc& after, const Proc& before) {
  try {
    check_proc_changes(after, before);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::Bounds && e.kind() != ErrorKind::Precondition && e.kind() != ErrorKind::Type) throw;
    return e;
  }
  return std::nullopt;
}

}  // namespace

Rewrite keeping_definition_rules(const char* prim, const Proc& before, const Cursor& where, Rewrite r) {
  if (auto e = broken_rule(r.proc, before)) {
    std::string at = e->where().known() ? " (at " + e->where().str() + ")" : "";
    scheduling_error(prim, before, where, "the rewritten proc would break a definition rule: " + e->message() + at);
  }
  return r;
}

bool keeps_definition_rules(const Proc& after, const Proc& before) { return !broken_rule(after, before); }

}  // namespace exo::rewrite_detail
