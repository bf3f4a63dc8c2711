#pragma once
// The primitives the randomized scheduling tests apply, each with random
// arguments drawn from the current proc (statements, gaps, expressions,
// allocations, calls, arguments) and the library of random_proc.h
// (instructions, subprocs and their equivalents, the config, memories).
//
// Every primitive of the C++ API that keeps a proc's signature and meaning is
// here. Left out, on purpose: add_unsafe_guard (unchecked by definition),
// partial_eval and transpose (they change the arguments the proc takes),
// make_instr (makes an instruction, not a schedule).
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "exo/schedule/cursor.h"
#include "exo/exo.h"

namespace exo::test {

struct StepLibrary {
  ConfigPtr cfg;
  std::vector<Proc> replaceable;  // instructions and subprocs to replace code with
  Proc noop;                      // an instruction with an empty body
  // Same-signature candidates for call_eqv: procs scheduled from a library
  // proc (equivalent) and unrelated or set_precision'd ones (not).
  std::vector<Proc> call_pool;
  std::vector<MemoryPtr> memories;  // for set_memory
  const Scope* scope = nullptr;     // the library's names, for text arguments
};
// Builds the library from a module parsed with random_proc_library() (`scope`
// resolves its names; it must outlive the library).
StepLibrary make_step_library(const Module& m, const Scope* scope);

// What a step sees: the library, a prefix for names that must be unique among
// all procs compiled together (new subprocs), and where it writes its
// arguments (for reproducers).
struct StepContext {
  const StepLibrary& lib;
  std::string unique_prefix;
  std::string args;
};

// Applies the primitive with random arguments, or returns nothing when the proc
// has no place to apply it. A refusal is a thrown Error.
using StepApply = std::function<std::optional<Rewrite>(const Proc&, std::mt19937&, StepContext&)>;
struct RandomStep {
  std::string name;
  StepApply apply;
};
const std::vector<RandomStep>& random_steps();
// Restarts the new names steps give (st0, b1, ...), so a seed run alone names
// things as in the full run.
void reset_step_names();

}  // namespace exo::test
