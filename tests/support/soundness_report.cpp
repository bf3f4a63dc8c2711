// SoundnessReport: merging shards, the printed table, and the line format
// shards write for merging.
#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>

#include "support/soundness.h"

namespace exo::test {

void SoundnessReport::merge(const SoundnessReport& o) {
  for (auto& [name, c] : o.counts) {
    PrimitiveCounts& m = counts[name];
    m.tried += c.tried;
    m.accepted += c.accepted;
    m.unchanged += c.unchanged;
    m.refused += c.refused;
    m.other_error += c.other_error;
    m.failed += c.failed;
    m.expected += c.expected;
  }
  mismatches.insert(mismatches.end(), o.mismatches.begin(), o.mismatches.end());
  expected_mismatches.insert(expected_mismatches.end(), o.expected_mismatches.begin(),
                             o.expected_mismatches.end());
  for (auto& [k, n] : o.other_errors) other_errors[k] += n;
  procs += o.procs;
  procs_rejected += o.procs_rejected;
  hazard_procs += o.hazard_procs;
  steps_tried += o.steps_tried;
  steps_checked += o.steps_checked;
  compiled_versions += o.compiled_versions;
  seconds = std::max(seconds, o.seconds);  // shards run side by side
}

std::string SoundnessReport::table() const {
  std::ostringstream os;
  char line[200];
  os << "primitive                 tried  accepted unchanged   refused  other_err  failed  "
        "expected\n";
  PrimitiveCounts total;
  auto row = [&](const std::string& name, const PrimitiveCounts& c) {
    std::snprintf(line, sizeof line, "%-22s %8d %9d %9d %9d %10d %7d %9d\n", name.c_str(),
                  c.tried, c.accepted, c.unchanged, c.refused, c.other_error, c.failed,
                  c.expected);
    os << line;
  };
  for (auto& name : soundness_primitives()) {
    auto it = counts.find(name);
    PrimitiveCounts c = it == counts.end() ? PrimitiveCounts{} : it->second;
    row(name, c);
    total.tried += c.tried;
    total.accepted += c.accepted;
    total.unchanged += c.unchanged;
    total.refused += c.refused;
    total.other_error += c.other_error;
    total.failed += c.failed;
    total.expected += c.expected;
  }
  for (auto& [name, c] : counts)  // failures outside any step: "(original)", "(front end)"
    if (name[0] == '(') {
      row(name, c);
      total.failed += c.failed;
      total.expected += c.expected;
    }
  row("total", total);
  std::snprintf(line, sizeof line,
                "%d procs (%d with hazards, %d rejected by the front end), %ld steps tried, "
                "%ld accepted steps checked by the interpreter, %ld versions run as compiled C, "
                "%.0f s (%.1f steps/s)\n",
                procs, hazard_procs, procs_rejected, steps_tried, steps_checked,
                compiled_versions, seconds, seconds > 0 ? steps_tried / seconds : 0.0);
  os << line;
  if (!other_errors.empty()) {
    os << "errors other than Error(Scheduling) raised by primitives (user-facing; counted as "
          "refusals):\n";
    for (auto& [k, n] : other_errors) os << "  " << k << ": " << n << "\n";
  }
  std::map<std::string, int> why;
  for (auto& m : expected_mismatches) ++why[m.expected];
  os << mismatches.size() << " mismatches; " << expected_mismatches.size() << " expected";
  for (auto& [w, n] : why) os << (w == why.begin()->first ? " (" : ", ") << w << ": " << n;
  os << (why.empty() ? "" : ")") << "\n";
  return os.str();
}

// Lines: "count\t<name>\t<6 numbers>", "other\t<key>\t<n>", "meta\t<7 numbers>", and
// mismatch blocks "mismatch\t<clean|hazard>\t<seed>\t<step>\t<primitive>\t<kind>\t<hazards>"
// followed by the detail and a line "end-mismatch".
std::string SoundnessReport::serialize() const {
  std::ostringstream os;
  for (auto& [name, c] : counts)
    os << "count\t" << name << "\t" << c.tried << "\t" << c.accepted << "\t" << c.unchanged
       << "\t" << c.refused << "\t" << c.other_error << "\t" << c.failed << "\t" << c.expected
       << "\n";
  for (auto& [k, n] : other_errors) os << "other\t" << k << "\t" << n << "\n";
  os << "meta\t" << procs << "\t" << procs_rejected << "\t" << hazard_procs << "\t" << steps_tried
     << "\t" << steps_checked << "\t" << compiled_versions << "\t" << seconds << "\n";
  auto block = [&](const Mismatch& m, const char* which) {
    os << "mismatch\t" << which << "\t" << m.seed << "\t" << m.step << "\t" << m.primitive << "\t"
       << m.kind << "\t" << m.hazards << "\t" << m.expected << "\n"
       << m.detail << (m.detail.empty() || m.detail.back() != '\n' ? "\n" : "")
       << "end-mismatch\n";
  };
  for (auto& m : mismatches) block(m, "clean");
  for (auto& m : expected_mismatches) block(m, "expected");
  return os.str();
}

SoundnessReport SoundnessReport::parse(const std::string& text) {
  SoundnessReport r;
  std::istringstream in(text);
  std::string line;
  auto fields = [](const std::string& l) {
    std::vector<std::string> f;
    std::stringstream ss(l);
    std::string x;
    while (std::getline(ss, x, '\t')) f.push_back(x);
    if (!l.empty() && l.back() == '\t') f.push_back("");
    return f;
  };
  while (std::getline(in, line)) {
    auto f = fields(line);
    if (f.empty()) continue;
    if (f[0] == "count" && f.size() == 9) {
      PrimitiveCounts& c = r.counts[f[1]];
      c.tried = std::stoi(f[2]);
      c.accepted = std::stoi(f[3]);
      c.unchanged = std::stoi(f[4]);
      c.refused = std::stoi(f[5]);
      c.other_error = std::stoi(f[6]);
      c.failed = std::stoi(f[7]);
      c.expected = std::stoi(f[8]);
    } else if (f[0] == "other" && f.size() == 3) {
      r.other_errors[f[1]] = std::stoi(f[2]);
    } else if (f[0] == "meta" && f.size() == 8) {
      r.procs = std::stoi(f[1]);
      r.procs_rejected = std::stoi(f[2]);
      r.hazard_procs = std::stoi(f[3]);
      r.steps_tried = std::stol(f[4]);
      r.steps_checked = std::stol(f[5]);
      r.compiled_versions = std::stol(f[6]);
      r.seconds = std::stod(f[7]);
    } else if (f[0] == "mismatch" && f.size() >= 6) {
      Mismatch m;
      m.seed = std::stoi(f[2]);
      m.step = std::stoi(f[3]);
      m.primitive = f[4];
      m.kind = f[5];
      m.hazards = f.size() > 6 ? f[6] : "";
      m.expected = f.size() > 7 ? f[7] : "";
      while (std::getline(in, line) && line != "end-mismatch") m.detail += line + "\n";
      (f[1] == "expected" ? r.expected_mismatches : r.mismatches).push_back(std::move(m));
    }
  }
  return r;
}

}  // namespace exo::test
