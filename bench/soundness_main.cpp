// exo_soundness: the driver behind bench/soundness.sh (see tests/support/soundness.h).
//
//   exo_soundness [--first-seed S] [--procs N] [--steps K] [--hazards PCT]
//                 [--batch B] [--no-compile] [--cflags FLAGS] [--threads T]
//                 [--verbose 1|PRIMITIVE]
//                 [--out FILE]
//   exo_soundness --replay SEED          one proc, refusals printed, reproducers
//   exo_soundness --merge FILE...        the combined table of shards' --out files
//
// Prints the per-primitive table and every mismatch with its reproducer. Exits
// 1 when a proc without hazards mismatched (or failed otherwise), else 0.
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "support/soundness.h"

extern "C" void __sanitizer_set_death_callback(void (*)(void)) __attribute__((weak));

namespace {

void say_where() {
  const char* w = exo::test::soundness_current_step();
  if (!w || !*w) return;
  const char* head = "\nexo_soundness: died during ";
  ssize_t ignored = write(2, head, std::strlen(head));
  ignored = write(2, w, std::strlen(w));
  ignored = write(2, "\n", 1);
  (void)ignored;
}

void on_signal(int sig) {
  say_where();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

int usage() {
  std::cerr << "usage: exo_soundness [--first-seed S] [--procs N] [--steps K] [--hazards PCT]\n"
               "                     [--batch B] [--no-compile] [--cflags FLAGS] [--threads T]\n"
               "                     [--verbose 1|PRIMITIVE] [--out FILE]\n"
               "       exo_soundness --replay SEED\n"
               "       exo_soundness --merge FILE...\n";
  return 2;
}

int report(const exo::test::SoundnessReport& r) {
  std::cout << r.table();
  for (auto& m : r.mismatches)
    std::cout << "\n=== MISMATCH seed " << m.seed << ", step " << m.step << ": " << m.primitive
              << " (" << m.kind << ")\n"
              << m.detail;
  for (auto& m : r.expected_mismatches)
    std::cout << "\n=== expected (" << m.expected << ") seed " << m.seed << ", step "
              << m.step << ": " << m.primitive << " (" << m.kind << ")\n"
              << m.detail;
  return r.mismatches.empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  for (int sig : {SIGSEGV, SIGABRT, SIGFPE, SIGBUS, SIGILL}) std::signal(sig, on_signal);
  if (__sanitizer_set_death_callback) __sanitizer_set_death_callback(say_where);

  exo::test::SoundnessOptions o;
  std::string out;
  std::vector<std::string> merge;
  bool merging = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) std::exit(usage());
      return argv[++i];
    };
    if (merging) merge.push_back(a);
    else if (a == "--first-seed") o.first_seed = std::stoi(value());
    else if (a == "--procs") o.procs = std::stoi(value());
    else if (a == "--steps") o.steps_per_proc = std::stoi(value());
    else if (a == "--hazards") o.hazard_percent = std::stoi(value());
    else if (a == "--batch") o.batch_procs = std::stoi(value());
    else if (a == "--no-compile") o.compile = false;
    else if (a == "--cflags") o.cflags = value();
    else if (a == "--threads") o.threads = std::stoi(value());
    else if (a == "--verbose") o.verbose = value();
    else if (a == "--out") out = value();
    else if (a == "--replay") o.first_seed = std::stoi(value()), o.procs = 1, o.verbose = "1";
    else if (a == "--merge") merging = true;
    else return usage();
  }
  if (merging) {
    exo::test::SoundnessReport total;
    for (auto& f : merge) {
      std::ifstream in(f);
      if (!in) {
        std::cerr << "exo_soundness: cannot read " << f << "\n";
        return 2;
      }
      std::stringstream ss;
      ss << in.rdbuf();
      total.merge(exo::test::SoundnessReport::parse(ss.str()));
    }
    return report(total);
  }
  o.progress = &std::cerr;
  exo::test::SoundnessReport r = exo::test::run_soundness(o);
  if (!out.empty()) std::ofstream(out) << r.serialize();
  return report(r);
}
