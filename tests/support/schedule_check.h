#pragma once
// Checks shared by the scheduling primitives' tests.
#include <functional>
#include <string>
#include <vector>

#include "support/differential.h"

namespace exo::test {

// The rewritten proc computes what the original does: both run on the same random
// inputs (3 seeds) through the interpreter, and `after` also as compiled C (seed 1);
// every data buffer must match. `after` is re-checked (bounds, preconditions) first.
// Both procs must take the same arguments.
void expect_same_results(const Proc& before, const Proc& after, const ControlArgs& args, const std::string& tag,
                         const std::vector<ConfigPtr>& configs = {});

// Runs `f`, which must throw Error(kind); returns its message, or
// "<no error>" when it did not throw (a failed EXPECT is recorded either way).
std::string error_message(const std::function<void()>& f, ErrorKind kind);
std::string scheduling_error_message(const std::function<void()>& f);

}  // namespace exo::test
