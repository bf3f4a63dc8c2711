// fuse_loop (two adjacent loops, or two adjacent ifs, become one), and
// cut_loop / partition_loop (one loop becomes two over consecutive ranges).
// Each reads: Step 1 locate, Step 2 check, Step 3 build, Step 4 replace + forward.
#include <algorithm>
#include <cassert>
#include <map>
#include <optional>
#include <set>

#include "analysis/facts.h"
#include "exo/schedule/match.h"
#include "exo/printer.h"
#include "exo/schedule/procs.h"
#include "exo/schedule/loops.h"
#include "schedule/buffers/accesses.h"
#include "schedule/loops/dependence.h"
#include "schedule/loops/fuse_recomputed.h"
#include "schedule/loops/substitute.h"
#include "schedule/checks/rewrite_checks.h"

namespace exo {
namespace {

using analysis::provable_at;

bool has_prefix(const StmtPath& path, const StmtPath& prefix) {
  return path.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}

// Forwarding for two adjacent statements (a, b) merged into one at a's place:
// b's `branch` block (body, or else when orelse) is appended after a's, which has
// `n_first` statements there; b itself becomes the merged statement.
Forward forward_merge(const StmtPath& first, const StmtPath& second, int n_first_body,
                      int n_first_orelse) {
  Forward rest = forward_splice(second, 1, 0);
  const size_t d = first.size() - 1;
  return [=](const Cursor& c) -> Cursor {
    if (!c.valid() || !has_prefix(c.path, second)) return rest(c);
    Cursor r = c;
    r.path[d] = first.back();
    if (c.path.size() > second.size())
      r.path[d + 1].index += c.path[d + 1].orelse ? n_first_orelse : n_first_body;
    return r;
  };
}

// Whether two conditions are provably both true or both false where `path` runs
// (`a == b` and `a - b == 0`).
bool same_truth_at(const Proc& p, const StmtPath& path, const Expr& x, const Expr& y) {
  if (analysis::reads_config(x) || analysis::reads_config(y)) return false;
  return analysis::provable_at(p, path, binop(BinOpKind::Eq, x, y));  // `==` of bools is "iff"
}

Rewrite fuse_ifs(const Proc& p, const Cursor& c1, const Cursor& c2) {
  const char* prim = "fuse_loop";
  auto* a = resolve_stmt(p, c1).as<IfNode>();
  auto* b = resolve_stmt(p, c2).as<IfNode>();
  // Step 2. Check: the same condition, still true after the first if ran.
  if (print_expr(a->cond) != print_expr(b->cond) && !same_truth_at(p, c1.path, a->cond, b->cond))
    scheduling_error(prim, p, Cursor::block(c1.path, 2),
                     "Expressions are not equivalent: expected the two ifs to have the same condition, got '" +
                         print_expr(a->cond) + "' and '" + print_expr(b->cond) + "'");
  auto reads = rewrite_detail::config_reads(a->cond);
  for (auto* blk : {&a->body, &a->orelse})
    for (auto& w : rewrite_detail::config_writes(*blk))
      if (reads.count(w))
        scheduling_error(
            prim, p, c1,
            "the first if writes config field '" + w.second + "', which its condition reads");
  // Step 3. Build.
  Block body = a->body, orelse = a->orelse;
  body.insert(body.end(), b->body.begin(), b->body.end());
  orelse.insert(orelse.end(), b->orelse.begin(), b->orelse.end());
  Stmt fused = make_stmt<IfNode>(a->cond, body, orelse, a->srcinfo);
  // Step 4. Replace.
  Proc q = splice_block(p, c1.path, 2, {fused});
  return Rewrite{q, forward_merge(c1.path, c2.path, static_cast<int>(a->body.size()),
                                  static_cast<int>(a->orelse.size()))};
}

// A config field that both loops only write, always with one constant
// (`CFG.j = 0` in each), ends with that constant whatever the order of the
// writes: its accesses cannot make fusion change a result. (Writes made in
// callees are not looked into: a field they write is kept.)
void drop_same_constant_config_writes(const Stmt& s1, const Stmt& s2, std::vector<Access>& first,
                                      std::vector<Access>& second) {
  using Key = std::pair<const Config*, std::string>;
  std::map<Key, std::optional<Expr>> value;  // nullopt: not droppable
  std::map<Key, int> direct_writes;
  for (const Stmt& top : {s1, s2})
    for_each_stmt(Block{top}, [&](const Stmt& s) {
      auto* w = s.as<WriteConfigNode>();
      if (!w) return;
      Key key{w->config.get(), w->field};
      ++direct_writes[key];
      auto it = value.find(key);
      if (!w->rhs.as<ConstNode>()) value[key] = std::nullopt;
      else if (it == value.end()) value[key] = w->rhs;
      else if (it->second && !same_expr(*it->second, w->rhs)) it->second = std::nullopt;
    });
  std::map<Key, int> write_accesses;
  for (auto* list : {&first, &second})
    for (const Access& a : *list) {
      if (!a.is_config()) continue;
      Key key{a.config.get(), a.field};
      if (a.kind != EffectKind::Write) value[key] = std::nullopt;
      else ++write_accesses[key];
    }
  auto droppable = [&](const Access& a) {
    if (!a.is_config()) return false;
    Key key{a.config.get(), a.field};
    auto it = value.find(key);
    return it != value.end() && it->second && write_accesses[key] == direct_writes[key];
  };
  for (auto* list : {&first, &second}) list->erase(std::remove_if(list->begin(), list->end(), droppable), list->end());
}

}  // namespace

Rewrite fuse_loop(const Proc& p, const Cursor& c1, const Cursor& c2) {
  const char* prim = "fuse_loop";
  // Step 1. Locate: two adjacent loops (or ifs) of one block.
  if (!c1.is_stmt()) scheduling_error(prim, p, c1, "expected a loop as the first argument");
  if (!c2.is_stmt()) scheduling_error(prim, p, c2, "expected a loop as the second argument");
  if (!(next(p, c1) == c2))
    scheduling_error(prim, p, c2, "expected the second loop to come right after the first");
  Stmt s1 = resolve_stmt(p, c1), s2 = resolve_stmt(p, c2);
  if (s1->kind == StmtKind::If && s2->kind == StmtKind::If) return fuse_ifs(p, c1, c2);
  auto* f = rewrite_detail::expect_loop(prim, p, c1);
  auto* g = rewrite_detail::expect_loop(prim, p, c2);
  // Step 2. Check. Equal bounds where the loops run.
  for (auto [x, y, what] : {std::tuple{f->lo, g->lo, "lower"}, std::tuple{f->hi, g->hi, "upper"}})
    if (!provable_at(p, c1.path, binop(BinOpKind::Eq, x, y)))
      scheduling_error(prim, p, Cursor::block(c1.path, 2),
                       std::string("cannot fuse loops '") + f->iter.name() + "' and '" +
                           g->iter.name() + "': the " + what + " bounds " + print_expr(x) +
                           " and " + print_expr(y) + " are not provably equal");
  // Fusion runs body2 at iteration i before body1 at every later iteration j.
  size_t depth = rewrite_detail::loop_depth(p, c1.path);
  auto first = rewrite_detail::accesses_of(p, {s1});
  auto second = rewrite_detail::accesses_of(p, {s2});
  drop_same_constant_config_writes(s1, s2, first, second);
  auto cf = rewrite_detail::later_iteration_conflict(p, first, second, depth);
  // A conflict on a producer recomputed in overlapping iterations is
  // harmless when every write of an element stores the same value
  // (fuse_recomputed.cpp): leave that buffer out and look again. The
  // proof is only tried for a buffer found in conflict.
  const auto all_first = first, all_second = second;
  std::set<Sym> tried;
  while (cf && !cf->later.is_config() && tried.insert(cf->later.buffer).second &&
         rewrite_detail::is_recomputed_buffer(p, *f, cf->later.buffer, all_first, all_second, depth)) {
    Sym buf = cf->later.buffer;
    auto of_buf = [&](const Access& a) { return !a.is_config() && a.buffer == buf; };
    for (auto* list : {&first, &second}) list->erase(std::remove_if(list->begin(), list->end(), of_buf), list->end());
    cf = rewrite_detail::later_iteration_conflict(p, first, second, depth);
  }
  if (cf)
    scheduling_error(
        prim, p, Cursor::block(c1.path, 2),
        "Cannot fission loop: cannot fuse loops '" + f->iter.name() + "' and '" + g->iter.name() + "': the " +
            rewrite_detail::access_text(cf->earlier) +
            " of the second loop in one iteration and the " +
            rewrite_detail::access_text(cf->later) +
            " of the first loop in a later iteration may touch the same location of '" +
            cf->later.location_name() + "', and fusing would swap them");
  // Step 3. Build: body2 with g's iterator renamed to f's.
  rewrite_detail::Subst rn;
  rn.exprs[g->iter] = read_var(f->iter, ScalarKind::Index);
  Block body = f->body;
  Block body2 = rn.mutate_block(g->body);
  body.insert(body.end(), body2.begin(), body2.end());
  Stmt fused = make_stmt<ForNode>(f->iter, f->lo, f->hi, body, f->mode, f->srcinfo);
  // Step 4. Replace.
  Proc q = splice_block(p, c1.path, 2, {fused});
  return rewrite_detail::keeping_definition_rules(prim, p, c1, Rewrite{q, forward_merge(c1.path, c2.path, static_cast<int>(f->body.size()), 0)});
}

namespace {

// `for i in seq(lo, hi)` -> `seq(lo, cut)` then `seq(cut, hi)`, the second copy's
// bound names renamed apart. Cursors into the loop follow the first part.
Rewrite cut_at(const char* prim, const Proc& p, const Cursor& c, const ForNode* f, const Expr& cut) {
  // The bounds were evaluated once, before any iteration; the second loop's are
  // evaluated after the first loop ran.
  std::string clash = rewrite_detail::config_clash({cut, f->hi}, f->body);
  if (!clash.empty())
    scheduling_error(prim, p, c,
                     "the body writes config field '" + clash +
                         "', which the cut point or the upper bound reads (the second loop would see the new value)");
  SrcInfo si = f->srcinfo;
  Sym it2 = f->iter.copy();
  Block body2 = rewrite_detail::instantiate(f->body, f->iter, read_var(it2, ScalarKind::Index, si));
  Stmt l1 = make_stmt<ForNode>(f->iter, f->lo, cut, f->body, f->mode, si);
  Stmt l2 = make_stmt<ForNode>(it2, cut, f->hi, body2, f->mode, si);
  const StmtPath lp = c.path;
  Forward rest = forward_splice(lp, 1, 2);
  Forward fwd = [=](const Cursor& k) -> Cursor {
    if (k.valid() && has_prefix(k.path, lp) && !(k.is_gap() && k.path == lp)) return k;
    return rest(k);
  };
  return rewrite_detail::keeping_definition_rules(prim, p, c, Rewrite{splice_block(p, lp, 1, {l1, l2}), fwd});
}

}  // namespace

Rewrite partition_loop(const Proc& p, const Cursor& c, long long num) {
  const char* prim = "partition_loop";
  assert(num >= 0);  // arguments are checked by the primitive records
  // Step 1. Locate.
  auto* f = rewrite_detail::expect_loop(prim, p, c);
  SrcInfo si = f->srcinfo;
  // Step 2. Check: the first part's iterations all exist.
  Expr mid = fold_constants(binop(BinOpKind::Add, f->lo, int_const(num, si), si));
  if (!provable_at(
          p, c.path,
          binop(BinOpKind::Ge, binop(BinOpKind::Sub, f->hi, f->lo, si), int_const(num, si), si)))
    scheduling_error(prim, p, c,
                     "cannot partition loop '" + f->iter.name() + "' at " + std::to_string(num) +
                         ": '" + print_expr(f->hi) + " - " + print_expr(f->lo) +
                         " >= " + std::to_string(num) + "' is not provable");
  // Step 3/4. Build and replace.
  return cut_at(prim, p, c, f, mid);
}

Rewrite cut_loop(const Proc& p, const Cursor& c, const Expr& cut) {
  const char* prim = "cut_loop";
  // Step 1. Locate.
  auto* f = rewrite_detail::expect_loop(prim, p, c);
  SrcInfo si = f->srcinfo;
  // Step 2. Check: both parts run a non-negative number of times, so together
  // they run exactly the original iterations, in order.
  if (!provable_at(p, c.path, binop(BinOpKind::Le, f->lo, cut, si)))
    scheduling_error(prim, p, c,
                     "Expected `lo` <= `cut_point`: '" + print_expr(f->lo) + " <= " + print_expr(cut) +
                         "' is not provable");
  if (!provable_at(p, c.path, binop(BinOpKind::Le, cut, f->hi, si)))
    scheduling_error(prim, p, c,
                     "Expected `cut_point` <= `hi`: '" + print_expr(cut) + " <= " + print_expr(f->hi) +
                         "' is not provable");
  // Step 3/4. Build and replace.
  return cut_at(prim, p, c, f, fold_constants(cut));
}

Rewrite cut_loop(const Proc& p, const Cursor& c, const std::string& cut) {
  rewrite_detail::expect_loop("cut_loop", p, c);
  return cut_loop(p, c, buffers_detail::parse_index_at("cut_loop", 2, "cut_point", p, c.path, cut));
}

}  // namespace exo
