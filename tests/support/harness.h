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

// Whether `program` (a command name, e.g. "qemu-aarch64-static") is on PATH.
bool have_program(const std::string& program);

// Another machine to compile for and run on: a cross compiler and the emulator
// its programs run under. Programs for it get `-std=c11 -Wall -Werror -O1`,
// `flags` and the caller's extra flags, but neither OpenMP nor test_cflags()
// (the host's sanitizers).
struct CTarget {
  std::string compiler;  // e.g. "aarch64-linux-gnu-gcc"
  std::string flags;     // e.g. "-march=armv8.2-a+sve -msve-vector-bits=512 -static"
  std::string runner;    // a command prefix, e.g. "qemu-aarch64-static -cpu max,sve512=on"
};

// Compiles every .c file in `dir` into `dir/prog` and returns the compiler's
// output; throws std::runtime_error with that output on failure. For the host
// (target == nullptr): the system C compiler with `-std=c11 -Wall -Werror -O1
// -fopenmp`, test_cflags() and `extra_flags`; else the target's compiler.
std::string compile_c_program(const std::string& dir, const std::string& extra_flags = "",
                              const CTarget* target = nullptr);

// Runs `dir/prog` with `args` (under the target's runner, if any), returns
// stdout; throws on non-zero exit.
std::string run_program(const std::string& dir, const std::string& args = "",
                        const CTarget* target = nullptr);

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& text);

}  // namespace exo::test
