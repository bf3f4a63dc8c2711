// replace and replace_all: code -> a call of a sub-procedure, by unification
// (schedule/subprocs/unify.h), then the checks at the call site.
#include "exo/hardware.h"
#include "analysis/facts.h"
#include "exo/schedule/match.h"
#include "exo/printer.h"
#include "exo/schedule/procs.h"
#include "exo/schedule/loops.h"
#include "exo/schedule/configs.h"
#include "exo/schedule/subprocs.h"
#include "schedule/loops/substitute.h"
#include "schedule/subprocs/unify.h"
#include "schedule/checks/rewrite_checks.h"

namespace exo {
namespace {

using rewrite_detail::BufferBinding;
using rewrite_detail::SiteBuffers;
using rewrite_detail::Unification;
using analysis::provable_at;
using rewrite_detail::site_stride;

std::string q(const std::string& s) { return "'" + s + "'"; }

std::string window_text(const BufferBinding& b) {
  std::string s = b.buf.name() + "[";
  for (size_t d = 0; d < b.window.size(); ++d) {
    if (d) s += ", ";
    s += print_expr(b.window[d].lo);
    if (b.window[d].is_interval) s += ":" + print_expr(b.window[d].hi);
  }
  return s + "]";
}

// `goal` holds at the site; constant goals are decided without the prover.
bool holds(const Proc& p, const StmtPath& at, const Expr& goal) {
  Expr g = fold_constants(goal);
  if (auto* c = g.as<ConstNode>()) return !c->is_zero();
  return provable_at(p, at, g);
}

Expr le(const Expr& a, const Expr& b) { return binop(BinOpKind::Le, a, b); }
Expr lt(const Expr& a, const Expr& b) { return binop(BinOpKind::Lt, a, b); }

// Subproc preconditions over the call's arguments: control arguments become their
// values and stride(x, k) the stride of what x is bound to.
class PredInstance : public IRMutator {
 public:
  PredInstance(const Proc& sub, const Unification& u, const SiteBuffers& site) : sub_(sub), u_(u), site_(site) {}
  Expr mutate(const Expr& e) override {
    if (auto* r = e.as<ReadNode>(); r && r->idx.empty())
      for (size_t k = 0; k < sub_->args.size(); ++k)
        if (sub_->args[k].name == r->name && !sub_->args[k].type.is_tensor) return u_.args[k];
    if (auto* s = e.as<StrideExprNode>())
      for (auto& b : u_.buffers)
        if (sub_->args[b.arg].name == s->name) {
          int seen = 0;
          for (size_t d = 0; d < b.window.size(); ++d)
            if (b.window[d].is_interval && seen++ == s->dim) return site_stride(site_, b.buf, static_cast<int>(d));
        }
    return mutate_children(e);
  }

 private:
  const Proc& sub_;
  const Unification& u_;
  const SiteBuffers& site_;
};

// `e` with each config field it reads replaced by the value the field provably
// holds before the statement at `at` (a precondition such as
// `stride(src, 0) == Cfg.stride` after `Cfg.stride = stride(src, 0)`).
class KnownConfigs : public IRMutator {
 public:
  KnownConfigs(const Proc& p, const StmtPath& at, const SiteBuffers& site) : p_(p), at_(at), site_(site) {}
  Expr mutate(const Expr& e) override {
    if (auto* r = e.as<ReadConfigNode>())
      if (auto v = config_value_before(p_, at_, r->config, r->field)) {
        in_value_ = true;
        Expr out = mutate(*v);
        in_value_ = false;
        return out;
      }
    // A stride in the known value: of a dense buffer, its extent product.
    if (auto* s = e.as<StrideExprNode>(); s && in_value_ && site_.count(s->name))
      return site_stride(site_, s->name, s->dim);
    return mutate_children(e);
  }

