#pragma once
// Differential testing: run a proc through the interpreter and through generated
// C on the same random inputs, and compare every data buffer afterwards.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "exo/exo.h"
#include "support/harness.h"

namespace exo::test {

// Values of control arguments (size/index/int/stride as integers, bool as 0/1), by name.
using ControlArgs = std::map<std::string, int64_t>;

// One set of arguments for a proc: control values, and the raw bytes of every data
// argument (scalars and tensors; empty for control args), in argument order.
struct ProcInputs {
  std::vector<int64_t> control;
  std::vector<std::vector<uint8_t>> data;
  std::vector<std::vector<int64_t>> shapes;
};

// The data buffers of a proc after a run, in argument order (empty for control args).
using Buffers = std::vector<std::vector<uint8_t>>;

// Random data for every data argument (never all zeros), shapes from `args`.
ProcInputs make_random_inputs(const Proc& p, const ControlArgs& args, unsigned seed);

// Runs the interpreter on a copy of `in`; returns the data buffers afterwards.
// Config fields start at 0 (as in the zeroed C context).
std::vector<std::vector<uint8_t>> run_interpreted(const Proc& p, const ProcInputs& in,
                                                  const std::vector<ConfigPtr>& configs);

// Compiles `p` (exported) to C with a generated main, runs it on `in`, returns the
// data buffers afterwards. Throws std::runtime_error on compile/run failure.
// With a target, the program is cross-compiled and run under its emulator.
std::vector<std::vector<uint8_t>> run_compiled(const Proc& p, const ProcInputs& in,
                                               const std::string& tag,
                                               const std::string& extra_cflags = "",
                                               const CTarget* target = nullptr);

// As run_compiled for several inputs with the same control values (the same
// sizes), on each of `targets` (none: the host): compiled once per distinct
// compiler and flags, run once per input under each target's runner. The
// buffers after each run, by target, then by input.
std::vector<std::vector<Buffers>> run_compiled_each(
    const Proc& p, const std::vector<ProcInputs>& ins, const std::string& tag,
    const std::string& extra_cflags = "", const std::vector<CTarget>& targets = {});

// Compares buffers element-wise (reals with relative tolerance, integers exactly).
// Returns "" when equal, else a description of the first mismatches.
std::string compare_outputs(const Proc& p, const std::vector<std::vector<uint8_t>>& expected,
                            const std::vector<std::vector<uint8_t>>& actual);

// Evaluates an index expression over control values (by Sym).
int64_t eval_index(const Expr& e, const std::map<Sym, int64_t>& env);

}  // namespace exo::test
