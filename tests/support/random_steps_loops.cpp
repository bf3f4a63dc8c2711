// Random steps: loop and statement primitives (exo/scheduling.h,
// exo/loops_extra.h, exo/lift_scope.h).
#include <regex>

#include "exo/schedule/buffers.h"
#include "exo/schedule/lift_scope.h"
#include "exo/schedule/loop_ranges.h"
#include "exo/printer.h"
#include "exo/schedule/loops.h"
#include "support/random_steps_internal.h"

namespace exo::test::steps {
namespace {

// Loops whose body is a single loop: the nests reorder and mult_loops apply to.
std::vector<Cursor> nests(const Proc& p) {
  std::vector<Cursor> out;
  for (auto& c : stmts_of(p, StmtKind::For)) {
    auto* f = resolve_stmt(p, c).as<ForNode>();
    if (f->body.size() == 1 && f->body[0]->kind == StmtKind::For) out.push_back(c);
  }
  return out;
}

// Mostly `preferred` (when there are any), else any statement of kind k.
std::optional<Cursor> loop_from(Rng& r, const Proc& p, const std::vector<Cursor>& preferred,
                                StmtKind k = StmtKind::For) {
  return any_of(r, !preferred.empty() && coin(r, 80) ? preferred : stmts_of(p, k));
}

// Ifs whose condition the generator makes always true (given the proc's asserts).
bool is_decided_if(const Proc& p, const Cursor& c) {
  std::string cond = print_expr(resolve_stmt(p, c).as<IfNode>()->cond);
  bool divisible = !p->preds.empty();
  return cond == "n >= 1" || (divisible && cond == "n % 4 == 0") ||
         (divisible && cond == "n % 2 == 0");
}
std::vector<Cursor> decided_ifs(const Proc& p) {
  std::vector<Cursor> out;
  for (auto& c : stmts_of(p, StmtKind::If))
    if (is_decided_if(p, c)) out.push_back(c);
  return out;
}

// Conditions for specialize and the like: on n, or on an enclosing iterator.
std::string random_cond(Rng& r, const Proc& p, const Cursor& at) {
  static const char* on_n[] = {"n > 2", "n % 2 == 0", "n >= 1", "n < 3", "n % 4 == 0", "n == 5"};
  auto loops = enclosing_loops(p, at.path);
  if (loops.empty() || coin(r, 50)) return on_n[pick(r, 6)];
  std::string i = one_of(r, loops)->iter.name();
  switch (pick(r, 3)) {
    case 0: return i + " < " + std::to_string(1 + pick(r, 4));
    case 1: return i + " % 2 == 0";
    default: return i + " == n - 1";
  }
}

}  // namespace

void add_loop_steps(std::vector<RandomStep>& t) {
  t.push_back({"split", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    auto c = any_of(r, stmts_of(p, StmtKind::For));
    if (!c) return std::nullopt;
    static const char* tails[] = {"guard", "cut", "cut_and_guard", "perfect"};
    std::string tail = tails[pick(r, 4)];
    bool perfect = tail == "perfect";
    int q = 2 + pick(r, 3);
    cx.args = show(p, *c) + ", " + std::to_string(q) + ", tail=" + tail;
    return split_loop(p, *c, q, fresh("o"), fresh("n"), perfect ? "guard" : tail, perfect);
  }});
  t.push_back({"reorder_loops", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    auto c = loop_from(r, p, nests(p));
    if (!c) return std::nullopt;
    cx.args = show(p, *c);
    return reorder_loops(p, *c);
  }});
  t.push_back({"reorder_stmts", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    auto a = adjacent(r, p);
    if (!a) return std::nullopt;
    cx.args = show(p, a->first) + ", " + show(p, a->second);
    return reorder_stmts(p, a->first, a->second);
  }});
  t.push_back({"unroll", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    auto c = any_of(r, stmts_of(p, StmtKind::For));
    if (!c) return std::nullopt;
    cx.args = show(p, *c);
    return unroll_loop(p, *c);
  }});
  t.push_back({"remove_loop", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    // Mostly loops whose body does not name the iterator: the only candidates.
    std::vector<Cursor> free;
    for (auto& c : stmts_of(p, StmtKind::For)) {
      auto* f = resolve_stmt(p, c).as<ForNode>();
      std::regex word("\\b" + f->iter.name() + "\\b");
      if (!std::regex_search(print_block(f->body), word)) free.push_back(c);
    }
    auto c = loop_from(r, p, free);
    if (!c) return std::nullopt;
    cx.args = show(p, *c);
    return remove_loop(p, *c);
  }});
  t.push_back({"delete_pass", [](const Proc& p, Rng&, StepContext&) -> Opt {
    return delete_pass(p);
  }});
  t.push_back({"reorder_before", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    auto a = adjacent(r, p);
    if (!a) return std::nullopt;
    cx.args = show(p, a->second);
    return reorder_before(p, a->second);
  }});
  t.push_back({"fuse_loop", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    auto a = adjacent(r, p, coin(r, 80) ? StmtKind::For : StmtKind::If, false);
    if (!a) return std::nullopt;
    cx.args = show(p, a->first) + ", " + show(p, a->second);
    return fuse_loop(p, a->first, a->second);
  }});
  t.push_back({"partition_loop", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    auto c = any_of(r, stmts_of(p, StmtKind::For));
    if (!c) return std::nullopt;
    int num = 1 + pick(r, 3);
    cx.args = show(p, *c) + ", " + std::to_string(num);
    return partition_loop(p, *c, num);
  }});
  t.push_back({"fission_after", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    // Mostly split points in loop bodies without allocations (a buffer declared
    // before the point and used after it is always refused).
    std::vector<Cursor> good, any;
    for (auto& c : all_stmts(p)) {
      if (c.path.size() < 2 || !next(p, c).valid()) continue;
      any.push_back(c);
      bool allocs = false;
      for (auto& s : *resolve_parent_block(p, c.path)) allocs |= s->kind == StmtKind::Alloc;
      if (!allocs && resolve_stmt(p, parent(c))->kind == StmtKind::For) good.push_back(c);
    }
    auto c = any_of(r, !good.empty() && coin(r, 80) ? good : any);
    if (!c) return std::nullopt;
    int lifts = c->path.size() > 2 && coin(r, 40) ? 2 : 1;
    cx.args = show(p, *c) + ", n_lifts=" + std::to_string(lifts);
    return fission_after(p, *c, lifts);
  }});
  t.push_back({"lift_if", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    auto c = any_of(r, stmts_of(p, StmtKind::If));
    if (!c) return std::nullopt;
    cx.args = show(p, *c);
    return lift_if(p, *c);
  }});
  t.push_back({"assert_if", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    auto c = loop_from(r, p, decided_ifs(p), StmtKind::If);
    if (!c) return std::nullopt;
    // Mostly the value the generator's always-true guards have.
    bool known = is_decided_if(p, *c);
    bool value = known && coin(r, 70) ? true : coin(r, 50);
    cx.args = show(p, *c) + ", " + (value ? "True" : "False");
    return assert_if(p, *c, value);
  }});
  t.push_back({"parallelize_loop", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    std::vector<Cursor> seqs;
    for (auto& c : stmts_of(p, StmtKind::For))
      if (resolve_stmt(p, c).as<ForNode>()->mode == LoopMode::Seq) seqs.push_back(c);
    auto c = any_of(r, seqs);
    if (!c) return std::nullopt;
    cx.args = show(p, *c);
    return parallelize_loop(p, *c);
  }});
  t.push_back({"shift_loop", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    auto c = any_of(r, stmts_of(p, StmtKind::For));
    if (!c) return std::nullopt;
    static const char* los[] = {"0", "1", "3", "n", "n - 1", "-1"};
    std::string lo = los[pick(r, 6)];
    cx.args = show(p, *c) + ", " + lo;
    return shift_loop(p, *c, lo);
  }});
  t.push_back({"join_loops", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    auto a = adjacent(r, p, StmtKind::For, false);
    if (!a) return std::nullopt;
    cx.args = show(p, a->first) + ", " + show(p, a->second);
    return join_loops(p, a->first, a->second);
  }});
  t.push_back({"mult_loops", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    auto c = loop_from(r, p, nests(p));
    if (!c) return std::nullopt;
    cx.args = show(p, *c);
    return mult_loops(p, *c, fresh("m"));
  }});
  t.push_back({"insert_pass", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    auto g = any_gap(r, p);
    if (!g) return std::nullopt;
    cx.args = g->str();
    return insert_pass(p, *g);
  }});
  t.push_back({"eliminate_dead_code", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    std::vector<Cursor> cs = stmts_of(p, StmtKind::If), dead = decided_ifs(p);
    for (auto& c : stmts_of(p, StmtKind::For)) {
      cs.push_back(c);
      auto* f = resolve_stmt(p, c).as<ForNode>();
      if (print_expr(f->lo) == print_expr(f->hi)) dead.push_back(c);
    }
    auto c = any_of(r, !dead.empty() && coin(r, 80) ? dead : cs);
    if (!c) return std::nullopt;
    cx.args = show(p, *c);
    return eliminate_dead_code(p, *c);
  }});
  t.push_back({"specialize", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    auto c = any_of(r, all_stmts(p));
    if (!c) return std::nullopt;
    Cursor block = *c;
    Cursor n = next(p, *c);
    if (n.valid() && coin(r, 30)) block = stmt_range(p, *c, n);
    std::vector<std::string> conds{random_cond(r, p, block)};
    if (coin(r, 40)) conds.push_back(random_cond(r, p, block));
    cx.args = show(p, block) + ", [" + conds[0] + (conds.size() > 1 ? "; " + conds[1] : "") + "]";
    return specialize(p, block, conds);
  }});
  t.push_back({"add_loop", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    auto c = any_of(r, all_stmts(p));
    if (!c) return std::nullopt;
    static const char* his[] = {"1", "2", "n", "n - 1"};
    std::string hi = his[pick(r, 4)];
    bool guard = coin(r, 50);
    cx.args = show(p, *c) + ", hi=" + hi + (guard ? ", guard" : "");
    return add_loop(p, *c, fresh("al"), hi, guard);
  }});
  t.push_back({"autofission", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    std::vector<Cursor> inner;  // gaps after statements with a next sibling, in a loop
    for (auto& c : all_stmts(p))
      if (c.path.size() >= 2 && next(p, c).valid()) inner.push_back(c);
    auto c = any_of(r, inner);
    if (!c) return std::nullopt;
    int lifts = 1 + pick(r, std::min<int>(2, static_cast<int>(c->path.size()) - 1));
    cx.args = after(*c).str() + ", n_lifts=" + std::to_string(lifts);
    return autofission(p, after(*c), lifts);
  }});
  t.push_back({"divide_with_recompute", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    std::vector<Cursor> good;  // from 0, constant trip count, no reduction in the body
    for (auto& c : stmts_of(p, StmtKind::For)) {
      auto* f = resolve_stmt(p, c).as<ForNode>();
      if (print_expr(f->lo) == "0" && f->hi->kind == ExprKind::Const &&
          print_block(f->body).find("+=") == std::string::npos)
        good.push_back(c);
    }
    auto c = loop_from(r, p, good);
    if (!c) return std::nullopt;
    auto* f = resolve_stmt(p, *c).as<ForNode>();
    long long stride = 2 + pick(r, 3);
    std::string hi = print_expr(f->hi);
    std::string outer_hi = coin(r, 60) ? "(" + hi + ") / " + std::to_string(stride)
                                       : std::to_string(1 + pick(r, 2));
    cx.args = show(p, *c) + ", " + outer_hi + ", " + std::to_string(stride);
    return divide_with_recompute(p, *c, outer_hi, stride, fresh("o"), fresh("n"));
  }});
  t.push_back({"lift_loop_from_if", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    std::vector<Cursor> in_if;  // loops directly inside an if's body
    for (auto& c : stmts_of(p, StmtKind::For))
      if (c.path.size() >= 2 && resolve_stmt(p, parent(c))->kind == StmtKind::If)
        in_if.push_back(c);
    auto c = loop_from(r, p, in_if);
    if (!c) return std::nullopt;
    cx.args = show(p, *c);
    return lift_loop_from_if(p, *c);
  }});
}

}  // namespace exo::test::steps
