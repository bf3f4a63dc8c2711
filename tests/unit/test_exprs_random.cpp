// Randomized checks of the expression and statement primitives: small random
// procs shaped to give them work (adjacent writes of equal or nearby elements,
// temporaries, self-additions, accumulations scaled by a factor, shifted index
// expressions) go through random sequences of the primitives with random
// targets. Every accepted step must compute what the original computes
// (interpreter on random inputs for two sizes); a refusal must be a Scheduling,
// Api or Type error. Deterministic seeds.
#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <sstream>

#include "exo/analysis.h"
#include "exo/exo.h"
#include "exo/schedule/exprs.h"
#include "exo/printer.h"
#include "support/differential.h"

namespace exo {
namespace {

using Rng = std::mt19937;

int pick(Rng& r, int n) { return std::uniform_int_distribution<int>(0, n - 1)(r); }
bool coin(Rng& r, int percent) { return pick(r, 100) < percent; }

// ---------------------------------------------------------------------------
// Random procs
// ---------------------------------------------------------------------------

class Gen {
 public:
  explicit Gen(Rng& r) : r_(r) {}

  std::string proc(const std::string& name) {
    std::ostringstream os;
    os << "@proc\ndef " << name
       << "(n: size, c: f32, x: f32[n + 4] @ DRAM, y: f32[n + 4] @ DRAM):\n";
    // tt is written before it is read: its initial value never matters.
    os << "    tt: f32[n + 4] @ DRAM\n";
    os << "    for i in seq(0, n + 4):\n";
    os << "        tt[i] = x[i]\n";
    int loops = 1 + pick(r_, 2);
    for (int k = 0; k < loops; ++k) {
      os << "    for i in seq(0, n):\n";
      int count = 1 + pick(r_, 3);
      for (int s = 0; s < count; ++s) stmt(os, 2);
    }
    return os.str();
  }

 private:
  static std::string ind(int d) { return std::string(4 * d, ' '); }
  std::string row() {
    static const char* rows[] = {"i", "i + 1", "i + 1 - 1", "i + 2", "3", "(i + 4) % 4"};
    return rows[pick(r_, 6)];
  }
  std::string buf() { return coin(r_, 50) ? "x" : "y"; }
  std::string read() { return buf() + "[" + row() + "]"; }
  std::string rhs() {
    switch (pick(r_, 5)) {
      case 0:
        return read();
      case 1:
        return read() + " * 2.0";
      case 2:
        return read() + " + " + read();
      case 3:
        return "c * " + read();
      default:
        return read() + " + (" + read() + " + " + read() + ")";
    }
  }
  const char* op() { return coin(r_, 40) ? " += " : " = "; }
  void stmt(std::ostringstream& os, int d) {
    std::string t = "t" + std::to_string(next_++);
    switch (pick(r_, 8)) {
      case 0:  // one write
        os << ind(d) << read() << op() << rhs() << "\n";
        return;
      case 1: {  // two writes, often of one element
        std::string dst = read();
        std::string dst2 = coin(r_, 70) ? dst : read();
        os << ind(d) << dst << op() << rhs() << "\n";
        os << ind(d) << dst2 << op() << rhs() << "\n";
        return;
      }
      case 2: {  // a self-addition (or nearly)
        std::string dst = read();
        std::string src = coin(r_, 70) ? dst : read();
        os << ind(d) << dst << " = " << src << " + " << rhs() << "\n";
        return;
      }
      case 3: {  // a temporary, maybe clobbered (often what it read) before its use
        std::string src = read();
        os << ind(d) << t << ": f32 @ DRAM\n";
        os << ind(d) << t << " = " << src << " * 2.0 + " << read() << "\n";
        if (coin(r_, 60)) os << ind(d) << (coin(r_, 70) ? src : read()) << " = " << rhs() << "\n";
        os << ind(d) << read() << op() << t << " + " << (coin(r_, 50) ? t : read()) << "\n";
        return;
      }
      case 6: {  // an element of a buffer that outlives the loop body
        os << ind(d) << "tt[i] = " << rhs() << "\n";
        static const char* uses[] = {"tt[i]", "tt[i + 1]", "tt[3]"};
        os << ind(d) << read() << op() << uses[pick(r_, 3)] << " + " << read() << "\n";
        return;
      }
      case 4: {  // an accumulation scaled by a factor
        static const char* factors[] = {"c", "2.0", "x[i]", "y[3]"};
        std::string f = factors[pick(r_, 4)];
        std::string f2 = coin(r_, 80) ? f : factors[pick(r_, 4)];
        os << ind(d) << t << ": f32 @ DRAM\n";
        os << ind(d) << t << " = " << (coin(r_, 85) ? "0.0" : "1.0") << "\n";
        os << ind(d) << "for k in seq(0, " << 1 + pick(r_, 4) << "):\n";
        os << ind(d + 1) << t << " += " << f << " * " << read() << "\n";
        if (coin(r_, 40)) os << ind(d + 1) << t << " += " << f2 << " * " << read() << "\n";
        if (coin(r_, 20)) os << ind(d + 1) << "y[3] = " << rhs() << "\n";
        os << ind(d) << read() << " = " << t << "\n";
        return;
      }
      case 5:  // a guarded write
        os << ind(d) << "if i < " << 1 + pick(r_, 4) << ":\n";
        os << ind(d + 1) << read() << op() << rhs() << "\n";
        return;
      default:
        os << ind(d) << read() << op() << rhs() << "\n";
        return;
    }
  }

