#include "support/schedule_check.h"

#include <gtest/gtest.h>

#include "exo/analysis.h"
#include "exo/printer.h"

namespace exo::test {

void expect_same_results(const Proc& before, const Proc& after, const ControlArgs& args, const std::string& tag,
                         const std::vector<ConfigPtr>& configs) {
  check_proc(after);
  for (unsigned seed = 1; seed <= 3; ++seed) {
    ProcInputs in = make_random_inputs(before, args, seed);
    auto expected = run_interpreted(before, in, configs);
    auto interp = run_interpreted(after, in, configs);
    EXPECT_EQ(compare_outputs(before, expected, interp), "") << tag << ":\n" << print_proc(after);
    if (seed == 1) {
      auto compiled = run_compiled(after, in, tag);
      EXPECT_EQ(compare_outputs(before, expected, compiled), "") << tag << ":\n" << print_proc(after);
    }
  }
}

std::string error_message(const std::function<void()>& f, ErrorKind kind) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    return e.message();
  }
  ADD_FAILURE() << "expected an error of kind " << error_kind_name(kind);
  return "<no error>";
}

std::string scheduling_error_message(const std::function<void()>& f) { return error_message(f, ErrorKind::Scheduling); }

}  // namespace exo::test
