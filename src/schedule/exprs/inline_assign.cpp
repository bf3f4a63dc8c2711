// inline_assign: `x[i] = e; s` -> `s[x[i] -> e]`.
#include <set>

#include "schedule/exprs/narrow_ints.h"
#include "exo/schedule/exprs.h"
#include "exo/ir_mutator.h"
#include "exo/schedule/match.h"
#include "exo/printer.h"
#include "exo/schedule/loops.h"
#include "schedule/buffers/accesses.h"
#include "schedule/exprs/context.h"
#include "schedule/loops/substitute.h"

namespace exo {
namespace {

using exprs_detail::access_text;
using analysis::Context;
using exprs_detail::stmt_text;

// Replaces the reads proven to be of the assigned element by its value (other
// reads of the buffer, proven to be other elements, stay).
class ReplaceReads : public IRMutator {
 public:
  ReplaceReads(const std::set<const ExprNode*>& reads, Expr value)
      : reads_(reads), value_(std::move(value)) {}
  Expr mutate(const Expr& e) override {
    if (reads_.count(e.get())) return value_;
    return mutate_children(e);
  }

 private:
  const std::set<const ExprNode*>& reads_;
  Expr value_;
};

// Where x is allocated: the path of its Alloc, or empty for an argument.
bool find_alloc_path(const Proc& p, const Sym& x, StmtPath& out) {
  bool found = false;
  buffers_detail::walk_paths(p->body, StmtPath{PathStep{false, 0}},
                             [&](const Stmt& s, const StmtPath& path) {
                               if (auto* a = s.as<AllocNode>(); a && a->name == x) {
                                 out = path;
                                 found = true;
                               }
                             });
  return found;
}

bool same_block(const StmtPath& a, const StmtPath& b) {
  if (a.size() != b.size()) return false;
  for (size_t k = 0; k + 1 < a.size(); ++k)
    if (!(a[k] == b[k])) return false;
  return a.back().orelse == b.back().orelse;
}

}  // namespace

Rewrite inline_assign(const Proc& p, const Cursor& c) {
  const char* prim = "inline_assign";
  // Step 1: an assignment to an element of an allocation.
  const AssignNode* a = exprs_detail::assignment_at(prim, 1, "alloc_cursor", p, c);
  std::string x = "'" + access_text(a->name, a->idx) + "'";
  StmtPath alloc_path;
  if (!find_alloc_path(p, a->name, alloc_path))
    scheduling_error(
        prim, p, c,
        "'" + a->name.name() + "' is not an allocation (the write would be visible outside)");
  for (auto& e : a->idx)
    if (analysis::reads_config(e))
      scheduling_error(prim, p, c, "the indices of " + x + " read a config field");
  // The store into x may have wrapped the value; its readers would see the
  // unwrapped one.
  if (std::string wrap = rewrite_detail::narrow_int_overflow(a->rhs, a->type.base); !wrap.empty())
    scheduling_error(prim, p, c,
                     "cannot inline " + x + ": '" + print_expr(a->rhs) + "' is stored into a " +
                         std::string(scalar_kind_name(a->type.base)) + ": " + wrap);
  // x's storage must only be reached by name: a window or a call argument (data
  // arguments are passed by reference, and need a buffer, not a value) could
  // read the element behind our back.
  bool aliased = false;
  for_each_expr(p->body, [&](const Expr& e) {
    if (auto* w = e.as<WindowExprNode>(); w && w->name == a->name) aliased = true;
    if (auto* r = e.as<ReadNode>(); r && r->name == a->name && r->type.is_tensor) aliased = true;
  });
  for_each_stmt(p->body, [&](const Stmt& s) {
    if (auto* call = s.as<CallNode>())
      for (auto& arg : call->args)
        if (auto* r = arg.as<ReadNode>(); r && r->name == a->name) aliased = true;
  });
  if (aliased)
    scheduling_error(
        prim, p, c,
        "'" + a->name.name() + "' is windowed or passed to a call; its reads cannot all be seen");
  bool local = same_block(alloc_path, c.path) && alloc_path.back().index < c.path.back().index;

  // Step 2: walk the rest of the block. Every read of x is of the assigned
  // element and sees `e` computed now: no write of x, and no write of what `e`
  // reads before a statement that reads x.
  const Block* blk = resolve_parent_block(p, c.path);
  int at = c.path.back().index;
  WindowAliases windows(p->body);
  EffectSummary value_eff = effects_of(a->rhs, windows);
  bool dirty = false;  // something `e` reads has been written
  std::string dirty_by;
  auto writes_value_input = [&](const EffectSummary& eff) {
    for (auto& [buf, _] : value_eff.reads)
      if (eff.writes.count(buf) || eff.reduces.count(buf)) return true;
    for (auto& f : value_eff.cfg_reads)
      if (eff.cfg_writes.count(f)) return true;
    return false;
  };
  int n_reads = 0;
  std::set<const ExprNode*> replace, keep;
  for (int k = at + 1; k < static_cast<int>(blk->size()); ++k) {
    const Stmt& t = (*blk)[k];
    StmtPath tp = c.path;
    tp.back().index = k;
    EffectSummary eff = effects_of(t, windows);
    if (eff.writes.count(a->name) || eff.reduces.count(a->name))
      scheduling_error(prim, p, Cursor::stmt(tp),
                       "Cannot inline assign " + x + " because the buffer is written afterwards");
    // Every read of x in t: the assigned element (replaced) or provably another
    // one (kept); the path of the statement holding it gives the context.
    bool reads_x = false;
    std::string bad;
    buffers_detail::walk_paths({t}, tp, [&](const Stmt& u, const StmtPath& up) {
      for (auto& e : stmt_exprs(u)) {
        std::vector<Expr> uses;
        exprs_detail::collect_buffer_uses(e, uses);
        for (auto& r : uses) {
          auto* rd = r.as<ReadNode>();
          if (!rd || rd->name != a->name || !bad.empty()) continue;
          ++n_reads;
          Context ctx(p, up);
          if (ctx.equal(rd->idx, a->idx)) {
            reads_x = true;
            replace.insert(r.get());
          } else if (ctx.differ(rd->idx, a->idx)) {
            keep.insert(r.get());
          } else {
            bad = "'" + print_expr(r) + "' may or may not be the element " + x;
          }
        }
      }
    });
    if (!bad.empty())
      scheduling_error(prim, p, Cursor::stmt(tp), "cannot inline " + x + ": " + bad);
    if (reads_x && dirty)
      scheduling_error(prim, p, Cursor::stmt(tp),
                       "cannot inline " + x + ": '" + print_expr(a->rhs) +
                           "' would be evaluated after " + dirty_by + " changes what it reads");
    bool writes = writes_value_input(eff);
    // A single write reads its right-hand side before writing; anything larger
    // (a loop, a call) may read x after its own write.
    bool simple = t.as<AssignNode>() || t.as<ReduceNode>();
    if (reads_x && writes && !simple)
      scheduling_error(prim, p, Cursor::stmt(tp),
                       "cannot inline " + x + ": this statement reads it and writes what '" +
                           print_expr(a->rhs) + "' reads");
    if (writes && !dirty) {
      dirty = true;
      dirty_by = "'" + stmt_text(t) + "'";
    }
  }
  // Step 3: when x outlives this block, earlier executions of the assignment
  // (other iterations of an enclosing loop) may be seen by any read of x: then
  // every read must be one we replace.
  if (!local) {
    if (!keep.empty())
      scheduling_error(
          prim, p, c,
          "'" + a->name.name() +
              "' is allocated outside this block, so a read of another element may see "
              "this assignment from an earlier iteration");
    int total = 0;
    for_each_expr(p->body, [&](const Expr& e) {
      if (auto* r = e.as<ReadNode>(); r && r->name == a->name) ++total;
    });
    if (total != n_reads)
      scheduling_error(prim, p, c,
                       "'" + a->name.name() +
                           "' is allocated outside this block and read elsewhere, where the "
                           "deleted write may be seen");
  }
  // Step 4: substitute and delete the assignment. (A node shared by two places
  // that disagree could not be told apart.)
  for (auto* k : keep)
    if (replace.count(k))
      scheduling_error(prim, p, c, "a read of " + x + " is shared by code where it differs");
  ReplaceReads rr(replace, a->rhs);
  Block rest;
  for (int k = at + 1; k < static_cast<int>(blk->size()); ++k) {
    Block m = rr.mutate_block({(*blk)[k]});
    rest.insert(rest.end(), m.begin(), m.end());
  }
  int n_rest = static_cast<int>(blk->size()) - at - 1;
  // A block left empty (the assignment was all it held) keeps a `pass`: a loop
  // or if needs a body, and passes are what delete_pass removes.
  bool emptied = at == 0 && rest.empty();
  if (emptied) rest.push_back(make_stmt<PassNode>(a->srcinfo));
  Proc q = splice_block(p, c.path, 1 + n_rest, rest);
  return Rewrite{q, forward_splice(c.path, 1, emptied ? 1 : 0)};
}

}  // namespace exo
