// Randomized scheduling: small random procs (loops over constant and symbolic
// bounds, assignments and reductions into 1-D and 2-D buffers with affine
// indices, ifs on iterators, allocations) go through random sequences of
// primitives with random arguments. Every accepted step must compute what the
// original proc computes (interpreter on random inputs; compiled C for a sample).
// A Scheduling error is a refusal; any other error is a failure. Deterministic
// seeds; the per-primitive counts are printed and written to random_schedule.log.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <random>
#include <sstream>

#include "exo/buffers.h"
#include "exo/exo.h"
#include "exo/rewrite.h"
#include "exo/scheduling.h"
#include "support/differential.h"

namespace exo {
namespace {

using Rng = std::mt19937;

int pick(Rng& r, int n) { return std::uniform_int_distribution<int>(0, n - 1)(r); }
bool coin(Rng& r, int percent) { return pick(r, 100) < percent; }

// ---------------------------------------------------------------------------
// Random procs
// ---------------------------------------------------------------------------

struct Iter {
  std::string name;
  bool symbolic;  // ranges over [0, n); else over [0, K) with K <= 8
};

class ProcGen {
 public:
  explicit ProcGen(Rng& r) : r_(r) {}

  std::string proc(const std::string& name, bool divisible) {
    std::ostringstream os;
    os << "@proc\ndef " << name
       << "(n: size, x: f32[n + 4] @ DRAM, y: f32[n + 4] @ DRAM, A: f32[n + 4, 8] @ DRAM):\n";
    if (divisible) os << "    assert n % 4 == 0\n";
    int count = 1 + pick(r_, 3);
    for (int k = 0; k < count; ++k) loop(os, 1, {});
    return os.str();
  }

 private:
  static std::string ind(int d) { return std::string(4 * d, ' '); }

  // An index into a dimension of n + 4 elements.
  std::string row(const std::vector<Iter>& its) {
    std::vector<const Iter*> sym;
    for (auto& i : its)
      if (i.symbolic) sym.push_back(&i);
    if (sym.empty() || coin(r_, 15)) return std::to_string(pick(r_, 4));
    std::string v = sym[pick(r_, static_cast<int>(sym.size()))]->name;
    int c = pick(r_, 4);
    return c == 0 ? v : v + " + " + std::to_string(c);
  }
  // An index into a dimension of 8 elements.
  std::string col(const std::vector<Iter>& its) {
    std::vector<const Iter*> cst;
    for (auto& i : its)
      if (!i.symbolic) cst.push_back(&i);
    if (cst.empty() || coin(r_, 15)) return std::to_string(pick(r_, 8));
    return cst[pick(r_, static_cast<int>(cst.size()))]->name;
  }
  std::string read(const std::vector<Iter>& its) {
    switch (pick(r_, 3)) {
      case 0: return "x[" + row(its) + "]";
      case 1: return "y[" + row(its) + "]";
      default: return "A[" + row(its) + ", " + col(its) + "]";
    }
  }
  std::string rhs(const std::vector<Iter>& its) {
    switch (pick(r_, 3)) {
      case 0: return read(its);
      case 1: return read(its) + " * 2.0";
      default: return read(its) + " + " + read(its);
    }
  }
  void leaf(std::ostringstream& os, int d, const std::vector<Iter>& its) {
    const char* op = coin(r_, 40) ? " += " : " = ";
    switch (pick(r_, 3)) {
      case 0: os << ind(d) << "y[" << row(its) << "]" << op << rhs(its) << "\n"; break;
      case 1: os << ind(d) << "A[" << row(its) << ", " << col(its) << "]" << op << rhs(its) << "\n"; break;
      default: os << ind(d) << "x[" << row(its) << "]" << op << rhs(its) << "\n"; break;
    }
  }
  std::string cond(const std::vector<Iter>& its) {
    const Iter& v = its[pick(r_, static_cast<int>(its.size()))];
    switch (pick(r_, 3)) {
      case 0: return v.name + " < " + std::to_string(1 + pick(r_, 4));
      case 1: return v.name + " % 2 == 0";
      default: return v.name + " >= " + std::to_string(pick(r_, 3));
    }
  }
  void stmt(std::ostringstream& os, int d, const std::vector<Iter>& its) {
    int kind = pick(r_, 10);
    if (kind < 5) return leaf(os, d, its);
    if (kind < 7 && d < 4) {
      os << ind(d) << "if " << cond(its) << ":\n";
      leaf(os, d + 1, its);
      if (coin(r_, 40)) {
        os << ind(d) << "else:\n";
        leaf(os, d + 1, its);
      }
      return;
    }
    if (kind < 8) {
      std::string t = "t" + std::to_string(next_++);
      os << ind(d) << t << ": f32[8] @ DRAM\n";
      std::string c = col(its);
      os << ind(d) << t << "[" << c << "] = " << rhs(its) << "\n";
      os << ind(d) << "y[" << row(its) << "] += " << t << "[" << c << "]\n";
      return;
    }
    if (kind < 9 && d < 3) return loop(os, d, its);
    os << ind(d) << "pass\n";
  }
  void loop(std::ostringstream& os, int d, std::vector<Iter> its) {
    static const char* names[] = {"i", "j", "k", "l", "p", "q"};
    Iter it{std::string(names[its.size() % 6]) + (its.size() >= 6 ? "x" : ""), coin(r_, 55)};
    std::string hi = it.symbolic ? "n" : std::to_string(2 + pick(r_, 7));
    os << ind(d) << "for " << it.name << " in seq(0, " << hi << "):\n";
    its.push_back(it);
    int count = 1 + pick(r_, 3);
    for (int k = 0; k < count; ++k) stmt(os, d + 1, its);
  }