 private:
  const Proc& p_;
  const StmtPath& at_;
  const SiteBuffers& site_;
  bool in_value_ = false;
};

// Why the call may not stand at `at` (empty when it may): memories, window
// bounds, the subproc's preconditions.
std::string site_failure(const Proc& p, const StmtPath& at, const Proc& sub, const Unification& u,
                         const SiteBuffers& site, bool check_memories = true) {
  for (auto& [cond, why] : u.site_conditions)
    if (!analysis::provable_at(p, at, cond)) return why + " ('" + print_expr(cond) + "' is not provable here)";
  for (auto& b : u.buffers) {
    const FnArg& a = sub->args[b.arg];
    const rewrite_detail::SiteBuffer& sb = site.at(b.buf);
    if (check_memories && a.mem && sb.mem && !sb.mem->is_a(*a.mem))
      return "argument " + q(a.name.name()) + " of " + sub->name + " is in " + a.mem->name() + ", but " +
             q(b.buf.name()) + " is in " + sb.mem->name();
    size_t j = 0;
    for (size_t d = 0; d < b.window.size(); ++d) {
      const WAccess& w = b.window[d];
      const Expr& extent = sb.type.shape[d];
      if (!a.type.is_window && w.is_interval) {
        Expr want = a.type.shape[j];
        // The argument's extent with its size arguments replaced by their values.
        PredInstance inst(sub, u, site);
        if (!holds(p, at, binop(BinOpKind::Eq, inst.mutate(want), extent)))
          return "argument " + q(a.name.name()) + " of " + sub->name + " needs all of " + q(b.buf.name()) +
                 ", whose dimension " + std::to_string(d) + " is " + q(print_expr(extent));
      }
      if (w.is_interval) ++j;
      Expr in = w.is_interval ? binop(BinOpKind::And, le(int_const(0), w.lo), le(w.hi, extent))
                              : binop(BinOpKind::And, le(int_const(0), w.lo), lt(w.lo, extent));
      if (!holds(p, at, in))
        return "the window " + window_text(b) + " passed as " + q(a.name.name()) + " may be out of bounds of " +
               q(b.buf.name()) + " (dimension " + std::to_string(d) + " has extent " + q(print_expr(extent)) + ")";
    }
  }
  for (size_t k = 0; k < sub->args.size(); ++k) {
    const FnArg& a = sub->args[k];
    auto* r = u.args[k].as<ReadNode>();
    if (a.type.is_tensor || !is_data_kind(a.type.base) || !r || !a.mem) continue;
    auto it = site.find(r->name);
    if (check_memories && it != site.end() && it->second.mem && !it->second.mem->is_a(*a.mem))
      return "argument " + q(a.name.name()) + " of " + sub->name + " is in " + a.mem->name() + ", but " +
             q(r->name.name()) + " is in " + it->second.mem->name();
  }
  // Sizes must be positive at any call: a loop that never runs is not a call of size 0.
  for (size_t k = 0; k < sub->args.size(); ++k) {
    const FnArg& a = sub->args[k];
    if (a.type.is_tensor || a.type.base != ScalarKind::Size) continue;
    if (!holds(p, at, binop(BinOpKind::Lt, int_const(0), u.args[k])))
      return "the size argument " + q(a.name.name()) + " of " + sub->name + " would be " +
             q(print_expr(u.args[k])) + ", which is not provably positive";
  }
  PredInstance inst(sub, u, site);
  KnownConfigs known(p, at, site);
  for (auto& pr : sub->preds) {
    Expr goal = inst.mutate(pr);
    // Config reads become their known values (an equal value there): one query.
    if (!holds(p, at, known.mutate(goal)))
      return "the precondition " + q(print_expr(pr)) + " of " + sub->name + " is not provable here (it reads " +
             q(print_expr(goal)) + ")";
  }
  return "";
}

}  // namespace

Rewrite replace(const Proc& p, const Cursor& block, const Proc& subproc, bool check_memories) {
  const char* prim = "replace";
  // Step 1. Locate: the first len(subproc.body) statements of the selection.
  if (!block.is_stmt() && !block.is_block())
    scheduling_error(prim, p, block, "expected a statement or a block of statements");
  std::vector<Stmt> stmts = resolve_stmts(p, block);
  size_t n = subproc->body.size();
  if (stmts.size() < n)
    scheduling_error(prim, p, block,
                     "the body of " + subproc->name + " has " + std::to_string(n) + " statements, but only " +
                         std::to_string(stmts.size()) + " are selected");
  stmts.resize(n);
  Cursor site = n == 1 ? Cursor::stmt(block.path) : Cursor::block(block.path, static_cast<int>(n));
  // Step 2. Unify, then check the call at the site.
  SiteBuffers buffers = rewrite_detail::site_buffers(p);
  Unification u = rewrite_detail::unify_block(subproc, stmts, buffers);
  if (!u.ok()) scheduling_error(prim, p, site, "cannot unify the code with " + subproc->name + ": " + u.failure);
  std::string why = site_failure(p, block.path, subproc, u, buffers, check_memories);
  if (!why.empty()) scheduling_error(prim, p, site, "cannot call " + subproc->name + " here: " + why);
  // Step 3/4. The call replaces the statements.
  Stmt call = make_stmt<CallNode>(subproc, u.args, stmts[0]->srcinfo);
  return rewrite_detail::keeping_definition_rules(prim, p, block, splice_rewrite(p, block.path, static_cast<int>(n), {call}));
}

Rewrite replace_all(const Proc& p, const Proc& subproc) {
  Rewrite r{p, identity_forward()};
  size_t n = subproc->body.size();
  if (n == 0) return r;
  StmtKind first_kind = subproc->body[0]->kind;
  SiteBuffers buffers = rewrite_detail::site_buffers(p);
  size_t i = 0;
  // Pre-order is outermost first, left to right; after a replacement the next
  // candidate is the statement after the new call.
  for (bool replaced = true; replaced;) {
    replaced = false;
    std::vector<StmtPath> paths = all_stmt_paths(r.proc);
    for (; i < paths.size() && !replaced; ++i) {
      const StmtPath& at = paths[i];
      const Block* b = resolve_parent_block(r.proc, at);
      size_t idx = static_cast<size_t>(at.back().index);
      if ((*b)[idx]->kind != first_kind || idx + n > b->size()) continue;
      Block target(b->begin() + idx, b->begin() + idx + n);
      Unification u = rewrite_detail::unify_block(subproc, target, buffers);
      if (!u.ok() || !site_failure(r.proc, at, subproc, u, buffers).empty()) continue;
      Stmt call = make_stmt<CallNode>(subproc, u.args, target[0]->srcinfo);
      Rewrite step = splice_rewrite(r.proc, at, static_cast<int>(n), {call});
      // A site where the call would break a definition rule (e.g. the same
      // storage passed to two arguments of which one is written) is skipped.
      if (!rewrite_detail::keeps_definition_rules(step.proc, r.proc)) continue;
      r = Rewrite{step.proc, compose(r.forward, step.forward)};
      replaced = true;
    }
  }
  return r;
}

}  // namespace exo
