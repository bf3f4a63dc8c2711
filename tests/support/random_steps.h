#pragma once
// The primitives the randomized scheduling test applies, each with random
// arguments drawn from the current proc (statements, expressions, allocations,
// calls of the proc) and the library of random_proc.h (instructions, subprocs
// and their equivalents, the config).
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "exo/cursor.h"
#include "exo/exo.h"

namespace exo::test {

struct StepLibrary {
  ConfigPtr cfg;
  std::vector<Proc> replaceable;  // instructions and subprocs to replace code with
  // Same-signature candidates for call_eqv, by callee name: procs scheduled from
  // the callee (equivalent) and unrelated or set_precision'd ones (not).
  std::map<std::string, std::vector<Proc>> call_candidates;
};
// Builds the library from a module parsed with random_proc_library().
StepLibrary make_step_library(const Module& m);

// Applies the primitive with random arguments, or returns nothing when the proc
// has no place to apply it. A refusal is a thrown Error(Scheduling).
using StepApply =
    std::function<std::optional<Rewrite>(const Proc&, std::mt19937&, const StepLibrary&)>;
struct RandomStep {
  std::string name;
  StepApply apply;
};
const std::vector<RandomStep>& random_steps();
// Restarts the new names steps give (st0, b1, ...), so a seed run alone names
// things as in the full run.
void reset_step_names();

}  // namespace exo::test