  Rng& r_;
  int next_ = 0;
};

// ---------------------------------------------------------------------------
// Random arguments
// ---------------------------------------------------------------------------

std::vector<Cursor> stmts_of(const Proc& p, StmtKind k) {
  std::vector<Cursor> out;
  for (auto& path : all_stmt_paths(p))
    if (resolve_stmt(p, path)->kind == k) out.push_back(Cursor::stmt(path));
  return out;
}
std::vector<Cursor> all_stmts(const Proc& p) {
  std::vector<Cursor> out;
  for (auto& path : all_stmt_paths(p)) out.push_back(Cursor::stmt(path));
  return out;
}
std::optional<Cursor> any_of(Rng& r, const std::vector<Cursor>& cs) {
  if (cs.empty()) return std::nullopt;
  return cs[pick(r, static_cast<int>(cs.size()))];
}
// A statement that has a next sibling, and that sibling.
std::optional<std::pair<Cursor, Cursor>> adjacent(Rng& r, const Proc& p, StmtKind k = StmtKind::Pass, bool any = true) {
  std::vector<std::pair<Cursor, Cursor>> out;
  for (auto& c : all_stmts(p)) {
    Cursor n = next(p, c);
    if (!n.valid()) continue;
    if (!any && (resolve_stmt(p, c)->kind != k || resolve_stmt(p, n)->kind != k)) continue;
    out.push_back({c, n});
  }
  if (out.empty()) return std::nullopt;
  return out[pick(r, static_cast<int>(out.size()))];
}

int fresh_id = 0;
std::string fresh(const std::string& base) { return base + std::to_string(fresh_id++); }

// One entry per primitive: applies it with random arguments, or returns nothing
// when the proc has no place to apply it.
using Apply = std::function<std::optional<Rewrite>(const Proc&, Rng&)>;
struct Primitive {
  std::string name;
  Apply apply;
};

const std::vector<Primitive>& primitives() {
  static const std::vector<Primitive> table = {
      {"split", [](const Proc& p, Rng& r) -> std::optional<Rewrite> {
         auto c = any_of(r, stmts_of(p, StmtKind::For));
         if (!c) return std::nullopt;
         static const char* tails[] = {"guard", "cut", "cut_and_guard", "perfect"};
         std::string tail = tails[pick(r, 4)];
         bool perfect = tail == "perfect";
         return split_loop(p, *c, 2 + pick(r, 3), fresh("o"), fresh("n"), perfect ? "guard" : tail, perfect);
       }},
      {"reorder_loops", [](const Proc& p, Rng& r) -> std::optional<Rewrite> {
         auto c = any_of(r, stmts_of(p, StmtKind::For));
         if (!c) return std::nullopt;
         return reorder_loops(p, *c);
       }},
      {"reorder_stmts", [](const Proc& p, Rng& r) -> std::optional<Rewrite> {
         auto a = adjacent(r, p);
         if (!a) return std::nullopt;
         return reorder_stmts(p, a->first, a->second);
       }},
      {"unroll", [](const Proc& p, Rng& r) -> std::optional<Rewrite> {
         auto c = any_of(r, stmts_of(p, StmtKind::For));
         if (!c) return std::nullopt;
         return unroll_loop(p, *c);
       }},
      {"remove_loop", [](const Proc& p, Rng& r) -> std::optional<Rewrite> {
         auto c = any_of(r, stmts_of(p, StmtKind::For));
         if (!c) return std::nullopt;
         return remove_loop(p, *c);
       }},
      {"delete_pass", [](const Proc& p, Rng&) -> std::optional<Rewrite> { return delete_pass(p); }},
      {"simplify", [](const Proc& p, Rng&) -> std::optional<Rewrite> { return simplify(p); }},
      {"reorder_before", [](const Proc& p, Rng& r) -> std::optional<Rewrite> {
         auto a = adjacent(r, p);
         if (!a) return std::nullopt;
         return reorder_before(p, a->second);
       }},
      {"fuse_loop", [](const Proc& p, Rng& r) -> std::optional<Rewrite> {
         auto a = adjacent(r, p, StmtKind::For, false);
         if (!a) return std::nullopt;
         return fuse_loop(p, a->first, a->second);
       }},
      {"partition_loop", [](const Proc& p, Rng& r) -> std::optional<Rewrite> {
         auto c = any_of(r, stmts_of(p, StmtKind::For));
         if (!c) return std::nullopt;
         return partition_loop(p, *c, 1 + pick(r, 3));
       }},
      {"fission_after", [](const Proc& p, Rng& r) -> std::optional<Rewrite> {
         auto a = adjacent(r, p);
         if (!a || a->first.path.size() < 2) return std::nullopt;
         return fission_after(p, a->first, 1 + pick(r, 2));
       }},
      {"lift_if", [](const Proc& p, Rng& r) -> std::optional<Rewrite> {
         auto c = any_of(r, stmts_of(p, StmtKind::If));
         if (!c) return std::nullopt;
         return lift_if(p, *c);
       }},
      {"assert_if", [](const Proc& p, Rng& r) -> std::optional<Rewrite> {
         auto c = any_of(r, stmts_of(p, StmtKind::If));
         if (!c) return std::nullopt;
         return assert_if(p, *c, coin(r, 50));
       }},
      {"lift_alloc", [](const Proc& p, Rng& r) -> std::optional<Rewrite> {
         auto c = any_of(r, stmts_of(p, StmtKind::Alloc));
         if (!c) return std::nullopt;
         return lift_alloc(p, *c, 1);
       }},
      {"set_precision", [](const Proc& p, Rng& r) -> std::optional<Rewrite> {
         auto c = any_of(r, stmts_of(p, StmtKind::Alloc));
         if (!c) return std::nullopt;
         return set_precision(p, BufferRef{-1, *c}, ScalarKind::F64);
       }},
  };
  return table;
}

// ---------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------

struct Counts {
  int tried = 0, accepted = 0, refused = 0, failed = 0;
};

// Results of `after` equal those of `orig` on random inputs for each n.
std::string differs(const Proc& orig, const Proc& after, const std::vector<long long>& ns, bool compiled,
                    const std::string& tag) {
  for (long long n : ns) {
    test::ControlArgs args{{"n", n}};
    test::ProcInputs in = test::make_random_inputs(orig, args, static_cast<unsigned>(n) + 7);
    auto expected = test::run_interpreted(orig, in, {});
    std::string d = test::compare_outputs(orig, expected, test::run_interpreted(after, in, {}));
    if (!d.empty()) return "interpreter, n = " + std::to_string(n) + ": " + d;
    if (compiled && n == ns.back()) {
      d = test::compare_outputs(orig, expected, test::run_compiled(after, in, tag));
      if (!d.empty()) return "compiled C, n = " + std::to_string(n) + ": " + d;
    }
  }
  return "";
}

TEST(RandomSchedule, AcceptedStepsPreserveResults) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const auto budget = std::chrono::seconds(18);
  const auto& table = primitives();
  std::map<std::string, Counts> counts;
  int procs = 0, steps_checked = 0, compiled_runs = 0;
  for (unsigned seed = 1; seed <= 60 && Clock::now() - start < budget; ++seed) {
    Rng rng(seed);
    bool divisible = coin(rng, 30);
    std::string src = ProcGen(rng).proc("rand" + std::to_string(seed), divisible);
    Proc orig = Module::from_string(src).proc("rand" + std::to_string(seed));
    std::vector<long long> ns = divisible ? std::vector<long long>{4, 8} : std::vector<long long>{1, 5};
    ++procs;
    Proc cur = orig;
    for (int step = 0; step < 8; ++step) {
      const Primitive& prim = table[pick(rng, static_cast<int>(table.size()))];
      std::optional<Rewrite> r;
      try {
        r = prim.apply(cur, rng);
        if (!r) continue;
      } catch (const Error& e) {
        ++counts[prim.name].tried;
        if (e.kind() == ErrorKind::Scheduling) {
          ++counts[prim.name].refused;
          continue;
        }
        ++counts[prim.name].failed;
        ADD_FAILURE() << prim.name << " raised a " << error_kind_name(e.kind()) << " error on seed " << seed
                      << ":\n" << e.what() << "\n" << print_proc(cur);
        break;
      }
      ++counts[prim.name].tried;
      std::string why;
      try {
        check_proc(r->proc);
        bool compiled = steps_checked % 12 == 0;
        compiled_runs += compiled;
        why = differs(orig, r->proc, ns, compiled, "random_" + std::to_string(seed) + "_" + std::to_string(step));
        ++steps_checked;
      } catch (const std::exception& e) {
        why = std::string("the result does not check: ") + e.what();
      }
      if (!why.empty()) {
        ++counts[prim.name].failed;
        ADD_FAILURE() << prim.name << " changed the results on seed " << seed << ", step " << step << ": " << why
                      << "\nbefore:\n" << print_proc(cur) << "after:\n" << print_proc(r->proc) << "original:\n"
                      << src;
        break;
      }
      ++counts[prim.name].accepted;
      cur = r->proc;
    }
  }
  std::ostringstream table_text;
  table_text << "random schedules: " << procs << " procs, " << steps_checked << " accepted steps checked ("
             << compiled_runs << " as compiled C)\n";
  table_text << "primitive          tried  accepted  refused  failed\n";
  for (auto& p : table) {
    Counts c = counts[p.name];
    char line[128];
    std::snprintf(line, sizeof line, "%-17s %6d %9d %8d %7d\n", p.name.c_str(), c.tried, c.accepted, c.refused, c.failed);
    table_text << line;
  }
  std::cout << table_text.str();
  std::ofstream("random_schedule.log") << table_text.str();
  EXPECT_GT(steps_checked, 20);
}

}  // namespace
}  // namespace exo
