// Randomized scheduling: small random procs (tests/support/random_proc.h) go
// through random chains of every scheduling primitive with random arguments
// (tests/support/random_steps.h). Every accepted step must compute what the
// original proc computes: the interpreter on random inputs after each step
// and, in a smaller run, every version as compiled C (batched into one program
// per batch of procs; tests/support/soundness.h). A refusal is an exo::Error; an internal error,
// another exception or a crash is a failure. Deterministic seeds; the
// per-primitive counts are printed and written to random_schedule.log, and
// every primitive must be accepted a few times (else the generator does not
// exercise it). Mismatches in procs with hazards (code whose legality is still
// open: negative trip counts, overlapping call arguments, racing par loops) are
// listed but do not fail the test.
//
// EXO_RANDOM_SCHEDULE_PROCS sets the number of procs (default 1000, and 100
// for the compiled run),
// EXO_RANDOM_SCHEDULE_FIRST_SEED the first seed (default 1),
// EXO_RANDOM_SCHEDULE_VERBOSE=1 (or =<primitive>) prints the refusals.
// bench/soundness.sh runs the same at scale.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "support/soundness.h"

namespace exo {
namespace {

// The interpreter-only run is cheap (about 1,000 steps per second): many procs,
// so that every primitive is accepted often. The compiled run costs a C
// compile per batch of procs: fewer.
constexpr int kInterpretedProcs = 1000;
constexpr int kCompiledProcs = 100;
constexpr int kMinAccepted = 3;  // per primitive, in an interpreted run of the default size

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  int n = v ? std::atoi(v) : 0;
  return n > 0 ? n : fallback;
}

test::SoundnessReport run(int default_procs, bool compile, const char* log) {
  test::SoundnessOptions o;
  o.procs = env_int("EXO_RANDOM_SCHEDULE_PROCS", default_procs);
  o.first_seed = env_int("EXO_RANDOM_SCHEDULE_FIRST_SEED", 1);
  o.compile = compile;
  o.threads = 1;  // par loops in order: a race cannot make the test flaky
  if (const char* vb = std::getenv("EXO_RANDOM_SCHEDULE_VERBOSE")) o.verbose = vb;
  test::SoundnessReport r = test::run_soundness(o);
  std::string table = r.table();
  std::cout << table;
  std::ofstream(log) << table;
  for (auto& m : r.mismatches)
    ADD_FAILURE() << m.primitive << " on seed " << m.seed << ", step " << m.step << " (" << m.kind
                  << "):\n"
                  << m.detail;
  for (auto& m : r.expected_mismatches)
    std::cout << "expected (" << m.expected << "): seed " << m.seed << ", step " << m.step << ", "
              << m.primitive << " (" << m.kind << ")\n";
  EXPECT_GT(r.steps_checked, 0);
  return r;
}

TEST(RandomSchedule, AcceptedStepsPreserveResults) {
  test::SoundnessReport r = run(kInterpretedProcs, false, "random_schedule.log");
  // A primitive never accepted is not tested: the generator must reach it.
  if (r.procs >= kInterpretedProcs) {
    for (auto& name : test::soundness_primitives())
      EXPECT_GE(r.counts[name].accepted, kMinAccepted) << name << " was accepted too rarely";
  }
}

TEST(RandomSchedule, CompiledVersionsMatchTheInterpreter) {
  test::SoundnessReport r = run(kCompiledProcs, true, "random_schedule_compiled.log");
  EXPECT_GT(r.compiled_versions, r.procs);
}

}  // namespace
}  // namespace exo
