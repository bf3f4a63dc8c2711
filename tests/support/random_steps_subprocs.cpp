// Random steps: sub-procedure primitives (exo/subprocs.h, extract_subproc)
// and edits of the whole proc (simplify, rename, set_window, add_assertion).
#include <algorithm>

#include "exo/schedule/buffers.h"
#include "exo/schedule/allocations.h"
#include "exo/equivalence.h"
#include "exo/printer.h"
#include "exo/schedule/procs.h"
#include "exo/schedule/loops.h"
#include "exo/schedule/subprocs.h"
#include "support/random_steps_internal.h"

namespace exo::test::steps {
namespace {

// Procs of the pool with the callee's signature (other than the callee itself).
std::vector<Proc> eqv_candidates(const Proc& callee, const StepLibrary& lib) {
  auto sig = [](const Proc& q) {
    std::string s;
    for (auto& a : q->args) s += print_type(a.type) + ";";
    return s;
  };
  std::vector<Proc> out;
  for (auto& q : lib.call_pool)
    if (q != callee && sig(q) == sig(callee)) out.push_back(q);
  return out;
}

}  // namespace

void add_subproc_steps(std::vector<RandomStep>& t) {
  t.push_back({"inline", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    auto c = any_of(r, stmts_of(p, StmtKind::Call));
    if (!c) return std::nullopt;
    cx.args = show(p, *c);
    return inline_call(p, *c);
  }});
  t.push_back({"replace", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    // Mostly loops of 8 (the instructions' shape), else any statement.
    std::vector<Cursor> loops;
    for (auto& c : stmts_of(p, StmtKind::For))
      if (print_expr(resolve_stmt(p, c).as<ForNode>()->hi) == "8") loops.push_back(c);
    auto c = any_of(r, !loops.empty() && coin(r, 80) ? loops : all_stmts(p));
    if (!c) return std::nullopt;
    // Like replacing with a library: the first of the procs (random order) that fits.
    std::vector<Proc> order = cx.lib.replaceable;
    std::shuffle(order.begin(), order.end(), r);
    cx.args = show(p, *c) + ", first fitting of a shuffled library";
    for (size_t k = 0;; ++k) {
      try {
        Rewrite rw = replace(p, *c, order[k]);
        cx.args = show(p, *c) + ", " + order[k]->name;
        return rw;
      } catch (const Error& e) {
        if (e.kind() != ErrorKind::Scheduling || k + 1 == order.size()) throw;
      }
    }
  }});
  t.push_back({"replace_all", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    const Proc& q = one_of(r, cx.lib.replaceable);
    cx.args = q->name;
    return replace_all(p, q);
  }});
  t.push_back({"call_eqv", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    auto c = any_of(r, stmts_of(p, StmtKind::Call));
    if (!c) return std::nullopt;
    Proc callee = resolve_stmt(p, *c).as<CallNode>()->proc;
    auto cands = eqv_candidates(callee, cx.lib);
    if (cands.empty()) return std::nullopt;
    std::vector<Proc> eqv;
    for (auto& q : cands)
      if (equivalent(q, callee)) eqv.push_back(q);
    const Proc& q = !eqv.empty() && coin(r, 60) ? one_of(r, eqv) : one_of(r, cands);
    cx.args = show(p, *c) + ", " + q->name;
    return call_eqv(p, *c, q);
  }});
  t.push_back({"extract_subproc", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    auto c = any_of(r, all_stmts(p));
    if (!c) return std::nullopt;
    Cursor block = *c;
    Cursor n = next(p, *c);
    if (n.valid() && coin(r, 40)) block = stmt_range(p, *c, n);
    // Unique among every proc compiled with this one.
    std::string name = cx.unique_prefix + fresh("sub");
    bool asserts = coin(r, 70);
    cx.args = show(p, block) + (asserts ? ", include_asserts" : "");
    return extract_subproc(p, block, name, asserts).rewrite;
  }});
  // The whole proc
  t.push_back({"simplify", [](const Proc& p, Rng&, StepContext&) -> Opt { return simplify(p); }});
  t.push_back({"rename", [](const Proc& p, Rng&, StepContext& cx) -> Opt {
    return rename_proc(p, cx.unique_prefix + fresh("renamed"));
  }});
  t.push_back({"set_window", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    int arg = 1 + pick(r, 3);  // x, y or A
    bool win = !p->args[arg].type.is_window;
    cx.args = p->args[arg].name.name() + (win ? ", window" : ", dense");
    return set_window(p, BufferRef{arg, Cursor::invalid()}, win);
  }});
  t.push_back({"add_assertion", [](const Proc& p, Rng& r, StepContext& cx) -> Opt {
    // True for every n the tests run (n >= 1 and, with `assert n % 4 == 0`, n in
    // {4, 8}), or contradicting the proc's assertions (refused).
    static const char* facts[] = {"n >= 1", "n < 100", "n + 4 > 4", "n <= 8", "n == 0"};
    std::string a = facts[pick(r, 5)];
    cx.args = a;
    return Rewrite{add_assertion(p, a, cx.lib.scope), identity_forward()};
  }});
}

}  // namespace exo::test::steps