  Rng& r_;
  int next_ = 0;
};

// ---------------------------------------------------------------------------
// Random targets
// ---------------------------------------------------------------------------

void collect_exprs(const Expr& e, const StmtPath& s, std::vector<int>& at,
                   std::vector<Cursor>& out) {
  out.push_back(Cursor::expr(s, at));
  auto kids = expr_children(e);
  for (size_t k = 0; k < kids.size(); ++k) {
    at.push_back(static_cast<int>(k));
    collect_exprs(kids[k], s, at, out);
    at.pop_back();
  }
}

// Expression cursors whose expression satisfies `keep`.
std::vector<Cursor> exprs_where(const Proc& p, const std::function<bool(const Expr&)>& keep) {
  std::vector<Cursor> all, out;
  for (auto& path : all_stmt_paths(p)) {
    auto es = stmt_exprs(resolve_stmt(p, path));
    for (size_t k = 0; k < es.size(); ++k) {
      std::vector<int> at{static_cast<int>(k)};
      collect_exprs(es[k], path, at, all);
    }
  }
  for (auto& c : all)
    if (keep(resolve_expr(p, c))) out.push_back(c);
  return out;
}

std::vector<Cursor> stmts_where(const Proc& p, const std::function<bool(const Stmt&)>& keep) {
  std::vector<Cursor> out;
  for (auto& path : all_stmt_paths(p))
    if (keep(resolve_stmt(p, path))) out.push_back(Cursor::stmt(path));
  return out;
}

std::optional<Cursor> any_of(Rng& r, const std::vector<Cursor>& cs) {
  if (cs.empty()) return std::nullopt;
  return cs[pick(r, static_cast<int>(cs.size()))];
}

bool is_add_or_mul(const Expr& e) {
  auto* b = e.as<BinOpNode>();
  return b && (b->op == BinOpKind::Add || b->op == BinOpKind::Mul);
}
bool is_data_add_or_mul(const Expr& e) { return is_add_or_mul(e) && e->type.is_real_scalar(); }
// `a op (b op c)` with one operator.
bool reassociable(const Expr& e) {
  auto* b = e.as<BinOpNode>();
  auto* rb = b ? b->rhs.as<BinOpNode>() : nullptr;
  return is_add_or_mul(e) && rb && rb->op == b->op;
}
const Sym* written(const Stmt& s) {
  if (auto* a = s.as<AssignNode>()) return &a->name;
  if (auto* a = s.as<ReduceNode>()) return &a->name;
  return nullptr;
}
bool adds(const Stmt& s) {
  const Expr* e = s.as<AssignNode>()   ? &s.as<AssignNode>()->rhs
                  : s.as<ReduceNode>() ? &s.as<ReduceNode>()->rhs
                                       : nullptr;
  auto* b = e ? e->as<BinOpNode>() : nullptr;
  return b && b->op == BinOpKind::Add;
}

// A block of two statements (s, its next sibling) with both(s, next) true.
std::optional<Cursor> pair_at(Rng& r, const Proc& p,
                              const std::function<bool(const Stmt&, const Stmt&)>& both) {
  std::vector<Cursor> out;
  for (auto& path : all_stmt_paths(p)) {
    Cursor c = Cursor::stmt(path), n = next(p, c);
    if (n.valid() && both(resolve_stmt(p, c), resolve_stmt(p, n)))
      out.push_back(Cursor::block(c.path, 2));
  }
  return any_of(r, out);
}

using Apply = std::function<std::optional<Rewrite>(const Proc&, Rng&)>;

// Targets have the shape each primitive expects (so its argument checks pass):
// what is left to decide is safety.
const std::vector<std::pair<std::string, Apply>>& primitives() {
  static const std::vector<std::pair<std::string, Apply>> table = {
      {"commute_expr",
       [](const Proc& p, Rng& r) -> std::optional<Rewrite> {
         auto c = any_of(r, exprs_where(p, is_data_add_or_mul));
         if (!c) return std::nullopt;
         return commute_expr(p, std::vector<Cursor>{*c});
       }},
      {"left_reassociate",
       [](const Proc& p, Rng& r) -> std::optional<Rewrite> {
         auto c = any_of(r, exprs_where(p, reassociable));
         if (!c) return std::nullopt;
         return left_reassociate_expr(p, *c);
       }},
      {"rewrite_expr",
       [](const Proc& p, Rng& r) -> std::optional<Rewrite> {
         auto c = any_of(r, exprs_where(p, [](const Expr& e) { return !e->type.is_tensor; }));
         if (!c) return std::nullopt;
         Expr e = resolve_expr(p, *c);
         std::string t = "(" + print_expr(e) + ")";
         bool index = !is_data_kind(e->type.base) && !e->type.is_bool();
         static const char* idx_forms[] = {"%s + 1 - 1", "0 + %s", "%s + 1", "%s * 1", "%s % 4"};
         static const char* data_forms[] = {"%s", "%s * 1.0", "%s + 0.0"};
         std::string text = index ? idx_forms[pick(r, 5)] : data_forms[pick(r, 3)];
         if (e->type.is_bool()) text = "%s";
         text.replace(text.find("%s"), 2, t);
         return rewrite_expr(p, *c, text);
       }},
      {"merge_writes",
       [](const Proc& p, Rng& r) -> std::optional<Rewrite> {
         auto c = pair_at(r, p, [](const Stmt& a, const Stmt& b) {
           return written(a) && written(b) && *written(a) == *written(b);
         });
         if (!c) return std::nullopt;
         return merge_writes(p, *c);
       }},
      {"split_write",
       [](const Proc& p, Rng& r) -> std::optional<Rewrite> {
         auto c = any_of(r, stmts_where(p, adds));
         if (!c) return std::nullopt;
         return split_write(p, *c);
       }},
      {"fold_into_reduce",
       [](const Proc& p, Rng& r) -> std::optional<Rewrite> {
         auto c =
             any_of(r, stmts_where(p, [](const Stmt& s) { return s.as<AssignNode>() && adds(s); }));
         if (!c) return std::nullopt;
         return fold_into_reduce(p, *c);
       }},
      {"inline_assign",
       [](const Proc& p, Rng& r) -> std::optional<Rewrite> {
         // Mostly the temporaries, sometimes an argument.
         bool temps = coin(r, 85);
         auto c = any_of(r, stmts_where(p, [temps](const Stmt& s) {
                           auto* a = s.as<AssignNode>();
                           return a && (a->name.name()[0] == 't') == temps;
                         }));
         if (!c) return std::nullopt;
         return inline_assign(p, *c);
       }},
      {"lift_reduce_const",
       [](const Proc& p, Rng& r) -> std::optional<Rewrite> {
         auto c = pair_at(r, p, [](const Stmt& a, const Stmt& b) {
           return a.as<AssignNode>() && b.as<ForNode>();
         });
         if (!c) return std::nullopt;
         return lift_reduce_constant(p, *c);
       }},
  };
  return table;
}

// ---------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------

std::string differs(const Proc& orig, const Proc& after) {
  for (long long n : {1, 6}) {
    test::ControlArgs args{{"n", n}};
    test::ProcInputs in = test::make_random_inputs(orig, args, static_cast<unsigned>(n) + 3);
    auto expected = test::run_interpreted(orig, in, {});
    std::string d = test::compare_outputs(orig, expected, test::run_interpreted(after, in, {}));
    if (!d.empty()) return "n = " + std::to_string(n) + ": " + d;
  }
  return "";
}

struct Counts {
  int tried = 0, accepted = 0, refused = 0;
};

TEST(ExprsRandom, AcceptedStepsPreserveResults) {
  std::map<std::string, Counts> counts;
  const auto& table = primitives();
  int checked = 0;
  for (unsigned seed = 1; seed <= 200; ++seed) {
    Rng rng(seed);
    std::string name = "rnd" + std::to_string(seed);
    std::string src = Gen(rng).proc(name);
    Proc orig = Module::from_string(src).proc(name);
    Proc cur = orig;
    for (int step = 0; step < 6; ++step) {
      const auto& [prim, apply] = table[pick(rng, static_cast<int>(table.size()))];
      std::optional<Rewrite> r;
      try {
        r = apply(cur, rng);
        if (!r) continue;
      } catch (const Error& e) {
        ++counts[prim].tried;
        ++counts[prim].refused;
        if (std::getenv("EXO_SHOW_REFUSALS")) {
          std::string w = e.what();
          std::cout << "refused " << prim << ": " << w.substr(0, w.find('\n')) << "\n";
        }
        bool refusal = e.kind() == ErrorKind::Scheduling || e.kind() == ErrorKind::Api ||
                       e.kind() == ErrorKind::Type;
        if (!refusal) {
          ADD_FAILURE() << prim << " raised a " << error_kind_name(e.kind()) << " error on seed "
                        << seed << ":\n"
                        << e.what() << "\n"
                        << print_proc(cur);
          break;
        }
        continue;
      }
      ++counts[prim].tried;
      std::string why;
      try {
        check_proc(r->proc);
        why = differs(orig, r->proc);
      } catch (const std::exception& e) {
        why = std::string("the result does not check: ") + e.what();
      }
      if (!why.empty()) {
        ADD_FAILURE() << prim << " changed the results on seed " << seed << ", step " << step
                      << ": " << why << "\nbefore:\n"
                      << print_proc(cur) << "after:\n"
                      << print_proc(r->proc) << "original:\n"
                      << src;
        break;
      }
      ++checked;
      ++counts[prim].accepted;
      cur = r->proc;
    }
  }
  std::cout << "exprs random: " << checked << " accepted steps checked\n";
  std::cout << "primitive          tried  accepted  refused\n";
  for (auto& [name, _] : table) {
    Counts c = counts[name];
    char line[128];
    std::snprintf(line, sizeof line, "%-17s %6d %9d %8d\n", name.c_str(), c.tried, c.accepted,
                  c.refused);
    std::cout << line;
    // Each primitive is exercised; on these targets commuting and regrouping
    // are always legal, the others must both accept and refuse.
    EXPECT_GT(c.accepted, 0) << name;
    if (name == "commute_expr" || name == "left_reassociate")
      EXPECT_EQ(c.refused, 0) << name;
    else
      EXPECT_GT(c.refused, 0) << name;
  }
}

}  // namespace
}  // namespace exo
