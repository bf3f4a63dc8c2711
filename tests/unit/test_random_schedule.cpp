// Randomized scheduling: small random procs (tests/support/random_proc.h: loops
// over constant and symbolic bounds, affine accesses, ifs, 1-D and 2-D
// allocations, windows, config reads and writes, calls of subprocs and
// instructions) go through random sequences of primitives with random arguments
// (tests/support/random_steps.h: loop, buffer, config and sub-procedure
// primitives). Every accepted step must compute what the original proc computes
// (interpreter on random inputs; compiled C for a sample). A Scheduling error is
// a refusal; any other error is a failure. Deterministic seeds; the
// per-primitive counts are printed and written to random_schedule.log, and every
// primitive must be accepted a few times (else the generator does not exercise
// it). EXO_RANDOM_SCHEDULE_PROCS sets the number of procs (default 200),
// EXO_RANDOM_SCHEDULE_FIRST_SEED the first seed (default 1).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <sstream>

#include "exo/cursor.h"
#include "exo/exo.h"
#include "exo/printer.h"
#include "support/differential.h"
#include "support/random_proc.h"
#include "support/random_steps.h"

namespace exo {
namespace {

using Rng = std::mt19937;

int pick(Rng& r, int n) { return std::uniform_int_distribution<int>(0, n - 1)(r); }
bool coin(Rng& r, int percent) { return pick(r, 100) < percent; }

constexpr int kDefaultProcs = 200;

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  int n = v ? std::atoi(v) : 0;
  return n > 0 ? n : fallback;
}

// ---------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------

struct Counts {
  int tried = 0, accepted = 0, unchanged = 0, refused = 0, failed = 0;
};

// Results of `after` equal those of `orig` on random inputs for each n (config
// fields start at 0 in both).
std::string differs(const Proc& orig, const Proc& after, const std::vector<long long>& ns,
                    const std::vector<ConfigPtr>& cfgs, bool compiled, const std::string& tag) {
  for (long long n : ns) {
    test::ControlArgs args{{"n", n}};
    test::ProcInputs in = test::make_random_inputs(orig, args, static_cast<unsigned>(n) + 7);
    auto expected = test::run_interpreted(orig, in, cfgs);
    std::string d = test::compare_outputs(orig, expected, test::run_interpreted(after, in, cfgs));
    if (!d.empty()) return "interpreter, n = " + std::to_string(n) + ": " + d;
    if (compiled && n == ns.back()) {
      // gcc's maybe-uninitialized heuristic misfires on buffers filled by a loop
      // over a symbolic range (staged windows); the values are checked here instead.
      d = test::compare_outputs(orig, expected,
                                test::run_compiled(after, in, tag, "-Wno-maybe-uninitialized"));
      if (!d.empty()) return "compiled C, n = " + std::to_string(n) + ": " + d;
    }
  }
  return "";
}

// Same text and the same callees (call_eqv changes only the callee).
bool same_code(const Proc& a, const Proc& b) {
  auto callees = [](const Proc& p) {
    std::vector<const ProcNode*> out;
    for (auto& path : all_stmt_paths(p))
      if (auto* c = resolve_stmt(p, path).as<CallNode>()) out.push_back(c->proc.get());
    return out;
  };
  return print_proc(a) == print_proc(b) && callees(a) == callees(b);
}

constexpr int kStepsPerProc = 10;
constexpr int kCompileEvery = 40;  // accepted steps per compiled-C check
constexpr int kMinAccepted = 3;    // per primitive, in a run of the default size

TEST(RandomSchedule, AcceptedStepsPreserveResults) {
  const auto& table = test::random_steps();
  const int n_procs = env_int("EXO_RANDOM_SCHEDULE_PROCS", kDefaultProcs);
  const int first_seed = env_int("EXO_RANDOM_SCHEDULE_FIRST_SEED", 1);
  // EXO_RANDOM_SCHEDULE_VERBOSE=1 (or =<primitive>) prints the refusals.
  const char* vb = std::getenv("EXO_RANDOM_SCHEDULE_VERBOSE");
  const bool verbose = vb != nullptr;
  const std::string verbose_only = vb && std::string(vb) != "1" ? vb : "";
  std::map<std::string, Counts> counts;
  int steps_checked = 0, compiled_runs = 0, refused_procs = 0;
  for (int seed = first_seed; seed < first_seed + n_procs; ++seed) {
    Rng rng(static_cast<unsigned>(seed));
    test::reset_step_names();
    bool divisible = coin(rng, 30);
    std::string name = "rand" + std::to_string(seed);
    std::string src = test::random_proc_library() + test::RandomProcGen(rng).proc(name, divisible);
    Module mod;
    try {
      mod = Module::from_string(src);
    } catch (const Error& e) {
      // The generator may pass one row to two arguments of a callee that writes
      // one (refused at definition, as aliased arguments): nothing to schedule.
      if (e.kind() != ErrorKind::Bounds) throw;
      ++refused_procs;
      continue;
    }
    test::StepLibrary lib = test::make_step_library(mod);
    Proc orig = mod.proc(name);
    std::vector<long long> ns =
        divisible ? std::vector<long long>{4, 8} : std::vector<long long>{1, 5};
    Proc cur = orig;
    for (int step = 0; step < kStepsPerProc; ++step) {
      // A few draws, so steps are not lost on primitives with no place to apply.
      const test::RandomStep* prim = nullptr;
      std::optional<Rewrite> r;
      try {
        for (int draw = 0; draw < 4 && !r; ++draw) {
          prim = &table[pick(rng, static_cast<int>(table.size()))];
          r = prim->apply(cur, rng, lib);
        }
        if (!r) continue;
      } catch (const Error& e) {
        ++counts[prim->name].tried;
        if (e.kind() == ErrorKind::Scheduling) {
          ++counts[prim->name].refused;
          if (verbose && (verbose_only.empty() || verbose_only == prim->name))
            std::cout << "refused " << prim->name << ": " << e.message().substr(0, 200) << "\n";
          continue;
        }
        ++counts[prim->name].failed;
        ADD_FAILURE() << prim->name << " raised a " << error_kind_name(e.kind())
                      << " error on seed " << seed << ":\n"
                      << e.what() << "\n"
                      << print_proc(cur);
        break;
      }
      Counts& c = counts[prim->name];
      ++c.tried;
      if (same_code(r->proc, cur)) {
        ++c.unchanged;
        continue;
      }
      std::string why;
      try {
        check_proc(r->proc);
        bool compiled = steps_checked % kCompileEvery == 0;
        compiled_runs += compiled;
        why = differs(orig, r->proc, ns, mod.configs(), compiled,
                      "random_" + std::to_string(seed) + "_" + std::to_string(step));
        ++steps_checked;
      } catch (const std::exception& e) {
        why = std::string("the result does not check: ") + e.what();
      }
      if (!why.empty()) {
        ++c.failed;
        ADD_FAILURE() << prim->name << " changed the results on seed " << seed << ", step " << step
                      << ": " << why << "\nbefore:\n"
                      << print_proc(cur) << "after:\n"
                      << print_proc(r->proc) << "original:\n"
                      << src;
        break;
      }
      ++c.accepted;
      cur = r->proc;
    }
  }
  std::ostringstream text;
  text << "random schedules: " << n_procs << " procs (" << refused_procs << " refused at definition), "
       << steps_checked << " accepted steps checked (" << compiled_runs << " as compiled C)\n";
  text << "primitive            tried  accepted  unchanged  refused  failed\n";
  for (auto& p : table) {
    Counts c = counts[p.name];
    char line[160];
    std::snprintf(line, sizeof line, "%-18s %7d %9d %10d %8d %7d\n", p.name.c_str(), c.tried,
                  c.accepted, c.unchanged, c.refused, c.failed);
    text << line;
  }
  std::cout << text.str();
  std::ofstream("random_schedule.log") << text.str();
  // A primitive never accepted is not tested: the generator must reach it.
  if (n_procs >= kDefaultProcs)
    for (auto& p : table)
      EXPECT_GE(counts[p.name].accepted, kMinAccepted) << p.name << " was accepted too rarely";
}

}  // namespace
}  // namespace exo
