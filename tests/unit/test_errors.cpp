// Error tests: every file in tests/errors/ must be refused with a specific error.
//
// Its first line reads `# expect: KIND LINE:COL [message fragment]`, where KIND is
// parse, type, bounds or precondition. The compiler must raise exo::Error of that
// kind at exactly that position, whose message contains the fragment; never a
// crash or another exception type.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "exo/exo.h"

namespace fs = std::filesystem;
using namespace exo;

namespace {

struct Expectation {
  std::string kind;
  int line = 0, col = 0;
  std::string fragment;
};

Expectation read_expectation(const std::string& path) {
  std::ifstream in(path);
  std::string first;
  std::getline(in, first);
  const std::string tag = "# expect: ";
  if (first.rfind(tag, 0) != 0) throw std::runtime_error(path + ": first line must be '# expect: ...'");
  std::istringstream ss(first.substr(tag.size()));
  Expectation e;
  std::string pos;
  ss >> e.kind >> pos;
  auto colon = pos.find(':');
  e.line = std::stoi(pos.substr(0, colon));
  e.col = std::stoi(pos.substr(colon + 1));
  std::getline(ss, e.fragment);
  while (!e.fragment.empty() && e.fragment.front() == ' ') e.fragment.erase(0, 1);
  return e;
}

std::string kind_word(ErrorKind k) {
  switch (k) {
    case ErrorKind::Parse: return "parse";
    case ErrorKind::Type: return "type";
    case ErrorKind::Bounds: return "bounds";
    case ErrorKind::Precondition: return "precondition";
    case ErrorKind::Scheduling: return "scheduling";
    case ErrorKind::MemGen: return "memgen";
    case ErrorKind::Api: return "api";
    case ErrorKind::Internal: return "internal";
    case ErrorKind::ParseFragment: return "parse_fragment";
    case ErrorKind::InvalidCursor: return "invalid_cursor";
  }
  return "?";
}

std::vector<std::string> error_files() {
  std::vector<std::string> files;
  for (auto& e : fs::directory_iterator(std::string(EXO_TEST_DATA_DIR) + "/errors"))
    if (e.path().extension() == ".exo") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

class ErrorCase : public ::testing::TestWithParam<std::string> {};

TEST_P(ErrorCase, RefusedWithPreciseError) {
  const std::string path = GetParam();
  Expectation want = read_expectation(path);
  try {
    Module m = Module::from_file(path);
    std::vector<Proc> exported;
    for (auto& p : m.procs())
      if (!p->instr) exported.push_back(p);
    compile_to_c(exported, "err");
    FAIL() << path << " was accepted, expected a " << want.kind << " error";
  } catch (const Error& e) {
    EXPECT_EQ(kind_word(e.kind()), want.kind) << e.what();
    EXPECT_EQ(e.where().line, want.line) << e.what();
    EXPECT_EQ(e.where().col, want.col) << e.what();
    EXPECT_EQ(e.where().filename(), path) << e.what();
    EXPECT_NE(std::string(e.what()).find(want.fragment), std::string::npos)
        << "message lacks '" << want.fragment << "': " << e.what();
    EXPECT_NE(e.kind(), ErrorKind::Internal) << e.what();
  }
}

std::string param_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string s = fs::path(info.param).stem().string();
  for (auto& c : s)
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

INSTANTIATE_TEST_SUITE_P(Files, ErrorCase, ::testing::ValuesIn(error_files()), param_name);

}  // namespace
