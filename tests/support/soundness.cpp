#include "support/soundness.h"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <random>
#include <sstream>

#include "exo/schedule/cursor.h"
#include "exo/exo.h"
#include "exo/printer.h"
#include "exo/schedule/loops.h"
#include "support/compiled_batch.h"
#include "support/differential.h"
#include "support/known_findings.h"
#include "support/par_order.h"
#include "support/random_proc.h"
#include "support/random_steps.h"

namespace exo::test {

namespace {

using Rng = std::mt19937;
using Clock = std::chrono::steady_clock;

int pick(Rng& r, int n) { return std::uniform_int_distribution<int>(0, n - 1)(r); }
bool coin(Rng& r, int percent) { return pick(r, 100) < percent; }

// "Api", "Bounds", ...: short names for the tables.
std::string kind_name(ErrorKind k) {
  switch (k) {
    case ErrorKind::Parse: return "Parse";
    case ErrorKind::Type: return "Type";
    case ErrorKind::Bounds: return "Bounds";
    case ErrorKind::Precondition: return "Precondition";
    case ErrorKind::Scheduling: return "Scheduling";
    case ErrorKind::MemGen: return "MemGen";
    case ErrorKind::Api: return "Api";
    case ErrorKind::Internal: return "Internal";
    case ErrorKind::InvalidCursor: return "InvalidCursor";
    case ErrorKind::ParseFragment: return "ParseFragment";
  }
  return "?";
}

// The library, parsed once; random procs see its names through `scope`.
struct Library {
  Scope builtins = Scope::with_builtins();
  Scope scope{&builtins};
  Module mod = Module::from_string(random_proc_library(), "random_lib.exo");
  StepLibrary lib;
  Library() {
    for (auto& p : mod.procs()) scope.bind_proc(p);
    for (auto& c : mod.configs()) scope.bind_config(c);
    lib = make_step_library(mod, &scope);
  }
};

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

// One random proc and the versions its steps made.
struct ProcRun {
  int seed = 0;
  std::string source;
  Hazards hazards;
  Proc orig;
  std::vector<long long> ns;
  std::vector<ProcInputs> inputs;  // per n
  std::vector<std::vector<std::vector<uint8_t>>> expected;  // per n
  std::vector<std::string> log;  // every step tried, with its outcome
  struct Version {
    int step;
    std::string primitive;
    Proc before, after;
  };
  std::vector<Version> versions;  // [0] is the original
};

std::string reproducer(const ProcRun& pr, const ProcRun::Version* v) {
  std::ostringstream os;
  os << "replay: bench/soundness.sh --replay " << pr.seed << "\n";
  if (pr.hazards.any()) os << "hazards: " << pr.hazards.str() << "\n";
  os << "generated proc (parsed after tests/support/random_proc.cpp's library):\n" << pr.source;
  os << "steps:\n";
  for (auto& l : pr.log) os << "  " << l << "\n";
  if (v && v->before) os << "before:\n" << print_proc(v->before);
  if (v) os << "after:\n" << print_proc(v->after);
  return os.str();
}

// With its par loops run backwards, `q` must still compute the expected
// results; "" or the difference (par_order.h).
std::string par_order_difference(const ProcRun& pr, const Proc& q,
                                 const std::vector<ConfigPtr>& cfgs) {
  Proc rev = with_par_loops_reversed(q);
  if (!rev) return "";
  for (size_t k = 0; k < pr.ns.size(); ++k) {
    std::string d =
        compare_outputs(pr.orig, pr.expected[k], run_interpreted(rev, pr.inputs[k], cfgs));
    if (!d.empty()) return "n = " + std::to_string(pr.ns[k]) + ", par loops backwards: " + d;
  }
  return "";
}

// What the crash handler prints: the step being applied.
char g_current[256] = "";

class Runner {
 public:
  explicit Runner(const SoundnessOptions& o) : opts_(o) {}
  SoundnessReport run();

