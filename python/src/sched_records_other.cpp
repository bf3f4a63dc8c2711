// Records of the cleanup, config, expression and sub-procedure primitives
// (exo/rewrite.h, exo/config_primitives.h, exo/exprs.h, exo/subprocs.h).
// See sched_records.h for the form of a record.
#include "exo/schedule/configs.h"
#include "exo/schedule/exprs.h"
#include "exo/schedule/procs.h"
#include "exo/schedule/subprocs.h"
#include "exo/types.h"
#include "sched_records.h"

namespace exo::python {

using K = ArgKind;

namespace {

void add_cleanup(std::vector<Record>& out) {
  out.push_back({"simplify", "simplify",
                 "Simplifies index, size and boolean arithmetic and removes dead branches and loops "
                 "(never data arithmetic).",
                 {}, {}, [](Call& c) { return c.derive(simplify(c.h.proc)); }});
  out.push_back({"set_precision", "set_precision",
                 "The buffer (an argument name, \"x #1\" or an allocation cursor) gets element type `typ`.",
                 {P("name", K::BufferRef), P("typ", K::Precision)}, {at(0, "cursor"), at(1, "typ")},
                 [](Call& c) {
                   return c.derive(set_precision(c.h.proc, c.a[0].buf, *scalar_kind_from_name(c.a[1].s)));
                 }});
  out.push_back({"set_window", "set_window",
                 "The tensor argument becomes a window argument (or a dense tensor again).",
                 {P("name", K::BufferRef), P("is_window", K::Bool, "True")}, {at(0, "cursor"), at(1, "is_window")},
                 [](Call& c) { return c.derive(set_window(c.h.proc, c.a[0].buf, c.a[1].b)); }});
  out.push_back({"set_memory", "set_memory", "The buffer (argument or allocation) moves to memory class `mem_type`.",
                 {P("name", K::BufferRef), P("mem_type", K::Memory)}, {at(0, "cursor"), at(1, "memory_type")},
                 [](Call& c) { return c.derive(set_memory(c.h.proc, c.a[0].buf, c.a[1].memory)); }});
}

void add_configs(std::vector<Record>& out) {
  out.push_back({"bind_config", "bind_config",
                 "`s[e]` -> `config.field = e; s[config.field]` for the expression `expr`.",
                 {P("expr", K::Expr), P("config", K::Config), P("field", K::Field)},
                 {at(0, "var_cursor"), at(1, "config"), at(2, "field")},
                 [](Call& c) { return c.derive(bind_config(c.h.proc, c.a[0].cursor, c.a[1].config, c.a[2].s)); }});
  out.push_back({"configwrite_root", "", "Inserts `config.field = expr` at the start of the body.",
                 {P("config", K::Config), P("field", K::Field), P("expr", K::ExprText)}, {},
                 [](Call& c) { return c.derive(configwrite_root(c.h.proc, c.a[0].config, c.a[1].s, c.a[2].s)); }});
  out.push_back({"configwrite_after", "", "Inserts `config.field = expr` right after the statement `stmt`.",
                 {P("stmt", K::Stmt), P("config", K::Config), P("field", K::Field), P("expr", K::ExprText)}, {},
                 [](Call& c) {
                   return c.derive(configwrite_after(c.h.proc, c.a[0].cursor, c.a[1].config, c.a[2].s, c.a[3].s));
                 }});
  out.push_back({"", "write_config", "Inserts `config.field = rhs` at the gap.",
                 {P("gap_cursor", K::Gap), P("config", K::Config), P("field", K::Field), P("rhs", K::ExprText)}, {},
                 [](Call& c) {
                   return c.derive(write_config(c.h.proc, c.a[0].cursor, c.a[1].config, c.a[2].s, c.a[3].s));
                 }});
  out.push_back({"delete_config", "delete_config", "Deletes the config write `stmt` when no later read can tell.",
                 {P("stmt", K::Stmt)}, {at(0, "stmt_cursor")},
                 [](Call& c) { return c.derive(delete_config(c.h.proc, c.a[0].cursor)); }});
}

void add_exprs(std::vector<Record>& out) {
  out.push_back({"commute_expr", "commute_expr",
                 "`a + b` -> `b + a`, `a * b` -> `b * a` for each data expression given (a cursor, a list of "
                 "cursors, or a pattern: every match).",
                 {P("expr_cursors", K::ExprRefs)}, {},
                 [](Call& c) {
                   if (c.a[0].cursors.empty()) return c.derive(commute_expr(c.h.proc, c.a[0].s));
                   return c.derive(commute_expr(c.h.proc, c.a[0].cursors));
                 }});
  out.push_back({"left_reassociate_expr", "left_reassociate_expr", "`a + (b + c)` -> `(a + b) + c` (and for `*`).",
                 {P("expr", K::Expr)}, {},
                 [](Call& c) { return c.derive(left_reassociate_expr(c.h.proc, c.a[0].cursor)); }});
  out.push_back({"rewrite_expr", "rewrite_expr",
                 "Replaces the expression by `new_expr`, which must be provably equal to it there.",
                 {P("expr_cursor", K::Expr), P("new_expr", K::ExprText)}, {},
                 [](Call& c) { return c.derive(rewrite_expr(c.h.proc, c.a[0].cursor, c.a[1].s)); }});
  out.push_back({"merge_writes", "merge_writes",
                 "Two adjacent writes of one element become one (`a = b; a += c` -> `a = b + c`, ...).",
                 {P("block_cursor", K::Block)}, {},
                 [](Call& c) { return c.derive(merge_writes(c.h.proc, c.a[0].cursor)); }});
  out.push_back({"split_write", "split_write", "`a = b + c` -> `a = b; a += c` (and `a += b + c` -> `a += b; a += c`).",
                 {P("stmt", K::Stmt)}, {},
                 [](Call& c) { return c.derive(split_write(c.h.proc, c.a[0].cursor)); }});
  out.push_back({"fold_into_reduce", "fold_into_reduce", "`a = a + e` -> `a += e`.", {P("assign", K::Stmt)}, {},
                 [](Call& c) { return c.derive(fold_into_reduce(c.h.proc, c.a[0].cursor)); }});
  out.push_back({"inline_assign", "inline_assign", "`x = e; s` -> `s[x -> e]` for the assignment `alloc_cursor`.",
                 {P("alloc_cursor", K::Stmt)}, {},
                 [](Call& c) { return c.derive(inline_assign(c.h.proc, c.a[0].cursor)); }});
  out.push_back({"lift_reduce_constant", "lift_reduce_constant",
                 "`x = 0; for: x += c * e` -> `x = 0; for: x += e; x = c * x`.", {P("block_cursor", K::Block)}, {},
                 [](Call& c) { return c.derive(lift_reduce_constant(c.h.proc, c.a[0].cursor)); }});
  out.push_back({"insert_noop_call", "insert_noop_call",
                 "Inserts a call of `instr` (whose body is `pass`) with `args` (Exo text: expressions, buffers or "
                 "windows such as \"x[0:8]\") at the gap.",
                 {P("gap_cursor", K::AnyRef), P("instr", K::Procedure), P("args", K::ArgTexts)}, {},
                 [](Call& c) {
                   return c.derive(insert_noop_call(c.h.proc, c.a[0].cursor, c.a[1].proc, c.a[2].strs));
                 }});
}

void add_subprocs(std::vector<Record>& out) {
  out.push_back({"replace", "replace",
                 "Replaces the statement or block by a call to `subproc`, solving its arguments by unification "
                 "with its body.",
                 {P("subproc", K::Procedure), P("stmt", K::Block)},
                 {at(1, "block_cursor"), at(0, "subproc"), ignored("quiet", "False")},
                 // As exo-lang's replace: memories are checked when the proc is compiled
                 // (call_site_mem_aware_replace checks them here).
                 [](Call& c) { return c.derive(replace(c.h.proc, c.a[1].cursor, c.a[0].proc, false)); }});
  out.push_back({"replace_all", "", "Replaces every piece of code that unifies with `subproc`'s body.",
                 {P("subproc", K::Procedure)}, {},
                 [](Call& c) { return c.derive(replace_all(c.h.proc, c.a[0].proc)); }});
  out.push_back({"inline", "inline", "Inlines the call (a pattern like \"foo(_)\" or a cursor).",
                 {P("call_site", K::Call)}, {at(0, "call_cursor")},
                 [](Call& c) { return c.derive(inline_call(c.h.proc, c.a[0].cursor)); }});
  out.push_back({"call_eqv", "call_eqv", "Makes the call call `eqv_proc`, which must be equivalent to its callee.",
                 {P("eqv_proc", K::Procedure), P("call_site", K::Call)}, {at(1, "call_cursor"), at(0, "eqv_proc")},
                 [](Call& c) { return c.derive(call_eqv(c.h.proc, c.a[1].cursor, c.a[0].proc)); }});
  out.push_back({"make_instr", "make_instr", "This procedure as an @instr with the C template `instr_string`.",
                 {text("instr_string", "an instruction macro (i.e. a string with {} escapes)"),
                  text("c_global", "a string", "''")},
                 {at(0, "c_instr"), at(1, "c_global")},
                 [](Call& c) { return c.derive(make_instr(c.h.proc, c.a[0].s, c.a[1].s)); }});
}

}  // namespace

void add_other_records(std::vector<Record>& out) {
  add_cleanup(out);
  add_configs(out);
  add_exprs(out);
  add_subprocs(out);
}

}  // namespace exo::python
