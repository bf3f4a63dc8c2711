// libFuzzer target: an .exo module's text through the whole front end, then
// the printer and the C backend (fuzz_checks.h says what is a finding).
//
//   build-asan/fuzz/fuzz_module -dict=fuzz/exo.dict WORKDIR fuzz/corpus/module
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "fuzz_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string finding = exo::fuzz::check_module_text(text);
  if (finding.empty()) return 0;
  std::fprintf(stderr, "\n==exo-fuzz== FINDING: %s\n", finding.c_str());
  std::abort();
}