 private:
  void one_proc(int seed);
  void fail(SoundnessReport& rep, const ProcRun& pr, const ProcRun::Version* v, int step,
            const std::string& primitive, const std::string& kind, const std::string& detail);
  void flush();

  const SoundnessOptions& opts_;
  Library libs_;
  SoundnessReport rep_;
  std::vector<ProcRun> pending_;
  int batches_ = 0;
};

void Runner::fail(SoundnessReport& rep, const ProcRun& pr, const ProcRun::Version* v, int step,
                  const std::string& primitive, const std::string& kind,
                  const std::string& detail) {
  Mismatch m;
  m.seed = pr.seed;
  m.step = step;
  m.primitive = primitive;
  m.kind = kind;
  m.hazards = pr.hazards.str();
  m.detail = detail + "\n" + reproducer(pr, v);
  m.expected = known_finding_of(m);
  if (m.expected.empty() && pr.hazards.any()) m.expected = "hazards " + m.hazards;
  ++(m.expected.empty() ? rep.counts[primitive].failed : rep.counts[primitive].expected);
  (m.expected.empty() ? rep.mismatches : rep.expected_mismatches).push_back(std::move(m));
}

void Runner::one_proc(int seed) {
  const auto& table = random_steps();
  Rng rng(static_cast<unsigned>(seed));
  reset_step_names();
  ProcRun pr;
  pr.seed = seed;
  bool divisible = coin(rng, 30);
  bool hazards = pick(rng, 100) < opts_.hazard_percent;
  std::string name = "rand" + std::to_string(seed);
  RandomProcGen gen(rng);
  pr.source = gen.proc(name, divisible, hazards);
  pr.hazards = gen.hazards();
  ++rep_.procs;
  rep_.hazard_procs += pr.hazards.any();
  std::snprintf(g_current, sizeof g_current, "seed %d: parsing the generated proc", seed);
  try {
    Module mod = Module::from_string(pr.source, name + ".exo", &libs_.scope);
    pr.orig = mod.proc(name);
  } catch (const Error& e) {
    // The front end may refuse hazards; refusing anything else is worth a look.
    ++rep_.procs_rejected;
    if (e.kind() == ErrorKind::Internal || !pr.hazards.any())
      fail(rep_, pr, nullptr, -1, "(front end)", "generated proc refused",
           kind_name(e.kind()) + " error: " + e.what());
    return;
  }
  const std::vector<ConfigPtr> cfgs = libs_.mod.configs();
  pr.ns = divisible ? std::vector<long long>{4, 8} : std::vector<long long>{1, 5};
  try {
    for (long long n : pr.ns) {
      pr.inputs.push_back(make_random_inputs(pr.orig, {{"n", n}}, static_cast<unsigned>(seed * 7 + n)));
      pr.expected.push_back(run_interpreted(pr.orig, pr.inputs.back(), cfgs));
    }
  } catch (const std::exception& e) {
    fail(rep_, pr, nullptr, -1, "(original)", "interpreter refused the original", e.what());
    return;
  }
  pr.versions.push_back({-1, "(original)", nullptr, pr.orig});
  try {
    if (std::string d = par_order_difference(pr, pr.orig, cfgs); !d.empty())
      fail(rep_, pr, &pr.versions[0], -1, "(original)", "par loop order", d);
  } catch (const std::exception& e) {
    fail(rep_, pr, &pr.versions[0], -1, "(original)", "par loop order",
         std::string("the reversed proc does not run: ") + e.what());
  }

  Proc cur = pr.orig;
  StepContext cx{libs_.lib, "r" + std::to_string(seed) + "_", ""};
  for (int step = 0; step < opts_.steps_per_proc; ++step) {
    const RandomStep* prim = nullptr;
    std::optional<Rewrite> r;
    std::string outcome;
    try {
      for (int draw = 0; draw < 4 && !r; ++draw) {
        prim = &table[pick(rng, static_cast<int>(table.size()))];
        cx.args.clear();
        std::snprintf(g_current, sizeof g_current, "seed %d step %d: %s", seed, step,
                      prim->name.c_str());
        r = prim->apply(cur, rng, cx);
      }
      if (!r) continue;
    } catch (const Error& e) {
      PrimitiveCounts& c = rep_.counts[prim->name];
      ++c.tried;
      ++rep_.steps_tried;
      std::string line = std::to_string(step) + ": " + prim->name + "(" + cx.args + ")";
      if (e.kind() == ErrorKind::Scheduling) {
        ++c.refused;
        pr.log.push_back(line + " -> refused");
        if (opts_.verbose == "1" || opts_.verbose == prim->name)
          std::cout << "refused " << prim->name << "(" << cx.args
                    << "): " << e.message().substr(0, 300) << "\n";
        continue;
      }
      if (e.kind() != ErrorKind::Internal) {
        ++c.other_error;
        ++rep_.other_errors[prim->name + ": " + kind_name(e.kind())];
        pr.log.push_back(line + " -> " + kind_name(e.kind()) + " error");
        if (opts_.verbose == "1" || opts_.verbose == prim->name)
          std::cout << kind_name(e.kind()) << " error from " << prim->name << "("
                    << cx.args << "): " << e.message().substr(0, 300) << "\n";
        continue;
      }
      pr.log.push_back(line + " -> internal error");
      ProcRun::Version v{step, prim->name, cur, cur};
      fail(rep_, pr, &v, step, prim->name, "internal error", e.what());
      break;
    } catch (const std::exception& e) {
      ++rep_.counts[prim->name].tried;
      ++rep_.steps_tried;
      pr.log.push_back(std::to_string(step) + ": " + prim->name + "(" + cx.args + ") -> exception");
      ProcRun::Version v{step, prim->name, cur, cur};
      fail(rep_, pr, &v, step, prim->name, "non-exo exception", e.what());
      break;
    }
    PrimitiveCounts& c = rep_.counts[prim->name];
    ++c.tried;
    ++rep_.steps_tried;
    std::string line = std::to_string(step) + ": " + prim->name + "(" + cx.args + ")";
    if (same_code(r->proc, cur)) {
      ++c.unchanged;
      pr.log.push_back(line + " -> unchanged");
      continue;
    }
    pr.log.push_back(line + " -> accepted");
    ProcRun::Version v{step, prim->name, cur, r->proc};
    std::string why;
    try {
      check_proc(r->proc);
      for (size_t k = 0; k < pr.ns.size() && why.empty(); ++k) {
        std::string d = compare_outputs(pr.orig, pr.expected[k],
                                        run_interpreted(r->proc, pr.inputs[k], cfgs));
        if (!d.empty()) why = "n = " + std::to_string(pr.ns[k]) + ": " + d;
      }
    } catch (const std::exception& e) {
      why = std::string("the result does not check or run: ") + e.what();
    }
    ++rep_.steps_checked;
    if (!why.empty()) {
      fail(rep_, pr, &v, step, prim->name, "interpreter", why);
      break;
    }
    // A par loop the step made or changed must not depend on its order; one the
    // original already had is checked once, above.
    bool before_ok = true;
    try {
      why = par_order_difference(pr, r->proc, cfgs);
      before_ok = why.empty() || par_order_difference(pr, cur, cfgs).empty();
    } catch (const std::exception& e) {
      why = std::string("the reversed proc does not run: ") + e.what();
    }
    if (!why.empty() && before_ok) {
      fail(rep_, pr, &v, step, prim->name, "par loop order", why);
      break;
    }
    ++c.accepted;
    pr.versions.push_back(v);
    cur = r->proc;
  }
  g_current[0] = '\0';
  if (opts_.compile) pending_.push_back(std::move(pr));
}

void Runner::flush() {
  if (pending_.empty()) return;
  CompiledBatch batch;
  // cases[p][v][k]: the case of proc p, version v, n index k.
  std::vector<std::vector<std::vector<int>>> cases(pending_.size());
  for (size_t p = 0; p < pending_.size(); ++p) {
    ProcRun& pr = pending_[p];
    std::vector<int> ins;
    for (auto& in : pr.inputs) ins.push_back(batch.add_inputs(in));
    for (size_t v = 0; v < pr.versions.size(); ++v) {
      Proc q = rename_proc(pr.versions[v].after,
                           "v" + std::to_string(pr.seed) + "_" + std::to_string(v))
                   .proc;
      cases[p].emplace_back();
      for (int in : ins) cases[p][v].push_back(batch.add_case(q, in));
    }
  }
  std::snprintf(g_current, sizeof g_current, "compiled batch %d (seeds %d..%d)", batches_,
                pending_.front().seed, pending_.back().seed);
  // gcc's maybe-uninitialized heuristic misfires on buffers filled by a loop over
  // a symbolic range.
  auto outcomes = batch.run(
      "soundness", "-Wno-maybe-uninitialized " + opts_.cflags,
      opts_.threads);
  rep_.compiled_versions += static_cast<long>(batch.size());
  for (size_t p = 0; p < pending_.size(); ++p) {
    const ProcRun& pr = pending_[p];
    for (size_t v = 0; v < pr.versions.size(); ++v) {
      const ProcRun::Version& ver = pr.versions[v];
      std::string kind, why;
      for (size_t k = 0; k < pr.ns.size() && why.empty(); ++k) {
        const auto& o = outcomes[cases[p][v][k]];
        std::string at = "n = " + std::to_string(pr.ns[k]) + ": ";
        switch (o.kind) {
          case CompiledBatch::Outcome::Ran: {
            std::string d = compare_outputs(pr.orig, pr.expected[k], o.outputs);
            if (!d.empty()) kind = "compiled C", why = at + d;
            break;
          }
          case CompiledBatch::Outcome::Crashed:
            kind = "compiled C crashed", why = at + o.detail;
            break;
          case CompiledBatch::Outcome::CompileError:
            kind = "generated C does not compile", why = at + o.detail;
            break;
          case CompiledBatch::Outcome::CodegenError:
            // A memory refusing a buffer (set_memory) is a user error at codegen.
            if (o.detail.rfind("memory error", 0) == 0) {
              ++rep_.other_errors["(codegen): MemGen"];
              kind = "skip";
              why = "-";
            } else {
              kind = "C generation failed", why = at + o.detail;
            }
            break;
        }
      }
      if (kind == "skip") break;  // later versions keep the refused memory
      if (!why.empty()) {
        fail(rep_, pr, &ver, ver.step, ver.primitive, kind, why);
        break;  // later versions inherit the difference
      }
    }
  }
  if (opts_.progress) {
    *opts_.progress << "batch " << batches_ << ": seeds " << pending_.front().seed << ".."
                    << pending_.back().seed << ", " << batch.size() << " compiled cases\n";
    opts_.progress->flush();
  }
  ++batches_;
  pending_.clear();
  g_current[0] = '\0';
}

SoundnessReport Runner::run() {
  auto t0 = Clock::now();
  for (int seed = opts_.first_seed; seed < opts_.first_seed + opts_.procs; ++seed) {
    one_proc(seed);
    if (static_cast<int>(pending_.size()) >= opts_.batch_procs) flush();
  }
  flush();
  rep_.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return rep_;
}

}  // namespace

const char* soundness_current_step() { return g_current; }

std::vector<std::string> soundness_primitives() {
  std::vector<std::string> out;
  for (auto& s : random_steps()) out.push_back(s.name);
  return out;
}

SoundnessReport run_soundness(const SoundnessOptions& opts) { return Runner(opts).run(); }

}  // namespace exo::test
