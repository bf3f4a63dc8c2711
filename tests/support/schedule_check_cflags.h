#pragma once
// expect_same_results with extra C compiler flags for the compiled run (e.g.
// "-mavx2 -mfma" for procs calling x86 intrinsics).
#include <string>
#include <vector>

#include "support/differential.h"

namespace exo::test {

void expect_same_results_cflags(const Proc& before, const Proc& after, const ControlArgs& args,
                                const std::string& tag, const std::string& cflags);

}  // namespace exo::test
