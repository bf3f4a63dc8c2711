// Randomized checks of the loops_extra primitives: small random loop nests
// (affine reads and writes, reductions, stores at fixed places, guards, private
// allocations) with the primitives applied at random places. Every accepted
// rewrite must compute what the original does (interpreter, random inputs, several
// n; compiled C for a sample). For parallelize_loop, whose C runs iterations in any
// order, the accepted loop is also run backwards: independent iterations give the
// same results in either order. Deterministic seeds; both outcomes must occur.
#include <gtest/gtest.h>

#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <sstream>

#include "exo/exo.h"
#include "exo/ir_mutator.h"
#include "exo/schedule/loop_ranges.h"
#include "exo/printer.h"
#include "exo/schedule/procs.h"
#include "exo/schedule/loops.h"
#include "support/differential.h"

namespace exo {
namespace {

using Rng = std::mt19937;
int pick(Rng& r, int n) { return std::uniform_int_distribution<int>(0, n - 1)(r); }

// `for i in seq(0, n)` (or a constant) with 1..3 statements, maybe an inner loop.
std::string random_proc(Rng& r, const std::string& name) {
  std::ostringstream os;
  os << "@proc\ndef " << name
     << "(n: size, x: f32[n + 8] @ DRAM, y: f32[n + 8] @ DRAM, A: f32[n + 8, 4] @ DRAM, "
        "s: f32[4] @ DRAM):\n    assert n >= 4\n";
  auto off = [&] { return std::to_string(pick(r, 4)); };
  auto leaf = [&](const std::string& ind, bool inner) {
    std::string j = inner ? "j" : off();
    switch (pick(r, 9)) {
      case 0:
        os << ind << "y[i + " << off() << "] = x[i + " << off() << "] * 2.0\n";
        break;
      case 1:
        os << ind << "y[" << off() << "] = x[i]\n";
        break;
      case 2:
        os << ind << "y[i + " << off() << "] += x[i + " << off() << "]\n";
        break;
      case 3:
        os << ind << "s[" << off() << "] += y[i]\n";
        break;
      case 4:
        os << ind << "x[i + " << off() << "] = y[i + " << off() << "]\n";
        break;
      case 5:
        os << ind << "s[0] = x[0] + x[1]\n";
        break;
      case 6:
        os << ind << "A[i, " << j << "] = x[i + " << off() << "] + y[" << off() << "]\n";
        break;
      case 7:
        os << ind << "A[i + " << off() << ", " << j << "] += A[i, " << j << "]\n";
        break;
      default:
        os << ind << "t: f32[4] @ DRAM\n"
           << ind << "t[" << j << "] = x[i + " << off() << "]\n"
           << ind << "y[i] = t[" << j << "]\n";
        break;
    }
  };
  bool sym = pick(r, 3) != 0;
  os << "    for i in seq(0, " << (sym ? std::string("n") : std::to_string(4 + pick(r, 4)))
     << "):\n";
  int count = 1 + pick(r, 3);
  for (int k = 0; k < count; ++k) {
    int kind = pick(r, 6);
    if (kind == 0) {
      os << "        if i < " << (1 + pick(r, 4)) << ":\n";
      leaf("            ", false);
    } else if (kind == 1) {
      os << "        for j in seq(0, 4):\n";
      leaf("            ", true);
      if (pick(r, 2)) leaf("            ", true);
    } else {
      leaf("        ", false);
    }
  }
  return os.str();
}

// The loop at `loop` with its iterations in reverse order (a test-only rewrite).
Proc reversed(const Proc& p, const Cursor& loop) {
  auto* f = resolve_stmt(p, loop).as<ForNode>();
  struct Rev : IRMutator {
    Sym it;
    Expr by;
    Expr mutate(const Expr& e) override {
      if (auto* rd = e.as<ReadNode>(); rd && rd->idx.empty() && rd->name == it) return by;
      return mutate_children(e);
    }
  } rev;
  rev.it = f->iter;
  // i -> lo + hi - 1 - i
  rev.by = binop(BinOpKind::Sub,
                 binop(BinOpKind::Sub, binop(BinOpKind::Add, f->lo, f->hi), int_const(1)),
                 read_var(f->iter, ScalarKind::Index));
  Stmt s = make_stmt<ForNode>(f->iter, f->lo, f->hi, rev.mutate_block(f->body), LoopMode::Seq,
                              f->srcinfo);
  return replace_stmt(p, loop.path, s);
}

std::vector<Cursor> stmts_of(const Proc& p, StmtKind k) {
  std::vector<Cursor> out;
  for (auto& path : all_stmt_paths(p))
    if (resolve_stmt(p, path)->kind == k) out.push_back(Cursor::stmt(path));
  return out;
}

std::optional<Cursor> any(Rng& r, const std::vector<Cursor>& cs) {
  if (cs.empty()) return std::nullopt;
  return cs[pick(r, static_cast<int>(cs.size()))];
}

// Gaps strictly between two statements of a block.
std::vector<Cursor> inner_gaps(const Proc& p) {
  std::vector<Cursor> out;
  for (auto& path : all_stmt_paths(p))
    if (path.back().index > 0) out.push_back(Cursor::gap(path));
  return out;
}

using Apply = std::function<std::optional<Rewrite>(const Proc&, Rng&)>;

const std::vector<std::pair<std::string, Apply>>& table() {
  static const std::vector<std::pair<std::string, Apply>> t = {
      {"parallelize_loop",
       [](const Proc& p, Rng& r) -> std::optional<Rewrite> {
         auto c = any(r, stmts_of(p, StmtKind::For));
         if (!c) return std::nullopt;
         return parallelize_loop(p, *c);
       }},
      {"shift_loop",
       [](const Proc& p, Rng& r) -> std::optional<Rewrite> {
         auto c = any(r, stmts_of(p, StmtKind::For));
         if (!c) return std::nullopt;
         static const char* los[] = {"0", "3", "n", "n - 2", "n - 5"};
         return shift_loop(p, *c, std::string(los[pick(r, 5)]));
       }},
      {"mult_loops",
       [](const Proc& p, Rng& r) -> std::optional<Rewrite> {
         auto c = any(r, stmts_of(p, StmtKind::For));
         if (!c) return std::nullopt;
         return mult_loops(p, *c, "k");
       }},
      {"eliminate_dead_code",
       [](const Proc& p, Rng& r) -> std::optional<Rewrite> {
         auto c = any(r, stmts_of(p, StmtKind::If));
         if (!c) return std::nullopt;
         return eliminate_dead_code(p, *c);
       }},
      {"specialize",
       [](const Proc& p, Rng& r) -> std::optional<Rewrite> {
         auto c = any(r, stmts_of(p, StmtKind::For));
         if (!c) return std::nullopt;
         return specialize(p, *c, std::vector<std::string>{"n < 6", "n % 2 == 0"});
       }},
      {"add_loop",
       [](const Proc& p, Rng& r) -> std::optional<Rewrite> {
         auto all = all_stmt_paths(p);
         StmtPath at = all[pick(r, static_cast<int>(all.size()))];
         static const char* his[] = {"2", "n", "n - 3", "n - 4"};
         return add_loop(p, Cursor::stmt(at), "r", std::string(his[pick(r, 4)]), pick(r, 3) == 0);
       }},
      {"autofission",
       [](const Proc& p, Rng& r) -> std::optional<Rewrite> {
         auto g = any(r, inner_gaps(p));
         if (!g) return std::nullopt;
         return autofission(p, *g, 1 + pick(r, 2));
       }},
      {"divide_with_recompute",
       [](const Proc& p, Rng& r) -> std::optional<Rewrite> {
         auto c = any(r, stmts_of(p, StmtKind::For));
         if (!c) return std::nullopt;
         static const char* his[] = {"n / 4", "n / 2", "2", "1"};
         return divide_with_recompute(p, *c, std::string(his[pick(r, 4)]), 2 + pick(r, 2), "io",
                                      "ii");
       }},
      {"join_loops",
       [](const Proc& p, Rng& r) -> std::optional<Rewrite> {
         // Cut a loop in two with partition_loop, then join the pieces back.
         auto c = any(r, stmts_of(p, StmtKind::For));
         if (!c) return std::nullopt;
         Rewrite cut = partition_loop(p, *c, 1 + pick(r, 3));
         Cursor first = cut.forward(*c);
         return join_loops(cut.proc, first, next(cut.proc, first));
       }},
  };
  return t;
}

std::string differs(const Proc& orig, const Proc& after, bool compiled, const std::string& tag) {
  for (long long n : {4, 7}) {
    test::ControlArgs args{{"n", n}};
    test::ProcInputs in = test::make_random_inputs(orig, args, static_cast<unsigned>(n) + 3);
    auto expected = test::run_interpreted(orig, in, {});
    std::string d = test::compare_outputs(orig, expected, test::run_interpreted(after, in, {}));
    if (!d.empty()) return "interpreter, n = " + std::to_string(n) + ": " + d;
    if (compiled && n == 7) {
      d = test::compare_outputs(orig, expected, test::run_compiled(after, in, tag));
      if (!d.empty()) return "compiled C: " + d;
    }
  }
  return "";
}

TEST(LoopsExtraRandom, AcceptedRewritesPreserveResults) {
  std::map<std::string, std::pair<int, int>> counts;  // accepted, refused
  int checked = 0;
  for (unsigned seed = 1; seed <= 300; ++seed) {
    Rng rng(seed);
    std::string name = "rx" + std::to_string(seed);
    std::string src = random_proc(rng, name);
    Proc p = Module::from_string(src).proc(name);
    const auto& [prim, apply] = table()[pick(rng, static_cast<int>(table().size()))];
    std::optional<Rewrite> r;
    try {
      r = apply(p, rng);
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::Scheduling || e.kind() == ErrorKind::Api) {
        ++counts[prim].second;
        if (getenv("LX_VERBOSE")) std::cout << "REFUSED " << prim << "\n" << src << e.what() << "\n\n";
        continue;
      }
      ADD_FAILURE() << prim << " raised " << error_kind_name(e.kind()) << ": " << e.what() << "\n"
                    << src;
      continue;
    }
    if (!r) continue;
    ++counts[prim].first;
    std::string why;
    try {
      check_proc(r->proc);
      why = differs(p, r->proc, checked++ % 6 == 0, "lx_random_" + std::to_string(seed));
      if (why.empty() && prim == "parallelize_loop")
        for (auto& c : stmts_of(r->proc, StmtKind::For))
          if (resolve_stmt(r->proc, c).as<ForNode>()->mode == LoopMode::Par) {
            why = differs(p, reversed(r->proc, c), false, "");
            if (!why.empty()) why = "run backwards: " + why;
          }
    } catch (const std::exception& e) {
      why = std::string("the result does not check: ") + e.what();
    }
    EXPECT_TRUE(why.empty()) << prim << " on seed " << seed << ": " << why << "\nbefore:\n"
                             << src << "after:\n"
                             << print_proc(r->proc);
  }
  for (auto& [prim, ar] : counts)
    std::cout << prim << ": " << ar.first << " accepted, " << ar.second << " refused\n";
  // Both outcomes occur for the primitives with a real safety condition.
  for (const char* prim : {"parallelize_loop", "divide_with_recompute", "add_loop", "shift_loop"}) {
    EXPECT_GT(counts[prim].first, 0) << prim;
    EXPECT_GT(counts[prim].second, 0) << prim;
  }
}

}  // namespace
}  // namespace exo
