#include "support/harness.h"

#include <array>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace exo::test {

namespace fs = std::filesystem;

std::string make_temp_dir(const std::string& tag) {
  std::string tmpl = (fs::temp_directory_path() / ("exo_test_" + tag + "_XXXXXX")).string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed for " + tmpl);
  return std::string(buf.data());
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::pair<int, std::string> run_command(const std::string& cmd) {
  std::string out;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) throw std::runtime_error("popen failed: " + cmd);
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int status = pclose(p);
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return {code, out};
}

std::string test_cflags() {
  const char* env = std::getenv("EXO_TEST_CFLAGS");
  return env ? env : EXO_TEST_CFLAGS;
}

bool have_program(const std::string& program) {
  return run_command("command -v '" + program + "'").first == 0;
}

std::string compile_c_program(const std::string& dir, const std::string& extra_flags,
                              const CTarget* target) {
  std::string srcs;
  for (auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".c") srcs += " '" + e.path().string() + "'";
  std::string compiler = target ? target->compiler + " -std=c11 -Wall -Werror -O1 " + target->flags
                                : std::string(EXO_C_COMPILER) + " -std=c11 -Wall -Werror -O1 -fopenmp " +
                                      test_cflags();
  std::string cmd = compiler + " -I'" + dir + "' " + extra_flags + srcs + " -o '" + dir + "/prog' -lm";
  auto [code, out] = run_command(cmd);
  if (code != 0) throw std::runtime_error("C compilation failed:\n" + cmd + "\n" + out);
  return out;
}

std::string run_program(const std::string& dir, const std::string& args, const CTarget* target) {
  std::string runner = target && !target->runner.empty() ? target->runner + " " : "";
  auto [code, out] = run_command(runner + "'" + dir + "/prog' " + args);
  if (code != 0)
    throw std::runtime_error("program exited with " + std::to_string(code) + ":\n" + out);
  return out;
}

}  // namespace exo::test
