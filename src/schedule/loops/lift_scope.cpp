// lift_loop_from_if: `if c: for i: A` -> `for i: if c: A`.
// Step 1 locate, Step 2 check, Step 3 build, Step 4 replace + forward.
#include "exo/schedule/lift_scope.h"

#include <algorithm>
#include <cassert>

#include "exo/schedule/match.h"
#include "exo/printer.h"
#include "exo/schedule/loops.h"
#include "schedule/loops/dependence.h"
#include "schedule/loops/substitute.h"
#include "schedule/checks/rewrite_checks.h"

namespace exo {
namespace {

// The if at `at` and the loop at at/body[0] trade places; deeper paths (the
// loop's body, now the if's body) are unchanged.
Forward forward_swap_loop_if(const StmtPath& at) {
  const size_t d = at.size();
  return [=](const Cursor& c) -> Cursor {
    if (!c.valid() || c.path.size() < d || !std::equal(at.begin(), at.end(), c.path.begin()))
      return c;
    if (c.path.size() == d) {
      if (c.is_gap() || c.is_block()) return c;
      Cursor r = c;  // the if: now inside the loop
      r.path.push_back(PathStep{false, 0});
      return r;
    }
    if (c.path.size() == d + 1) {
      if (c.is_gap() || c.is_block()) return Cursor::invalid();
      Cursor r = c;  // the loop: now where the if was
      r.path.pop_back();
      return r;
    }
    return c;
  };
}

}  // namespace

Rewrite lift_loop_from_if(const Proc& p, const Cursor& loop) {
  const char* prim = "lift_scope";
  // Step 1. Locate the loop and the if around it.
  const ForNode* f = rewrite_detail::expect_loop(prim, p, loop);
  Cursor ic = parent(loop);
  if (!ic.valid())
    scheduling_error(prim, p, loop, "Cannot lift scope of top-level statement");
  Stmt is = resolve_stmt(p, ic);
  auto* in = is.as<IfNode>();
  if (!in) scheduling_error(prim, p, ic, "expected the loop to be directly inside an if");
  // Step 2. Check.
  if (!in->orelse.empty())
    scheduling_error(prim, p, ic, "cannot lift for loop when if has an orelse clause");
  if (in->body.size() != 1)
    scheduling_error(prim, p, ic,
                     "expected loop '" + f->iter.name() + "' to be directly nested in the if");
  std::string clash = rewrite_detail::config_clash({in->cond}, f->body);
  if (!clash.empty())
    scheduling_error(prim, p, loop,
                     "cannot lift loop '" + f->iter.name() +
                         "' out of the if: the loop writes config field '" + clash +
                         "', which the condition '" + print_expr(in->cond) +
                         "' reads (it would be read again in every iteration)");
  // Step 3. Build `for i: if c: A`.
  Stmt inner = make_stmt<IfNode>(in->cond, f->body, Block{}, in->srcinfo);
  Stmt lifted = make_stmt<ForNode>(f->iter, f->lo, f->hi, Block{inner}, f->mode, f->srcinfo);
  // Step 4. Replace the if.
  return rewrite_detail::keeping_definition_rules(prim, p, loop, Rewrite{replace_stmt(p, ic.path, lifted), forward_swap_loop_if(ic.path)});
}

Rewrite lift_scope(const Proc& p, const Cursor& scope) {
  Stmt s = resolve_stmt(p, scope);
  bool is_if = s.as<IfNode>() != nullptr;
  assert(is_if || s.as<ForNode>());
  Cursor outer = parent(scope);
  if (!outer.valid())
    scheduling_error("lift_scope", p, scope, "Cannot lift scope of top-level statement");
  if (is_if) return lift_if(p, scope, 1);
  if (resolve_stmt(p, outer).as<ForNode>()) return reorder_loops(p, outer);
  return lift_loop_from_if(p, scope);
}

}  // namespace exo
