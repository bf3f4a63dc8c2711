#pragma once
// Failures of the randomized soundness runs that a known, still open finding
// explains (docs/reliability.md lists each with a minimal reproducer). Every
// entry is an expected failure: when the fix lands, delete the entry, and the
// runs fail again if the fix is incomplete.
#include <string>

#include "support/soundness.h"

namespace exo::test {

// The finding's name when one explains `m`, else "".
std::string known_finding_of(const Mismatch& m);

}  // namespace exo::test
