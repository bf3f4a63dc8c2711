// End-to-end tests on the corpus in tests/corpus/*.exo.
//
// Each corpus file holds procs plus directives `# test: PROC NAME=VALUE ...`. For
// every directive the proc is compiled to C, run on random inputs and compared
// with the interpreter on the same inputs. Every proc in the corpus must also
// print to source that parses back to the same printed form.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "support/differential.h"
#include "support/harness.h"

namespace fs = std::filesystem;
using namespace exo;

namespace {

struct Directive {
  std::string proc;
  test::ControlArgs args;
  int line = 0;
};

std::vector<Directive> read_directives(const std::string& path) {
  std::ifstream in(path);
  std::vector<Directive> out;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    n++;
    auto pos = line.find("# test:");
    if (pos != 0) continue;
    std::istringstream ss(line.substr(7));
    Directive d;
    d.line = n;
    ss >> d.proc;
    std::string kv;
    while (ss >> kv) {
      auto eq = kv.find('=');
      std::string k = kv.substr(0, eq), v = kv.substr(eq + 1);
      d.args[k] = v == "True" ? 1 : v == "False" ? 0 : std::stoll(v);
    }
    out.push_back(d);
  }
  return out;
}

std::vector<std::string> corpus_files() {
  std::vector<std::string> files;
  for (auto& e : fs::directory_iterator(std::string(EXO_TEST_DATA_DIR) + "/corpus"))
    if (e.path().extension() == ".exo") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

class Corpus : public ::testing::TestWithParam<std::string> {};

TEST_P(Corpus, CompiledCMatchesInterpreter) {
  const std::string path = GetParam();
  Module m = Module::from_file(path);
  auto directives = read_directives(path);
  ASSERT_FALSE(directives.empty()) << path << " has no '# test:' directive";
  unsigned seed = 1;
  for (auto& d : directives) {
    SCOPED_TRACE(path + ":" + std::to_string(d.line) + " " + d.proc);
    Proc p = m.proc(d.proc);
    auto inputs = test::make_random_inputs(p, d.args, seed++);
    auto expected = test::run_interpreted(p, inputs, m.configs());
    auto actual = test::run_compiled(p, inputs, "corpus_" + d.proc);
    EXPECT_EQ(test::compare_outputs(p, expected, actual), "");
    // The call must have changed something, or the test cannot fail.
    bool changed = false;
    for (size_t i = 0; i < inputs.data.size(); i++) changed |= inputs.data[i] != actual[i];
    EXPECT_TRUE(changed) << d.proc << " left every buffer unchanged";
  }
}

TEST_P(Corpus, PrintParsesBackToSameProc) {
  const std::string path = GetParam();
  Module m = Module::from_file(path);
  Scope scope = Scope::with_builtins();
  for (auto& c : m.configs()) scope.bind_config(c);
  for (auto& p : m.procs()) {
    SCOPED_TRACE(p->name);
    std::string printed = print_proc(p);
    Module again = Module::from_string(printed, "<printed " + p->name + ">", &scope);
    ASSERT_EQ(again.procs().size(), 1u);
    EXPECT_EQ(print_proc(again.procs()[0]), printed);
    scope.bind_proc(p);
  }
}

TEST_P(Corpus, GeneratedCCompilesAsCxxHeader) {
  const std::string path = GetParam();
  Module m = Module::from_file(path);
  std::vector<Proc> exported;
  for (auto& p : m.procs())
    if (!p->instr) exported.push_back(p);
  CCode code = compile_to_c(exported, "corpus");
  std::string dir = test::make_temp_dir("hdr");
  test::write_file(dir + "/corpus.h", code.h);
  test::write_file(dir + "/use.cpp", "#include \"corpus.h\"\nint main() { return 0; }\n");
  int rc = std::system(("c++ -std=c++17 -Wall -Werror -fsyntax-only -I'" + dir + "' '" + dir +
                        "/use.cpp'")
                           .c_str());
  EXPECT_EQ(rc, 0) << code.h;
  // Byte-stable output: compiling twice gives the same text.
  EXPECT_EQ(compile_to_c(exported, "corpus").c, code.c);
}

// Generated C is plain C11: clang accepts it too (-Wall -Werror). Clang before 15
// has no _Float16 on x86, so files using f16 are skipped when it lacks it.
TEST_P(Corpus, GeneratedCCompilesWithClang) {
  if (std::string(EXO_CLANG).empty()) GTEST_SKIP() << "clang not installed";
  const std::string path = GetParam();
  std::string dir = test::make_temp_dir("clang");
  test::write_file(dir + "/probe.c", "_Float16 h;\n");
  bool has_f16 = std::system((std::string(EXO_CLANG) + " -std=c11 -fsyntax-only '" + dir +
                              "/probe.c' 2>/dev/null").c_str()) == 0;
  if (!has_f16 && test::read_file(path).find("f16") != std::string::npos)
    GTEST_SKIP() << "this clang has no _Float16; " << path << " uses f16";
  Module m = Module::from_file(path);
  std::vector<Proc> exported;
  for (auto& p : m.procs())
    if (!p->instr) exported.push_back(p);
  CCode code = compile_to_c(exported, "corpus");
  test::write_file(dir + "/corpus.h", code.h);
  test::write_file(dir + "/corpus.c", code.c);
  std::string cmd = std::string(EXO_CLANG) + " -std=c11 -Wall -Werror -fopenmp -fsyntax-only -I'" +
                    dir + "' '" + dir + "/corpus.c'";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

// The harness itself must be able to fail: a proc that differs by a tiny amount
// from another is caught, both ways round.
TEST(DifferentialHarness, DetectsASmallDifference) {
  Module m = Module::from_string(R"(
@proc
def f(n: size, x: f32[n], y: f32[n]):
    for i in seq(0, n):
        y[i] = x[i] * 2.0

@proc
def g(n: size, x: f32[n], y: f32[n]):
    for i in seq(0, n):
        if i == n - 1:
            y[i] = x[i] * 2.0 + 0.01
        else:
            y[i] = x[i] * 2.0
)");
  auto in = test::make_random_inputs(m.proc("f"), {{"n", 9}}, 7);
  auto f_interp = test::run_interpreted(m.proc("f"), in, {});
  auto g_compiled = test::run_compiled(m.proc("g"), in, "mismatch");
  std::string diff = test::compare_outputs(m.proc("f"), f_interp, g_compiled);
  EXPECT_NE(diff.find("y[8]"), std::string::npos) << diff;
  auto f_compiled = test::run_compiled(m.proc("f"), in, "match");
  EXPECT_EQ(test::compare_outputs(m.proc("f"), f_interp, f_compiled), "");
}

std::string param_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string s = fs::path(info.param).stem().string();
  for (auto& c : s)
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

INSTANTIATE_TEST_SUITE_P(Files, Corpus, ::testing::ValuesIn(corpus_files()), param_name);

}  // namespace
