// The fuzz targets' checks (fuzz/fuzz_checks.h) on the checked-in inputs, in the
// normal build: every seed of fuzz/corpus/<target> and every regression input of
// fuzz/regressions/<target> (reproducers of fixed findings) must run without a
// finding. Reproducers of open findings wait in fuzz/regressions/<target>/open/
// and are not run; moving one up a directory makes it a regression test.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz_checks.h"

namespace fs = std::filesystem;

namespace {

std::vector<std::string> inputs_of(const std::string& target) {
  std::vector<std::string> out;
  const std::string root = std::string(EXO_TEST_DATA_DIR) + "/../fuzz/";
  for (const char* dir : {"corpus/", "regressions/"}) {
    fs::path d = root + dir + target;
    if (!fs::is_directory(d)) continue;
    for (auto& e : fs::directory_iterator(d))
      if (e.is_regular_file()) out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(FuzzRegressions, ModuleInputs) {
  auto files = inputs_of("module");
  ASSERT_FALSE(files.empty());
  for (auto& f : files) EXPECT_EQ(exo::fuzz::check_module_text(contents(f)), "") << f;
}

TEST(FuzzRegressions, FragmentInputs) {
  auto files = inputs_of("fragment");
  ASSERT_FALSE(files.empty());
  for (auto& f : files) {
    std::string s = contents(f);
    EXPECT_EQ(exo::fuzz::check_fragment_input(reinterpret_cast<const uint8_t*>(s.data()), s.size()),
              "")
        << f;
  }
}

// The checks see a finding when there is one: an internal error is one, a
// user error is not.
TEST(FuzzRegressions, ChecksTellFindingsFromUserErrors) {
  EXPECT_EQ(exo::fuzz::check_module_text("@proc\ndef f(:\n"), "");
  EXPECT_EQ(exo::fuzz::check_module_text("@proc\ndef f(n: size, x: f32[n]):\n    x[n] = 1.0\n"),
            "");
  std::string pattern = std::string(1, '\0') + "for i in _: _";
  EXPECT_EQ(exo::fuzz::check_fragment_input(reinterpret_cast<const uint8_t*>(pattern.data()),
                                            pattern.size()),
            "");
}

}  // namespace
