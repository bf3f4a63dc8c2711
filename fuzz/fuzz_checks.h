#pragma once
// What the fuzz targets check, as plain functions: the libFuzzer entry points
// (fuzz_module.cpp, fuzz_fragment.cpp) abort on a finding, and the regression
// test (tests/unit/test_fuzz_regressions.cpp) runs the saved inputs through the
// same checks in the normal build.
//
// A finding is anything a user could see that is not an exo::Error: an
// Error(Internal), any other C++ exception, an accepted rewrite that fails its
// own check (and, caught by the sanitizers rather than here, a crash, undefined
// behaviour, a hang). Every other exo::Error is the compiler doing its job.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace exo::fuzz {

// An .exo module's text through the front end (parser, typechecker, bounds and
// precondition checker), then the printer and the C backend for what is
// accepted. Returns "" or the finding.
std::string check_module_text(std::string_view text);

// The scheduling API's text inputs against a fixed proc: data[0] chooses the
// entry point (pattern, loop/allocation reference, expression or statement
// fragment, window, condition, ...), the rest is the text (a NUL byte splits
// it in two for entry points taking two strings). Returns "" or the finding.
std::string check_fragment_input(const uint8_t* data, size_t size);

}  // namespace exo::fuzz
