// Records of the loop primitives (exo/scheduling.h, exo/loops_extra.h,
// exo/lift_scope.h). See sched_records.h for the form of a record.
#include "exo/schedule/lift_scope.h"
#include "exo/schedule/loop_ranges.h"
#include "exo/schedule/match.h"
#include "exo/schedule/loops.h"
#include "sched_records.h"

namespace exo::python {

using K = ArgKind;

void add_loop_records(std::vector<Record>& out) {
  const std::vector<std::string> tails = {"cut", "guard", "cut_and_guard"};
  out.push_back({"rename", "rename", "The procedure under a new name.", {P("new_name", K::Ident)},
                 {at(0, "name")},
                 [](Call& c) { return c.derive(rename_proc(c.h.proc, c.a[0].s)); }});
  out.push_back({"delete_pass", "delete_pass",
                 "Removes `pass` statements (and loops or ifs left with nothing to do).", {},
                 {}, [](Call& c) { return c.derive(delete_pass(c.h.proc)); }});
  out.push_back({"reorder_stmts", "reorder_stmts",
                 "Swaps two adjacent statements (the second right after the first) when they commute.",
                 {P("stmt1", K::Stmt), P("stmt2", K::Stmt)},
                 {at(0, P("block_cursor", K::StmtPair))},
                 [](Call& c) { return c.derive(reorder_stmts(c.h.proc, c.a[0].cursor, c.a[1].cursor)); }});
  out.push_back({"reorder_before", "", "Moves `stmt` before the statement preceding it, when they commute.",
                 {P("stmt", K::Stmt)}, {},
                 [](Call& c) { return c.derive(reorder_before(c.h.proc, c.a[0].cursor)); }});
  out.push_back({"unroll", "unroll_loop",
                 "Replaces a loop with constant bounds by one copy of its body per iteration.",
                 {P("loop", K::Loop)}, {at(0, "loop_cursor")},
                 [](Call& c) { return c.derive(unroll_loop(c.h.proc, c.a[0].cursor)); }});
  out.push_back({"split", "divide_loop",
                 "`for i` -> `for io: for ii in seq(0, split_const)` with i = split_const * io + ii.",
                 {P("loop", K::Loop), P("split_const", K::PosInt), P("iter_vars", K::IdentPair),
                  choice("tail", tails, "'guard'"), P("perfect", K::Bool, "False")},
                 {at(0, "loop_cursor"), at(1, "div_const"), at(2, "new_iters"), at(3, "tail"), at(4, "perfect")},
                 [](Call& c) {
                   return c.derive(split_loop(c.h.proc, c.a[0].cursor, c.a[1].i, c.a[2].strs[0], c.a[2].strs[1],
                                              c.a[3].s, c.a[4].b));
                 }});
  out.push_back({"fuse_loop", "fuse",
                 "Fuses two adjacent loops with equal bounds (or two ifs with the same condition).",
                 {P("loop1", K::LoopOrStmt), P("loop2", K::LoopOrStmt)},
                 {at(0, "stmt1"), at(1, "stmt2"), ignored("unsafe_disable_check", "False")},
                 [](Call& c) { return c.derive(fuse_loop(c.h.proc, c.a[0].cursor, c.a[1].cursor)); }});
  out.push_back({"partition_loop", "",
                 "Splits `for i in seq(lo, hi)` into [lo, lo + num) and [lo + num, hi).",
                 {P("loop", K::Loop), P("num", K::NonNegInt)}, {},
                 [](Call& c) { return c.derive(partition_loop(c.h.proc, c.a[0].cursor, c.a[1].i)); }});
  out.push_back({"cut_loop", "cut_loop",
                 "Splits `for i in seq(lo, hi)` into [lo, cut_point) and [cut_point, hi).",
                 {P("loop", K::Loop), P("cut_point", K::IndexText)}, {at(0, "loop_cursor"), at(1, "cut_point")},
                 [](Call& c) { return c.derive(cut_loop(c.h.proc, c.a[0].cursor, c.a[1].s)); }});
  out.push_back({"reorder", "reorder_loops",
                 "Interchanges loop1 and loop2 (directly nested in it); also reorder(\"i j\").",
                 {P("loop1", K::LoopsShape), P("loop2", K::Raw, "None")}, {at(0, "nested_loops")},
                 [](Call& c) {
                   const Proc& p = c.h.proc;
                   py::handle l1 = c.a[0].obj, l2 = c.a[1].obj;
                   if (c.a[1].none) {
                     if (py::isinstance<py::str>(l1)) return c.derive(reorder_loops(p, l1.cast<std::string>()));
                     return c.derive(reorder_loops(p, c.convert(0, l1, P("loop1", K::Loop)).cursor));
                   }
                   Cursor outer = c.convert(0, l1, P("loop1", K::Loop)).cursor;
                   if (py::isinstance<py::str>(l2) && is_plain_name(l2.cast<std::string>()))
                     return c.derive(reorder_loops(p, outer, l2.cast<std::string>()));
                   return c.derive(reorder_loops(p, outer, c.convert(1, l2, P("loop2", K::Loop)).cursor));
                 }});
  out.push_back({"fission_after", "",
                 "Splits the n_lifts loops (or if bodies) enclosing `stmt` right after it.",
                 {P("stmt", K::Stmt), P("n_lifts", K::Count, "1")}, {},
                 [](Call& c) {
                   return c.derive(fission_after(c.h.proc, c.a[0].cursor, static_cast<int>(c.a[1].i)));
                 }});
  out.push_back({"", "fission", "Splits the n_lifts loops (or if bodies) enclosing the gap there.",
                 {P("gap_cursor", K::GapBetween), P("n_lifts", K::Count, "1"),
                  ignored("unsafe_disable_checks", "False")},
                 {},
                 [](Call& c) {
                   return c.derive(fission_after(c.h.proc, c.a[0].cursor, static_cast<int>(c.a[1].i)));
                 }});
  out.push_back({"remove_loop", "remove_loop", "Replaces a loop by one run of its (idempotent) body.",
                 {P("loop", K::Loop)}, {at(0, "loop_cursor"), ignored("unsafe_disable_check", "False")},
                 [](Call& c) { return c.derive(remove_loop(c.h.proc, c.a[0].cursor)); }});
  out.push_back({"lift_if", "", "Moves an if out of the n_lifts loops or ifs enclosing it.",
                 {P("if_", K::Stmt), P("n_lifts", K::Count, "1")}, {},
                 [](Call& c) { return c.derive(lift_if(c.h.proc, c.a[0].cursor, static_cast<int>(c.a[1].i))); }});
  out.push_back({"assert_if", "",
                 "Keeps the body (cond=True) or else branch (cond=False) of an if, when provable.",
                 {P("if_", K::Stmt), P("cond", K::Bool)}, {},
                 [](Call& c) { return c.derive(assert_if(c.h.proc, c.a[0].cursor, c.a[1].b)); }});
  out.push_back({"", "lift_scope",
                 "Moves a loop or if out of the loop or if around it (lift_if, a loop interchange, "
                 "or a loop out of an if).",
                 {P("scope_cursor", K::Scope)}, {},
                 [](Call& c) { return c.derive(lift_scope(c.h.proc, c.a[0].cursor)); }});
  // loops_extra
  out.push_back({"parallelize_loop", "parallelize_loop",
                 "`seq` -> `par`, when distinct iterations are independent.", {P("loop_cursor", K::Loop)}, {},
                 [](Call& c) { return c.derive(parallelize_loop(c.h.proc, c.a[0].cursor)); }});
  out.push_back({"shift_loop", "shift_loop",
                 "`for i in seq(lo, hi)` -> `seq(new_lo, new_lo + hi - lo)`, the body using i + (lo - new_lo).",
                 {P("loop_cursor", K::Loop), P("new_lo", K::StrictText)}, {},
                 [](Call& c) { return c.derive(shift_loop(c.h.proc, c.a[0].cursor, c.a[1].s)); }});
  out.push_back({"join_loops", "join_loops",
                 "Two adjacent loops with equal bodies over [lo, mid) and [mid, hi) -> one over [lo, hi).",
                 {P("loop1_cursor", K::Loop), P("loop2_cursor", K::Loop)}, {},
                 [](Call& c) { return c.derive(join_loops(c.h.proc, c.a[0].cursor, c.a[1].cursor)); }});
  out.push_back({"mult_loops", "mult_loops",
                 "`for i: for j in seq(0, c)` -> `for k in seq(0, e * c)` with i = k / c, j = k % c.",
                 {P("nested_loops", K::LoopNest), P("new_iter_name", K::Ident)}, {},
                 [](Call& c) { return c.derive(mult_loops(c.h.proc, c.a[0].cursor, c.a[1].s)); }});
  out.push_back({"insert_pass", "insert_pass", "Inserts `pass` at a gap.", {P("gap_cursor", K::Gap)}, {},
                 [](Call& c) { return c.derive(insert_pass(c.h.proc, c.a[0].cursor)); }});
  out.push_back({"eliminate_dead_code", "eliminate_dead_code",
                 "Replaces an if whose condition is decided by its branch, removes a loop that never runs.",
                 {P("stmt_cursor", K::LoopOrStmt)}, {},
                 [](Call& c) { return c.derive(eliminate_dead_code(c.h.proc, c.a[0].cursor)); }});
  out.push_back({"specialize", "specialize", "`B` -> `if c0: B elif c1: B ... else: B`.",
                 {P("block", K::Block), P("conds", K::CondList)}, {},
                 [](Call& c) { return c.derive(specialize(c.h.proc, c.a[0].cursor, c.a[1].strs)); }});
  out.push_back({"add_unsafe_guard", "add_unsafe_guard",
                 "Wraps the block in `if var_expr:` WITHOUT checking that this keeps the results.",
                 {P("block_cursor", K::Block), P("var_expr", K::StrictText)}, {},
                 [](Call& c) { return c.derive(add_unsafe_guard(c.h.proc, c.a[0].cursor, c.a[1].s)); }});
  out.push_back({"add_loop", "add_loop",
                 "Wraps a block in `for iter_name in seq(0, hi_expr)` (guard: the body under "
                 "`if iter_name == 0`). The checks are always made; unsafe_disable_check is accepted "
                 "for compatibility only.",
                 {P("block_cursor", K::Block), P("iter_name", K::Ident), P("hi_expr", K::StrictText),
                  P("guard", K::Bool, "False"), ignored("unsafe_disable_check", "False")},
                 {},
                 [](Call& c) {
                   return c.derive(add_loop(c.h.proc, c.a[0].cursor, c.a[1].s, c.a[2].s, c.a[3].b));
                 }});
  out.push_back({"autofission", "autofission",
                 "fission at a gap, n_lifts levels, dropping loops that a part does not need.",
                 {P("gap_cursor", K::Gap), P("n_lifts", K::Count, "1")}, {},
                 [](Call& c) {
                   return c.derive(autofission(c.h.proc, c.a[0].cursor, static_cast<int>(c.a[1].i)));
                 }});
  out.push_back({"divide_with_recompute", "divide_with_recompute",
                 "`for i in seq(0, hi)` -> `for io in seq(0, outer_hi): for ii in seq(0, outer_stride + hi - "
                 "outer_hi * outer_stride)` with i = outer_stride * io + ii (some iterations run again).",
                 {P("loop_cursor", K::Loop), P("outer_hi", K::StrictText), P("outer_stride", K::PosInt),
                  P("new_iters", K::IdentPair)},
                 {},
                 [](Call& c) {
                   return c.derive(divide_with_recompute(c.h.proc, c.a[0].cursor, c.a[1].s, c.a[2].i,
                                                         c.a[3].strs[0], c.a[3].strs[1]));
                 }});
}

}  // namespace exo::python
