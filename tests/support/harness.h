#pragma once
// Test support: run generated C and compare with the interpreter.
#include <string>
#include <utility>
#include <vector>

namespace exo::test {

// A fresh temporary directory for one test (removed by the OS's tmp cleaning).
std::string make_temp_dir(const std::string& tag);

// Extra C flags for every program compiled here: the environment variable
// EXO_TEST_CFLAGS when set, else the build's default (a sanitizer build's
// -fsanitize flags; see tests/CMakeLists.txt).
std::string test_cflags();

// Runs a shell command (stderr merged into stdout); returns its exit code (-1
// when killed by a signal) and output.
std::pair<int, std::string> run_command(const std::string& cmd);

// Writes `files` (name -> contents) into `dir`, compiles every .c file there with
// the system C compiler (`-std=c11 -Wall -Werror -O1 -fopenmp`, test_cflags(), `extra_flags`)
// into `dir/prog` and returns the compiler's output; throws std::runtime_error with
// that output on failure.
std::string compile_c_program(const std::string& dir, const std::string& extra_flags = "");

// Runs `dir/prog` with `args`, returns stdout; throws on non-zero exit.
std::string run_program(const std::string& dir, const std::string& args = "");

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& text);

}  // namespace exo::test
