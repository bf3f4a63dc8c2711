// Loop and statement primitives: rename, delete_pass, reorder_stmts, unroll, split.
// Each reads: Step 1 locate, Step 2 check, Step 3 build, Step 4 replace + forward.
#include <algorithm>
#include <cassert>
#include <map>
#include <set>

#include "analysis/facts.h"
#include "exo/schedule/match.h"
#include "exo/names.h"
#include "exo/printer.h"
#include "exo/schedule/loops.h"
#include "schedule/buffers/accesses.h"
#include "schedule/loops/dependence.h"
#include "schedule/loops/substitute.h"
#include "schedule/checks/rewrite_checks.h"

namespace exo {
namespace {

using rewrite_detail::const_value;
using rewrite_detail::expect_loop;
using rewrite_detail::instantiate;
using analysis::provable_at;

Expr idx_read(const Sym& s) { return read_var(s, ScalarKind::Index); }

// Where the two statements sit, for proving their accesses apart.
struct Context {
  const Proc& proc;
  const StmtPath& path;
};

Expr rename_vars(const Expr& e, const std::map<Sym, Sym>& m) {
  rewrite_detail::Subst s;
  for (auto& [from, to] : m) s.exprs[from] = idx_read(to);
  return s.mutate(e);
}

Expr any_of(const std::vector<Expr>& es) {
  Expr out;
  for (auto& e : es) out = out ? binop(BinOpKind::Or, out, e) : e;
  return out;
}

// Adds to `goal` the ways two accesses (their variables renamed by `ma` and
// `mb`) can miss each other: a loop of either outside its range (the access
// does not happen) or some coordinate different.
void apart_disjuncts(const NameAccess& a, const std::map<Sym, Sym>& ma, const NameAccess& b,
                     const std::map<Sym, Sym>& mb, std::vector<Expr>& goal) {
  for (auto [acc, m] : {std::pair{&a, &ma}, std::pair{&b, &mb}})
    for (auto& l : acc->loops) {
      Expr it = rename_vars(idx_read(l.iter), *m);
      goal.push_back(binop(BinOpKind::Lt, it, rename_vars(l.lo, *m)));
      goal.push_back(binop(BinOpKind::Ge, it, rename_vars(l.hi, *m)));
    }
  for (size_t k = 0; k < a.idx.size() && k < b.idx.size(); ++k) {
    Expr x = rename_vars(a.idx[k], ma), y = rename_vars(b.idx[k], mb);
    goal.push_back(binop(BinOpKind::Lt, x, y));
    goal.push_back(binop(BinOpKind::Gt, x, y));
  }
}

// Two accesses of one buffer provably touch different elements: some coordinate
// differs, by constants or by a proof under the enclosing loops, branches and
// preconditions. The loops inside the statements (and a call's fresh variables)
// range independently for the two accesses: each gets its own copy of them.
bool disjoint(const NameAccess& a, const NameAccess& b, const Context& ctx) {
  size_t n = std::min(a.idx.size(), b.idx.size());
  for (size_t k = 0; k < n; ++k) {
    long long x, y;
    if (const_value(a.idx[k], x) && const_value(b.idx[k], y) && x != y) return true;
  }
  if (n == 0) return false;
  auto own_copy = [](const NameAccess& acc, const char* tag) {
    std::map<Sym, Sym> m;
    for (auto& l : acc.loops) m[l.iter] = Sym(l.iter.name() + tag);
    return m;
  };
  std::vector<Expr> goal;
  apart_disjuncts(a, own_copy(a, "_1"), b, own_copy(b, "_2"), goal);
  return provable_at(ctx.proc, ctx.path, any_of(goal));
}

// The first conflict between accesses in `m1` and `m2`, as a sentence; "" if none.
std::string conflict(const std::map<Sym, std::vector<NameAccess>>& m1, const char* what1,
                     const std::map<Sym, std::vector<NameAccess>>& m2, const char* what2,
                     const Context& ctx) {
  for (auto& [buf, as1] : m1) {
    auto it = m2.find(buf);
    if (it == m2.end()) continue;
    for (auto& a : as1)
      for (auto& b : it->second)
        if (!disjoint(a, b, ctx))
          return "'" + buf.name() + "' is " + what1 + " by the first statement and " + what2 +
                 " by the second";
  }
  return "";
}

std::string commute_failure(const Stmt& s1, const Stmt& s2, const WindowAliases& windows,
                            const Context& ctx) {
  for (auto& b : rewrite_detail::declared_names({s1}))
    if (rewrite_detail::names_used({s2}).count(b))
      return "the second statement uses '" + b.name() + "', declared by the first";
  for (auto& b : rewrite_detail::declared_names({s2}))
    if (rewrite_detail::names_used({s1}).count(b))
      return "the first statement uses '" + b.name() + "', declared by the second";
  EffectSummary e1 = effects_of(s1, windows), e2 = effects_of(s2, windows);
  const std::pair<const std::map<Sym, std::vector<NameAccess>>*, const char*> k1[] = {
      {&e1.writes, "written"}, {&e1.reduces, "reduced"}, {&e1.reads, "read"}};
  const std::pair<const std::map<Sym, std::vector<NameAccess>>*, const char*> k2[] = {
      {&e2.writes, "written"}, {&e2.reduces, "reduced"}, {&e2.reads, "read"}};
  for (auto& [m1, w1] : k1)
    for (auto& [m2, w2] : k2) {
      bool w1_read = std::string(w1) == "read", w2_read = std::string(w2) == "read";
      if (w1_read && w2_read) continue;
      // Reductions into the same location commute with each other.
      if (std::string(w1) == "reduced" && std::string(w2) == "reduced") continue;
      std::string c = conflict(*m1, w1, *m2, w2, ctx);
      if (!c.empty()) return c;
    }
  for (auto& f : e1.cfg_writes)
    if (e2.cfg_writes.count(f) || e2.cfg_reads.count(f))
      return "config field '" + f.second +
             "' is written by the first statement and used by the second";
  for (auto& f : e2.cfg_writes)
    if (e1.cfg_reads.count(f))
      return "config field '" + f.second +
             "' is read by the first statement and written by the second";
  return "";
}

// ---------------------------------------------------------------------------
// delete_pass helpers
// ---------------------------------------------------------------------------

// The path of a statement to delete: the last `pass`, or the loop/if it leaves
// empty. Returns false when no pass can be removed.
bool next_deletion(const Proc& p, StmtPath& out) {
  std::vector<StmtPath> paths = all_stmt_paths(p);
  for (auto it = paths.rbegin(); it != paths.rend(); ++it) {
    Stmt s = resolve_stmt(p, *it);
    if (s->kind != StmtKind::Pass) continue;
    StmtPath at = *it;
    // Climb while the statement is the only one in its block and the parent can go too.
    while (at.size() > 1) {
      const Block* b = resolve_parent_block(p, at);
      if (b->size() != 1) break;
      StmtPath parent_path(at.begin(), at.end() - 1);
      Stmt parent = resolve_stmt(p, parent_path);
      if (auto* i = parent.as<IfNode>()) {
        bool other_empty = at.back().orelse ? i->body.empty() : i->orelse.empty();
        if (!other_empty) {
          // `if c: pass else: ...` keeps its pass: an if needs a body.
          if (!at.back().orelse) goto keep;
          break;
        }
      }
      at = parent_path;
    }
    if (at.size() == 1 && p->body.size() == 1) continue;  // the proc keeps one statement
    out = at;
    return true;
  keep:;
  }
  return false;
}

// Accesses of the nest body, per buffer, for the interchange check.
struct NestAccess {
  Sym buf;
  const char* what;  // "written", "reduced", "read"
  NameAccess acc;
};

// `x[i] = x[i] + e` (or `e + x[i]`) means exactly `x[i] += e`: both read the
// element, add (IEEE addition is commutative) and store. Seen as the reduction it
// is, it commutes with the other reductions of x, so loops around an
// accumulation written out in full reorder as they do around `+=`. Used for the
// analysis only: the proc keeps the statement as written.
struct AssignAddAsReduce : IRMutator {
  Block mutate_stmt(const Stmt& s) override {
    if (auto* a = s.as<AssignNode>())
      if (auto* add = a->rhs.as<BinOpNode>(); add && add->op == BinOpKind::Add)
        for (int side = 0; side < 2; ++side) {
          const Expr& self = side == 0 ? add->lhs : add->rhs;
          const Expr& rest = side == 0 ? add->rhs : add->lhs;
          auto* r = self.as<ReadNode>();
          if (!r || r->name != a->name || r->idx.size() != a->idx.size()) continue;
          bool same = true;
          for (size_t k = 0; k < a->idx.size() && same; ++k) same = same_expr(r->idx[k], a->idx[k]);
          if (same) return {make_stmt<ReduceNode>(a->name, a->type, a->idx, rest, s->srcinfo)};
        }
    return IRMutator::mutate_stmt(s);
  }
};

std::vector<NestAccess> nest_accesses(const Block& body_as_written, const WindowAliases& windows) {
  Block body = AssignAddAsReduce().mutate_block(body_as_written);
  EffectSummary e = effects_of(body, windows);
  // Buffers allocated inside the body are private to one iteration.
  std::set<Sym> private_bufs = rewrite_detail::allocations_in(body);
  std::vector<NestAccess> out;
  auto add = [&](const std::map<Sym, std::vector<NameAccess>>& m, const char* what) {
    for (auto& [buf, as] : m)
      if (!private_bufs.count(buf))
        for (auto& a : as) out.push_back(NestAccess{buf, what, a});
  };
  add(e.writes, "written");
  add(e.reduces, "reduced");
  add(e.reads, "read");
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------

Rewrite rename_proc(const Proc& p, const std::string& new_name) {
  assert(is_valid_new_name(new_name));  // arguments are checked by the primitive records
  auto n = std::make_shared<ProcNode>(*p);
  n->name = new_name;
  return Rewrite{n, identity_forward()};
}

Rewrite delete_pass(const Proc& p) {
  Rewrite r{p, identity_forward()};
  StmtPath at;
  while (next_deletion(r.proc, at)) {
    Rewrite step = splice_rewrite(r.proc, at, 1, {});
    r = Rewrite{step.proc, compose(r.forward, step.forward)};
  }
  return r;
}

Rewrite reorder_stmts(const Proc& p, const Cursor& first, const Cursor& second) {
  const char* prim = "reorder_stmts";
  // Step 1. Locate: two adjacent statements of one block.
  if (!first.is_stmt())
    scheduling_error(prim, p, first, "expected a single statement as the first argument");
  if (!second.is_stmt())
    scheduling_error(prim, p, second, "expected a single statement as the second argument");
  Cursor nx = next(p, first);
  if (!(nx == second))
    scheduling_error(prim, p, second,
                     "expected the second statement to come right after the first");
  Stmt s1 = resolve_stmt(p, first), s2 = resolve_stmt(p, second);
  // Step 2. Check that they commute.
  std::string why = commute_failure(s1, s2, WindowAliases(p->body), Context{p, first.path});
  if (!why.empty())
    scheduling_error(prim, p, Cursor::block(first.path, 2),
                     "the statements do not commute: " + why);
  // Step 3/4. Swap, forwarding each statement to its new place.
  Proc q = splice_block(p, first.path, 2, {s2, s1});
  return Rewrite{q, forward_move(second.path, first.index())};
}

Rewrite reorder_before(const Proc& p, const Cursor& stmt) {
  if (!stmt.is_stmt()) scheduling_error("reorder_before", p, stmt, "expected a single statement");
  Cursor before = prev(p, stmt);
  if (!before.valid())
    scheduling_error("reorder_before", p, stmt, "expected a statement before it in the same block");
  return reorder_stmts(p, before, stmt);
}

Rewrite unroll_loop(const Proc& p, const Cursor& c) {
  const char* prim = "unroll_loop";
  auto* f = expect_loop(prim, p, c);
  long long lo, hi;
  if (!const_value(f->lo, lo) || !const_value(f->hi, hi))
    scheduling_error(prim, p, c,
                     "expected loop '" + f->iter.name() + "' to have constant bounds, got seq(" + print_expr(f->lo) + ", " +
                         print_expr(f->hi) + ")");
  // One copy of the body per iteration: past this many the program is too big
  // to be useful, and building it could exhaust memory.
  constexpr long long kMaxUnrolledIterations = 1 << 16;
  if (static_cast<__int128>(hi) - lo > kMaxUnrolledIterations)
    scheduling_error(prim, p, c,
                     "seq(" + print_expr(f->lo) + ", " + print_expr(f->hi) + ") runs more than " +
                         std::to_string(kMaxUnrolledIterations) +
                         " iterations, the most unroll_loop copies (split the loop and unroll the inner one)");
  Block out;
  for (long long v = lo; v < hi; ++v) {
    Block copy = instantiate(f->body, f->iter, int_const(v, f->srcinfo));
    out.insert(out.end(), copy.begin(), copy.end());
  }
  if (out.empty()) out.push_back(make_stmt<PassNode>(f->srcinfo));
  return splice_rewrite(p, c.path, 1, out);
}

Rewrite split_loop(const Proc& p, const Cursor& cur, long long c, const std::string& outer,
                   const std::string& inner, const std::string& tail, bool perfect) {
  const char* prim = "split";
  // Arguments are checked by the primitive records.
  assert(c > 0 && is_valid_new_name(outer) && is_valid_new_name(inner) && outer != inner);
  assert(tail == "guard" || tail == "cut" || tail == "cut_and_guard");
  // Step 1. Locate.
  auto* f = expect_loop(prim, p, cur);
  long long lo;
  if (!const_value(f->lo, lo) || lo != 0)
    scheduling_error(prim, p, cur,
                     "expected the lower bound of the loop to be zero, got seq(" + print_expr(f->lo) + ", ...)");
  SrcInfo si = f->srcinfo;
  Expr hi = f->hi, C = int_const(c, si);
  Expr q = binop(BinOpKind::Div, hi, C, si), r = binop(BinOpKind::Mod, hi, C, si);
  // Step 2. Check: a perfect split needs hi % c == 0 wherever the loop runs.
  if (perfect && !provable_at(p, cur.path, binop(BinOpKind::Eq, r, int_const(0, si), si)))
    scheduling_error(prim, p, cur,
                     "cannot perfectly divide loop '" + f->iter.name() + "' by " +
                         std::to_string(c) + ": '" + print_expr(hi) + " % " + std::to_string(c) +
                         " == 0' is not provable");
  // Step 3. Build: i = c*io + ii.
  Sym io(outer), ii(inner);
  Expr i_val = binop(BinOpKind::Add, binop(BinOpKind::Mul, C, idx_read(io), si), idx_read(ii), si);
  auto loop_of = [&](const Sym& it, Expr l, Expr h, Block b) {
    return make_stmt<ForNode>(it, std::move(l), std::move(h), std::move(b), f->mode, si);
  };
  Block body = instantiate(f->body, f->iter, i_val);
  Block out;
  if (perfect || tail != "guard") {
    // A perfect split of a constant trip count gives a constant, as the
    // reference writes it (later steps read the bound as a literal).
    long long n = 0;
    Expr outer_hi = perfect && const_value(hi, n) && n % c == 0 ? int_const(n / c, si) : q;
    out.push_back(loop_of(io, int_const(0, si), outer_hi, {loop_of(ii, int_const(0, si), C, body)}));
    if (!perfect) {
      Sym it(inner);
      // `ii + hi / c * c`, the form exo-lang prints (simplify keeps it: it does
      // not reorder sums with a division inside).
      Expr t_val = binop(BinOpKind::Add, idx_read(it), binop(BinOpKind::Mul, q, C, si), si);
      Stmt tail_loop = loop_of(it, int_const(0, si), r, instantiate(f->body, f->iter, t_val));
      if (tail == "cut_and_guard")
        tail_loop = make_stmt<IfNode>(binop(BinOpKind::Gt, r, int_const(0, si), si),
                                      Block{tail_loop}, Block{}, si);
      out.push_back(tail_loop);
    }
  } else {
    Expr ceil = binop(BinOpKind::Div, binop(BinOpKind::Add, hi, int_const(c - 1, si), si), C, si);
    Stmt guard = make_stmt<IfNode>(binop(BinOpKind::Lt, i_val, hi, si), body, Block{}, si);
    out.push_back(loop_of(io, int_const(0, si), ceil, {loop_of(ii, int_const(0, si), C, {guard})}));
  }
  // Step 4. Replace. The loop's cursor follows the outer loop and cursors into
  // its body follow the body into the inner loop (and the guard), as in the reference.
  const StmtPath lp = cur.path;
  const size_t d = lp.size() - 1;
  const int levels = perfect || tail != "guard" ? 1 : 2;
  Forward rest = forward_splice(lp, 1, static_cast<int>(out.size()));
  Forward fwd = [=](const Cursor& c) -> Cursor {
    if (c.is_stmt() && c.path == lp) return c;
    bool inside = c.valid() && c.path.size() > lp.size() && !c.path[d + 1].orelse &&
                  std::equal(lp.begin(), lp.end(), c.path.begin());
    if (!inside) return rest(c);
    Cursor r = c;
    r.path.insert(r.path.begin() + d + 1, levels, PathStep{false, 0});
    return r;
  };
  return rewrite_detail::keeping_definition_rules(prim, p, cur, Rewrite{splice_block(p, lp, 1, out), fwd});
}

}  // namespace exo

namespace exo {

Rewrite reorder_loops(const Proc& p, const std::string& loops) {
  // "i j" names the nest (as exo-lang: the first loop i holding a loop j);
  // anything else is a reference to the outer loop.
  auto nest = parse_loop_nest_ref(loops);
  if (!nest) return reorder_loops(p, find_loop(p, loops), "");
  if (loop_nests(p, *nest).empty())  // refuse at the first loop named outer, saying what it holds
    return reorder_loops(p, find_loop(p, nest->outer), nest->inner);
  return reorder_loops(p, find_loop_nest(p, *nest), "");
}

Rewrite reorder_loops(const Proc& p, const Cursor& outer, const Cursor& inner) {
  auto* f = expect_loop("reorder_loops", p, outer);
  expect_loop("reorder_loops", p, inner);
  StmtPath body0 = outer.path;
  body0.push_back(PathStep{false, 0});
  if (!inner.is_stmt() || !(inner.path == body0) || f->body.size() != 1)
    scheduling_error("reorder_loops", p, inner,
                     "expected this loop to be the single statement of the body of loop '" +
                         f->iter.name() + "'");
  return reorder_loops(p, outer, "");
}

Rewrite reorder_loops(const Proc& p, const Cursor& c, const std::string& inner_name) {
  const char* prim = "reorder_loops";
  // Step 1. Locate.
  auto* f = expect_loop(prim, p, c);
  auto* g = f->body.size() == 1 ? f->body[0].as<ForNode>() : nullptr;
  if (!g)
    scheduling_error(prim, p, c,
                     "expected loop '" + f->iter.name() + "' to have a single loop as its body");
  if (!inner_name.empty() && g->iter.name() != inner_name)
    scheduling_error(prim, p, c,
                     "expected loop '" + inner_name + "' directly inside '" + f->iter.name() +
                         "', found '" + g->iter.name() + "'");
  // Step 2. Check. The inner bounds must not depend on the outer iterator.
  bool depends = false;
  std::function<void(const Expr&)> scan = [&](const Expr& e) {
    if (auto* r = e.as<ReadNode>(); r && r->name == f->iter) depends = true;
    for (auto& k : expr_children(e)) scan(k);
  };
  scan(g->lo);
  scan(g->hi);
  if (depends)
    scheduling_error(
        prim, p, c,
        "inner loop's lo or hi depends on outer loop's iteration variable: the bounds of loop '" + g->iter.name() + "' depend on '" + f->iter.name() + "'");
  // Iterations (i1, j1) before (i2, j2) in the old order but after it in the new
  // one (i1 < i2, j1 > j2) must not touch a common location where one writes.
  WindowAliases windows(p->body);
  std::vector<NestAccess> acc = nest_accesses(g->body, windows);
  // The loops inside the body around some access (and a call's fresh variable
  // per window dimension): each iteration of the pair has its own copy.
  std::vector<Sym> locals;
  for (auto& n : acc)
    for (auto& l : n.acc.loops) locals.push_back(l.iter);
  auto instance = [&](const char* tag) {
    std::map<Sym, Sym> m;
    m[f->iter] = Sym(f->iter.name() + tag);
    m[g->iter] = Sym(g->iter.name() + tag);
    for (auto& l : locals) m[l] = Sym(l.name() + tag);
    return m;
  };
  std::map<Sym, Sym> m1 = instance("_1"), m2 = instance("_2");
  auto iv = [](const std::map<Sym, Sym>& m, const Sym& s) { return idx_read(m.at(s)); };
  std::vector<Expr> outside;  // the pair of iterations is impossible or not swapped
  outside.push_back(binop(BinOpKind::Ge, iv(m1, f->iter), iv(m2, f->iter)));
  outside.push_back(binop(BinOpKind::Le, iv(m1, g->iter), iv(m2, g->iter)));
  for (auto* m : {&m1, &m2})
    for (auto* l : {f, g}) {
      outside.push_back(binop(BinOpKind::Lt, iv(*m, l->iter), rename_vars(l->lo, *m)));
      outside.push_back(binop(BinOpKind::Ge, iv(*m, l->iter), rename_vars(l->hi, *m)));
    }
  for (auto& a : acc)
    for (auto& b : acc) {
      std::string wa = a.what, wb = b.what;
      if (!(a.buf == b.buf) || (wa == "read" && wb == "read") ||
          (wa == "reduced" && wb == "reduced"))
        continue;
      bool apart = false;
      {
        std::vector<Expr> goal = outside;
        apart_disjuncts(a.acc, m1, b.acc, m2, goal);
        apart = provable_at(p, c.path, any_of(goal));
      }
      if (!apart) {
        auto show = [](const NestAccess& n) {
          std::string s = n.buf.name();
          if (!n.acc.idx.empty()) {
            s += "[";
            for (size_t k = 0; k < n.acc.idx.size(); ++k)
              s += (k ? ", " : "") + print_expr(n.acc.idx[k]);
            s += "]";
          }
          return s;
        };
        scheduling_error(
            prim, p, c,
            "cannot reorder loops '" + f->iter.name() + "' and '" + g->iter.name() + "': '" +
                show(a) + "' " + wa + " in one iteration and '" + show(b) + "' " + wb +
                " in a later one may be the same element, and the interchange swaps their order");
      }
    }
  EffectSummary cfg = effects_of(g->body, windows);
  if (!cfg.cfg_writes.empty())
    scheduling_error(
        prim, p, c,
        "cannot reorder loops that write config field '" + cfg.cfg_writes.begin()->second + "'");
  // Step 3. Build. Cursors follow the loops (as exo-lang's do): one at the
  // outer loop (or in its bounds) goes to where that loop now is, inside, and
  // one at the inner loop comes out; the body keeps its paths.
  Stmt inner = make_stmt<ForNode>(f->iter, f->lo, f->hi, g->body, f->mode, f->srcinfo);
  Stmt outer = make_stmt<ForNode>(g->iter, g->lo, g->hi, Block{inner}, g->mode, g->srcinfo);
  StmtPath outer_path = c.path, inner_path = c.path;
  inner_path.push_back(PathStep{false, 0});
  Forward swap = [outer_path, inner_path](const Cursor& k) {
    if (!k.is_stmt() && !k.is_expr()) return k;
    Cursor m = k;
    if (k.path == outer_path) m.path = inner_path;
    else if (k.path == inner_path) m.path = outer_path;
    return m;
  };
  return rewrite_detail::keeping_definition_rules(prim, p, c, Rewrite{replace_stmt(p, c.path, outer), swap});
}

}  // namespace exo

namespace exo {

Rewrite remove_loop(const Proc& p, const Cursor& c) {
  const char* prim = "remove_loop";
  // Step 1. Locate.
  auto* f = expect_loop(prim, p, c);
  // Step 2. Check: the body ignores the iterator and running it again changes
  // nothing (no reduction, no location both read and written, declared outside).
  bool uses_iter = false;
  for_each_expr(f->body, [&](const Expr& e) {
    if (auto* r = e.as<ReadNode>(); r && r->name == f->iter) uses_iter = true;
  });
  if (uses_iter)
    scheduling_error(
        prim, p, c,
        "the body of loop '" + f->iter.name() + "' depends on '" + f->iter.name() + "'");
  EffectSummary e = effects_of(f->body, WindowAliases(p->body));
  std::set<Sym> private_bufs = rewrite_detail::allocations_in(f->body);
  for (auto& [buf, as] : e.reduces)
    if (!private_bufs.count(buf))
      scheduling_error(prim, p, c,
                       "The statement at " + f->srcinfo.str() + " is not idempotent: the body reduces into '" + buf.name() + "'");
  for (auto& [buf, as] : e.writes)
    if (!private_bufs.count(buf) && e.reads.count(buf))
      scheduling_error(prim, p, c,
                       "the body may not be idempotent: it reads and writes '" + buf.name() + "'");
  for (auto& fld : e.cfg_writes)
    if (e.cfg_reads.count(fld))
      scheduling_error(
          prim, p, c,
          "the body may not be idempotent: it reads and writes config field '" + fld.second + "'");
  // Step 3. Build: the body once, guarded unless the loop provably runs.
  Expr runs = binop(BinOpKind::Gt, f->hi, f->lo, f->srcinfo);  // printed `hi > lo`, as the reference does
  Block out = f->body;
  bool guard = !provable_at(p, c.path, runs);
  if (guard) out = {make_stmt<IfNode>(runs, f->body, Block{}, f->srcinfo)};
  // Step 4. Replace; body cursors lose the loop level (or pass into the guard).
  const StmtPath lp = c.path;
  Forward rest = forward_splice(lp, 1, static_cast<int>(out.size()));
  Forward unwrap = forward_unwrap(lp, false, static_cast<int>(f->body.size()));
  Forward fwd = [=](const Cursor& k) -> Cursor {
    bool inside =
        k.valid() && k.path.size() > lp.size() && std::equal(lp.begin(), lp.end(), k.path.begin());
    if (!inside) return guard ? rest(k) : unwrap(k);
    if (!guard) return unwrap(k);
    return k;  // the guard takes the loop's place with the same body
  };
  return Rewrite{splice_block(p, lp, 1, out), fwd};
}

}  // namespace exo
