// libFuzzer target: the text users give to the scheduling API (patterns,
// references, fragments, windows, conditions) against a fixed proc
// (fuzz_checks.h says what is a finding and how the input is laid out).
//
//   build-asan/fuzz/fuzz_fragment -dict=fuzz/exo.dict WORKDIR fuzz/corpus/fragment
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "fuzz_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string finding = exo::fuzz::check_fragment_input(data, size);
  if (finding.empty()) return 0;
  std::fprintf(stderr, "\n==exo-fuzz== FINDING: %s\n", finding.c_str());
  std::abort();
}
