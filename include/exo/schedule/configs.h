#pragma once
// Configuration primitives: insert, bind and delete writes of config fields.
//
// A config field is global state: it survives from one statement to the next,
// across calls, and past the end of the proc (the caller sees it). Every
// primitive here changes which value a field holds between two points, so each
// checks the reference's condition (Check_DeleteConfigWrite):
//
//  - the change is harmless when the field provably already holds the value
//    (deleting `C.f = e` or inserting it where C.f == e is known);
//  - otherwise no later read may see it: a read of the field after the point
//    (in the rest of the proc, in later iterations of enclosing loops, inside
//    callees) that is not preceded on every path by a write of the field is a
//    refusal naming the reading statement;
//  - when the field is not definitely overwritten before the proc returns, the
//    caller sees a different value: the rewrite is accepted (as the reference
//    does) and its result is equivalent to the original modulo that field
//    (ProcNode::eqv_config_changes): call_eqv swaps them only where the caller
//    never reads the field before writing it.
//
// Writes are refused for configs declared readwrite=False (written by the host).

#include <optional>
#include <string>

#include "exo/schedule/cursor.h"
#include "exo/loopir.h"
#include "exo/scope.h"

namespace exo {

// `s[e]` -> `config.field = e; s[config.field]`, for the expression `expr` (an
// Expr cursor or pattern) and `s` the statement containing it. `e` must be a
// read of a data variable or element, or a bool variable, of the field's type,
// not depending on an enclosing loop iterator (config writes may not), and not a
// call argument (those are passed by reference).
Rewrite bind_config(const Proc& p, const Cursor& expr, const ConfigPtr& config, const std::string& field);

// Inserts `config.field = expr` at the start of the body; `expr` is Exo text over
// the proc's arguments (other names resolve through `scope`, builtins if null).
Rewrite configwrite_root(const Proc& p, const ConfigPtr& config, const std::string& field, const std::string& expr,
                         const Scope* scope = nullptr);

// Inserts `config.field = expr` right after the statement `stmt`.
Rewrite configwrite_after(const Proc& p, const Cursor& stmt, const ConfigPtr& config, const std::string& field,
                          const std::string& expr, const Scope* scope = nullptr);

// Inserts `config.field = expr` at the gap `gap` (a Gap cursor), as the
// reference's write_config; `expr` is Exo text over the proc's arguments.
Rewrite write_config(const Proc& p, const Cursor& gap, const ConfigPtr& config, const std::string& field,
                     const std::string& expr, const Scope* scope = nullptr);

// Deletes the config write `stmt` (`config.field = _`).
Rewrite delete_config(const Proc& p, const Cursor& stmt);

// What may happen to `config.field` after the gap `gap` of p (the rest of the
// proc, later iterations of enclosing loops, callees and their preconditions):
// Read, some statement may read it before any write (`reader` receives its
// path); Killed, every path writes it first; Open, neither, so the value at the
// gap may outlive p.
enum class FieldFate { Read, Killed, Open };
FieldFate config_field_after(const Proc& p, const StmtPath& gap, const ConfigPtr& config, const std::string& field,
                             StmtPath* reader = nullptr);

// The value `config.field` provably holds before the statement at `at` (or the
// gap at a block's end), as an expression meaning the same everywhere in p
// (constants, control arguments, strides, data arguments p never writes);
// nullopt when it is not known.
std::optional<Expr> config_value_before(const Proc& p, const StmtPath& at, const ConfigPtr& config,
                                        const std::string& field);

// Whether `config.field` provably holds one value before the statement at `at`
// (or the gap at a block's end) in both a and b (two versions of one proc).
bool same_config_value_at(const Proc& a, const Proc& b, const StmtPath& at, const ConfigPtr& config,
                          const std::string& field);

}  // namespace exo
