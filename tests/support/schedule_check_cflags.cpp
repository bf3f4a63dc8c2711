#include "support/schedule_check_cflags.h"

#include <gtest/gtest.h>

#include "exo/analysis.h"
#include "exo/printer.h"

namespace exo::test {

void expect_same_results_cflags(const Proc& before, const Proc& after, const ControlArgs& args,
                                const std::string& tag, const std::string& cflags) {
  check_proc(after);
  for (unsigned seed = 1; seed <= 3; ++seed) {
    ProcInputs in = make_random_inputs(before, args, seed);
    auto expected = run_interpreted(before, in, {});
    auto interp = run_interpreted(after, in, {});
    EXPECT_EQ(compare_outputs(before, expected, interp), "") << tag << ":\n" << print_proc(after);
    if (seed == 1) {
      auto compiled = run_compiled(after, in, tag, cflags);
      EXPECT_EQ(compare_outputs(before, expected, compiled), "") << tag << ":\n" << print_proc(after);
    }
  }
}

}  // namespace exo::test
