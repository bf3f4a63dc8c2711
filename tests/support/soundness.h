#pragma once
// Randomized soundness of scheduling at scale: random procs (random_proc.h)
// through random chains of primitives (random_steps.h). Every accepted step is
// checked on random inputs by the interpreter, and every version (the original
// included) as compiled C, batched many procs to one C program
// (compiled_batch.h). Refusals are counted per primitive. Used by
// test_random_schedule (a small run) and bench/soundness.sh (a large one).
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

namespace exo::test {

struct SoundnessOptions {
  int first_seed = 1;
  int procs = 100;
  int steps_per_proc = 10;
  int hazard_percent = 20;  // share of procs that may contain hazards (random_proc.h)
  int batch_procs = 40;     // procs per compiled C program
  bool compile = true;      // also run every version as compiled C
  std::string cflags;       // extra C flags for it (e.g. sanitizers)
  // OpenMP threads running it: 2 lets racing par loops show (nondeterministically),
  // 1 runs them in order, deterministically.
  int threads = 2;
  std::string verbose;      // print refusals: "1" all, or one primitive's name
  std::ostream* progress = nullptr;  // a line per batch, when set
};

struct PrimitiveCounts {
  int tried = 0;      // applied to some place (or had no place: not counted)
  int accepted = 0;   // changed the proc and kept its results
  int unchanged = 0;  // accepted, same code
  int refused = 0;    // Error(Scheduling)
  int other_error = 0;  // another user-facing exo::Error (Api, Type, Bounds, ...)
  int failed = 0;     // changed the results, crashed, or an internal error
  int expected = 0;   // the same, explained by hazards or a known finding
};

struct Mismatch {
  int seed = 0;
  int step = 0;            // -1: the original proc (no step)
  std::string primitive;   // "(original)" for step -1
  std::string kind;        // interpreter, compiled C, crash, internal error, ...
  std::string hazards;     // the proc's hazards (random_proc.h), "" when none
  std::string expected;    // why it is expected (hazards or a known finding), else ""
  std::string detail;      // what differs, and a reproducer (proc source, steps)
};

struct SoundnessReport {
  std::map<std::string, PrimitiveCounts> counts;
  std::vector<Mismatch> mismatches;  // failures: not explained by hazards or a known finding
  // Explained by the proc's hazards or a known open finding (known_findings.h).
  std::vector<Mismatch> expected_mismatches;
  std::map<std::string, int> other_errors;  // "primitive: kind" -> count
  int procs = 0, procs_rejected = 0;  // rejected: the front end refused the generated proc
  int hazard_procs = 0;
  long steps_tried = 0, steps_checked = 0, compiled_versions = 0;
  double seconds = 0;

  // Adds another run's numbers (shards of one run).
  void merge(const SoundnessReport& other);
  // The per-primitive table and the totals.
  std::string table() const;
  // A line-based form for merging shards (read back by parse).
  std::string serialize() const;
  static SoundnessReport parse(const std::string& text);
};

SoundnessReport run_soundness(const SoundnessOptions& opts);

// What is being done right now ("seed 12 step 3: split"), for a crash handler.
const char* soundness_current_step();

// The order the table lists primitives in.
std::vector<std::string> soundness_primitives();

}  // namespace exo::test
