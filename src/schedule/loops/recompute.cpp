// Primitives that run code more (or fewer) times than written, and so need the
// code to be idempotent: add_loop, divide_with_recompute, autofission.
#include <cassert>
#include <map>
#include <set>

#include "analysis/facts.h"
#include "exo/schedule/loop_ranges.h"
#include "exo/names.h"
#include "exo/printer.h"
#include "exo/schedule/loops.h"
#include "schedule/buffers/accesses.h"
#include "schedule/loops/dependence.h"
#include "schedule/loops/substitute.h"
#include "schedule/checks/rewrite_checks.h"

namespace exo {
namespace {

using rewrite_detail::expect_loop;
using analysis::provable_at;

Expr idx_read(const Sym& s) { return read_var(s, ScalarKind::Index); }
std::string q(const Expr& e) { return "'" + print_expr(e) + "'"; }

// Why running `b` twice in a row may not leave the same state as running it
// once ("" when it does): it reduces into, or both reads and writes, a buffer or
// config field declared outside it. Otherwise every value it writes depends only
// on values it never writes, so a second run rewrites the same values.
std::string idempotence_failure(const Proc& p, const Block& b) {
  EffectSummary e = effects_of(b, WindowAliases(p->body));
  std::set<Sym> priv = rewrite_detail::allocations_in(b);
  for (auto& [buf, as] : e.reduces)
    if (!priv.count(buf)) return "it reduces into '" + buf.name() + "'";
  for (auto& [buf, as] : e.writes)
    if (!priv.count(buf) && e.reads.count(buf)) return "it reads and writes '" + buf.name() + "'";
  for (auto& f : e.cfg_writes)
    if (e.cfg_reads.count(f)) return "it reads and writes config field '" + f.second + "'";
  return "";
}

// The refusal text, naming the first statement of `b` that writes (or reduces into)
// the location at fault, as the reference does ("The statement at ... is not
// idempotent").
std::string not_idempotent(const Proc& p, const Block& b, const std::string& why) {
  std::string name = why.substr(why.find('\'') + 1);
  name = name.substr(0, name.find('\''));
  WindowAliases windows(p->body);
  SrcInfo at = b.empty() ? SrcInfo() : b[0]->srcinfo;
  bool found = false;
  for_each_stmt(b, [&](const Stmt& s) {
    if (found || s->kind == StmtKind::For || s->kind == StmtKind::If) return;
    EffectSummary e = effects_of(s, windows);
    bool hit = false;
    for (auto* m : {&e.writes, &e.reduces})
      for (auto& [buf, as] : *m) hit = hit || buf.name() == name;
    for (auto& f : e.cfg_writes) hit = hit || f.second == name;
    if (hit) {
      at = s->srcinfo;
      found = true;
    }
  });
  return "The statement at " + at.str() + " is not idempotent: " + why;
}

}  // namespace

Rewrite add_loop(const Proc& p, const Cursor& block, const std::string& iter, const std::string& hi,
                 bool guard) {
  const char* prim = "add_loop";
  if (!block.is_stmt() && !block.is_block())
    scheduling_error(prim, p, block, "expected a statement or a block");
  return add_loop(p, block, iter,
                  buffers_detail::parse_index_at(prim, 3, "hi_expr", p, block.path, hi), guard);
}

Rewrite add_loop(const Proc& p, const Cursor& block, const std::string& iter, const Expr& hi,
                 bool guard) {
  const char* prim = "add_loop";
  assert(is_valid_new_name(iter));  // arguments are checked by the primitive records
  // Step 1. Locate.
  if (!block.is_stmt() && !block.is_block())
    scheduling_error(prim, p, block, "expected a statement or a block");
  std::vector<Stmt> stmts = resolve_stmts(p, block);
  int n = static_cast<int>(stmts.size());
  SrcInfo si = stmts[0]->srcinfo;
  // Step 2. Check: the loop runs at least once, and running the block again
  // changes nothing (unless only the first iteration runs it).
  if (!provable_at(p, block.path, binop(BinOpKind::Gt, hi, int_const(0, si), si)))
    scheduling_error(
        prim, p, block,
        "expected the new loop to run at least once: The expression " + print_expr(hi) + " is not guaranteed to be greater than 0");
  if (!guard) {
    Block b(stmts.begin(), stmts.end());
    std::string why = idempotence_failure(p, b);
    if (!why.empty())
      scheduling_error(prim, p, block, not_idempotent(p, b, why) + " (use guard=True)");
  }
  std::string hidden = rewrite_detail::declared_and_used_after(p, block.path, n);
  if (!hidden.empty())
    scheduling_error(
        prim, p, block,
        "the block declares '" + hidden + "', which is used after it (the loop would hide it)");
  // Step 3. Build.
  Sym it(iter);
  Block body(stmts.begin(), stmts.end());
  if (guard)
    body = {make_stmt<IfNode>(binop(BinOpKind::Eq, idx_read(it), int_const(0, si), si), body,
                              Block{}, si)};
  Stmt loop = make_stmt<ForNode>(it, int_const(0, si), hi, body, LoopMode::Seq, si);
  // Step 4. Replace; the block moves into the loop (and the guard).
  Forward fwd = forward_wrap(block.path, n);
  if (guard) {
    StmtPath in = block.path;
    in.push_back(PathStep{false, 0});
    fwd = compose(fwd, forward_wrap(in, n));
  }
  return rewrite_detail::keeping_definition_rules(prim, p, block, Rewrite{splice_block(p, block.path, n, {loop}), fwd});
}

Rewrite divide_with_recompute(const Proc& p, const Cursor& loop, const std::string& outer_hi,
                              long long outer_stride, const std::string& outer,
                              const std::string& inner) {
  const char* prim = "divide_with_recompute";
  expect_loop(prim, p, loop);
  return divide_with_recompute(
      p, loop, buffers_detail::parse_index_at(prim, 2, "outer_hi", p, loop.path, outer_hi),
      outer_stride, outer, inner);
}

Rewrite divide_with_recompute(const Proc& p, const Cursor& c, const Expr& outer_hi,
                              long long outer_stride, const std::string& outer,
                              const std::string& inner) {
  const char* prim = "divide_with_recompute";
  // Arguments are checked by the primitive records.
  assert(outer_stride > 0 && is_valid_new_name(outer) && is_valid_new_name(inner) && outer != inner);
  // Step 1. Locate.
  auto* f = expect_loop(prim, p, c);
  SrcInfo si = f->srcinfo;
  long long lo;
  if (!rewrite_detail::const_value(f->lo, lo) || lo != 0)
    scheduling_error(prim, p, c,
                     "expected the loop to start at 0, got seq(" + print_expr(f->lo) + ", ...)");
  if (f->mode != LoopMode::Seq)
    scheduling_error(prim, p, c,
                     "expected a seq loop (recomputed iterations would run concurrently)");
  // Step 2. Check: running iterations again, after later ones, keeps the
  // results, and the inner loops cover [0, hi) (the last one ends at hi).
  std::string why = idempotence_failure(p, f->body);
  if (!why.empty()) scheduling_error(prim, p, c, not_idempotent(p, f->body, why));
  Expr S = int_const(outer_stride, si);
  // The iterations before the recomputed tail: outer_hi * stride, written
  // `N - N % stride` when outer_hi is `N / stride` (equal for floor division),
  // as exo-lang does, so a known `N % stride` can be rewritten later.
  Expr before = binop(BinOpKind::Mul, outer_hi, S, si);
  if (auto* d = outer_hi.as<BinOpNode>(); d && d->op == BinOpKind::Div)
    if (long long k; rewrite_detail::const_value(d->rhs, k) && k == outer_stride)
      before = binop(BinOpKind::Sub, d->lhs, binop(BinOpKind::Mod, d->lhs, S, si), si);
  Expr extra = buffers_detail::sub_index(f->hi, before);
  if (!provable_at(p, c.path, binop(BinOpKind::Ge, extra, int_const(0, si), si)))
    scheduling_error(prim, p, c,
                     "outer_hi * outer_stride exceeds loop's hi " + print_expr(f->hi) + ": " +
                         q(extra) + " >= 0 is not provable");
  if (!provable_at(p, c.path, binop(BinOpKind::Ge, outer_hi, int_const(1, si), si)))
    scheduling_error(prim, p, c,
                     "expected outer_hi >= 1: " + q(outer_hi) +
                         " >= 1 is not provable (no iteration would run)");

  // The inner bound re-reads hi in every outer iteration.
  auto writes = rewrite_detail::config_writes(f->body);
  for (auto& e : {f->hi, outer_hi})
    for (auto& cf : rewrite_detail::config_reads(e))
      if (writes.count(cf))
        scheduling_error(prim, p, c,
                         "the body writes config field '" + cf.second + "', which the bounds read");
  // Step 3. Build: i = stride * io + ii.
  Sym io(outer), ii(inner);
  Expr i_val = binop(BinOpKind::Add, binop(BinOpKind::Mul, S, idx_read(io), si), idx_read(ii), si);
  Block body = rewrite_detail::instantiate(f->body, f->iter, i_val);
  Expr inner_hi = buffers_detail::add_index(S, extra);
  Stmt in_loop = make_stmt<ForNode>(ii, int_const(0, si), inner_hi, body, LoopMode::Seq, si);
  Stmt out_loop = make_stmt<ForNode>(io, f->lo, outer_hi, Block{in_loop}, LoopMode::Seq, si);
  // Step 4. The loop's cursor follows the outer loop; its body moves one level down.
  const StmtPath lp = c.path;
  const size_t d = lp.size() - 1;
  Forward fwd = [=](const Cursor& k) -> Cursor {
    bool inside = k.valid() && k.path.size() > lp.size() && !k.path[d + 1].orelse &&
                  std::equal(lp.begin(), lp.end(), k.path.begin());
    if (!inside) return k;
    Cursor r = k;
    r.path.insert(r.path.begin() + d + 1, PathStep{false, 0});
    return r;
  };
  return rewrite_detail::keeping_definition_rules(prim, p, c, Rewrite{replace_stmt(p, lp, out_loop), fwd});
}

Rewrite autofission(const Proc& p, const Cursor& gap, int n_lifts) {
  const char* prim = "autofission";
  assert(n_lifts > 0);  // arguments are checked by the primitive records
  const Block* b = gap.is_gap() ? resolve_parent_block(p, gap.path) : nullptr;
  if (!b || gap.index() < 0 || gap.index() > static_cast<int>(b->size()))
    argument_error(prim, 1, "gap_cursor", "expected a gap cursor of this procedure");
  if (gap.index() == 0 || gap.index() == static_cast<int>(b->size()))
    argument_error(prim, 1, "gap_cursor",
                   "expected cursor to point to a gap between statements, not at an edge");
  Rewrite r{p, identity_forward()};
  Cursor g = gap;
  for (int level = 0; level < n_lifts; ++level) {
    // As in the reference, lifting stops at the proc body.
    Cursor scope = parent(g);
    if (!scope.valid()) break;
    const Block* blk = resolve_parent_block(r.proc, g.path);
    int gi = g.index();
    // A level with nothing on one side only moves the split point out.
    if (gi == 0 || gi == static_cast<int>(blk->size())) {
      g = gi == 0 ? before(scope) : after(scope);
      continue;
    }
    // Step 1-4 of one level: fission_after checks and splits.
    StmtPath last = g.path;
    last.back().index = gi - 1;
    Rewrite step;
    try {
      step = fission_after(r.proc, Cursor::stmt(last), 1);
    } catch (const Error& e) {
      // The refusal is fission's; report it under this primitive's name.
      const std::string tag = "fission_after: ";
      if (e.kind() != ErrorKind::Scheduling || e.message().rfind(tag, 0) != 0) throw;
      throw Error(ErrorKind::Scheduling, e.where(),
                  std::string(prim) + ": " + e.message().substr(tag.size()));
    }
    r = Rewrite{step.proc, compose(r.forward, step.forward)};
    g = after(scope);  // between the two copies
    if (resolve_stmt(r.proc, scope)->kind != StmtKind::For) continue;
    // Drop the loop around a copy that runs its (iterator-free, idempotent) part
    // once for all: the second copy first, so the first keeps its position.
    StmtPath second = scope.path;
    second.back().index += 1;
    for (const StmtPath& at : {second, scope.path}) {
      auto* f = resolve_stmt(r.proc, at).as<ForNode>();
      bool uses_iter = false;
      for_each_expr(f->body, [&](const Expr& e) {
        if (auto* rd = e.as<ReadNode>(); rd && rd->name == f->iter) uses_iter = true;
      });
      if (uses_iter || !idempotence_failure(r.proc, f->body).empty() ||
          !provable_at(r.proc, at, binop(BinOpKind::Lt, f->lo, f->hi, f->srcinfo)))
        continue;
      int m = static_cast<int>(f->body.size());
      Rewrite rm = remove_loop(r.proc, Cursor::stmt(at));
      r = Rewrite{rm.proc, compose(r.forward, rm.forward)};
      if (at == scope.path) g.path.back().index += m - 1;
    }
  }
  return r;
}

}  // namespace exo
