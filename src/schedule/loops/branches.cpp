// lift_if (move an if out of the loop or if around it) and assert_if (keep one
// branch of an if whose condition is provably constant where it runs).
// Each reads: Step 1 locate, Step 2 check, Step 3 build, Step 4 replace + forward.
#include <algorithm>
#include <cassert>

#include "analysis/facts.h"
#include "exo/schedule/match.h"
#include "exo/printer.h"
#include "exo/schedule/loops.h"
#include "schedule/loops/dependence.h"
#include "schedule/loops/substitute.h"

namespace exo {
namespace {

bool has_prefix(const StmtPath& path, const StmtPath& prefix) {
  return path.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}

// A copy of a block with everything it binds renamed apart (for duplicated code).
Block fresh_copy(const Block& b) {
  rewrite_detail::Subst s;
  s.freshen = true;
  return s.mutate_block(b);
}

// Forwarding for an inner statement at outer/step/... trading places with the
// outer statement at `outer`: the outer statement's position now holds the
// inner one and vice versa; `move` maps the first step below `outer` and the one
// below it (old) to the two new steps, or returns false when the position was
// duplicated or removed.
using StepMap =
    std::function<bool(const PathStep& s1, const PathStep& s2, PathStep& n1, PathStep& n2)>;

Forward forward_swap(
    const StmtPath& outer, const PathStep& inner_step, StepMap move_inside,
    std::function<bool(const PathStep& s1, PathStep& n1, PathStep& n2)> move_outer_branch) {
  const size_t d = outer.size();
  return [=](const Cursor& c) -> Cursor {
    if (!c.valid() || !has_prefix(c.path, outer)) return c;
    if (c.path.size() == d) {
      if (c.is_gap() || c.is_block()) return c;
      Cursor r = c;  // the outer statement is now inside the lifted one
      r.path.push_back(PathStep{false, 0});
      return r;
    }
    Cursor r = c;
    if (c.path[d] == inner_step) {
      if (c.path.size() == d + 1) {
        if (c.is_gap() || c.is_block()) return Cursor::invalid();
        r.path.erase(r.path.begin() + d);  // the lifted statement
        return r;
      }
      PathStep n1, n2;
      if (!move_inside(c.path[d], c.path[d + 1], n1, n2)) return Cursor::invalid();
      r.path[d] = n1;
      r.path[d + 1] = n2;
      return r;
    }
    // The outer statement's other branch (if any), now nested one level deeper.
    PathStep n1, n2;
    if (!move_outer_branch(c.path[d], n1, n2)) return Cursor::invalid();
    r.path[d] = n2;
    r.path.insert(r.path.begin() + d, n1);
    return r;
  };
}

// One level of lift_if: the if at `ic` trades places with its parent.
Rewrite lift_once(const Proc& p, const Cursor& ic, int remaining) {
  const char* prim = "lift_if";
  auto* in = rewrite_detail::expect_if(prim, p, ic);
  Cursor pc = parent(ic);
  if (!pc.valid())
    scheduling_error(prim, p, ic,
                     "cannot lift the if " + std::to_string(remaining) +
                         " more level(s): it is at the top level of the procedure");
  Stmt ps = resolve_stmt(p, pc);
  bool in_orelse = ic.path.back().orelse;
  SrcInfo si = ps->srcinfo;
  Stmt lifted;
  Forward fwd;
  if (auto* f = ps.as<ForNode>()) {
    // Step 2. Check: the if is the whole body and its condition is loop-invariant.
    if (f->body.size() != 1)
      scheduling_error(prim, p, pc,
                       "expected if statement to be directly nested in parent: expected the if to be the only statement of loop '" + f->iter.name() + "'");
    if (rewrite_detail::names_used({make_stmt<IfNode>(in->cond, Block{}, Block{}, si)})
            .count(f->iter))
      scheduling_error(prim, p, ic,
                       "if statement depends on iteration variable: cannot lift the if out of loop '" + f->iter.name() + "': its condition '" +
                           print_expr(in->cond) + "' depends on '" + f->iter.name() + "'");
    std::string clash = rewrite_detail::config_clash({in->cond}, f->body);
    if (!clash.empty())
      scheduling_error(prim, p, ic,
                       "cannot lift the if out of loop '" + f->iter.name() +
                           "': the loop writes config field '" + clash +
                           "', which the condition reads");
    // Step 3. Build: `if c: for: A else: for: B`.
    Block orelse;
    if (!in->orelse.empty())
      orelse = {make_stmt<ForNode>(f->iter, f->lo, f->hi, in->orelse, f->mode, f->srcinfo)};
    lifted = make_stmt<IfNode>(
        in->cond, Block{make_stmt<ForNode>(f->iter, f->lo, f->hi, in->body, f->mode, f->srcinfo)},
        orelse, in->srcinfo);
    // Then-branch statements keep their paths; else-branch ones move under the new else.
    fwd = forward_swap(
        pc.path, PathStep{false, 0},
        [](const PathStep& s1, const PathStep& s2, PathStep& n1, PathStep& n2) {
          n1 = PathStep{s2.orelse, 0};
          n2 = PathStep{false, s2.index};
          return true;
        },
        [](const PathStep&, PathStep&, PathStep&) { return false; });
  } else {
    auto* out = ps.as<IfNode>();
    const Block& branch = in_orelse ? out->orelse : out->body;
    if (branch.size() != 1)
      scheduling_error(prim, p, pc,
                       std::string("expected if statement to be directly nested in parent: expected the if to be the only statement of the ") +
                           (in_orelse ? "else branch" : "body") + " of if '" +
                           print_expr(out->cond) + "'");
    // Conditions have no effects, so evaluating the inner one first is always safe.
    auto outer_if = [&](Block body, Block orelse) {
      if (body.empty()) body = {make_stmt<PassNode>(si)};
      return make_stmt<IfNode>(out->cond, std::move(body), std::move(orelse), si);
    };
    if (!in_orelse) {
      // if a: (if b: X else: Y) else: Z  ->  if b: (if a: X else: Z) else: (if a: Y else: Z)
      Block z2 = fresh_copy(out->orelse);
      Block orelse;
      if (!in->orelse.empty() || !out->orelse.empty()) orelse = {outer_if(in->orelse, z2)};
      lifted =
          make_stmt<IfNode>(in->cond, Block{outer_if(in->body, out->orelse)}, orelse, in->srcinfo);
      fwd = forward_swap(
          pc.path, PathStep{false, 0},
          [](const PathStep& s1, const PathStep& s2, PathStep& n1, PathStep& n2) {
            n1 = PathStep{s2.orelse, 0};
            n2 = PathStep{false, s2.index};
            return true;
          },
          [](const PathStep& s1, PathStep& n1, PathStep& n2) {  // Z: its first copy
            n1 = PathStep{false, 0};
            n2 = PathStep{true, s1.index};
            return true;
          });
    } else {
      // if a: X else: (if b: Y else: Z)  ->  if b: (if a: X else: Y) else: (if a: X else: Z)
      lifted = make_stmt<IfNode>(in->cond, Block{outer_if(out->body, in->body)},
                                 Block{outer_if(fresh_copy(out->body), in->orelse)}, in->srcinfo);
      fwd = forward_swap(
          pc.path, PathStep{true, 0},
          [](const PathStep& s1, const PathStep& s2, PathStep& n1, PathStep& n2) {
            n1 = PathStep{s2.orelse, 0};
            n2 = PathStep{true, s2.index};
            return true;
          },
          [](const PathStep& s1, PathStep& n1,
             PathStep& n2) {  // X: its first copy, in the then branch
            n1 = PathStep{false, 0};
            n2 = PathStep{false, s1.index};
            return true;
          });
    }
  }
  // Step 4. Replace the parent by the lifted if.
  return Rewrite{replace_stmt(p, pc.path, lifted), fwd};
}

}  // namespace

Rewrite lift_if(const Proc& p, const Cursor& if_stmt, int n_lifts) {
  assert(n_lifts > 0);  // arguments are checked by the primitive records
  rewrite_detail::expect_if("lift_if", p, if_stmt);
  Rewrite r{p, identity_forward()};
  Cursor at = if_stmt;
  for (int k = 0; k < n_lifts; ++k) {
    Rewrite step = lift_once(r.proc, at, n_lifts - k);
    r = Rewrite{step.proc, compose(r.forward, step.forward)};
    at = parent(at);
  }
  return r;
}

Rewrite assert_if(const Proc& p, const Cursor& c, bool cond) {
  const char* prim = "assert_if";
  // Step 1. Locate.
  auto* in = rewrite_detail::expect_if(prim, p, c);
  // Step 2. Check: the condition has that value wherever the if runs.
  bool ok = cond ? analysis::provable_at(p, c.path, in->cond)
                 : analysis::refutable_at(p, c.path, in->cond);
  if (!ok)
    scheduling_error(prim, p, c,
                     "cannot assert that the condition '" + print_expr(in->cond) + "' is always " +
                         (cond ? "True" : "False") + " here: it is not provable");
  // Step 3/4. Keep the chosen branch in place of the if.
  const Block& kept = cond ? in->body : in->orelse;
  if (kept.empty() && resolve_parent_block(p, c.path)->size() == 1)
    return splice_rewrite(p, c.path, 1, {make_stmt<PassNode>(in->srcinfo)});
  return Rewrite{splice_block(p, c.path, 1, kept),
                 forward_unwrap(c.path, !cond, static_cast<int>(kept.size()))};
}

}  // namespace exo
