// Rewrites re-checked against the definition-time rules they could break.
#include "rewrite/rewrite_checks.h"

#include "exo/analysis.h"
#include "exo/scheduling.h"

namespace exo::rewrite_detail {

Rewrite keeping_definition_rules(const char* prim, const Proc& before, const Cursor& where, Rewrite r) {
  try {
    check_proc_changes(r.proc, before);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::Bounds && e.kind() != ErrorKind::Precondition && e.kind() != ErrorKind::Type) throw;
    std::string at = e.where().known() ? " (at " + e.where().str() + ")" : "";
    scheduling_error(prim, before, where, "the rewritten proc would break a definition rule: " + e.message() + at);
  }
  return r;
}

bool keeps_definition_rules(const Proc& after, const Proc& before) {
  try {
    check_proc_changes(after, before);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::Bounds && e.kind() != ErrorKind::Precondition && e.kind() != ErrorKind::Type) throw;
    return false;
  }
  return true;
}

}  // namespace exo::rewrite_detail
